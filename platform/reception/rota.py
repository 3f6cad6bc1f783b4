"""The reception rota (领导接访安排表, annex 4): duties, clash detection, publication, the
public schedule, and the seed's weekly rules as a check a campaign can call.

A clash is the same leader on two overlapping duties on one day (anywhere in the
township: one person cannot sit in two reception rooms at once), or a working day on
which a rota's own reception room has nobody. Seed 001's rules — a township's main leaders
at least once a week, a township leader on duty every day, each community's first grid
head at least once a week, a community head on duty every day — are reported by
``week_violations``; enforcing them is the campaign's business.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor
from xinfang.platform.accounts.models import User
from xinfang.platform.calendar.service import WEEKDAYS, WorkCalendar
from xinfang.platform.errors import BadRequest, Conflict
from xinfang.platform.reception.models import RotaDuty
from xinfang.platform.web.inputs import Bounded, Code, Id, Line, Name, Note
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.lookup import get_or_404, node_names
from xinfang.tenants.models import Node

SLOTS = {"day": "全天", "am": "上午", "pm": "下午"}
LEADER_KINDS = {"main": "党政主要领导", "leader": "班子领导", "first_grid_head": "第一网格长",
                "community_head": "社区主干"}
# Where a reception room (and so a rota and a register) is: the county's 信访局 (seed 000: 县级党政主要
#领导每月至少一次接访, other county leaders in turn), a township, a village or community.
ROTA_LEVELS = (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
MAX_RANGE_DAYS = 93
PUBLIC_DAYS = 7  # today and the coming week

RULES = {
    "township_daily": "街道(乡镇)每日安排1名及以上领导接访",
    "main_leaders_weekly": "党政主要领导每周不少于1次接访",
    "first_grid_head_weekly": "第一网格长每周不少于1次在挂钩社区接访",
    "community_daily": "社区每日安排主干轮值接访",
}


@dataclasses.dataclass
class DutyIn(Bounded):
    node_id: Id
    on: dt.date
    leader_name: Name
    place: Line
    slot: Code = "day"
    leader_position: Name = ""
    duties: Line = ""
    leader_kind: Code = "leader"
    leader_user_id: Id | None = None
    note: Note = ""


def rota_node(session: Session, node_id: int | None) -> Node:
    return get_or_404(session, Node, node_id, "单位")


def check_range(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise BadRequest("结束日期不能早于开始日期")
    if (end - start).days > MAX_RANGE_DAYS:
        raise BadRequest(f"一次最多查看{MAX_RANGE_DAYS}天的接访安排")


def duty_problems(session: Session, node: Node, data: DutyIn) -> list[str]:
    found = []
    if node.level not in ROTA_LEVELS:
        found.append("接访安排应登记在县（市、区）、乡镇（街道）或村（社区）")
    if not data.leader_name.strip():
        found.append("接访领导姓名不能为空")
    if not data.place.strip():
        found.append("接访地点不能为空")
    if data.slot not in SLOTS:
        found.append(f"接访时段应为:{'、'.join(f'{k}({v})' for k, v in SLOTS.items())}")
    if data.leader_kind not in LEADER_KINDS:
        found.append(f"领导类别应为:{'、'.join(f'{k}({v})' for k, v in LEADER_KINDS.items())}")
    for value, limit, what in ((data.leader_name, 64, "接访领导"), (data.leader_position, 64, "职务"),
                               (data.duties, 200, "分管工作"), (data.place, 100, "接访地点"), (data.note, 200, "备注")):
        if len(value.strip()) > limit:
            found.append(f"{what}不能超过{limit}个字")
    if data.leader_user_id is not None and session.get(User, data.leader_user_id) is None:
        found.append("所选领导的账号不存在或不在您的管辖范围内")
    return found


def add_duty(session: Session, actor: Actor, node: Node, data: DutyIn) -> RotaDuty:
    duty = RotaDuty(node_id=node.id, on=data.on, slot=data.slot, leader_user_id=data.leader_user_id,
                    leader_name=data.leader_name.strip(), leader_position=data.leader_position.strip(),
                    duties=data.duties.strip(), place=data.place.strip(), leader_kind=data.leader_kind,
                    note=data.note.strip(), created_by=actor.username)
    session.add(duty)
    session.flush()
    return duty


def create_duty(session: Session, actor: Actor, data: DutyIn) -> RotaDuty:
    node = rota_node(session, data.node_id)
    found = duty_problems(session, node, data)
    if found:
        raise BadRequest(";".join(found), details=[{"message": p} for p in found])
    return add_duty(session, actor, node, data)


def duties_under(session: Session, node: Node, start: dt.date, end: dt.date,
                 published_only: bool = False) -> list[RotaDuty]:
    column = getattr(RotaDuty, COLUMN[Level(node.level)])
    query = select(RotaDuty).where(column == node.id, RotaDuty.on >= start, RotaDuty.on <= end)
    if published_only:
        query = query.where(RotaDuty.published_at.is_not(None))
    return list(session.scalars(query.order_by(RotaDuty.on, RotaDuty.slot, RotaDuty.id)))


def _overlaps(a: str, b: str) -> bool:
    return a == b or "day" in (a, b)


def _who(duty: RotaDuty) -> tuple:
    return ("user", duty.leader_user_id) if duty.leader_user_id else ("name", duty.leader_name)


def _owners(session: Session, node: Node) -> list[Node]:
    """The reception rooms whose every day a check covers: a township's or community's own, or a
    county's townships (a county's own rota is its leaders in turn, not a room staffed daily)."""
    if node.level in (Level.TOWNSHIP, Level.VILLAGE):
        return [node]
    if node.level == Level.COUNTY:
        return list(session.scalars(select(Node).where(Node.parent_id == node.id, Node.level == Level.TOWNSHIP)
                                    .order_by(Node.code)))
    return []


def clashes(session: Session, node: Node, start: dt.date, end: dt.date, calendar: WorkCalendar) -> list[dict]:
    check_range(start, end)
    duties = duties_under(session, node, start, end)
    names = node_names(session, [*{d.node_id for d in duties}, node.id])
    # a leader's other duties anywhere in the same township count too
    township_id = node.township_id or (node.id if node.level == Level.TOWNSHIP else None)
    if township_id is not None:
        around = session.scalars(select(RotaDuty).where(RotaDuty.township_id == township_id, RotaDuty.on >= start,
                                                        RotaDuty.on <= end)).all()
        names |= node_names(session, list({d.node_id for d in around} - set(names)))
    else:
        around = duties
    found: list[dict] = []
    seen: set[tuple[int, int]] = set()
    ours = {d.id for d in duties}
    for a in sorted(around, key=lambda d: d.id):
        for b in around:
            if b.id <= a.id or (a.id not in ours and b.id not in ours):
                continue
            if a.on == b.on and _who(a) == _who(b) and _overlaps(a.slot, b.slot) and (a.id, b.id) not in seen:
                seen.add((a.id, b.id))
                found.append({"kind": "double", "on": a.on.isoformat(), "leader_name": a.leader_name,
                              "duty_ids": [a.id, b.id], "node_ids": [a.node_id, b.node_id], "node_id": b.node_id, "node_name": names.get(b.node_id, ""),
                              "message": f"{a.on.isoformat()} {a.leader_name}同时安排了两次接访"
                                         f"({names.get(a.node_id, '')}{SLOTS[a.slot]}、"
                                         f"{names.get(b.node_id, '')}{SLOTS[b.slot]})"})
    for owner in _owners(session, node):
        owned = {d.on for d in duties if d.node_id == owner.id}
        if owner.id != node.id:  # a county's check: its townships' own rotas
            owned = {d.on for d in session.scalars(select(RotaDuty).where(
                RotaDuty.node_id == owner.id, RotaDuty.on >= start, RotaDuty.on <= end))}
        day = start
        while day <= end:
            if calendar.is_workday(day) and day not in owned:
                found.append({"kind": "empty", "on": day.isoformat(), "leader_name": "", "duty_ids": [],
                              "node_ids": [owner.id], "node_id": owner.id, "node_name": owner.name,
                              "message": f"{day.isoformat()}(星期{WEEKDAYS[day.weekday()]}){owner.name}无人接访"})
            day += dt.timedelta(days=1)
    return sorted(found, key=lambda c: (c["on"], c["kind"], c["node_id"]))


def clashes_of(session: Session, node: Node, data: DutyIn) -> list[str]:
    """What saving ``data`` would clash with, said before it is saved (the form warns as the
    clerk types): the same leader on an overlapping duty that day anywhere in the township."""
    wanted = RotaDuty(node_id=node.id, on=data.on, slot=data.slot, leader_user_id=data.leader_user_id,
                      leader_name=data.leader_name.strip())
    township_id = node.township_id or (node.id if node.level == Level.TOWNSHIP else None)
    where = RotaDuty.township_id == township_id if township_id is not None else RotaDuty.node_id == node.id
    others = list(session.scalars(select(RotaDuty).where(where, RotaDuty.on == data.on).order_by(RotaDuty.id)))
    names = node_names(session, [d.node_id for d in others])
    return [f"{data.on.isoformat()} {d.leader_name}已安排在{names.get(d.node_id, '')}{SLOTS.get(d.slot, d.slot)}接访"
            for d in others if _who(d) == _who(wanted) and _overlaps(d.slot, wanted.slot)]


def publish(session: Session, actor: Actor, node: Node, start: dt.date, end: dt.date, calendar: WorkCalendar,
            now: dt.datetime) -> int:
    """Publish the node's own duties in the range; refused while the range has clashes."""
    if node.level not in ROTA_LEVELS:
        raise BadRequest("只能发布县（市、区）、乡镇（街道）或村（社区）的接访安排")
    found = [c for c in clashes(session, node, start, end, calendar) if node.id in c["node_ids"]]
    if found:
        raise Conflict("接访安排有冲突,请调整后再发布:" + ";".join(c["message"] for c in found),
                       details=found)
    count = 0
    for duty in duties_under(session, node, start, end):
        if duty.node_id == node.id and duty.published_at is None:
            duty.published_at, duty.published_by = now, actor.display_name
            count += 1
    session.flush()
    return count


