"""The campaign's metrics with the seed's targets, for the metrics API and the closing report.

Seed 001's goals: 初信初访一次性化解率 99% or more; 信访总量, 进京到省越级上访 and 集体上访
down (compared here with the same number of days just before the campaign); “三个不发生”
(target 0); and the duties with a share — 应列尽列 with “五个一”, “四包”, the Wednesday/Friday
reports — all of them (target 100%).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from xinfang.platform.api import MetricSpec, Node, WorkCalendar, clock, load_calendar
from xinfang.plugins.petition_month import figures
from xinfang.plugins.petition_month.areas import areas, window


@dataclass(frozen=True)
class Span:
    """What a metric is computed over: the area, the campaign's days so far, and today."""

    session: Session
    roots: list[Node]
    first: dt.date
    last: dt.date
    today: dt.date
    calendar: WorkCalendar


def _trend(key: str) -> Callable[[Span], tuple[float | None, dict[str, Any]]]:
    def compute(span: Span) -> tuple[float | None, dict[str, Any]]:
        now = figures.matter_counts(span.session, span.roots, span.first, span.last)
        before = figures.previous_counts(span.session, span.roots, span.first, span.last)
        detail = {"previous": before[key], "previous_label": "活动前同期（相同天数）", "change": now[key] - before[key],
                  "down": now[key] < before[key]}
        if key == "collective":
            detail |= {"people": now["collective_people"], "previous_people": before["collective_people"]}
        return now[key], detail
    return compute


def _first_resolution(span: Span) -> tuple[float | None, dict[str, Any]]:
    found = figures.first_resolution(span.session, span.roots, span.first, span.last)
    return found["rate"], found


def _large_collective(span: Span) -> tuple[float | None, dict[str, Any]]:
    found = figures.matter_counts(span.session, span.roots, span.first, span.last)
    return found["large_collective"], {"threshold": figures.LARGE_COLLECTIVE, "collective": found["collective"]}


def _risk(key: str) -> Callable[[Span], tuple[float | None, dict[str, Any]]]:
    def compute(span: Span) -> tuple[float | None, dict[str, Any]]:
        found = figures.open_risks(span.session, span.roots, span.first, span.last)
        return found[key], {"source": "矛盾纠纷排查化解清单中标注该风险且尚未化解的问题"}
    return compute


def _listing(span: Span) -> tuple[float | None, dict[str, Any]]:
    found = figures.backlog_listing(span.session, span.roots, span.last)
    return found.rate, found.to_dict()


def _ownership(span: Span) -> tuple[float | None, dict[str, Any]]:
    found = figures.ownership(span.session, span.roots, span.first, span.last)
    return found.rate, found.to_dict()


def _punctuality(span: Span) -> tuple[float | None, dict[str, Any]]:
    # reporting days that are over: up to yesterday
    found = figures.punctuality(span.session, span.roots, span.first, min(span.last, span.today - dt.timedelta(days=1)),
                                span.calendar)
    return found["rate"], found


@dataclass(frozen=True)
class Metric:
    key: str
    name: str
    target: float | None
    unit: str
    compute: Callable[[Span], tuple[float | None, dict[str, Any]]]
    higher_is_better: bool = True
    target_text: str = ""  # how the report states the target


METRICS = (
    Metric("first_resolution", "初信初访一次性化解率", 0.99, "比例", _first_resolution, target_text="99%以上"),
    Metric("total", "信访总量", None, "件", _trend("total"), False, "较活动前同期下降"),
    Metric("overreach", "进京到省越级上访", None, "件", _trend("overreach"), False, "较活动前同期下降"),
    Metric("collective", "集体上访", None, "批", _trend("collective"), False, "较活动前同期下降"),
    Metric("large_collective", f"大规模集体上访（{figures.LARGE_COLLECTIVE}人以上）", 0, "批", _large_collective, False,
           "不发生"),
    Metric("extreme_risks", "个人极端事件隐患（未化解）", 0, "件", _risk("extreme"), False, "不发生"),
    Metric("opinion_risks", "负面舆论炒作隐患（未化解）", 0, "件", _risk("opinion"), False, "不发生"),
    Metric("listing", "超期、重复信访事项列入积案清单并落实“五个一”", 1.0, "比例", _listing, target_text="应列尽列（100%）"),
    Metric("ownership", "疑难复杂事项包案“四包”落实率", 1.0, "比例", _ownership, target_text="100%"),
    Metric("punctuality", "周三、周五按时报送率", 1.0, "比例", _punctuality, target_text="100%"),
)


def met(metric: Metric, value: float | None, detail: dict[str, Any]) -> bool | None:
    if value is None:
        return None
    if metric.target is None:
        return bool(detail.get("down")) if "down" in detail else None
    return value >= metric.target if metric.higher_is_better else value <= metric.target


def span(session: Session, campaign: Any, node: Node, today: dt.date) -> Span:
    first, last = window(campaign, today)
    return Span(session, areas(session, campaign, node), first, last, today, load_calendar(session))


def evaluate(session: Session, campaign: Any, node: Node, today: dt.date) -> list[dict[str, Any]]:
    """Every metric for ``node`` as of ``today``: value, target, whether it is met."""
    where = span(session, campaign, node, today)
    out = []
    for metric in METRICS:
        value, detail = metric.compute(where)
        out.append({"key": metric.key, "name": metric.name, "value": value, "target": metric.target,
                    "unit": metric.unit, "target_text": metric.target_text, "met": met(metric, value, detail),
                    "detail": detail})
    return out


def _spec(metric: Metric) -> MetricSpec:
    def compute(session: Session, campaign: Any, node: Node) -> tuple[float | None, dict[str, Any]]:
        return metric.compute(span(session, campaign, node, clock.today()))
    return MetricSpec(metric.key, metric.name, metric.target, metric.unit, compute, metric.higher_is_better,
                      judge=lambda value, detail: met(metric, value, detail))


SPECS = tuple(_spec(m) for m in METRICS)


def shown(metric: dict[str, Any]) -> str:
    """A metric's value as the report prints it."""
    value = metric["value"]
    if value is None:
        return "无数据"
    if metric["unit"] == "比例":
        return figures.percent(value)
    text = f"{int(value)}{metric['unit']}"
    if "previous" in metric["detail"]:
        text += f"（活动前同期{metric['detail']['previous']}{metric['unit']}）"
    return text
