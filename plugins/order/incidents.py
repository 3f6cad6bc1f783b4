"""Incident records and what follows them, in the order Art. 47 allows.

- A record is a draft, seen by its recorder, the county's legal reviewers and the supervisors,
  until a reviewer confirms its facts and clause. A rejected draft is deleted with everything
  attached, its audit details erased; one ``incident_rejected`` record keeps the decision.
- Staff respond with 劝阻, 批评 or 教育 (¶1) and nothing else; an 教育 is a session with its
  content and duration.
- A referral to the public security organs (¶2) needs a confirmed record and either a prior
  staff response or an on-site emergency reason, which a reviewer examines afterwards.
- What waits for the county's legal reviewers (a draft, an emergency referral, an objection)
  is announced to them when it is recorded, in the same transaction (waiting.py).
- Nothing here touches a petition matter: the incident only reads the people's matters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.platform.api import (
    COLUMN,
    PERSON_FIELDS,
    Actor,
    BadRequest,
    Campaign,
    Conflict,
    Document,
    Forbidden,
    Level,
    Matter,
    MatterClock,
    Node,
    Person,
    Scope,
    ScopedSession,
    Viewer,
    campaigns,
    clock,
    erase_details,
    get_or_404,
    person_matters_query,
    record,
    storage_root,
    store_by_digest,
)
from xinfang.plugins.order import waiting
from xinfang.plugins.order.catalogue import county_of
from xinfang.plugins.order.models import (
    OWN_ROWS,
    Behaviour,
    Evidence,
    Incident,
    IncidentPerson,
    Objection,
    Referral,
    Response,
)
from xinfang.plugins.order.vocabulary import (
    CLAUSE_SHORT,
    CLAUSES,
    ERASED,
    GROUNDS,
    KEY,
    OBJECTION_STATUSES,
    RESPONSES,
    REVIEW_STATES,
    STATUSES,
)

READ, RECORD, REVIEW = "petition_order:read", "petition_order:record", "petition_order:review"
DRAFTS = "petition_order_drafts:read"
EVIDENCE_FOLDER = "petition_order"
REJECTED_REASON = "信访秩序整治记录经审核不予确认,依规清除其中的个人信息"


def _name(actor: Actor) -> str:
    return actor.display_name or actor.username


def _covers(actor: Actor, permission: str, row: Incident) -> bool:
    return any(a.level is not None and getattr(row, COLUMN[Level(a.level)]) == a.node_id
               for a in actor.holding(permission))


def reviews(actor: Actor, incident: Incident) -> bool:
    """The actor is a legal reviewer of the incident's county (its review decisions are theirs)."""
    return _covers(actor, REVIEW, incident)


def sees(actor: Actor, incident: Incident) -> bool:
    """A draft is seen by its recorder, the reviewers and the supervisors; a confirmed record by
    every holder of the campaign's read permission in scope (the route's session checks that)."""
    return (incident.status != "draft" or incident.recorded_by_id == actor.user_id
            or _covers(actor, DRAFTS, incident))


def get_incident(db: Session, actor: Actor, incident_id: int) -> Incident:
    return get_or_404(db, Incident, incident_id, "信访秩序整治记录", accept=lambda i: sees(actor, i))


def campaign_of(db: Session, campaign_id: int) -> Campaign:
    return get_or_404(db, Campaign, campaign_id, "信访秩序集中整治活动", accept=lambda c: c.type_key == KEY,
                      message="信访秩序集中整治活动不存在或不在您的范围内")


# --- recording ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentIn:
    node_id: int
    behaviour_id: int
    occurred_on: dt.date
    place: str
    account: str
    person_ids: tuple[int, ...]


