"""Leaders' 下访 and 约访 (seed 004), and the quotas they are counted against.

Seed 004 (县信访工作汇报): 县委、政府领导每人每年下访不少于4次; 机关部门负责人每人每年下访、约访不少于4次;
乡（镇）党政主要负责人每月下访、约访不少于8次; each must solve real problems (3–5 per visit period).
Seed 000 (西峡县): 县级党政主要领导每月至少一次接访 — counted from the county's own rota and register.
A leader is known by their account (the ``leader`` role held at the unit) or, for one without an
account, by name; who is a 党政主要领导 comes from the records (``leader_kind`` main) or is named by
the caller, as for the weekly rota rules.
"""

from __future__ import annotations

import calendar as month_days
import dataclasses
import datetime as dt
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor
from xinfang.platform.accounts.models import RoleAssignment, User
from xinfang.platform.column_checks import too_long
from xinfang.platform.errors import BadRequest, NotFound
from xinfang.platform.matters.models import Matter
from xinfang.platform.reception.models import LeaderVisit, ReceptionRecord, RotaDuty
from xinfang.platform.web.inputs import Bounded, Code, Count, Id, Line, LongText, Name, Note
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.models import Node

KINDS = {"visit": "下访", "appointment": "约访"}
LEADER_KINDS = {"main": "党政主要领导", "leader": "班子领导"}
VISIT_LEVELS = (Level.COUNTY, Level.DEPARTMENT, Level.TOWNSHIP)
MAX_MATTERS = 50
LABELS = {"leader_name": "领导姓名", "leader_position": "职务", "place": "地点", "note": "备注"}
REQUIRED = {"place": "地点", "people_met": "接待的群众", "matters_raised": "群众反映的问题"}


@dataclasses.dataclass(frozen=True)
class Quota:
    key: str
    label: str
    level: str  # the leader's unit
    source: str  # visits | receptions
    kinds: tuple[str, ...]  # for visits: which kinds count
    period: str  # month | year
    amount: int
    main_only: bool


QUOTAS = (
    Quota("county_leader_visits", "县委、政府领导每人每年下访不少于4次", Level.COUNTY, "visits", ("visit",),
          "year", 4, False),
    Quota("county_main_receptions", "县级党政主要领导每月至少一次接访", Level.COUNTY, "receptions", (), "month", 1,
          True),
    Quota("department_head_visits", "机关部门负责人每人每年下访、约访不少于4次", Level.DEPARTMENT, "visits",
          ("visit", "appointment"), "year", 4, False),
    Quota("township_main_visits", "乡（镇）党政主要负责人每月下访、约访不少于8次", Level.TOWNSHIP, "visits",
          ("visit", "appointment"), "month", 8, True),
)


@dataclasses.dataclass
class VisitIn(Bounded):
    node_id: Id
    kind: Code
    visited_on: dt.date
    leader_name: Name
    place: Line
    people_met: LongText
    matters_raised: LongText
    leader_user_id: Id | None = None
    leader_position: Name = ""
    leader_kind: Code = "leader"
    place_node_id: Id | None = None
    people_count: Count = 1
    problems_solved: Count = 0
    solutions: LongText = ""
    matter_ids: list[Id] = dataclasses.field(default_factory=list)
    note: Note = ""


def _matter_problems(session: Session, matter_ids: list[int]) -> list[str]:
    if len(matter_ids) > MAX_MATTERS:
        return [f"关联的信访事项最多{MAX_MATTERS}件"]
    if not matter_ids:
        return []
    found = set(session.scalars(select(Matter.id).where(Matter.id.in_(sorted(set(matter_ids))))))
    missing = sorted(set(matter_ids) - found)
    return [f"关联的信访事项不存在或不在您的管辖范围内：{'、'.join(f'#{m}' for m in missing)}"] if missing else []


