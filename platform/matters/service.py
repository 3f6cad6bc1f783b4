"""Registering a matter and moving it through its lifecycle.

Every change goes through ``act()``: it checks the transition table (409 with a clear
message otherwise), the actor's permission at the node the act concerns, the act's own
conditions (windows, extension once, Art. 19 and 终结), then moves the clocks, writes the
timeline entry and refreshes the matter's deadline summary. The ORM writes are audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor, authorize
from xinfang.platform import clock
from xinfang.platform.accounts.models import User
from xinfang.platform.audit.log import record
from xinfang.platform.calendar.service import WorkCalendar, load_calendar
from xinfang.platform.db import queue_for
from xinfang.platform.documents.service import new_code
from xinfang.platform.errors import BadRequest, Conflict, Forbidden, NotFound
from xinfang.platform.matters import clocks, delivery, joint, opinions, recusals, repeats, review, views, vocabulary
from xinfang.platform.matters.models import (
    Matter,
    MatterAccess,
    MatterAgreement,
    MatterCounter,
    MatterDelivery,
    MatterEvent,
    MatterPetitioner,
    MatterUnit,
)
from xinfang.platform.matters.rules import Rules, rules_for
from xinfang.platform.matters.states import REVIEW_ACTS, STATES, TRANSITIONS, allowed, refusal
from xinfang.platform.notifications.service import notify
from xinfang.platform.people.files import Party, person_file
from xinfang.platform.privacy.identity import id_number_problem, phone_problem
from xinfang.platform.web.inputs import Bounded, Code, Count, Id, IdNumber, Line, LongText, Name, Phone, Title
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node
from xinfang.tenants.scope import node_by_id


@dataclass
class PetitionerIn:
    name: Name
    id_number: IdNumber
    phone: Phone = ""
    address: Line = ""
    representative: bool = False


@dataclass
class MatterIn(Bounded):
    node_id: Id
    channel: Code
    form: Code
    kind: Code
    category: Code
    summary: LongText
    petitioners: list[PetitionerIn]
    demands: LongText = ""
    headcount: Count = 1
    overreach: Code = "none"
    joint_signature: bool = False
    law_related: bool = False
    received_on: dt.date | None = None
    accused_node_id: Id | None = None
    accused_description: Line = ""
    accused_user_ids: list[Id] = field(default_factory=list)
    attachments: list[Line] = field(default_factory=list)
    place_node_id: Id | None = None  # 问题所在地; the registering node when not given
    # Art. 22 (三): transferred from a body outside the platform, with the deadline it set
    transfer_body: Title = ""
    transfer_doc_no: Line = ""
    transfer_due_on: dt.date | None = None


@dataclass
class Context:
    """What every act needs: the session, who acts, their calendar and county rules."""

    session: Session
    actor: Actor
    calendar: WorkCalendar
    rules: Rules
    # changes that must wait until the act's timeline entry is written (e.g. losing access)
    afterwards: list[Any] = field(default_factory=list)
    event: MatterEvent | None = None  # the act's timeline entry, once written


def context(session: Session, actor: Actor, matter_or_county: Matter | int | None) -> Context:
    county = matter_or_county.county_id if isinstance(matter_or_county, Matter) else matter_or_county
    return Context(session, actor, load_calendar(session), rules_for(session, county))


def _node(session: Session, node_id: int | None, what: str = "节点") -> Node:
    return get_or_404(session, Node, node_id, what)


def _effective(on: dt.date | None) -> dt.date:
    day = on or clock.today()
    if day > clock.today():
        raise BadRequest("日期不能晚于今天")
    return day


def _check_petitioners(data: MatterIn) -> list[str]:
    problems = []
    if not data.petitioners:
        problems.append("至少需要登记一名信访人")
    for n, p in enumerate(data.petitioners, start=1):
        if not p.name.strip():
            problems.append(f"第{n}名信访人:姓名不能为空")
        if (problem := id_number_problem(p.id_number)) is not None:
            problems.append(f"第{n}名信访人:{problem}")
        if p.phone and (problem := phone_problem(p.phone)) is not None:
            problems.append(f"第{n}名信访人:{problem}")
    if data.form == "collective":
        if data.headcount < 2:
            problems.append("集体访应填写来访人数(2人及以上)")
        if sum(p.representative for p in data.petitioners) > vocabulary.MAX_REPRESENTATIVES:
            problems.append(f"集体访推选的代表不得超过{vocabulary.MAX_REPRESENTATIVES}人(条例第二十条)")
    return problems


def register(session: Session, actor: Actor, data: MatterIn) -> Matter:
    """Register a matter; ``session.info["registered"]`` keeps what was written beside it (for
    the answer) unless it joined a chain of repeats, whose entries the answer reads back."""
    node = _node(session, data.node_id, "登记单位")
    if not authorize(actor, node, "matters", "register"):
        raise Forbidden("您不能在该单位登记信访事项")
    for vocab, key, what in ((vocabulary.CHANNELS, data.channel, "信访渠道"), (vocabulary.FORMS, data.form, "信访形式"),
                             (vocabulary.KINDS, data.kind, "事项类别"), (vocabulary.OVERREACH, data.overreach, "越级情况")):
        vocabulary.check(vocab, key, what)
    ctx = context(session, actor, node.county_id or node.id)
    problems = _check_petitioners(data)
    if data.category not in ctx.rules.categories:
        problems.append(f"问题分类应为本县设置的分类之一:{'、'.join(ctx.rules.categories)}")
    if not data.summary.strip():
        problems.append("事项摘要不能为空")
    if (data.accused_node_id is not None or data.accused_user_ids) and data.kind != "accusation":
        problems.append("只有检举控告类事项才填写被检举单位或被检举人")
    if data.transfer_due_on is not None and not data.transfer_body.strip():
        problems.append("填写了上级指定的反馈期限,请同时填写转送、交办机关")
    if problems:
        raise BadRequest(";".join(problems), details=[{"message": p} for p in problems])
    received = _effective(data.received_on)
    if data.accused_node_id is not None and node_by_id(session, data.accused_node_id) is None:
        raise NotFound("被检举单位不存在")
    place = _place(session, node, data.place_node_id)
    accused_users = sorted(set(data.accused_user_ids))
    if accused_users and len(session.execute(select(User.id).where(User.id.in_(accused_users)),
                                             execution_options={"skip_scope": True}).all()) != len(accused_users):
        raise NotFound("被检举人账号不存在")
    if data.transfer_due_on is not None and data.transfer_due_on < received:
        raise BadRequest("上级指定的反馈期限不能早于收到日期")

    # Everything read first; the county's number is taken last, right before the matter's rows
    # are written, so on PostgreSQL the county's counter row (and at commit its audit chain
    # head) stays locked for the inserts alone.
    parties = [Party(p.name, p.id_number, p.phone, p.address) for p in data.petitioners]
    earlier = repeats.same_problem(session, node.ancestry_with_self().get("county_id"), data.category,
                                   [party.cleaned().id_number for party in parties])
    duties = [clocks.new(None, "dispose", node.id, received, ctx.calendar, ctx.rules.counting_rule)]
    if data.transfer_due_on is not None:
        duties.append(clocks.new_until(None, "feedback", node.id, received, data.transfer_due_on))
    due_on, deadline_state = clocks.summary(duties, clock.today(), ctx.rules.due_soon_days)
    number = _next_number(session, node, received.year)
    # under the county's number lock: two clerks registering the same new person at once
    # share one file (opened before it, the second one's file would collide with the first's);
    # a new file is written with the matter's row, in one flush
    persons = [person_file(session, node.id, party, flush=False) for party in parties]
    matter = Matter(number=number, query_code=new_code(), node_id=node.id,
                    channel=data.channel,
                    form=data.form, headcount=max(data.headcount, len(data.petitioners)), kind=data.kind,
                    category=data.category, summary=data.summary.strip(), demands=data.demands.strip(),
                    overreach=data.overreach, joint_signature=data.joint_signature, law_related=data.law_related,
                    attachments=list(data.attachments), accused_node_id=data.accused_node_id,
                    accused_description=data.accused_description.strip(), accused_user_ids=accused_users,
                    place_node_id=place.id, transfer_body=data.transfer_body.strip(),
                    transfer_doc_no=data.transfer_doc_no.strip(), transfer_due_on=data.transfer_due_on,
                    received_on=received, created_by=actor.username, repeat_of_id=None, repeat_count=1,
                    is_first=True, due_on=due_on, deadline_state=deadline_state)
    session.add(matter)
    session.flush()
    session.add(MatterAccess(subject_id=matter.id, node_id=node.id, reason="owner"))
    petitioners = [MatterPetitioner(matter_id=matter.id, person_id=person.id, name=person.name,
                                    id_number=person.id_number, phone=p.phone.strip(), address=p.address.strip(),
                                    representative=p.representative)
                   for p, person in zip(data.petitioners, persons, strict=True)]
    session.add_all(petitioners)
    for duty in duties:
        duty.matter_id = matter.id
        session.add(duty)
    event = _event(ctx, matter, "register", "登记", None, "registered", received, node.id)
    if earlier:
        session.flush()
        repeats.detect(session, actor, matter, node, earlier)
    else:
        session.info[REGISTERED] = views.Registered(petitioners, duties, [event], [node, place])
    return matter


REGISTERED = "matters_registered"


def _place(session: Session, node: Node, place_id: int | None) -> Node:
    """问题所在地: any node of the registering node's county (it may lie outside the office's own
    subtree, e.g. a county office registering a village's problem, or a village's neighbour)."""
    if place_id is None:
        return node
    place = node_by_id(session, place_id)
    if place is None or (place.county_id or place.id) != (node.county_id or node.id):
        raise BadRequest("问题所在地应为本县(市、区)内的节点")
    return place


def _next_number(session: Session, node: Node, year: int) -> str:
    """``<county code>-<year>-<sequence>``: one upsert that locks the county's counter row for
    the year until the commit (numbers stay gapless: a rolled-back registration returns its own)."""
    conn = session.connection()
    county_id = node.county_id or node.id
    queue_for(conn, (MatterCounter.__tablename__, county_id))  # in the process's queue, not PostgreSQL's
    last = conn.execute(_take_number(conn.dialect.name), {"county": county_id, "year": year}).scalar_one()
    return f"{node.code[:6]}-{year}-{last:06d}"


@cache
def _take_number(dialect: str) -> Any:
    """The counter upsert, built once per dialect (building it cost as much as running it)."""
    table = MatterCounter.__table__
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return (insert(table).values(county_id=bindparam("county"), year=bindparam("year"), last=1)
            .on_conflict_do_update(index_elements=[table.c.county_id, table.c.year], set_={"last": table.c.last + 1})
            .returning(table.c.last))


def _event(ctx: Context, matter: Matter, action: str, label: str, from_state: str | None, to_state: str | None,
           on: dt.date, node_id: int | None, note: str = "", data: dict[str, Any] | None = None) -> MatterEvent:
    event = MatterEvent(matter_id=matter.id, on=on, actor_id=ctx.actor.user_id, actor_name=ctx.actor.display_name,
                        node_id=node_id, action=action, label=label, from_state=from_state, to_state=to_state,
                        note=note, data=data or {})
    ctx.session.add(event)
    return event


# --- transitions ------------------------------------------------------------------------

# The unit's own acts: done at the lead unit when the matter is assigned, else at the owner.
_UNIT_ACTS = frozenset({"return", "accept", "reply", "close", "extend", "classify", "perform", "mediate",
                        "answer_suggestion", "discipline_feedback", "feedback", "transfer_discipline"})


def lead_unit(session: Session, matter: Matter) -> MatterUnit | None:
    return session.scalar(select(MatterUnit).where(MatterUnit.matter_id == matter.id, MatterUnit.role == "lead",
                                                   MatterUnit.status.not_in(("returned", "transferred"))))


def _reviewing(matter: Matter, action: str) -> bool:
    return action in REVIEW_ACTS or (action in {"pause", "resume"} and matter.state == "rereviewing")


def acting_node(session: Session, matter: Matter, action: str, payload: dict | None = None) -> Node:
    """The node an act concerns: the review body for review acts, the body that gave an answer
    for its 送达, the lead unit for the unit's own acts, else the owner."""
    if _reviewing(matter, action):
        return review.target(session, matter, action)[0]
    if action == "deliver":
        answer = delivery.pending_answer(session, matter, (payload or {}).get("event_id"))
        if answer.node_id is not None:
            return review.node(session, answer.node_id)
    unit = lead_unit(session, matter)
    if unit is not None and (action in _UNIT_ACTS or action in {"pause", "resume", "not_accept"}):
        return review.node(session, unit.unit_id)
    return review.node(session, matter.node_id)


