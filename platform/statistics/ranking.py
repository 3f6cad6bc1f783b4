"""月排队讲评: a county's monthly ranking of its townships (or departments) by a weighted score
of their rates, compared within volume groups so a quiet unit with one matter is not ranked
above busy ones; publishing freezes a version (rows, weights, SHA-256), a correction publishes
the next version with its reason and its differences from the last.

Score = Σ weight × rate ÷ Σ weight over the weighted rates the unit has a denominator for,
×100 (a lower-is-better rate counts as 1 − rate); no rate with a denominator: no score.
Volume: townships by the 件次 registered in their subtree in the month, departments by the
matters assigned to them in the month (their own registrations are few)."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinfang.platform.audit.log import canonical
from xinfang.platform.errors import BadRequest, Conflict
from xinfang.platform.matters.models import Matter, MatterUnit
from xinfang.platform.statistics.definitions import RATE_BY_KEY
from xinfang.platform.statistics.figures import Frame
from xinfang.platform.statistics.models import Ranking, RankingRules
from xinfang.platform.statistics.periods import Period
from xinfang.tenants.levels import Level
from xinfang.tenants.models import Node

UNITS = {"township": "乡镇（街道）", "department": "县直部门"}
DEFAULT_WEIGHTS = {"timely_acceptance": 20, "on_time_closing": 30, "stopped_petitioning": 20, "first_resolved": 15,
                   "repeat_rate": 15}
DEFAULT_BOUNDS = [5, 20]  # groups: fewer than 5 件次, 5–19, 20 and more
MAX_WEIGHT = 1000


def rules(session: Session, county: Node) -> dict:
    row = session.scalar(select(RankingRules).where(RankingRules.node_id == county.id))
    if row is None:
        return {"weights": dict(DEFAULT_WEIGHTS), "volume_bounds": list(DEFAULT_BOUNDS), "default": True}
    return {"weights": dict(row.weights), "volume_bounds": list(row.volume_bounds), "default": False}


def check_rules(weights: dict[str, int], bounds: list[int]) -> None:
    unknown = [key for key in weights if key not in RATE_BY_KEY or RATE_BY_KEY[key].count is None]
    if unknown:
        usable = "、".join(f"{k}（{r.label}）" for k, r in RATE_BY_KEY.items() if r.count is not None)
        raise BadRequest(f"无法计分的指标：{'、'.join(unknown)}；可用指标：{usable}")
    if not weights or any(not 0 < w <= MAX_WEIGHT for w in weights.values()):
        raise BadRequest(f"请至少设置一个指标的权重，权重应为1至{MAX_WEIGHT}的整数")
    if any(b < 1 for b in bounds) or bounds != sorted(set(bounds)) or len(bounds) > 10:
        raise BadRequest("分组界限应为由小到大、互不相同的正整数（件次），最多10个")


def save_rules(session: Session, county: Node, weights: dict[str, int], bounds: list[int], by: str) -> dict:
    check_rules(weights, bounds)
    row = session.scalar(select(RankingRules).where(RankingRules.node_id == county.id))
    if row is None:
        row = RankingRules(node_id=county.id)
        session.add(row)
    row.weights, row.volume_bounds, row.updated_by = dict(weights), list(bounds), by
    session.flush()
    return rules(session, county)


def _volume(frame: Frame, units: str) -> int:
    if units == "township":
        query = select(func.count(Matter.id)).where(frame.under(Matter), frame.within(Matter.received_on))
    else:
        query = select(func.count(func.distinct(MatterUnit.matter_id))).where(
            MatterUnit.unit_id == frame.node.id, frame.within(MatterUnit.assigned_on))
    return int(frame.session.scalar(query) or 0)


def _group(volume: int, bounds: list[int]) -> int:
    return sum(1 for bound in bounds if volume >= bound)


def group_label(index: int, bounds: list[int]) -> str:
    low = bounds[index - 1] if index > 0 else 0
    if index == len(bounds):
        return f"{low}件次及以上"
    return f"{low}至{bounds[index] - 1}件次"


def compute(session: Session, county: Node, units: str, period: Period, today: dt.date,
            weights: dict[str, int], bounds: list[int]) -> list[dict]:
    """The rows of the ranking, as it stands today: one per unit, ranked within its group."""
    level = Level.TOWNSHIP if units == "township" else Level.DEPARTMENT
    nodes = session.scalars(select(Node).where(Node.parent_id == county.id, Node.level == level)
                            .order_by(Node.code)).all()
    rows = []
    for node in nodes:
        frame = Frame(session, node, period, today)
        rates, weighted, total = {}, 0.0, 0
        for key, weight in sorted(weights.items()):
            rate = RATE_BY_KEY[key]
            numerator, denominator = rate.count(frame) if rate.count else (0, 0)
            value = round(numerator / denominator, 4) if denominator else None
            rates[key] = {"numerator": numerator, "denominator": denominator, "value": value}
            if value is not None:
                weighted += weight * (value if rate.higher_is_better else 1 - value)
                total += weight
        volume = _volume(frame, units)
        rows.append({"node_id": node.id, "code": node.code, "name": node.name, "volume": volume,
                     "group": _group(volume, bounds), "score": round(weighted / total * 100, 2) if total else None,
                     "rates": rates})
    for group in {row["group"] for row in rows}:
        members = sorted((r for r in rows if r["group"] == group),
                         key=lambda r: (r["score"] is None, -(r["score"] or 0), -r["volume"], r["code"]))
        for place, row in enumerate(members, start=1):
            row["rank"] = place
    rows.sort(key=lambda r: (-r["group"], r["rank"]))
    for row in rows:
        row["group_label"] = group_label(row["group"], bounds)
    return rows


def _payload(ranking: Ranking) -> dict:
    return {"county_id": ranking.node_id, "units": ranking.units, "period": ranking.period,
            "version": ranking.version, "weights": ranking.weights, "volume_bounds": ranking.volume_bounds,
            "rows": ranking.rows, "changes": ranking.changes, "reason": ranking.reason,
            "counted_on": ranking.counted_on.isoformat()}


def digest(ranking: Ranking) -> str:
    return hashlib.sha256(canonical(_payload(ranking))).hexdigest()


def differences(before: list[dict], after: list[dict]) -> list[dict]:
    """What changed for each unit between two versions: score, rank, group, volume."""
    old = {row["node_id"]: row for row in before}
    out = []
    for row in after:
        previous = old.get(row["node_id"], {})
        changed = {key: {"before": previous.get(key), "after": row[key]}
                   for key in ("score", "rank", "group", "volume") if previous.get(key) != row[key]}
        if changed:
            out.append({"node_id": row["node_id"], "name": row["name"], "changed": changed})
    return out


def versions(session: Session, county: Node, units: str, period: Period) -> list[Ranking]:
    return list(session.scalars(select(Ranking).where(Ranking.node_id == county.id, Ranking.units == units,
                                                      Ranking.period == period.key).order_by(Ranking.version)))


def publish(session: Session, county: Node, units: str, period: Period, today: dt.date, reason: str,
            by: str) -> Ranking:
    if period.kind != "month":
        raise BadRequest("月排队讲评按月发布：统计期间应为月份，如 2026-07")
    if period.end >= today:
        raise BadRequest("本月尚未结束，月排队讲评只能在月份结束后发布")
    existing = versions(session, county, units, period)
    reason = reason.strip()
    if existing and not reason:
        raise BadRequest("该月排名已发布，更正发布新版本须说明更正原因")
    settings = rules(session, county)
    rows = compute(session, county, units, period, today, settings["weights"], settings["volume_bounds"])
    changes = differences(existing[-1].rows, rows) if existing else []
    if existing and not changes:
        raise Conflict("与已发布的最新版本相比排名没有变化，无需发布新版本")
    ranking = Ranking(node_id=county.id, units=units, period=period.key, version=len(existing) + 1,
                      weights=settings["weights"], volume_bounds=settings["volume_bounds"], rows=rows,
                      changes=changes, reason=reason, counted_on=today, published_by=by, sha256="")
    ranking.sha256 = digest(ranking)
    session.add(ranking)
    session.flush()
    return ranking


def to_dict(ranking: Ranking) -> dict:
    return {"id": ranking.id, **_payload(ranking), "sha256": ranking.sha256, "intact": digest(ranking) == ranking.sha256,
            "published_at": ranking.published_at, "published_by": ranking.published_by,
            "units_label": UNITS[ranking.units]}