def record_incident(db: ScopedSession, actor: Actor, campaign: Campaign, data: IncidentIn) -> Incident:
    node = get_or_404(db, Node, data.node_id, "发生地单位")
    if campaign.status != "active":
        raise Conflict("该活动已结束,不能再登记")
    if not campaigns.in_scope(db, campaign, node):
        raise BadRequest(f"{node.name}不在本次活动范围内")
    last = campaign.closed_on or campaign.ends_on
    if not campaign.starts_on <= data.occurred_on <= min(last, clock.today()):
        raise BadRequest("发生日期应在活动期间内且不晚于今天")
    with db.reading_as(Scope.system()) as whole:  # the county's catalogue sits at the county node
        behaviour = whole.get(Behaviour, data.behaviour_id)
    with_county = behaviour is not None and behaviour.node_id == county_of(node)
    if not with_county:
        raise BadRequest("请从本县行为目录中选择行为(目录中的每种行为都注明了条例条款)")
    if not data.place.strip() or not data.account.strip():
        raise BadRequest("请填写发生地点和经过")
    if not data.person_ids:
        raise BadRequest("请至少关联一名涉及人员的信访人档案")
    people = [get_or_404(db, Person, pid, "信访人档案") for pid in dict.fromkeys(data.person_ids)]
    incident = Incident(node_id=node.id, campaign_id=campaign.id, behaviour_id=behaviour.id, clause=behaviour.clause,
                        occurred_on=data.occurred_on, place=data.place.strip(), account=data.account.strip(),
                        status="draft", recorded_by_id=actor.user_id, recorded_by=_name(actor))
    db.add(incident)
    db.flush()
    for person in people:
        db.add(IncidentPerson(node_id=node.id, incident_id=incident.id, person_id=person.id))
    db.flush()
    waiting.tell(db, [waiting.draft(incident)])
    return incident


def _draft_only(incident: Incident, actor: Actor, what: str) -> None:
    if incident.status == "anonymised":
        raise Conflict("该记录已过保存期限并匿名化,不能再修改")
    if incident.status == "draft" and incident.recorded_by_id != actor.user_id:
        raise Forbidden(f"待审核的记录只能由登记人{what}")


def add_evidence(db: Session, actor: Actor, incident: Incident, files: list[tuple[str, bytes]]) -> list[Evidence]:
    _draft_only(incident, actor, "补充证据")
    if not files:
        raise BadRequest("请选择证据文件")
    root, rows = storage_root(db), []
    for filename, content in files:
        if not content:
            raise BadRequest(f"文件“{filename}”是空的")
        digest, path = store_by_digest(root, EVIDENCE_FOLDER, content)
        rows.append(Evidence(node_id=incident.node_id, incident_id=incident.id, filename=(filename or "证据")[:200],
                             sha256=digest, path=path, size=len(content), added_by=_name(actor)))
    db.add_all(rows)
    db.flush()
    return rows


# --- review -----------------------------------------------------------------------------------------


def review(db: Session, actor: Actor, incident: Incident, confirm: bool, note: str) -> Incident | None:
    """Confirm the facts and the clause, or reject: a rejected draft is gone, only the decision stays."""
    if not _covers(actor, REVIEW, incident):
        raise Forbidden("只有本县的法制审核员可以审核记录")
    if incident.status != "draft":
        raise Conflict("该记录已审核")
    if not confirm and not note.strip():
        raise BadRequest("不予确认的,请写明理由")
    if confirm:
        if not db.scalar(select(Evidence.id).where(Evidence.incident_id == incident.id).limit(1)):
            raise BadRequest("该记录没有证据材料,不能确认;请登记人补充证据,或不予确认")
        incident.status, incident.reviewed_by, incident.reviewed_at = "confirmed", _name(actor), clock.now()
        incident.review_note = note.strip()
        db.flush()
        record(db, action="incident_confirmed", object_type="po_incidents", object_id=incident.id,
               node_id=incident.node_id, after={"clause": incident.clause, "reviewer": _name(actor)})
        return incident
    decision = {"decision": "rejected", "clause": incident.clause, "behaviour_id": incident.behaviour_id,
                "occurred_on": incident.occurred_on.isoformat(), "recorded_by": incident.recorded_by,
                "reviewer": _name(actor), "reason": note.strip()[:500]}
    node_id, incident_id = incident.node_id, incident.id
    erase_personal_data(db, incident, REJECTED_REASON, delete_rows=True)
    waiting.forget(db, incident_id)
    record(db, action="incident_rejected", object_type="po_incidents", object_id=incident_id, node_id=node_id,
           after=decision)
    return None


