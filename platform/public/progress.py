"""What the holder of a matter's number and 查询码 sees: its milestones, the opinions and the
documents addressed to them, and which opinions they may still rate.

Built from a whitelist: only the timeline's public steps, each with the body that acted (never
a person), the reason where the statute says the petitioner is told one (不予受理, 延期), and
nothing else of the record. For an accusation (检举控告) no handling body is named at all
beyond the office that registered it (条例第三十条), so nothing leads to the handling staff.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.platform.documents.models import DONE, Document
from xinfang.platform.matters import opinions, vocabulary
from xinfang.platform.matters.documents import issuer_name
from xinfang.platform.matters.models import Matter, MatterEvent, MatterOpinion
from xinfang.platform.matters.states import STATES
from xinfang.platform.public.models import RATINGS, STEPS, MatterEvaluation
from xinfang.tenants.models import Node

# timeline action -> what the petitioner reads (other entries of the timeline are internal)
MILESTONES = {
    "register": "已登记", "assign": "已转送交办", "return": "承办单位退回,重新转送交办", "accept": "已受理",
    "not_accept": "不予受理", "transfer_discipline": "已移送纪检监察机关依规办理",
    "discipline_feedback": "纪检监察机关已反馈办理结果", "answer_suggestion": "已答复建议意见",
    "classify": "已分类处理(条例第三十一条)", "perform": "已依法履行职责或答复", "mediate": "调解和解结案",
    "extend": "延长办理期限", "pause": "听证,办理期限中止", "resume": "听证结束,办理期限恢复",
    "reply": "已出具处理意见书", "deliver": "已送达", "request_review": "已申请复查",
    "review_reply": "已出具复查意见书", "request_rereview": "已申请复核", "rereview_reply": "已出具复核意见书(终结)",
    "close": "已办结",
}
# the steps that name the body that acted, and those whose reason the petitioner is told (Arts. 23, 34)
NAMED = frozenset({"register", "assign", "accept", "not_accept", "answer_suggestion", "perform", "mediate", "extend",
                   "reply", "review_reply", "rereview_reply"})
WITH_REASON = frozenset({"not_accept", "extend"})
# documents written to the petitioner (the 转送交办单 and 督办函 are between bodies)
PETITIONER_DOCUMENTS = ("matter_receipt", "matter_acceptance", "matter_non_acceptance", "matter_extension",
                        "matter_opinion", "matter_review_opinion", "matter_rereview_opinion", "matter_agreement")


def _names(session: Session, ids: set[int]) -> dict[int, str]:
    rows = session.scalars(select(Node).where(Node.id.in_(ids))).all() if ids else []
    return {n.id: issuer_name(n) for n in rows}


def _milestone(event: MatterEvent, names: dict[int, str], accusation: bool, first: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"on": event.on.isoformat(), "step": event.action, "label": MILESTONES[event.action]}
    if event.action in NAMED and (not accusation or first):
        acting = (event.data or {}).get("lead_unit_id") if event.action == "assign" else event.node_id
        if acting:
            item["body"] = names.get(acting)
    if event.action in WITH_REASON and event.note.strip():
        item["reason"] = event.note.strip()
    if event.action == "extend":
        item["until"] = (event.data or {}).get("to")
    return item


def documents_for(session: Session, matter: Matter) -> list[Document]:
    return list(session.scalars(
        select(Document).where(Document.subject.like(f"matter:{matter.id}%"), Document.status == DONE,
                               Document.kind.in_(PETITIONER_DOCUMENTS))
        .order_by(Document.created_at, Document.id)))


def evaluable(session: Session, matter: Matter) -> list[str]:
    """The steps whose opinion is out and not yet rated."""
    issued = set(session.scalars(select(MatterOpinion.stage).where(MatterOpinion.matter_id == matter.id)))
    rated = set(session.scalars(select(MatterEvaluation.step).where(MatterEvaluation.matter_id == matter.id)))
    return [s for s in STEPS if s in issued and s not in rated]


def view(session: Session, matter: Matter) -> dict[str, Any]:
    accusation = matter.kind == "accusation"
    events = [e for e in session.scalars(select(MatterEvent).where(MatterEvent.matter_id == matter.id)
                                         .order_by(MatterEvent.at, MatterEvent.id)) if e.action in MILESTONES]
    names = _names(session, {i for e in events for i in (e.node_id, (e.data or {}).get("lead_unit_id")) if i})
    found = session.scalars(select(MatterOpinion).where(MatterOpinion.matter_id == matter.id)
                            .order_by(MatterOpinion.id)).all()
    names |= _names(session, {o.node_id for o in found if o.node_id} - set(names))
    rated = session.scalars(select(MatterEvaluation).where(MatterEvaluation.matter_id == matter.id)
                            .order_by(MatterEvaluation.id)).all()
    return {
        "number": matter.number,
        "kind_label": vocabulary.label(vocabulary.KINDS, matter.kind),
        "channel_label": vocabulary.label(vocabulary.CHANNELS, matter.channel),
        "received_on": matter.received_on.isoformat(),
        "state_label": STATES[matter.state],
        "due_on": matter.due_on.isoformat() if matter.due_on and matter.state in ("handling", "reviewing",
                                                                                  "rereviewing") else None,
        "milestones": [_milestone(e, names, accusation, e.action == "register") for e in events],
        "opinions": [{"step": o.stage, "label": opinions.STAGES[o.stage], "issued_on": o.issued_on.isoformat(),
                      "body": None if accusation else (o.outside_body or names.get(o.node_id or 0)),
                      "result_label": vocabulary.label(vocabulary.OPINION_RESULTS, o.result),
                      "request": o.request, "facts": o.facts, "opinion": o.text, "basis": o.basis} for o in found],
        "documents": [{"id": d.id, "title": d.title, "number": d.number, "code": d.code,
                       "date": (d.inputs or {}).get("date")} for d in documents_for(session, matter)],
        "evaluations": [{"step": r.step, "step_label": STEPS[r.step], "rating": r.rating,
                         "rating_label": RATINGS[r.rating], "comment": r.comment,
                         "at": r.created_at.isoformat()} for r in rated],
        "may_evaluate": [{"step": s, "label": STEPS[s]} for s in evaluable(session, matter)],
    }
