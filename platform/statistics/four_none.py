"""四无乡镇 (seed 000: the county commends the townships with "four nothings" in the year and
leaves the criteria to itself): the county picks its criteria from ``CRITERIA`` and sets, for
each, the most a township may have and still meet it; the year's list says which townships
meet all of them and, for the others, which criterion failed and by how much.

Matters count against the township their problem lies in (问题所在地, ``place_node_id``), as
for 无访村, over the matters received in the year; 超期 counts the statutory duty clocks held
in the township's subtree that settled late in the year (the dashboard's settled clocks).
One grouped query per table for the whole county, on the viewer's scoped session. Every count
links to the matter list filtered to exactly the matters it counts (``Criterion.filters``, the
list's words for the same condition; tests/integration/test_four_none_links.py holds them equal)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from xinfang.platform.errors import BadRequest
from xinfang.platform.matters.clocks import late_duties
from xinfang.platform.matters.models import Matter, MatterClock
from xinfang.platform.spreadsheets.writing import Table
from xinfang.platform.statistics.figures import Frame
from xinfang.platform.statistics.models import FourNoneRules
from xinfang.tenants.levels import Level
from xinfang.tenants.models import Node

COLLECTIVE_PEOPLE = 5  # 集体访: five or more people (the smallest threshold a county may set)
MAX_LIMIT = 1000


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str  # 无……, as the award names it
    noun: str  # what is counted, for the reason a township fails ("{people}" filled in)
    counted: str  # the definition, printed on the page
    matters: Callable[[int], ColumnElement[bool]] | None  # the matters counted; None: the late clocks
    filters: Callable[[int], dict[str, str]]  # the same condition as the matter list's filters
    uses_people: bool = False
    unit: str = "件"


CRITERIA = {c.key: c for c in (
    Criterion("beijing", "无进京上访", "进京上访", "越级到北京的信访事项",
              lambda people: Matter.overreach == "beijing", lambda people: {"reach": "beijing"}),
    Criterion("province_collective", "无赴省进京集体访", "赴省进京集体访", "越级到省或北京的集体访",
              lambda people: (Matter.form == "collective") & Matter.overreach.in_(("province", "beijing")),
              lambda people: {"form": "collective", "reach_from": "province"}),
    Criterion("repeat_overreach", "无重复越级访", "重复越级访", "越级（到市、到省、进京）的重信重访",
              lambda people: (Matter.overreach != "none") & Matter.repeat_of_id.is_not(None),
              lambda people: {"overreach": "true", "repeat": "true"}),
    Criterion("large_collective", "无大规模集体访", "{people}人以上集体访", "人数达到县里设定人数的集体访",
              lambda people: (Matter.form == "collective") & (Matter.headcount >= people),
              lambda people: {"form": "collective", "headcount_from": str(people)}, uses_people=True),
    Criterion("overreach", "无越级访", "越级访", "越级到市、到省或进京的信访事项",
              lambda people: Matter.overreach != "none", lambda people: {"overreach": "true"}),
    Criterion("overdue", "无超期办理", "超期的法定办理期限", "乡镇（含下级）承办、当年超期完成或到期未完成的法定期限",
              None, lambda people: {}, unit="个"),
)}
DEFAULT = [{"key": "beijing", "limit": 0}, {"key": "province_collective", "limit": 0},
           {"key": "repeat_overreach", "limit": 0}, {"key": "large_collective", "limit": 0, "people": 50}]


def rules(session: Session, county: Node) -> dict:
    row = session.scalar(select(FourNoneRules).where(FourNoneRules.node_id == county.id))
    if row is None:
        return {"criteria": [dict(c) for c in DEFAULT], "default": True}
    return {"criteria": [dict(c) for c in row.criteria], "default": False}


def check(criteria: list[dict[str, Any]]) -> list[dict[str, int | str]]:
    """The criteria as stored: known keys, each once, whole-number limits; a clear 400 otherwise."""
    if not 1 <= len(criteria) <= len(CRITERIA):
        raise BadRequest(f"请设置1至{len(CRITERIA)}项评选条件")
    clean: list[dict[str, int | str]] = []
    for item in criteria:
        key = item.get("key") if isinstance(item, dict) else None
        if key not in CRITERIA:
            usable = "、".join(f"{k}（{c.label}）" for k, c in CRITERIA.items())
            raise BadRequest(f"未知的评选条件“{key}”；可用条件：{usable}")
        if any(c["key"] == key for c in clean):
            raise BadRequest(f"评选条件“{CRITERIA[key].label}”重复")
        limit = item.get("limit", 0)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= MAX_LIMIT:
            raise BadRequest(f"“{CRITERIA[key].label}”允许的件数应为0至{MAX_LIMIT}的整数")
        entry: dict[str, int | str] = {"key": key, "limit": limit}
        if CRITERIA[key].uses_people:
            people = item.get("people")
            if isinstance(people, bool) or not isinstance(people, int) or not COLLECTIVE_PEOPLE <= people <= 10_000:
                raise BadRequest(f"“{CRITERIA[key].label}”应设定人数（{COLLECTIVE_PEOPLE}至10000人）")
            entry["people"] = people
        clean.append(entry)
    return clean


def save_rules(session: Session, county: Node, criteria: list[dict[str, Any]], by: str) -> dict:
    """Store the county's criteria (an ORM write: audited like every other)."""
    clean = check(criteria)
    row = session.scalar(select(FourNoneRules).where(FourNoneRules.node_id == county.id))
    if row is None:
        row = FourNoneRules(node_id=county.id)
        session.add(row)
    row.criteria, row.updated_by = clean, by
    session.flush()
    return rules(session, county)