def problems(session: Session, node: Node, data: VisitIn, today: dt.date) -> list[str]:
    found = []
    if node.level not in VISIT_LEVELS:
        found.append("下访、约访应登记在领导所在的县（市、区）、县直部门或乡镇（街道）")
    if data.kind not in KINDS:
        found.append(f"类型应为：{'、'.join(f'{k}（{v}）' for k, v in KINDS.items())}")
    if data.leader_kind not in LEADER_KINDS:
        found.append(f"领导类别应为：{'、'.join(f'{k}（{v}）' for k, v in LEADER_KINDS.items())}")
    if data.visited_on > today:
        found.append("下访、约访日期不能晚于今天")
    for value, what in ((data.leader_name, "领导姓名"), (data.place, "地点"), (data.people_met, "接待的群众"),
                        (data.matters_raised, "群众反映的问题")):
        if not value.strip():
            found.append(f"{what}不能为空")
    if data.people_count < 1:
        found.append("接待群众至少1人")
    if data.problems_solved > 0 and not data.solutions.strip():
        found.append("解决了实际问题的，请写明解决情况")
    if data.leader_user_id is not None and session.get(User, data.leader_user_id) is None:
        found.append("所选领导的账号不存在或不在您的管辖范围内")
    if data.place_node_id is not None and session.get(Node, data.place_node_id) is None:
        found.append("下访地点所在单位不存在或不在您的管辖范围内")
    found += _matter_problems(session, data.matter_ids)
    found += too_long(LeaderVisit, dataclasses.asdict(data), LABELS)
    return found


def create(session: Session, actor: Actor, data: VisitIn, today: dt.date) -> LeaderVisit:
    node = session.get(Node, data.node_id)
    if node is None:
        raise NotFound("单位不存在或不在您的管辖范围内")
    found = problems(session, node, data, today)
    if found:
        raise BadRequest("；".join(found), details=[{"message": p} for p in found])
    visit = LeaderVisit(
        node_id=node.id, kind=data.kind, visited_on=data.visited_on, leader_user_id=data.leader_user_id,
        leader_name=data.leader_name.strip(), leader_position=data.leader_position.strip(),
        leader_kind=data.leader_kind, place=data.place.strip(), place_node_id=data.place_node_id,
        people_met=data.people_met.strip(), people_count=data.people_count, matters_raised=data.matters_raised.strip(),
        problems_solved=data.problems_solved, solutions=data.solutions.strip(),
        matter_ids=sorted(set(data.matter_ids)), note=data.note.strip(), created_by=actor.username)
    session.add(visit)
    session.flush()
    return visit


@dataclasses.dataclass
class VisitChanges(Bounded):
    """Later entries: what was solved, linked matters. Who, when and the kind stay as recorded."""

    place: Line | None = None
    people_met: LongText | None = None
    people_count: Count | None = None
    matters_raised: LongText | None = None
    problems_solved: Count | None = None
    solutions: LongText | None = None
    matter_ids: list[Id] | None = None
    note: Note | None = None


def changes_from(body: dict[str, Any]) -> VisitChanges:
    """A partial update as typed and bounded as a new record; a field that may not change is refused."""
    fixed = set(body) - {f.name for f in dataclasses.fields(VisitChanges)}
    if fixed:
        raise BadRequest(f"不能修改的字段：{'、'.join(sorted(fixed))}（领导、日期和类型以登记为准）")
    try:
        return msgspec.convert(body, VisitChanges)
    except (msgspec.ValidationError, ValueError) as exc:
        raise BadRequest(f"字段格式不正确：{exc}") from exc


def update(session: Session, visit: LeaderVisit, data: VisitChanges) -> LeaderVisit:
    changes = {k: v for k, v in dataclasses.asdict(data).items() if v is not None}
    found = [f"{what}不能为空" for key, what in REQUIRED.items() if key in changes and not changes[key].strip()]
    if changes.get("people_count", 1) < 1:
        found.append("接待群众至少1人")
    if changes.get("problems_solved", visit.problems_solved) > 0 and not changes.get("solutions", visit.solutions).strip():
        found.append("解决了实际问题的，请写明解决情况")
    if "matter_ids" in changes:
        found += _matter_problems(session, changes["matter_ids"])
    found += too_long(LeaderVisit, changes, LABELS)
    if found:
        raise BadRequest("；".join(found), details=[{"message": p} for p in found])
    for key, value in changes.items():
        if key == "matter_ids":
            value = sorted(set(value))
        setattr(visit, key, value.strip() if isinstance(value, str) else value)
    session.flush()
    return visit


