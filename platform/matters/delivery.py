"""送达: when, how and with what proof a written answer reached the petitioner. The windows
for requesting 复查/复核 run from this date (Arts. 35–36: 自收到书面答复之日起), not from
the date the answer was signed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.platform.errors import BadRequest, Conflict
from xinfang.platform.matters import vocabulary
from xinfang.platform.matters.models import Matter, MatterDelivery, MatterEvent
from xinfang.platform.matters.states import ANSWERS

# the request window each delivered answer opens for the petitioner
WINDOWS = {"reply": "review_window", "review_reply": "rereview_window"}


def pending_answer(session: Session, matter: Matter, event_id: Any = None) -> MatterEvent:
    """The answer to record the delivery of: the one named, else the latest not yet delivered."""
    delivered = set(session.scalars(select(MatterDelivery.event_id).where(MatterDelivery.matter_id == matter.id)))
    answers = list(session.scalars(select(MatterEvent).where(MatterEvent.matter_id == matter.id,
                                                             MatterEvent.action.in_(ANSWERS))
                                   .order_by(MatterEvent.id.desc())))
    if event_id not in (None, ""):
        chosen = [a for a in answers if str(a.id) == str(event_id)]
        if not chosen:
            raise BadRequest("指定的书面答复不存在")
        if chosen[0].id in delivered:
            raise Conflict("该书面答复已登记送达")
        return chosen[0]
    for answer in answers:
        if answer.id not in delivered:
            return answer
    raise Conflict("没有待登记送达的书面答复")


def method_and_proof(payload: dict[str, Any]) -> tuple[str, str]:
    method = vocabulary.check(vocabulary.DELIVERY_METHODS, str(payload.get("method") or ""), "送达方式")
    proof = str(payload.get("proof") or "").strip()
    if not proof:
        raise BadRequest("请填写送达凭证(如签收回执、邮寄单号、电子送达记录)")
    return method, proof


def listing(session: Session, matter: Matter) -> list[dict]:
    rows = session.scalars(select(MatterDelivery).where(MatterDelivery.matter_id == matter.id)
                           .order_by(MatterDelivery.id))
    return [{"event_id": d.event_id, "delivered_on": d.delivered_on.isoformat(), "method": d.method,
             "method_label": vocabulary.label(vocabulary.DELIVERY_METHODS, d.method), "proof": d.proof,
             "recorded_by": d.recorded_by} for d in rows]