def erase_personal_data(db: Session, incident: Incident, reason: str, delete_rows: bool) -> int:
    """Clear everything personal about an incident: its people, account, place, what they were
    told, objections and evidence files, and the audit details that copied them.

    ``delete_rows``: the whole record goes (a rejected draft); otherwise the structure stays
    for the figures (anonymisation after the retention period). Returns the details erased."""
    root = storage_root(db)
    evidence = db.scalars(select(Evidence).where(Evidence.incident_id == incident.id)).all()
    for item in evidence:
        others = db.scalar(select(Evidence.id).where(Evidence.sha256 == item.sha256, Evidence.id != item.id,
                                                     Evidence.path != "").limit(1),
                           execution_options={"skip_scope": True})
        if item.path and others is None:
            (root / item.path).unlink(missing_ok=True)
    children = {model: db.scalars(select(model).where(model.incident_id == incident.id)).all() for model in OWN_ROWS}
    notices = db.scalars(select(Document).where(Document.subject.like(f"{KEY}:incident:{incident.id}:%"))).all()
    for notice in notices:  # the notices to the people name them: gone with the record's personal data
        if notice.file_path:
            (root / notice.file_path).unlink(missing_ok=True)
        db.delete(notice)
    if delete_rows:
        for model in OWN_ROWS:
            for row in children[model]:
                db.delete(row)
        db.flush()
        db.delete(incident)
    else:
        for row in children[IncidentPerson]:
            db.delete(row)
        for item in children[Evidence]:
            item.filename, item.path = ERASED, ""
        for response in children[Response]:
            response.person_id, response.told, response.staff = None, ERASED, ERASED
        for referral in children[Referral]:
            referral.emergency_reason = ERASED if referral.emergency_reason else ""
            referral.outcome = ERASED if referral.outcome else ""
            referral.review_note = ERASED if referral.review_note else ""
        for objection in children[Objection]:
            db.delete(objection)
        incident.place, incident.account, incident.review_note = ERASED, ERASED, ERASED if incident.review_note else ""
        incident.status, incident.anonymised_at = "anonymised", clock.now()
    db.flush()
    erased = erase_details(db, "po_incidents", incident.id, reason)
    for notice in notices:
        erased += erase_details(db, "documents", notice.id, reason)
    for model in OWN_ROWS:
        for row in children[model]:
            erased += erase_details(db, model.__tablename__, row.id, reason)
    return erased


# --- Art. 47 -------------------------------------------------------------------------------------------


def _person_of(db: Session, incident: Incident, person_id: int | None) -> int | None:
    if person_id is None:
        return None
    linked = db.scalar(select(IncidentPerson.id).where(IncidentPerson.incident_id == incident.id,
                                                       IncidentPerson.person_id == person_id))
    if linked is None:
        raise BadRequest("该人员不是本记录涉及的人员")
    return person_id


def respond(db: Session, actor: Actor, incident: Incident, kind: str, person_id: int | None, given_at: dt.datetime,
            staff: str, told: str, minutes: int | None) -> Response:
    """Art. 47 ¶1: 劝阻, 批评 or 教育 — nothing else can be recorded as the staff's response."""
    _draft_only(incident, actor, "登记处置")
    if kind not in RESPONSES:
        raise BadRequest("工作人员的处置只能是《信访工作条例》第四十七条第一款规定的劝阻、批评或者教育"
                         "(不得记录限制人身自由、“学习班”“训诫”等条例未规定的措施)")
    if not told.strip():
        raise BadRequest("请写明对当事人说了什么(劝阻、批评或教育的内容)")
    if kind == "educate" and not minutes:
        raise BadRequest("教育须登记为当事人参加的一次教育谈话:请填写时长(分钟)")
    if given_at > clock.now():
        raise BadRequest("处置时间不能晚于现在")
    if given_at.astimezone(clock.CHINA).date() < incident.occurred_on:
        raise BadRequest("处置时间不能早于事件发生日期")
    row = Response(node_id=incident.node_id, incident_id=incident.id, person_id=_person_of(db, incident, person_id),
                   kind=kind, given_at=given_at, staff=(staff.strip() or _name(actor))[:64], told=told.strip(),
                   minutes=minutes if kind == "educate" else None, recorded_by=_name(actor))
    db.add(row)
    db.flush()
    return row


