"""Registering a matter and moving it through its lifecycle.

Every change goes through ``act()``: it checks the transition table (409 with a clear
message otherwise), the actor's permission at the node the act concerns, the act's own
conditions (windows, extension once, Art. 19 and 终结), then moves the clocks, writes the
timeline entry and refreshes the matter's deadline summary. The ORM writes are audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor, authorize
from xinfang.platform import clock
from xinfang.platform.calendar.service import WorkCalendar, load_calendar
from xinfang.platform.errors import BadRequest, Conflict, Forbidden, NotFound
from xinfang.platform.matters import clocks, joint, repeats, vocabulary
from xinfang.platform.matters.models import (
    Matter,
    MatterAccess,
    MatterCounter,
    MatterEvent,
    MatterPetitioner,
    MatterUnit,
)
from xinfang.platform.matters.rules import Rules, rules_for
from xinfang.platform.matters.states import STATES, TRANSITIONS, refusal
from xinfang.platform.people.models import Person
from xinfang.platform.privacy.identity import id_number_problem, normalize_id_number, phone_problem
from xinfang.platform.web.inputs import Bounded, Code, Count, Id, IdNumber, Line, LongText, Name, Phone
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.models import Node


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
    attachments: list[Line] = field(default_factory=list)


@dataclass
class Context:
    """What every act needs: the session, who acts, their calendar and county rules."""

    session: Session
    actor: Actor
    calendar: WorkCalendar
    rules: Rules
    # changes that must wait until the act's timeline entry is written (e.g. losing access)
    afterwards: list[Any] = field(default_factory=list)


def context(session: Session, actor: Actor, matter_or_county: Matter | int | None) -> Context:
    county = matter_or_county.county_id if isinstance(matter_or_county, Matter) else matter_or_county
    return Context(session, actor, load_calendar(session), rules_for(session, county))


def _node(session: Session, node_id: int | None, what: str = "节点") -> Node:
    node = session.get(Node, node_id) if node_id is not None else None
    if node is None:
        raise NotFound(f"{what}不存在或不在您的管辖范围内")
    return node


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
    if data.accused_node_id is not None and data.kind != "accusation":
        problems.append("只有检举控告类事项才填写被检举单位")
    if problems:
        raise BadRequest(";".join(problems), details=[{"message": p} for p in problems])
    received = _effective(data.received_on)
    if data.accused_node_id is not None and session.execute(
            select(Node.id).where(Node.id == data.accused_node_id),
            execution_options={"skip_scope": True}).scalar_one_or_none() is None:
        raise NotFound("被检举单位不存在")

    matter = Matter(number=_next_number(session, node, received.year), node_id=node.id, channel=data.channel,
                    form=data.form, headcount=max(data.headcount, len(data.petitioners)), kind=data.kind,
                    category=data.category, summary=data.summary.strip(), demands=data.demands.strip(),
                    overreach=data.overreach, joint_signature=data.joint_signature, law_related=data.law_related,
                    attachments=list(data.attachments), accused_node_id=data.accused_node_id,
                    accused_description=data.accused_description.strip(), received_on=received,
                    created_by=actor.username)
    session.add(matter)
    session.flush()
    session.add(MatterAccess(subject_id=matter.id, node_id=node.id, reason="owner"))
    session.flush()
    for p in data.petitioners:
        person = _person_file(session, node, p)
        session.add(MatterPetitioner(matter_id=matter.id, person_id=person.id, name=person.name,
                                     id_number=person.id_number, phone=p.phone.strip(), address=p.address.strip(),
                                     representative=p.representative))
    clocks.start(session, matter, "dispose", node.id, received, ctx.calendar, ctx.rules.counting_rule)
    _event(ctx, matter, "register", "登记", None, "registered", received, node.id)
    session.flush()
    repeats.detect(session, actor, matter, node)
    clocks.refresh_matter(session, matter, clock.today(), ctx.rules.due_soon_days)
    return matter


def _person_file(session: Session, node: Node, p: PetitionerIn) -> Person:
    """一人一档: reuse the registering node's file for this identity number, or open one."""
    number = normalize_id_number(p.id_number)
    person = session.scalar(select(Person).where(Person.node_id == node.id, Person.id_number == number))
    if person is None:
        person = Person(node_id=node.id, name=p.name.strip(), id_number=number, phone=p.phone.strip(),
                        address=p.address.strip())
        session.add(person)
        session.flush()
    return person