def _authorized(ctx: Context, matter: Matter, node: Node, permission: str, action: str) -> None:
    options = [p.split(":") for p in permission.split("|")]
    if any(authorize(ctx.actor, node, obj, act) for obj, act in options):
        return
    owner = review.node(ctx.session, matter.node_id)
    if not _reviewing(matter, action) and node.id != owner.id and any(
            authorize(ctx.actor, owner, obj, act) for obj, act in options):
        return  # the owning office may act for the unit it assigned, never for the review body
    if _reviewing(matter, action):
        raise Forbidden(f"复查、复核由上一级机关办理:应由“{node.name}”的工作人员或领导办理")
    raise Forbidden("您没有权限对该事项执行此操作")


def acts_open_to(session: Session, actor: Actor, matter: Matter) -> list[str]:
    """The acts ``act`` would let the actor try now (state, kind and permission at the node
    each concerns): the matter page offers only these forms."""
    ctx = context(session, actor, matter)
    found = []
    for transition in allowed(matter.state, matter.kind, matter.route):
        try:
            node = acting_node(session, matter, transition.action)
            _authorized(ctx, matter, node, transition.permission, transition.action)
        except (Forbidden, NotFound, Conflict, BadRequest):
            continue
        found.append(transition.action)
    return found


def act(session: Session, actor: Actor, matter: Matter, action: str, payload: dict[str, Any]) -> Matter:
    problem = refusal(action, matter.state, matter.kind, matter.route)
    if problem:
        raise Conflict(problem)
    transition = TRANSITIONS[action]
    ctx = context(session, actor, matter)
    recusals.check(session, actor, matter)
    node = acting_node(session, matter, action, payload)
    _authorized(ctx, matter, node, transition.permission, action)
    on = _effective(_date(payload.get("on"), "on"))
    if on < matter.received_on:
        raise BadRequest("日期不能早于事项登记日期")
    handler = _HANDLERS[action]
    before = matter.state
    note, data = handler(ctx, matter, node, on, payload)
    if transition.target is not None:
        matter.state = transition.target
    ctx.event = _event(ctx, matter, action, transition.label, before,
                       matter.state if matter.state != before or transition.target else None, on, node.id, note, data)
    session.flush()
    for change in ctx.afterwards:
        change()
    session.flush()
    clocks.refresh_matter(session, matter, clock.today(), ctx.rules.due_soon_days)
    return matter