def refer(db: Session, actor: Actor, incident: Incident, ground: str, referred_at: dt.datetime,
          emergency_reason: str) -> Referral:
    """Art. 47 ¶2: only on a confirmed record, after a staff response or for an on-site emergency."""
    if incident.status != "confirmed":
        raise Conflict("记录尚未经法制审核员确认,不能移送公安机关")
    if ground not in GROUNDS:
        raise BadRequest("移送公安机关须属于条例第四十七条第二款的情形:" + "、".join(GROUNDS.values()))
    if db.scalar(select(Referral.id).where(Referral.incident_id == incident.id)) is not None:
        raise Conflict("该记录已移送公安机关")
    if referred_at > clock.now():
        raise BadRequest("移送时间不能晚于现在")
    prior = db.scalar(select(Response.id).where(Response.incident_id == incident.id,
                                                Response.given_at <= referred_at).limit(1))
    reason = emergency_reason.strip()
    if prior is None and not reason:
        raise BadRequest("移送公安机关前,工作人员应先行劝阻、批评或者教育(条例第四十七条第一款);"
                         "现场情况紧急来不及的,请写明紧急情况,事后由法制审核员审查")
    row = Referral(node_id=incident.node_id, incident_id=incident.id, ground=ground, referred_at=referred_at,
                   after_response=prior is not None, emergency_reason=reason,
                   review="" if prior is not None else "pending", referred_by=_name(actor))
    db.add(row)
    db.flush()
    if row.review == "pending":
        waiting.tell(db, [waiting.referral(incident, row)])
    return row


def referral_of(db: Session, incident: Incident) -> Referral:
    row = db.scalar(select(Referral).where(Referral.incident_id == incident.id))
    if row is None:
        raise Conflict("该记录没有移送公安机关")
    return row


def _decision(actor: Actor, incident: Incident, pending: bool, note: str, what: str) -> str:
    """What every decision of a reviewer after confirmation checks; returns the reviewer's name."""
    if not _covers(actor, REVIEW, incident):
        raise Forbidden(f"只有本县的法制审核员可以{what}")
    if not pending:
        raise Conflict(f"不需要{what},或已经完成")
    if not note.strip():
        raise BadRequest("请写明审查(复核)意见")
    return _name(actor)


def review_referral(db: Session, actor: Actor, incident: Incident, upheld: bool, note: str) -> Referral:
    row = referral_of(db, incident)
    row.reviewed_by = _decision(actor, incident, row.review == "pending", note, "事后审查紧急移送")
    row.review, row.review_note = ("upheld" if upheld else "not_upheld"), note.strip()
    db.flush()
    return row


def referral_outcome(db: Session, actor: Actor, incident: Incident, outcome: str, on: dt.date) -> Referral:
    row = referral_of(db, incident)
    if not outcome.strip():
        raise BadRequest("请填写公安机关反馈的处理结果")
    if on > clock.today() or on < row.referred_at.astimezone(clock.CHINA).date():
        raise BadRequest("反馈日期应在移送之后、不晚于今天")
    row.outcome, row.outcome_on = outcome.strip(), on
    db.flush()
    return row


# --- the person's side ------------------------------------------------------------------------------------


def object_to(db: Session, actor: Actor, incident: Incident, person_id: int, received_on: dt.date,
              text: str) -> Objection:
    if incident.status != "confirmed":
        raise Conflict("只能对已确认的记录提出异议")
    if not text.strip():
        raise BadRequest("请填写异议内容")
    if received_on > clock.today():
        raise BadRequest("收到日期不能晚于今天")
    row = Objection(node_id=incident.node_id, incident_id=incident.id,
                    person_id=_person_of(db, incident, person_id) or person_id, received_on=received_on,
                    text=text.strip(), recorded_by=_name(actor))
    db.add(row)
    db.flush()
    waiting.tell(db, [waiting.objection(incident, row)])
    return row


def review_objection(db: Session, actor: Actor, incident: Incident, objection_id: int, upheld: bool,
                     note: str) -> Objection:
    row = db.scalar(select(Objection).where(Objection.id == objection_id, Objection.incident_id == incident.id))
    if row is None:
        raise BadRequest("本记录没有这条异议")
    row.reviewed_by = _decision(actor, incident, row.status == "pending", note, "复核当事人的异议")
    row.status, row.review_note = ("upheld" if upheld else "dismissed"), note.strip()
    db.flush()
    return row


# --- reading ----------------------------------------------------------------------------------------------


def audit_reads(db: Session, incidents: Iterable[Incident], how: str) -> None:
    """Every read of an incident is in the audit log (one record per incident shown)."""
    for incident in incidents:
        record(db, action="incident_read", object_type="po_incidents", object_id=incident.id,
               node_id=incident.node_id, after={"how": how})