def week_violations(session: Session, node: Node, week_of: dt.date,
                    main_leaders: Sequence[str] | None = None) -> list[dict]:
    """Seed 001's rota rules for the week containing ``week_of``, under ``node``. Its daily
    rules (街道每日安排1名及以上领导, 社区主干每日轮值) cover every day of the week, not only
    working days: people come on Saturdays and holidays too.

    ``main_leaders``: the township's 党政主要领导 by name (each must be on duty once);
    without it, at least one duty marked 党政主要领导 is required."""
    monday = week_of - dt.timedelta(days=week_of.weekday())
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    duties = duties_under(session, node, monday, days[-1])
    if node.level == Level.COUNTY:
        townships = _owners(session, node)
    elif node.level == Level.TOWNSHIP:
        townships = [node]
    else:
        townships = []
    if node.level == Level.VILLAGE:
        villages = [node]
    else:
        villages = list(session.scalars(select(Node).where(
            getattr(Node, COLUMN[Level(node.level)]) == node.id, Node.level == Level.VILLAGE).order_by(Node.code)))
    found: list[dict] = []

    def violation(rule: str, where: Node, message: str, on: dt.date | None = None) -> None:
        found.append({"rule": rule, "rule_label": RULES[rule], "node_id": where.id, "node_name": where.name,
                      "on": on.isoformat() if on else None, "message": message})

    for t in townships:
        own = [d for d in duties if d.node_id == t.id]
        for day in days:  # 街道每日安排1名及以上领导: every day, weekends and holidays too
            if not any(d.on == day for d in own):
                violation("township_daily", t, f"{t.name}{day.isoformat()}(星期{WEEKDAYS[day.weekday()]})没有领导接访",
                          day)
        if main_leaders:
            for name in main_leaders:
                if not any(d.leader_name == name for d in own):
                    violation("main_leaders_weekly", t, f"{t.name}党政主要领导{name}本周未安排接访")
        elif not any(d.leader_kind == "main" for d in own):
            violation("main_leaders_weekly", t, f"{t.name}本周没有党政主要领导接访")
    for c in villages:
        own = [d for d in duties if d.node_id == c.id]
        if not any(d.leader_kind == "first_grid_head" for d in own):
            violation("first_grid_head_weekly", c, f"{c.name}本周没有第一网格长接访")
        for day in days:  # 社区主干每日安排轮值
            if not any(d.on == day for d in own):
                violation("community_daily", c, f"{c.name}{day.isoformat()}(星期{WEEKDAYS[day.weekday()]})无人轮值接访",
                          day)
    return found


