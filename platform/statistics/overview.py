"""All the figures of one node and period, with 同比 and 环比, as the API, the dashboard, the
export and the documents show them (one computation, many presentations)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from xinfang.platform.statistics.definitions import BREAKDOWNS, RATES, Rate
from xinfang.platform.statistics.figures import Frame, grouped_totals, matter_list_params
from xinfang.platform.statistics.periods import Period
from xinfang.tenants.models import Node

COMPARED = ("year_before", "before")  # 同比, 环比


def matter_link(params: dict[str, str]) -> str:
    return "/matters?" + urlencode(params)


def _change(current: int, previous: int | None) -> float | None:
    """Relative change of a count (0.25 = up 25%); None when there is nothing to compare with."""
    if not previous:
        return None
    return round((current - previous) / previous, 4)


def _ratio(pair: tuple[int, int]) -> float | None:
    numerator, denominator = pair
    return round(numerator / denominator, 4) if denominator else None


def _periods(period: Period) -> dict[str, Period]:
    return {"current": period, "year_before": period.year_before(), "before": period.before()}


def _rate(rate: Rate, frames: dict[str, Frame]) -> dict:
    out: dict = {"key": rate.key, "label": rate.label, "available": rate.count is not None,
                 "target": rate.target, "target_source": rate.target_source,
                 "higher_is_better": rate.higher_is_better,
                 "definition": {"numerator": rate.numerator, "denominator": rate.denominator, "dates": rate.dates,
                                "clock": rate.clock}}
    if rate.count is None:
        return out | {"value": None, "numerator": None, "denominator": None, "text": rate.unavailable,
                      "year_before": None, "before": None, "meets_target": None, "links": None}
    cache: dict[Period, tuple[int, int]] = {}
    for frame in frames.values():
        if frame.period not in cache:
            cache[frame.period] = rate.count(frame)
    current = cache[frames["current"].period]
    value = _ratio(current)
    meets = None
    if rate.target is not None and value is not None:
        meets = value >= rate.target if rate.higher_is_better else value <= rate.target
    links = None
    if rate.links is not None:
        denominator, numerator = rate.links(frames["current"])
        links = {"denominator": matter_link(denominator), "numerator": matter_link(numerator)}
    return out | {"numerator": current[0], "denominator": current[1], "value": value,
                  "text": f"{value * 100:.1f}%" if value is not None else "—（无应计事项）",
                  "year_before": _ratio(cache[frames["year_before"].period]),
                  "before": _ratio(cache[frames["before"].period]), "meets_target": meets, "links": links}


def figures(session: Session, node: Node, period: Period, today: dt.date) -> dict:
    frames = {name: Frame(session, node, p, today) for name, p in _periods(period).items()}
    columns = [b.column() for b in BREAKDOWNS]
    groups_of: dict[Period, list[tuple]] = {}
    for frame in frames.values():
        if frame.period not in groups_of:
            groups_of[frame.period] = grouped_totals(frame, columns)
    groups = {name: groups_of[frame.period] for name, frame in frames.items()}

    def total(name: str, index: int) -> int:
        return sum(row[-2 + index] for row in groups[name])

    totals = {}
    for index, key in enumerate(("count", "people")):
        current = total("current", index)
        totals[key] = {"value": current, **{name: total(name, index) for name in COMPARED},
                       "year_on_year": _change(current, total("year_before", index)),
                       "period_on_period": _change(current, total("before", index))}
    base = matter_list_params(frames["current"])
    breakdowns = []
    for position, breakdown in enumerate(BREAKDOWNS):
        sums: dict[str, dict[str, list[int]]] = {}
        for name in ("current", *COMPARED):
            for row in groups[name]:
                value = str(row[position])
                cell = sums.setdefault(value, {n: [0, 0] for n in ("current", *COMPARED)})[name]
                cell[0] += int(row[-2])
                cell[1] += int(row[-1])
        order = list(breakdown.labels) or sorted(sums)
        rows = []
        for value in [v for v in order if v in sums] + sorted(v for v in sums if v not in order):
            cells = sums[value]
            rows.append({"value": value, "label": breakdown.labels.get(value, value), "count": cells["current"][0],
                         "people": cells["current"][1], "count_year_before": cells["year_before"][0],
                         "count_before": cells["before"][0],
                         "link": matter_link({**base, breakdown.param: breakdown.values(value)})})
        breakdowns.append({"key": breakdown.key, "label": breakdown.label, "rows": rows})
    return {
        "node": {"id": node.id, "name": node.name, "level": node.level},
        "period": _period_dict(period), "year_before": _period_dict(frames["year_before"].period),
        "before": _period_dict(frames["before"].period), "as_of": today.isoformat(),
        "totals": totals, "link": matter_link(base), "breakdowns": breakdowns,
        "rates": [_rate(rate, frames) for rate in RATES],
    }


def _period_dict(period: Period) -> dict:
    return {"key": period.key, "kind": period.kind, "label": period.label, "start": period.start.isoformat(),
            "end": period.end.isoformat()}
