"""Written opinions on the merits, kept by part (Art. 32): the petitioner's request, the facts
and reasons, the opinion (support / explain / not support) and its legal basis. A document
prints each part under its heading, so a missing part is refused, never left blank."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.platform.errors import BadRequest
from xinfang.platform.matters import vocabulary
from xinfang.platform.matters.models import Matter, MatterOpinion

PARTS = {"request": "信访人投诉请求", "facts": "事实和理由", "result": "处理意见(予以支持、解释说明或不予支持)",
         "basis": "法律法规依据"}
STAGES = {"opinion": "信访处理意见书", "review": "复查意见书", "rereview": "复核意见书"}
MAX_PART = 8000


def parts(payload: dict[str, Any], stage: str) -> dict[str, str]:
    """The four parts from a request body; 400 naming every missing or wrong part."""
    found = {key: str(payload.get(key) or "").strip() for key in PARTS}
    missing = [label for key, label in PARTS.items() if not found[key]]
    if missing:
        raise BadRequest(f"{STAGES[stage]}缺少:{'、'.join(missing)}(条例第三十二条)",
                         details=[{"field": k, "message": f"请填写{v}"} for k, v in PARTS.items() if not found[k]])
    vocabulary.check(vocabulary.OPINION_RESULTS, found["result"], "处理意见")
    if any(len(v) > MAX_PART for v in found.values()):
        raise BadRequest(f"意见书每部分不超过{MAX_PART}字")
    return {**found, "text": str(payload.get("opinion") or "").strip()}


def record(session: Session, matter: Matter, stage: str, given: dict[str, str], on: dt.date, node_id: int | None,
           outside_body: str = "") -> MatterOpinion:
    opinion = MatterOpinion(matter_id=matter.id, stage=stage, node_id=node_id, outside_body=outside_body,
                            issued_on=on, **given)
    session.add(opinion)
    return opinion


def latest(session: Session, matter: Matter, stage: str) -> MatterOpinion | None:
    return session.scalar(select(MatterOpinion).where(MatterOpinion.matter_id == matter.id,
                                                      MatterOpinion.stage == stage)
                          .order_by(MatterOpinion.id.desc()).limit(1))


def to_dict(o: MatterOpinion) -> dict:
    return {"id": o.id, "stage": o.stage, "stage_label": STAGES[o.stage], "node_id": o.node_id,
            "outside_body": o.outside_body, "request": o.request, "facts": o.facts, "result": o.result,
            "result_label": vocabulary.label(vocabulary.OPINION_RESULTS, o.result), "basis": o.basis,
            "text": o.text, "issued_on": o.issued_on.isoformat(), "event_id": o.event_id}


def summary(given: dict[str, str]) -> dict:
    """What the timeline entry of an opinion carries."""
    return {"result": given["result"], "result_label": vocabulary.OPINION_RESULTS[given["result"]]}