def query(session: Session, node: Node | None, kind: str | None, start: dt.date | None, end: dt.date | None,
          leader_user_id: int | None, leader_name: str | None):
    q = select(LeaderVisit)
    if node is not None:
        q = q.where(getattr(LeaderVisit, COLUMN[Level(node.level)]) == node.id)
    if kind is not None:
        if kind not in KINDS:
            raise BadRequest(f"类型应为：{'、'.join(f'{k}（{v}）' for k, v in KINDS.items())}")
        q = q.where(LeaderVisit.kind == kind)
    if start is not None:
        q = q.where(LeaderVisit.visited_on >= start)
    if end is not None:
        q = q.where(LeaderVisit.visited_on <= end)
    if leader_user_id is not None:
        q = q.where(LeaderVisit.leader_user_id == leader_user_id)
    if leader_name:
        q = q.where(LeaderVisit.leader_name == leader_name.strip())
    return q.order_by(LeaderVisit.visited_on, LeaderVisit.id)


def to_dict(visit: LeaderVisit, node_names: dict[int, str], matter_numbers: dict[int, str]) -> dict:
    return {
        "id": visit.id, "node_id": visit.node_id, "node_name": node_names.get(visit.node_id, ""),
        "kind": visit.kind, "kind_label": KINDS.get(visit.kind, visit.kind), "visited_on": visit.visited_on.isoformat(),
        "leader_user_id": visit.leader_user_id, "leader_name": visit.leader_name,
        "leader_position": visit.leader_position, "leader_kind": visit.leader_kind,
        "leader_kind_label": LEADER_KINDS.get(visit.leader_kind, visit.leader_kind), "place": visit.place,
        "place_node_id": visit.place_node_id, "place_node_name": node_names.get(visit.place_node_id or 0, ""),
        "people_met": visit.people_met, "people_count": visit.people_count, "matters_raised": visit.matters_raised,
        "problems_solved": visit.problems_solved, "solutions": visit.solutions,
        "matters": [{"id": m, "number": matter_numbers.get(m)} for m in visit.matter_ids], "note": visit.note,
        "created_by": visit.created_by, "created_at": visit.created_at.isoformat(),
    }


# --- counting --------------------------------------------------------------------------------


@dataclasses.dataclass
class Tally:
    """One leader of one unit: what they did in a span of days."""

    unit: Node
    user_id: int | None
    name: str
    position: str = ""
    main: bool = False
    visits: int = 0
    appointments: int = 0
    problems_solved: int = 0
    people: int = 0
    reception_days: set[dt.date] = dataclasses.field(default_factory=set)

    def counts(self) -> dict:
        return {"visits": self.visits, "appointments": self.appointments, "problems_solved": self.problems_solved,
                "people": self.people, "receptions": len(self.reception_days)}


def units_under(session: Session, node: Node) -> list[Node]:
    """The units whose leaders have quotas: ``node`` itself and, under a county, its departments and townships."""
    units = [node] if node.level in VISIT_LEVELS else []
    if node.level == Level.COUNTY:
        units += list(session.scalars(select(Node).where(
            Node.parent_id == node.id, Node.level.in_((Level.DEPARTMENT, Level.TOWNSHIP))).order_by(Node.code)))
    return units


class _Book:
    """Tallies keyed by unit and leader; a record without an account joins the account of the same name."""

    def __init__(self, session: Session, units: list[Node]) -> None:
        self.units = {u.id: u for u in units}
        self.tallies: dict[tuple[int, tuple], Tally] = {}
        self.by_name: dict[tuple[int, str], tuple] = {}
        ids = list(self.units)
        rows = session.execute(
            select(RoleAssignment.node_id, User.id, User.display_name, User.position)
            .join(User, User.id == RoleAssignment.user_id)
            .where(RoleAssignment.role == "leader", RoleAssignment.node_id.in_(ids), User.is_active.is_(True))
            .order_by(User.id), execution_options={"skip_scope": True}).all() if ids else []
        for unit_id, user_id, name, position in rows:
            self._add(unit_id, user_id, name, position or "")

    def _add(self, unit_id: int, user_id: int | None, name: str, position: str) -> Tally:
        key = ("user", user_id) if user_id else self.by_name.get((unit_id, name), ("name", name))
        tally = self.tallies.get((unit_id, key))
        if tally is None:
            tally = self.tallies[(unit_id, key)] = Tally(self.units[unit_id], user_id, name, position)
            self.by_name.setdefault((unit_id, name), key)
        if position and not tally.position:
            tally.position = position
        return tally

    def of(self, unit_id: int, user_id: int | None, name: str, position: str, kind: str) -> Tally:
        tally = self._add(unit_id, user_id, name, position)
        tally.main = tally.main or kind == "main"
        return tally