def to_dict(duty: RotaDuty, node_names: dict[int, str]) -> dict:
    return {"id": duty.id, "node_id": duty.node_id, "node_name": node_names.get(duty.node_id, ""),
            "on": duty.on.isoformat(), "weekday": f"星期{WEEKDAYS[duty.on.weekday()]}", "slot": duty.slot,
            "slot_label": SLOTS.get(duty.slot, duty.slot), "leader_user_id": duty.leader_user_id,
            "leader_name": duty.leader_name, "leader_position": duty.leader_position, "duties": duty.duties,
            "place": duty.place, "leader_kind": duty.leader_kind,
            "leader_kind_label": LEADER_KINDS.get(duty.leader_kind, duty.leader_kind), "note": duty.note,
            "published": duty.published_at is not None,
            "published_at": duty.published_at.isoformat() if duty.published_at else None}


def public_schedule(session: Session, township: Node, today: dt.date) -> dict:
    """Only what the notice announces: who (name, position, duties), when, where. Nothing else.
    A township's notice lists its communities' duties too; a county's only its own (县级领导接访)."""
    end = today + dt.timedelta(days=PUBLIC_DAYS)
    duties = duties_under(session, township, today, end, published_only=True)
    if township.level == Level.COUNTY:
        duties = [d for d in duties if d.node_id == township.id]
    names = node_names(session, list({d.node_id for d in duties}))
    days = []
    for n in range(PUBLIC_DAYS + 1):
        day = today + dt.timedelta(days=n)
        days.append({"date": day.isoformat(), "weekday": f"星期{WEEKDAYS[day.weekday()]}", "is_today": n == 0,
                     "duties": [{"unit": names.get(d.node_id, ""), "slot": SLOTS.get(d.slot, d.slot),
                                 "leader_name": d.leader_name, "position": d.leader_position, "duties": d.duties,
                                 "place": d.place}
                                for d in duties if d.on == day]})
    return {"township": {"code": township.code, "name": township.name}, "today": today.isoformat(),
            "until": end.isoformat(), "days": days}


def delete_duty(session: Session, duty: RotaDuty) -> None:
    from xinfang.platform.reception.models import ReceptionRecord

    if session.execute(select(ReceptionRecord.id).where(ReceptionRecord.duty_id == duty.id),
                       execution_options={"skip_scope": True}).first() is not None:
        raise Conflict("已有接访登记关联该接访安排,不能删除")
    session.delete(duty)
    session.flush()