def _date(value: Any, field_name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise BadRequest(f"日期“{value}”格式不正确,应为YYYY-MM-DD") from exc


def _text(payload: dict[str, Any], key: str, what: str) -> str:
    value = str(payload.get(key) or "").strip()
    if not value:
        raise BadRequest(f"请填写{what}")
    return value


def _stop(ctx: Context, matter: Matter, on: dt.date, *kinds: str) -> None:
    for running in clocks.open_clocks(ctx.session, matter, *kinds):
        clocks.stop(running, on)


def _end(ctx: Context, matter: Matter, on: dt.date) -> None:
    """The 信访 track ends here: every clock stops (a transferring body's feedback duty stays)."""
    for running in clocks.open_clocks(ctx.session, matter):
        if running.kind != "feedback":
            clocks.stop(running, on)
    matter.closed_on = on


def _open(ctx: Context, matter: Matter, kind: str) -> Any:
    found = clocks.open_clocks(ctx.session, matter, kind)
    return found[0] if found else None


def _grant(ctx: Context, matter: Matter, node_id: int, reason: str) -> None:
    """Let ``node_id`` see the matter. A body above the acting office (a township a village
    forwards to, the county reviewing a township, the 纪检监察 body) lies outside the actor's
    scope, so the row is inserted directly and its audit record written here."""
    session = ctx.session
    if session.execute(select(MatterAccess.id).where(MatterAccess.subject_id == matter.id,
                                                     MatterAccess.node_id == node_id),
                       execution_options={"skip_scope": True}).first() is not None:
        return
    values = {"subject_id": matter.id, "node_id": node_id, "reason": reason,
              **review.node(session, node_id).ancestry_with_self()}
    new_id = session.connection().execute(insert(MatterAccess.__table__).values(**values)
                                          .returning(MatterAccess.__table__.c.id)).scalar_one()
    record(session, action="create", object_type=MatterAccess.__tablename__, object_id=new_id, node_id=node_id,
           after=values)


def _inside_accused(ctx: Context, matter: Matter, unit: Node) -> bool:
    if matter.kind != "accusation" or matter.accused_node_id is None:
        return False
    accused = review.node(ctx.session, matter.accused_node_id)
    return unit.ancestry_with_self().get(COLUMN[Level(accused.level)]) == accused.id


def _assignee(ctx: Context, matter: Matter, unit_id: Any, what: str) -> Node:
    """A unit in the actor's scope, or a body above the registering one (a village forwards to
    its township, a township to the county's departments)."""
    unit = ctx.session.get(Node, unit_id) if isinstance(unit_id, int) else None
    if unit is None and isinstance(unit_id, int):
        owner = review.node(ctx.session, matter.node_id)
        found = ctx.session.execute(select(Node).where(Node.id == unit_id),
                                    execution_options={"skip_scope": True}).scalar_one_or_none()
        above = {v for v in owner.ancestry().values() if v is not None} - {owner.id}
        if found is not None and (found.id in above or (found.level == Level.DEPARTMENT and found.parent_id in above)):
            unit = found
    if unit is None:
        raise NotFound(f"{what}不存在或不在您的管辖范围内")
    return unit


def _assign(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    lead = _assignee(ctx, matter, payload.get("lead_unit_id"), "承办单位")
    co_units = payload.get("co_units") or []
    if lead.level not in (Level.DEPARTMENT, Level.TOWNSHIP, Level.VILLAGE):
        raise BadRequest("承办单位应为部门、乡镇(街道)或村(社区)")
    if lead.id == matter.node_id:
        raise BadRequest("不能交办给本单位自己,请直接受理")
    units = [(lead, "lead", "joint_handling")]
    for item in co_units:
        unit = _assignee(ctx, matter, item.get("unit_id"), "协办单位")
        mode = vocabulary.check(vocabulary.JOINT_MODES, item.get("mode", "joint_handling"), "联合方式")
        if unit.id == lead.id:
            raise BadRequest("协办单位不能与牵头单位相同")
        units.append((unit, "co", mode))
    if any(_inside_accused(ctx, matter, unit) for unit, _, _ in units):
        raise Conflict("检举控告事项不得转交被检举单位或其下属单位办理(条例第三十条)")
    report_due = _date(payload.get("report_due_on"), "report_due_on")
    if report_due is not None and report_due <= on:
        raise BadRequest("要求反馈办理结果的期限应晚于交办日期")
    for unit, role, mode in units:
        existing = ctx.session.scalar(select(MatterUnit).where(MatterUnit.matter_id == matter.id,
                                                               MatterUnit.unit_id == unit.id))
        if existing is not None:
            existing.role, existing.mode, existing.status, existing.assigned_on = role, mode, "assigned", on
        else:
            existing = MatterUnit(matter_id=matter.id, unit_id=unit.id, role=role, mode=mode, assigned_on=on)
            ctx.session.add(existing)
        if role == "lead":
            existing.report_due_on, existing.reported_on = report_due, None
        _grant(ctx, matter, unit.id, role)
    _stop(ctx, matter, on, "dispose")
    rule = ctx.rules.counting_rule
    clocks.start(ctx.session, matter, "objection", lead.id, on, ctx.calendar, rule)
    clocks.start(ctx.session, matter, "acknowledge", lead.id, on, ctx.calendar, rule)
    if report_due is not None:  # Art. 22 (三): the result is to be reported back by this date
        clocks.start_until(ctx.session, matter, "feedback", lead.id, on, report_due)
    _tell_units(ctx, matter, node, units, report_due)
    names = "、".join(u.name for u, _, _ in units)
    return str(payload.get("note") or ""), {"lead_unit_id": lead.id, "units": names,
                                            "co_units": [{"unit_id": u.id, "mode": m} for u, r, m in units if r == "co"],
                                            "report_due_on": report_due.isoformat() if report_due else None}



def _tell_units(ctx: Context, matter: Matter, node: Node, units: list[tuple[Node, str, str]],
               report_due: dt.date | None) -> None:
    """Each receiving unit hears of the assignment at once (the lead with its objection window)."""
    acts = ctx.session.scalar(select(func.count(MatterEvent.id)).where(MatterEvent.matter_id == matter.id))
    lead = next(u for u, role, _ in units if role == "lead")
    for unit, role, _ in units:
        if role == "lead":
            duty = "牵头办理;如认为不属于本单位职权范围,请在5个工作日内提出异议并退回(条例第二十三条)"
            if report_due is not None:
                duty += f",并于{report_due.year}年{report_due.month}月{report_due.day}日前反馈办理结果"
        else:
            duty = f"协助{lead.name}办理"
        notify(ctx.session, node_id=unit.id, kind="assigned", matter_id=matter.id,
               dedupe_key=f"assigned:{matter.id}:{unit.id}:{acts}", title=f"转送交办:{matter.number}",
               text=f"{node.name}将信访事项{matter.number}({matter.category})转送交办本单位{duty}。")


def _return(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    reason = _text(payload, "reason", "退回理由(不属于本单位职权范围的具体说明)")
    window = _open(ctx, matter, "objection")
    if window is None or on > window.due_on:
        raise Conflict("已超过5个工作日的异议期限,不能退回;如确需调整,请由交办单位重新交办(条例第二十三条)")
    unit = lead_unit(ctx.session, matter)
    for u in ctx.session.scalars(select(MatterUnit).where(MatterUnit.matter_id == matter.id)):
        u.status = "returned"
        access = ctx.session.scalar(select(MatterAccess).where(MatterAccess.subject_id == matter.id,
                                                               MatterAccess.node_id == u.unit_id,
                                                               MatterAccess.reason != "owner"))
        if access is not None:  # the units stop seeing the matter once the return is on record
            ctx.afterwards.append(lambda a=access: ctx.session.delete(a))
    _stop(ctx, matter, on, "objection", "acknowledge", "feedback")
    clocks.start(ctx.session, matter, "dispose", matter.node_id, on, ctx.calendar, ctx.rules.counting_rule)
    return reason, {"returned_by": unit.unit_id if unit else None}



def _accept(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    if matter.repeat_of_id is not None:
        root = ctx.session.execute(select(Matter.state).where(Matter.id == matter.repeat_of_id),
                                   execution_options={"skip_scope": True}).scalar_one_or_none()
        if root == "concluded" and not payload.get("new_facts"):
            raise Conflict("同一事实和理由的信访事项已复核终结,不再受理(条例第三十六条);如有新的事实和理由,请注明")
    if repeats.lower_level_blocks(ctx.session, matter, clock.today()):
        raise Conflict("下级机关正在规定期限内办理同一事项,上级不予受理(条例第十九条)")
    direct = matter.state == "registered"
    rule = ctx.rules.counting_rule
    if direct:  # the registering body is competent itself (Art. 23)
        if node.level == Level.GRID:
            raise Conflict("网格不是有权处理的机关、单位,请转送交办")
        if _inside_accused(ctx, matter, node):
            raise Conflict("被检举单位及其下属单位不得受理检举控告事项(条例第三十条)")
        # its own notice duty (tell the petitioner in writing within 15 days of receipt), met by
        # the acceptance notice as for an assigned unit
        clocks.start(ctx.session, matter, "acknowledge", node.id, matter.received_on, ctx.calendar, rule)
    _stop(ctx, matter, on, "objection", "acknowledge", "dispose")
    unit = lead_unit(ctx.session, matter)
    if unit is not None:
        unit.status = "accepted"
    if matter.kind == "claim":  # Art. 34: 60 days from acceptance (items 一–五 leave it on 分类)
        clocks.start(ctx.session, matter, "handling", node.id, on, ctx.calendar, rule)
    return str(payload.get("note") or ""), {"direct": direct}


def _not_accept(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    reason = _text(payload, "reason", "不予受理的理由")
    _end(ctx, matter, on)
    return reason, {}


def _transfer_discipline(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    """Art. 22, 30: an accusation within the 纪检监察 organs' remit goes to them."""
    if ctx.rules.discipline_node_id is None:
        raise Conflict("本县尚未设置纪检监察机关节点,请县级管理员在信访事项设置中指定")
    body = review.node(ctx.session, ctx.rules.discipline_node_id)
    if _inside_accused(ctx, matter, body):
        raise Conflict("检举控告事项不得转交被检举单位或其下属单位办理(条例第三十条)")
    for unit in ctx.session.scalars(select(MatterUnit).where(MatterUnit.matter_id == matter.id,
                                                             MatterUnit.status != "returned")):
        unit.status = "transferred"
    existing = ctx.session.scalar(select(MatterUnit).where(MatterUnit.matter_id == matter.id,
                                                           MatterUnit.unit_id == body.id))
    if existing is None:
        ctx.session.add(MatterUnit(matter_id=matter.id, unit_id=body.id, role="lead", mode="discipline",
                                   status="accepted", assigned_on=on))
    else:
        existing.role, existing.mode, existing.status, existing.assigned_on = "lead", "discipline", "accepted", on
    _grant(ctx, matter, body.id, "lead")
    _end(ctx, matter, on)
    matter.closed_on = None
    return str(payload.get("note") or ""), {"unit_id": body.id, "unit_name": body.name}


def _discipline_feedback(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    result = _text(payload, "result", "办理结果")
    matter.closed_on = on
    return result, {}


def _answer_suggestion(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    """Art. 29: studied; adopted, partly adopted or not; replied; a reward where it is due."""
    decision = vocabulary.check(vocabulary.SUGGESTION_DECISIONS, str(payload.get("decision") or ""), "研究结论")
    reply = _text(payload, "reply", "对建议意见的回复")
    reward = str(payload.get("reward_note") or "").strip()
    _end(ctx, matter, on)
    return reply, {"decision": decision, "decision_label": vocabulary.SUGGESTION_DECISIONS[decision],
                   "reward_note": reward}


def _classify(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    """Art. 31: which of items 一–六 the claim falls under; 涉法涉诉 defaults to item 一 (Art. 28)."""
    route = payload.get("route")
    if route in (None, "") and matter.law_related:
        route = 1
    if isinstance(route, str) and route.isdigit():
        route = int(route)
    if route not in vocabulary.ROUTES:
        raise BadRequest("请选择条例第三十一条规定的处理方式(route):"
                         + ";".join(f"{k} {v}" for k, v in vocabulary.ROUTES.items()))
    data: dict[str, Any] = {"route": route, "route_label": vocabulary.ROUTES[route]}
    note = str(payload.get("note") or "")
    if route in vocabulary.DIVERTED_ROUTES:
        data["body"] = _text(payload, "body", "导入的机关或程序(如某人民法院诉讼程序、某劳动人事争议仲裁委员会)")
        _end(ctx, matter, on)
        matter.state = "diverted"
    elif route == 6 and matter.law_related:
        note = _text(payload, "note", "涉法涉诉事项不导入法定程序、按第六项办理的理由(条例第二十八条)")
    matter.route = route
    return note, data


def _perform(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    """Art. 31 (五): the body performs its statutory duty, or answers under its own law."""
    outcome = str(payload.get("outcome") or "")
    outcomes = {"performed": "依法履行职责", "answered": "依法答复"}
    vocabulary.check(outcomes, outcome, "办理方式")
    text = _text(payload, "text", "履行职责的情况或答复内容")
    _end(ctx, matter, on)
    return text, {"outcome": outcome, "outcome_label": outcomes[outcome],
                  "basis": str(payload.get("basis") or "").strip()}


def _mediate(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    """Art. 33: an agreement reached with both parties' consent ends the matter."""
    mode = vocabulary.check(vocabulary.AGREEMENT_MODES, str(payload.get("mode") or ""), "结案方式")
    terms = _text(payload, "terms", "协议内容")
    parties = []
    for n, item in enumerate(payload.get("parties") or [], start=1):
        side = str((item or {}).get("side") or "")
        name = str((item or {}).get("name") or "").strip()
        if side not in vocabulary.AGREEMENT_SIDES or not name:
            raise BadRequest(f"第{n}方当事人:请填写一方(petitioner 信访人一方 / other 争议另一方)和姓名(名称)")
        if item.get("agreed") is not True:
            raise BadRequest(f"当事人{name}未同意协议,不能以{vocabulary.AGREEMENT_MODES[mode]}结案(条例第三十三条)")
        agreed_on = _date(item.get("agreed_on"), "agreed_on") or on
        parties.append({"side": side, "name": name, "agreed_on": agreed_on.isoformat()})
    if {p["side"] for p in parties} != set(vocabulary.AGREEMENT_SIDES):
        raise BadRequest("调解、和解须经争议双方当事人同意:请登记信访人一方和争议另一方(条例第三十三条)")
    ctx.session.add(MatterAgreement(matter_id=matter.id, mode=mode, terms=terms, parties=parties, concluded_on=on))
    _end(ctx, matter, on)
    return terms, {"mode": mode, "mode_label": vocabulary.AGREEMENT_MODES[mode], "parties": parties}


def _deliver(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    answer = delivery.pending_answer(ctx.session, matter, payload.get("event_id"))
    method, proof = delivery.method_and_proof(payload)
    if on < answer.on:
        raise BadRequest("送达日期不能早于答复日期")
    ctx.session.add(MatterDelivery(matter_id=matter.id, event_id=answer.id, delivered_on=on, method=method,
                                   proof=proof, recorded_by=ctx.actor.display_name))
    window = delivery.WINDOWS.get(answer.action)
    if window and matter.kind == "claim":
        clocks.start(ctx.session, matter, window, matter.node_id, on, ctx.calendar, ctx.rules.counting_rule)
    return "", {"event_id": answer.id, "answer": answer.label, "method": method,
                "method_label": vocabulary.DELIVERY_METHODS[method], "proof": proof}


def _feedback(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    """Art. 22 (三): the result and 办结报告 go back to the body that transferred the matter."""
    report = _text(payload, "report", "反馈的办理结果(办结报告)")
    unit = lead_unit(ctx.session, matter)
    if unit is not None and unit.report_due_on is not None and unit.reported_on is None:
        unit.reported_on, to = on, review.node(ctx.session, matter.node_id).name
    elif matter.transfer_body and matter.feedback_on is None:
        matter.feedback_on, to = on, matter.transfer_body
    else:
        raise Conflict("该事项没有待反馈办理结果的转送、交办机关")
    _stop(ctx, matter, on, "feedback")
    return report, {"to": to}


def _extend(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    if matter.extended:
        raise Conflict("办理期限只能延长一次(条例第三十四条)")
    try:
        days = int(payload.get("days", 0))
    except (TypeError, ValueError) as exc:
        raise BadRequest("延长天数应为整数") from exc
    if not 1 <= days <= clocks.MAX_EXTENSION:
        raise BadRequest(f"延长期限应为1至{clocks.MAX_EXTENSION}日(条例第三十四条)")
    reason = _text(payload, "reason", "延期理由")
    told = _date(payload.get("told_petitioner_on"), "told_petitioner_on")
    if told is None:
        raise BadRequest("请填写告知信访人延期理由的日期(条例第三十四条)")
    clock = _open(ctx, matter, "handling")
    old_due = clock.due_on
    clocks.extend(clock, days, ctx.calendar)
    matter.extended = True
    return reason, {"days": days, "from": old_due.isoformat(), "to": clock.due_on.isoformat(),
                    "approved_by": ctx.actor.display_name, "told_petitioner_on": told.isoformat()}



def _issue(ctx: Context, matter: Matter, stage: str, given: dict[str, str], on: dt.date, node_id: int | None,
           outside: str = "") -> None:
    """Keep the opinion's parts, tied to the act's timeline entry once it exists."""
    opinion = opinions.record(ctx.session, matter, stage, given, on, node_id, outside)
    ctx.afterwards.append(lambda: setattr(opinion, "event_id", ctx.event.id))


def _reply(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    if matter.kind == "claim" and matter.route is None:
        if matter.law_related:
            raise Conflict("涉法涉诉事项应先分类,依法导入诉讼等法定程序(条例第二十八条、第三十一条)")
        matter.route = 6
    contributions = joint.reply_contributions(ctx.session, matter)  # one joint reply: every co-unit's part
    given = opinions.parts(payload, "opinion")
    data = opinions.summary(given)
    if contributions:
        data["contributions"] = contributions
    _stop(ctx, matter, on, "handling")
    unit = lead_unit(ctx.session, matter)
    if unit is not None:
        unit.status = "replied"
    _issue(ctx, matter, "opinion", given, on, node.id)
    return given["text"], data


def _request(window_kind: str, clock_kind: str, what: str, article: str):
    def handler(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
        window = _open(ctx, matter, window_kind)
        if window is None:
            raise Conflict(f"书面答复尚未登记送达:{what}申请期限自信访人收到书面答复之日起计算,请先登记送达({article})")
        if on > window.due_on:
            raise Conflict(f"已超过收到书面答复之日起30日的{what}申请期限({article})")
        body, outside = review.target(ctx.session, matter, "request_review" if clock_kind == "review"
                                      else "request_rereview")
        if outside:
            outside = str(payload.get("outside_body") or "").strip()[:100] or outside
        matter.review_node_id, matter.review_outside = body.id, outside
        _grant(ctx, matter, body.id, "review")
        _stop(ctx, matter, on, window_kind)
        clocks.start(ctx.session, matter, clock_kind, body.id, on, ctx.calendar, ctx.rules.counting_rule)
        return str(payload.get("note") or ""), {"requested_on": on.isoformat(), "review_node_id": body.id,
                                                "review_body": outside or body.name, "outside": bool(outside)}
    return handler


def _review_reply(stage: str):
    def handler(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
        outside = matter.review_outside
        if not outside and not authorize(ctx.actor, node, "matters", "approve"):
            raise Forbidden(f"{opinions.STAGES[stage]}须经{node.name}负责人批准,请由本级领导出具")
        given = opinions.parts(payload, stage)
        _stop(ctx, matter, on, "review", "rereview")
        if stage == "rereview":
            matter.closed_on = on
        _issue(ctx, matter, stage, given, on, None if outside else node.id, outside)
        data = opinions.summary(given)
        data["issued_by"] = outside or node.name
        if outside:
            data["entered_by"] = node.name  # the answer came back from outside the platform
        else:
            data["approved_by"] = ctx.actor.display_name
        return given["text"], data
    return handler


def _running(ctx: Context, matter: Matter) -> Any:
    clock = _open(ctx, matter, "rereview") or _open(ctx, matter, "handling")
    if clock is None:
        raise Conflict("没有可以中止或恢复的办理期限")
    return clock


def _pause(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    clocks.pause(_running(ctx, matter), on)
    return str(payload.get("note") or "举行听证"), {"paused_on": on.isoformat()}


def _resume(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    clock = _running(ctx, matter)
    clocks.resume(clock, on, ctx.calendar)
    return str(payload.get("note") or "听证结束"), {"resumed_on": on.isoformat(), "due_on": clock.due_on.isoformat(),
                                                  "paused_days": clock.paused_days}




def _close(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    _end(ctx, matter, on)
    return str(payload.get("note") or ""), {}


_HANDLERS = {
    "assign": _assign, "return": _return, "accept": _accept, "not_accept": _not_accept,
    "transfer_discipline": _transfer_discipline, "discipline_feedback": _discipline_feedback,
    "answer_suggestion": _answer_suggestion, "classify": _classify, "perform": _perform, "mediate": _mediate,
    "extend": _extend, "reply": _reply, "deliver": _deliver, "feedback": _feedback,
    "request_review": _request("review_window", "review", "复查", "条例第三十五条"),
    "review_reply": _review_reply("review"),
    "request_rereview": _request("rereview_window", "rereview", "复核", "条例第三十六条"),
    "pause": _pause, "resume": _resume, "rereview_reply": _review_reply("rereview"), "close": _close,
}
assert set(_HANDLERS) == set(TRANSITIONS), "every transition has a handler"
assert set(STATES) >= {t.target for t in TRANSITIONS.values() if t.target}