def describe(criteria: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each criterion with its words: its label with the county's numbers, and its definition."""
    out = []
    for item in criteria:
        c = CRITERIA[item["key"]]
        noun = c.noun.format(people=item.get("people", ""))
        allowed = "不得发生" if item["limit"] == 0 else f"不超过{item['limit']}{c.unit}"
        out.append({**item, "label": c.label, "noun": noun, "unit": c.unit, "rule": f"{noun}{allowed}",
                    "counted": c.counted})
    return out


def _matter_counts(frame: Frame, criteria: list[dict[str, Any]]) -> dict[int, list[int]]:
    chosen = [c for c in criteria if CRITERIA[c["key"]].matters is not None]
    if not chosen:
        return {}
    place = aliased(Node)
    sums = [func.sum(case((CRITERIA[c["key"]].matters(int(c.get("people", 0))), 1), else_=0)) for c in chosen]  # type: ignore[misc]
    query = (select(place.township_id, *sums).join(place, place.id == Matter.place_node_id)
             .where(frame.under(place), place.township_id.is_not(None), frame.within(Matter.received_on))
             .group_by(place.township_id))
    return {row[0]: [int(v or 0) for v in row[1:]] for row in frame.session.execute(query)}


def _late_clocks(frame: Frame) -> dict[int, tuple[int, int]]:
    """Per township: the late duty clocks it holds, and the matters they belong to (a matter
    may hold two: its 受理告知 and its 办理)."""
    holder = aliased(Node)
    query = (select(holder.township_id, func.count(MatterClock.id), func.count(func.distinct(MatterClock.matter_id)))
             .join(holder, holder.id == MatterClock.node_id)
             .where(frame.under(holder), holder.township_id.is_not(None),
                    *late_duties(MatterClock, frame.period.start, frame.period.end, frame.today))
             .group_by(holder.township_id))
    return {row[0]: (int(row[1]), int(row[2])) for row in frame.session.execute(query)}


def link(frame: Frame, town_id: int, item: dict[str, Any]) -> str:
    """The matter list of exactly what a township's count counts: by 问题所在地 and received in
    the year, or, for 超期, the matters holding the late clocks the township holds."""
    if item["key"] == "overdue":
        params = {"late_clock_node_id": str(town_id), "late_clock_year": str(frame.period.start.year)}
    else:
        params = {"place_id": str(town_id), "received_from": frame.period.start.isoformat(),
                  "received_to": frame.period.end.isoformat(), **CRITERIA[item["key"]].filters(int(item.get("people", 0)))}
    return "/matters?" + urlencode(params)


def townships(frame: Frame, criteria: list[dict[str, Any]]) -> list[dict]:
    """Every township of the county (``frame.node``) for the year (``frame.period``): its count
    under each criterion, whether it meets them all, and the reasons it does not."""
    described = describe(criteria)
    by_matters = _matter_counts(frame, criteria)
    late = _late_clocks(frame) if any(c["key"] == "overdue" for c in criteria) else {}
    towns = frame.session.scalars(select(Node).where(frame.under(Node), Node.level == Level.TOWNSHIP)
                                  .order_by(Node.code))
    rows = []
    for town in towns:
        matter_counts = iter(by_matters.get(town.id, [0] * len(criteria)))
        counts, reasons = {}, []
        links_of, late_matters = {}, late.get(town.id, (0, 0))[1]
        for c in described:
            n = late.get(town.id, (0, 0))[0] if c["key"] == "overdue" else next(matter_counts)
            counts[c["key"]] = n
            if n:
                links_of[c["key"]] = link(frame, town.id, c)
            if n > c["limit"]:
                allowed = f"（允许{c['limit']}{c['unit']}）" if c["limit"] else "（不得发生）"
                reasons.append(f"{c['noun']}{n}{c['unit']}{allowed}")
        rows.append({"id": town.id, "code": town.code, "name": town.name, "counts": counts, "meets": not reasons,
                     "reasons": reasons, "links": links_of, "late_matters": late_matters})
    return rows


def table(year: int, criteria: list[dict[str, Any]], rows: list[dict]) -> Table:
    """The list as one XLSX sheet: a column per criterion, then the verdict and its reasons."""
    described = describe(criteria)
    columns = [("name", "乡镇（街道）"), *[(f"c_{c['key']}", f"{c['noun']}（{c['rule']}）") for c in described],
               ("verdict", "是否符合"), ("reasons", "不符合的原因")]
    out = [{"name": r["name"], **{f"c_{k}": v for k, v in r["counts"].items()},
            "verdict": "符合" if r["meets"] else "不符合", "reasons": "；".join(r["reasons"])} for r in rows]
    return (f"{year}年四无乡镇", columns, out)