def _next_number(session: Session, node: Node, year: int) -> str:
    """``<county code>-<year>-<sequence>``, numbered under a row lock per county and year."""
    county_id = node.county_id or node.id
    county_code = node.code[:6]
    conn = session.connection()
    table = MatterCounter.__table__
    insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
    conn.execute(insert(table).values(county_id=county_id, year=year, last=0).on_conflict_do_nothing())
    last = conn.execute(select(table.c.last).where(table.c.county_id == county_id, table.c.year == year)
                        .with_for_update()).scalar_one() + 1
    conn.execute(update(table).where(table.c.county_id == county_id, table.c.year == year).values(last=last))
    return f"{county_code}-{year}-{last:06d}"


def _event(ctx: Context, matter: Matter, action: str, label: str, from_state: str | None, to_state: str | None,
           on: dt.date, node_id: int | None, note: str = "", data: dict[str, Any] | None = None) -> MatterEvent:
    event = MatterEvent(matter_id=matter.id, on=on, actor_id=ctx.actor.user_id, actor_name=ctx.actor.display_name,
                        node_id=node_id, action=action, label=label, from_state=from_state, to_state=to_state,
                        note=note, data=data or {})
    ctx.session.add(event)
    return event


# --- transitions ------------------------------------------------------------------------


def lead_unit(session: Session, matter: Matter) -> MatterUnit | None:
    return session.scalar(select(MatterUnit).where(MatterUnit.matter_id == matter.id, MatterUnit.role == "lead",
                                                   MatterUnit.status != "returned"))


def acting_node(session: Session, matter: Matter, action: str) -> Node:
    """The node an act concerns: the lead unit for the unit's own acts, else the owner."""
    unit = lead_unit(session, matter)
    if action in {"return", "accept", "reply", "close", "extend"} or (action == "not_accept" and unit is not None):
        if unit is not None:
            return session.execute(select(Node).where(Node.id == unit.unit_id),
                                   execution_options={"skip_scope": True}).scalar_one()
    return session.execute(select(Node).where(Node.id == matter.node_id),
                           execution_options={"skip_scope": True}).scalar_one()


def _authorized(ctx: Context, matter: Matter, node: Node, permission: str) -> None:
    obj, act = permission.split(":")
    if authorize(ctx.actor, node, obj, act):
        return
    owner = ctx.session.execute(select(Node).where(Node.id == matter.node_id),
                                execution_options={"skip_scope": True}).scalar_one()
    if node.id != owner.id and authorize(ctx.actor, owner, obj, act):
        return  # the owning office may act for the unit it assigned
    raise Forbidden("您没有权限对该事项执行此操作")


def act(session: Session, actor: Actor, matter: Matter, action: str, payload: dict[str, Any]) -> Matter:
    problem = refusal(action, matter.state)
    if problem:
        raise Conflict(problem)
    transition = TRANSITIONS[action]
    ctx = context(session, actor, matter)
    node = acting_node(session, matter, action)
    _authorized(ctx, matter, node, transition.permission)
    on = _effective(_date(payload.get("on"), "on"))
    if on < matter.received_on:
        raise BadRequest("日期不能早于事项登记日期")
    handler = _HANDLERS[action]
    before = matter.state
    note, data = handler(ctx, matter, node, on, payload)
    if transition.target is not None:
        matter.state = transition.target
    _event(ctx, matter, action, transition.label, before, matter.state if transition.target else None, on,
           node.id, note, data)
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


def _open(ctx: Context, matter: Matter, kind: str) -> Any:
    found = clocks.open_clocks(ctx.session, matter, kind)
    return found[0] if found else None


