"""The intake room's flow (seed 002: 受理分流原则、工作流程、办理回报和归档):

registered → triaged as one of
  dispatch  — a dispatch notice to the competent unit, which reports back (办理回报);
  on_spot   — settled in the room;
  matter    — registered as a petition matter in one step;
  guide     — steered to the legal channel (诉讼、仲裁、复议 …);
→ archived once settled (a dispatched case only after the unit has reported back).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor
from xinfang.platform.calendar.service import WorkCalendar
from xinfang.platform.column_checks import too_long
from xinfang.platform.errors import BadRequest, Conflict
from xinfang.platform.intake.models import VISITOR_FIELDS, DispatchNotice, IntakeCase
from xinfang.platform.matters.conversion import Options, Source, open_matter
from xinfang.platform.matters.rules import visit_problems
from xinfang.platform.notifications.service import notify
from xinfang.platform.people.files import Party, party_problems, person_file
from xinfang.platform.privacy.fields import Viewer
from xinfang.platform.web.inputs import Bounded, Code, Count, Days, Id, IdNumber, Line, LongText, Name, Note, Phone
from xinfang.tenants.levels import Level
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node

TRIAGE = {"dispatch": "分流交办", "on_spot": "当场调处化解", "matter": "登记为信访事项",
          "guide": "引导通过法定途径解决"}
STATUSES = {"registered": "已登记待分流", "dispatched": "已分流待回报", "resolved": "已当场化解",
            "converted": "已登记为信访事项", "guided": "已引导至法定途径", "archived": "已归档"}
OUTCOMES = {"resolved": "已化解", "partly": "部分化解", "unresolved": "未化解"}
NOTICE_STATUSES = {"issued": "待回报", "returned": "已回报"}
INTAKE_LEVELS = (Level.COUNTY, Level.TOWNSHIP)
UNIT_LEVELS = (Level.DEPARTMENT, Level.TOWNSHIP, Level.VILLAGE)
DEFAULT_DAYS = 15


@dataclasses.dataclass
class CaseIn(Bounded):
    node_id: Id
    visitor_name: Name
    category: Code
    summary: LongText
    received_on: dt.date | None = None
    visitor_id_number: IdNumber = ""
    visitor_phone: Phone = ""
    visitor_address: Line = ""
    headcount: Count = 1
    demands: LongText = ""


@dataclasses.dataclass
class TriageIn(Bounded):
    decision: Note
    note: Note = ""
    unit_id: Id | None = None  # dispatch: the competent unit
    due_on: dt.date | None = None  # dispatch: by when the unit reports back
    days: Days = DEFAULT_DAYS  # dispatch: or within this many days
    requirements: Note = ""
    kind: Code = "claim"  # matter: its kind
    on: dt.date | None = None


@dataclasses.dataclass
class ReturnIn(Bounded):
    outcome: Code
    result: Note
    on: dt.date | None = None


def register(session: Session, actor: Actor, data: CaseIn, today: dt.date) -> IntakeCase:
    node = get_or_404(session, Node, data.node_id, "单位")
    received = data.received_on or today
    party = Party(data.visitor_name, data.visitor_id_number, data.visitor_phone, data.visitor_address)
    problems = party_problems(party, "来访人")
    if node.level not in INTAKE_LEVELS:
        problems.append("矛盾纠纷受理室设在县(市、区)或乡镇(街道)")
    problems += visit_problems(session, node, data.category, data.summary, data.headcount)
    if received > today:
        problems.append("受理日期不能晚于今天")
    problems += too_long(IntakeCase, dataclasses.asdict(data), {"visitor_phone": "联系电话", "visitor_address": "住址"},
                         skip=("visitor_id_number",))
    if problems:
        raise BadRequest(";".join(problems), details=[{"message": p} for p in problems])
    party = party.cleaned()
    person = person_file(session, node.id, party)
    case = IntakeCase(node_id=node.id, received_on=received, person_id=person.id if person else None,
                      visitor_name=party.name, visitor_id_number=party.id_number, visitor_phone=party.phone,
                      visitor_address=party.address, headcount=data.headcount, category=data.category,
                      summary=data.summary.strip(), demands=data.demands.strip(), created_by=actor.username)
    session.add(case)
    session.flush()
    case.number = f"{node.code}-SL-{received.year}-{case.id:06d}"
    session.flush()
    return case


def triage(session: Session, actor: Actor, case: IntakeCase, data: TriageIn, today: dt.date,
           calendar: WorkCalendar) -> DispatchNotice | None:
    if case.status != "registered":
        raise Conflict(f"该来访已分流({STATUSES.get(case.status, case.status)}),不能重复分流")
    if data.decision not in TRIAGE:
        raise BadRequest(f"分流方式应为:{'、'.join(f'{k}({v})' for k, v in TRIAGE.items())}")
    on = data.on or today
    if on > today or on < case.received_on:
        raise BadRequest("分流日期应在受理日期和今天之间")
    if data.decision in ("on_spot", "guide") and not data.note.strip():
        raise BadRequest("请填写" + ("调处化解情况" if data.decision == "on_spot" else "引导的法定途径和告知情况"))
    notice = None
    if data.decision == "dispatch":
        notice = _dispatch(session, case, data, on, calendar)
        case.status = "dispatched"
    elif data.decision == "matter":
        matter = open_matter(session, actor, Source(
            kind="intake", id=case.id, label="由矛盾纠纷受理室登记转入", node_id=case.node_id, received_on=case.received_on,
            category=case.category, summary=case.summary, demands=case.demands,
            party=Party(case.visitor_name, case.visitor_id_number, case.visitor_phone, case.visitor_address),
            headcount=case.headcount, existing_matter_id=case.matter_id), Options(kind=data.kind))
        case.matter_id, case.status = matter.id, "converted"
    else:
        case.status = "resolved" if data.decision == "on_spot" else "guided"
    case.triage, case.triage_note, case.triaged_on, case.triaged_by = (data.decision, data.note.strip(), on,
                                                                        actor.display_name)
    session.flush()
    return notice


def _dispatchable(case: IntakeCase) -> tuple:
    """The units a case may be dispatched to: a department, township or village of the case's
    county other than the room itself (and, as every read, in the session's scope)."""
    return Node.level.in_(UNIT_LEVELS), Node.id != case.node_id, Node.county_id == case.county_id


def dispatch_units(session: Session, case: IntakeCase) -> list:
    """What the dispatch form offers (id, name, level): the units ``_dispatch`` accepts from
    this session — read it under the scope of ``intake:write``, the triage's own."""
    return list(session.execute(select(Node.id, Node.name, Node.level).where(*_dispatchable(case))
                                .order_by(Node.level, Node.code)).all())


def _dispatch(session: Session, case: IntakeCase, data: TriageIn, on: dt.date, calendar: WorkCalendar) -> DispatchNotice:
    unit = get_or_404(session, Node, data.unit_id, "承办单位", message="承办单位不存在或不在本受理室的分流范围内")
    if session.scalar(select(Node.id).where(Node.id == unit.id, *_dispatchable(case))) is None:
        raise BadRequest("承办单位应为本级管辖的部门、乡镇(街道)或村(社区)")
    if data.due_on is not None:
        due = data.due_on
        if due <= on:
            raise BadRequest("回报期限应晚于分流日期")
    else:
        if not 1 <= data.days <= 90:
            raise BadRequest("回报期限应为1至90日")
        due = calendar.deadline(on, data.days).due
    notice = DispatchNotice(node_id=unit.id, case_id=case.id, issuer_node_id=case.node_id, issued_on=on, due_on=due,
                            requirements=data.requirements.strip() or data.note.strip(),
                            visitor_name=case.visitor_name, visitor_phone=case.visitor_phone,
                            headcount=case.headcount, category=case.category, summary=case.summary,
                            demands=case.demands)
    session.add(notice)
    session.flush()
    notice.number = f"{case.number}-{notice.id}"
    room = session.get(Node, case.node_id)
    notify(session, node_id=unit.id, kind="assigned", dedupe_key=f"intake:{notice.id}:issued",
           title=f"分流指派:{notice.number}",
           text=f"{room.name if room else ''}矛盾纠纷受理室将一件“{case.category}”问题来访分流指派本单位办理,"
                f"请于{due.year}年{due.month}月{due.day}日前办理并回报。")
    return notice


def report_back(session: Session, actor: Actor, notice: DispatchNotice, data: ReturnIn, today: dt.date) -> DispatchNotice:
    """办理回报 by the unit."""
    if notice.status == "returned":
        raise Conflict("该通知单已回报")
    if data.outcome not in OUTCOMES:
        raise BadRequest(f"办理结果应为:{'、'.join(f'{k}({v})' for k, v in OUTCOMES.items())}")
    if not data.result.strip():
        raise BadRequest("请填写办理情况")
    on = data.on or today
    if on > today or on < notice.issued_on:
        raise BadRequest("回报日期应在分流日期和今天之间")
    notice.status, notice.outcome, notice.result, notice.returned_on = "returned", data.outcome, data.result.strip(), on
    notice.returned_by = actor.display_name
    session.flush()
    return notice


def archive(session: Session, case: IntakeCase, today: dt.date) -> IntakeCase:
    if case.status == "archived":
        raise Conflict("该来访已归档")
    if case.status == "registered":
        raise Conflict("尚未分流,不能归档")
    if case.status == "dispatched":
        pending = session.scalar(select(DispatchNotice.id).where(DispatchNotice.case_id == case.id,
                                                                 DispatchNotice.status != "returned"))
        if pending is not None:
            raise Conflict("承办单位尚未回报办理情况,不能归档")
    case.status, case.archived_on = "archived", today
    session.flush()
    return case


def notice_dict(notice: DispatchNotice, names: dict[int, str], today: dt.date, viewer: Viewer | None = None) -> dict:
    row = {"id": notice.id, "number": notice.number, "case_id": notice.case_id, "unit_id": notice.node_id,
           "unit_name": names.get(notice.node_id, ""), "issuer_node_id": notice.issuer_node_id,
           "issuer_name": names.get(notice.issuer_node_id, ""), "issued_on": notice.issued_on.isoformat(),
           "due_on": notice.due_on.isoformat(), "requirements": notice.requirements,
           "visitor_name": notice.visitor_name, "visitor_phone": notice.visitor_phone, "headcount": notice.headcount,
           "category": notice.category, "summary": notice.summary, "demands": notice.demands,
           "status": notice.status, "status_label": NOTICE_STATUSES.get(notice.status, notice.status),
           "overdue": notice.status != "returned" and notice.due_on < today,
           "returned_on": notice.returned_on.isoformat() if notice.returned_on else None,
           "outcome": notice.outcome, "outcome_label": OUTCOMES.get(notice.outcome, ""), "result": notice.result,
           "returned_by": notice.returned_by, "title": "矛盾纠纷受理分流指派通知单"}
    return VISITOR_FIELDS.redact(row, viewer or Viewer())


def case_dict(case: IntakeCase, notices: list[DispatchNotice], names: dict[int, str], matter_number: str | None,
              today: dt.date) -> dict:
    row = {"id": case.id, "number": case.number, "node_id": case.node_id, "node_name": names.get(case.node_id, ""),
           "received_on": case.received_on.isoformat(), "person_id": case.person_id,
           "visitor_name": case.visitor_name, "visitor_id_number": case.visitor_id_number,
           "visitor_phone": case.visitor_phone, "visitor_address": case.visitor_address,
           "headcount": case.headcount, "category": case.category, "summary": case.summary, "demands": case.demands,
           "triage": case.triage, "triage_label": TRIAGE.get(case.triage, ""), "triage_note": case.triage_note,
           "triaged_on": case.triaged_on.isoformat() if case.triaged_on else None, "triaged_by": case.triaged_by,
           "status": case.status, "status_label": STATUSES.get(case.status, case.status),
           "matter_id": case.matter_id, "matter_number": matter_number,
           "archived_on": case.archived_on.isoformat() if case.archived_on else None,
           "returned": bool(notices) and all(n.status == "returned" for n in notices),
           "notices": [notice_dict(n, names, today) for n in notices], "created_by": case.created_by}
    return VISITOR_FIELDS.redact(row, Viewer())