def people_of(db: Session, incident_ids: list[int]) -> dict[int, list[Person]]:
    links = db.execute(select(IncidentPerson.incident_id, Person).join(Person, Person.id == IncidentPerson.person_id)
                       .where(IncidentPerson.incident_id.in_(incident_ids)).order_by(Person.id)).all()
    found: dict[int, list[Person]] = {}
    for incident_id, person in links:
        found.setdefault(incident_id, []).append(person)
    return found


def _person(person: Person) -> dict:
    shown = PERSON_FIELDS.redact(person.to_dict(), Viewer())  # the campaign never needs them whole
    return {"id": person.id, "name": person.name, "id_number": shown["id_number"]}


def _matters(db: Session, people: list[Person]) -> list[dict]:
    """The people's own matters as the viewer may see them: their state and clocks, untouched."""
    rows: dict[int, Matter] = {}
    for person in people:
        for m in db.scalars(person_matters_query(person.id_number)):
            rows.setdefault(m.id, m)
    clocks: dict[int, list[MatterClock]] = {}
    for c in db.scalars(select(MatterClock).where(MatterClock.matter_id.in_(list(rows)))
                        .order_by(MatterClock.id)):
        clocks.setdefault(c.matter_id, []).append(c)
    return [{"id": m.id, "number": m.number, "state": m.state, "summary": m.summary,
             "clocks": [{"kind": c.kind, "due_on": c.due_on.isoformat(), "state": c.state,
                         "stopped_on": c.stopped_on.isoformat() if c.stopped_on else None}
                        for c in clocks.get(m.id, [])]} for m in rows.values()]


def to_dict(db: Session, incident: Incident, behaviours: dict[int, Behaviour], people: list[Person],
            detail: bool = False) -> dict:
    behaviour = behaviours.get(incident.behaviour_id)
    body = {
        "id": incident.id, "campaign_id": incident.campaign_id, "node_id": incident.node_id,
        "status": incident.status, "status_text": STATUSES[incident.status],
        "behaviour_id": incident.behaviour_id, "behaviour": behaviour.name if behaviour else "",
        "clause": incident.clause, "clause_short": CLAUSE_SHORT[incident.clause], "clause_text": CLAUSES[incident.clause],
        "occurred_on": incident.occurred_on.isoformat(), "place": incident.place, "account": incident.account,
        "recorded_by": incident.recorded_by, "recorded_at": incident.recorded_at.isoformat(),
        "reviewed_by": incident.reviewed_by, "reviewed_at": incident.reviewed_at.isoformat() if incident.reviewed_at else None,
        "review_note": incident.review_note, "people": [_person(p) for p in people],
    }
    if not detail:
        return body
    evidence = db.scalars(select(Evidence).where(Evidence.incident_id == incident.id).order_by(Evidence.id)).all()
    responses = db.scalars(select(Response).where(Response.incident_id == incident.id)
                           .order_by(Response.given_at, Response.id)).all()
    referral = db.scalar(select(Referral).where(Referral.incident_id == incident.id))
    objections = db.scalars(select(Objection).where(Objection.incident_id == incident.id).order_by(Objection.id)).all()
    return {**body,
            "evidence": [{"id": e.id, "filename": e.filename, "sha256": e.sha256, "size": e.size, "added_by": e.added_by}
                         for e in evidence],
            "responses": [{"id": r.id, "kind": r.kind, "kind_text": RESPONSES[r.kind], "person_id": r.person_id,
                           "given_at": r.given_at.isoformat(), "staff": r.staff, "told": r.told, "minutes": r.minutes}
                          for r in responses],
            "referral": None if referral is None else {
                "ground": referral.ground, "ground_text": GROUNDS[referral.ground],
                "referred_at": referral.referred_at.isoformat(), "after_response": referral.after_response,
                "emergency_reason": referral.emergency_reason, "review": referral.review,
                "review_text": REVIEW_STATES.get(referral.review, ""), "review_note": referral.review_note,
                "reviewed_by": referral.reviewed_by, "outcome": referral.outcome,
                "outcome_on": referral.outcome_on.isoformat() if referral.outcome_on else None,
                "referred_by": referral.referred_by},
            "objections": [{"id": o.id, "person_id": o.person_id, "received_on": o.received_on.isoformat(),
                            "text": o.text, "status": o.status, "status_text": OBJECTION_STATUSES[o.status],
                            "review_note": o.review_note, "reviewed_by": o.reviewed_by} for o in objections],
            "matters": _matters(db, people)}