def _assign(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    lead = _node(ctx.session, payload.get("lead_unit_id"), "承办单位")
    co_units = payload.get("co_units") or []
    if lead.level not in (Level.DEPARTMENT, Level.TOWNSHIP, Level.VILLAGE):
        raise BadRequest("承办单位应为部门、乡镇(街道)或村(社区)")
    if lead.id == matter.node_id:
        raise BadRequest("不能交办给本单位自己,请直接受理")
    units = [(lead, "lead", "joint_handling")]
    for item in co_units:
        unit = _node(ctx.session, item.get("unit_id"), "协办单位")
        mode = vocabulary.check(vocabulary.JOINT_MODES, item.get("mode", "joint_handling"), "联合方式")
        if unit.id == lead.id:
            raise BadRequest("协办单位不能与牵头单位相同")
        units.append((unit, "co", mode))
    if matter.kind == "accusation" and matter.accused_node_id is not None:
        accused = ctx.session.execute(select(Node).where(Node.id == matter.accused_node_id),
                                      execution_options={"skip_scope": True}).scalar_one()
        column = COLUMN[Level(accused.level)]
        if any(unit.ancestry_with_self().get(column) == accused.id for unit, _, _ in units):
            raise Conflict("检举控告事项不得转交被检举单位或其下属单位办理(条例第三十条)")
    for unit, role, mode in units:
        existing = ctx.session.scalar(select(MatterUnit).where(MatterUnit.matter_id == matter.id,
                                                               MatterUnit.unit_id == unit.id))
        if existing is not None:
            existing.role, existing.mode, existing.status, existing.assigned_on = role, mode, "assigned", on
        else:
            ctx.session.add(MatterUnit(matter_id=matter.id, unit_id=unit.id, role=role, mode=mode, assigned_on=on))
        if ctx.session.scalar(select(MatterAccess.id).where(MatterAccess.subject_id == matter.id,
                                                             MatterAccess.node_id == unit.id)) is None:
            ctx.session.add(MatterAccess(subject_id=matter.id, node_id=unit.id, reason=role))
    _stop(ctx, matter, on, "dispose")
    rule = ctx.rules.counting_rule
    clocks.start(ctx.session, matter, "objection", lead.id, on, ctx.calendar, rule)
    clocks.start(ctx.session, matter, "acknowledge", lead.id, on, ctx.calendar, rule)
    names = "、".join(u.name for u, _, _ in units)
    return str(payload.get("note") or ""), {"lead_unit_id": lead.id, "units": names,
                                            "co_units": [{"unit_id": u.id, "mode": m} for u, r, m in units if r == "co"]}


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
    _stop(ctx, matter, on, "objection", "acknowledge")
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
    _stop(ctx, matter, on, "objection", "acknowledge", "dispose")
    unit = lead_unit(ctx.session, matter)
    if unit is not None:
        unit.status = "accepted"
    clocks.start(ctx.session, matter, "handling", node.id, on, ctx.calendar, ctx.rules.counting_rule)
    return str(payload.get("note") or ""), {"told_petitioner": bool(payload.get("told_petitioner", True))}


def _not_accept(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    reason = _text(payload, "reason", "不予受理的理由")
    _stop(ctx, matter, on)
    matter.closed_on = on
    return reason, {}


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


def _opinion(payload: dict) -> tuple[str, dict]:
    text = _text(payload, "opinion", "意见书正文")
    result = vocabulary.check(vocabulary.OPINION_RESULTS, payload.get("result", ""), "处理结果")
    return text, {"result": result, "result_label": vocabulary.OPINION_RESULTS[result]}


def _reply(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
    contributions = joint.reply_contributions(ctx.session, matter)  # one joint reply: every co-unit's part
    note, data = _opinion(payload)
    if contributions:
        data["contributions"] = contributions
    _stop(ctx, matter, on, "handling")
    unit = lead_unit(ctx.session, matter)
    if unit is not None:
        unit.status = "replied"
    clocks.start(ctx.session, matter, "review_window", matter.node_id, on, ctx.calendar, ctx.rules.counting_rule)
    return note, data


def _request(window_kind: str, clock_kind: str, what: str, article: str):
    def handler(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
        window = _open(ctx, matter, window_kind)
        if window is None or on > window.due_on:
            raise Conflict(f"已超过收到书面答复之日起30日的{what}申请期限({article})")
        _stop(ctx, matter, on, window_kind)
        clocks.start(ctx.session, matter, clock_kind, node.id, on, ctx.calendar, ctx.rules.counting_rule)
        return str(payload.get("note") or ""), {"requested_on": on.isoformat()}
    return handler


def _review_reply(next_window: str | None):
    def handler(ctx: Context, matter: Matter, node: Node, on: dt.date, payload: dict) -> tuple[str, dict]:
        note, data = _opinion(payload)
        _stop(ctx, matter, on, "review", "rereview")
        if next_window:
            clocks.start(ctx.session, matter, next_window, matter.node_id, on, ctx.calendar, ctx.rules.counting_rule)
        else:
            matter.closed_on = on
        return note, data
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
    _stop(ctx, matter, on)
    matter.closed_on = on
    return str(payload.get("note") or ""), {}


_HANDLERS = {
    "assign": _assign, "return": _return, "accept": _accept, "not_accept": _not_accept, "extend": _extend,
    "reply": _reply, "request_review": _request("review_window", "review", "复查", "条例第三十五条"),
    "review_reply": _review_reply("rereview_window"),
    "request_rereview": _request("rereview_window", "rereview", "复核", "条例第三十六条"),
    "pause": _pause, "resume": _resume, "rereview_reply": _review_reply(None), "close": _close,
}
assert set(_HANDLERS) == set(TRANSITIONS), "every transition has a handler"
assert set(STATES) >= {t.target for t in TRANSITIONS.values() if t.target}