def tally(session: Session, units: list[Node], first: dt.date, last: dt.date,
          main_leaders: list[str] | None = None) -> list[Tally]:
    """Every leader of ``units`` (accounts and names on record) with what they did from ``first`` to ``last``;
    ``main_leaders`` names the first unit's 党政主要领导."""
    book = _Book(session, units)
    ids = list(book.units)
    if not ids:
        return []
    for v in session.scalars(select(LeaderVisit).where(LeaderVisit.node_id.in_(ids), LeaderVisit.visited_on >= first,
                                                       LeaderVisit.visited_on <= last)):
        t = book.of(v.node_id, v.leader_user_id, v.leader_name, v.leader_position, v.leader_kind)
        if v.kind == "visit":
            t.visits += 1
        else:
            t.appointments += 1
        t.problems_solved += v.problems_solved
        t.people += v.people_count
    # 接访: a day on the unit's own rota, or a reception the leader registered there
    for d in session.scalars(select(RotaDuty).where(RotaDuty.node_id.in_(ids), RotaDuty.on >= first,
                                                    RotaDuty.on <= last)):
        book.of(d.node_id, d.leader_user_id, d.leader_name, d.leader_position, d.leader_kind).reception_days.add(d.on)
    for r in session.scalars(select(ReceptionRecord).where(
            ReceptionRecord.node_id.in_(ids), ReceptionRecord.received_on >= first,
            ReceptionRecord.received_on <= last)):
        book.of(r.node_id, r.leader_user_id, r.leader_name, r.leader_position, "").reception_days.add(r.received_on)
    # names the caller gives are the first unit's (the one asked about) 党政主要领导, on record or not
    for name in {n.strip() for n in main_leaders or [] if n.strip()}:
        book.of(units[0].id, None, name, "", "main")
    out = list(book.tallies.values())
    return sorted(out, key=lambda t: (t.unit.code, not t.main, t.name))


def period_of(period: str, on: dt.date) -> tuple[dt.date, dt.date]:
    if period == "year":
        return dt.date(on.year, 1, 1), dt.date(on.year, 12, 31)
    return on.replace(day=1), on.replace(day=month_days.monthrange(on.year, on.month)[1])


def quotas(session: Session, node: Node, on: dt.date, today: dt.date, main_leaders: list[str] | None = None) -> dict:
    """Each leader of the units under ``node`` against seed 004's (and seed 000's) quotas for the
    month and the year containing ``on``. A period not over yet is marked so: its shortfall is not final."""
    units = units_under(session, node)  # none under a village or grid: its leaders have no quota
    spans = {p: period_of(p, on) for p in ("month", "year")}
    tallies = {p: tally(session, units, *spans[p], main_leaders) for p in spans}
    by_key = {p: {(t.unit.id, t.user_id or t.name): t for t in tallies[p]} for p in spans}
    leaders = []
    for t in tallies["year"]:  # the year's leaders include the month's
        key = (t.unit.id, t.user_id or t.name)
        month = by_key["month"].get(key)
        main = t.main or (month.main if month else False)
        checks = []
        for q in QUOTAS:
            if q.level != t.unit.level or (q.main_only and not main):
                continue
            first, last = spans[q.period]
            held = by_key[q.period].get(key)
            counts = held.counts() if held else Tally(t.unit, None, "").counts()
            done = counts["receptions"] if q.source == "receptions" else sum(
                counts["visits" if k == "visit" else "appointments"] for k in q.kinds)
            checks.append({"rule": q.key, "label": q.label, "period": q.period, "start": first.isoformat(),
                           "end": last.isoformat(), "quota": q.amount, "count": done, "met": done >= q.amount,
                           "period_over": last < today, "problems_solved": counts["problems_solved"]})
        leaders.append({"unit_id": t.unit.id, "unit_name": t.unit.name, "unit_level": t.unit.level,
                        "leader_user_id": t.user_id, "leader_name": t.name, "leader_position": t.position,
                        "main": main, "year": t.counts(), "month": month.counts() if month else Tally(t.unit, None, "").counts(),
                        "checks": checks})
    return {"on": on.isoformat(), "month": [d.isoformat() for d in spans["month"]],
            "year": [d.isoformat() for d in spans["year"]], "rules": [{"rule": q.key, "label": q.label} for q in QUOTAS],
            "leaders": leaders,
            "unmet": sum(not c["met"] for item in leaders for c in item["checks"])}
