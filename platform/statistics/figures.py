"""The SQL behind every figure: per period, one grouped query per table — the totals
(matters received), the statutory clocks (every clock-based rate), the matters closed (息诉罢访,
一次性化解, 终结), the opinions and their ratings, the 回访 — whose results the rates share
through the frame's memo. Everything runs on the request's scoped session, so a viewer's figures only
ever count the matters that viewer may see (the scope filter applies to these aggregate
queries like to any other ORM query); the cache of the results (cache.py) is keyed by scope.

Totals and matter-based rates count the matters *registered* in the node's subtree (the
matter's ancestor columns, as the matter list's ``node_id`` filter does); deadline-based
rates count the statutory clocks whose *holder* (the unit that must meet the deadline) is in
the subtree, so a department is judged on the matters assigned to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from xinfang.platform.matters import clocks
from xinfang.platform.matters.models import FollowUp, Matter, MatterClock, MatterEvent, MatterOpinion
from xinfang.platform.public.models import MatterEvaluation
from xinfang.platform.statistics.periods import Period
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.models import Node

T = TypeVar("T")


@dataclass(frozen=True)
class Frame:
    """What one set of figures is about: a node's subtree, a period, and the day it is counted on."""

    session: Session
    node: Node
    period: Period
    today: dt.date
    memo: dict[str, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def under(self, model) -> ColumnElement[bool]:
        return getattr(model, COLUMN[Level(self.node.level)]) == self.node.id

    def within(self, column) -> ColumnElement[bool]:
        return and_(column >= self.period.start, column <= self.period.end)

    def of(self, period: Period) -> Frame:
        return Frame(self.session, self.node, period, self.today)

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per frame: several rates read one grouped query's result."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


def grouped_totals(frame: Frame, columns: list[ColumnElement]) -> list[tuple]:
    """(value of each column…, 件次, 人次) for every combination present among the matters
    received in the period: one scan, grouped in SQL; the breakdowns are sums over these groups."""
    labelled = [column.label(f"g{i}") for i, column in enumerate(columns)]
    query = (select(*labelled, func.count(Matter.id), func.coalesce(func.sum(Matter.headcount), 0))
             .where(frame.under(Matter), frame.within(Matter.received_on)).group_by(*labelled))
    return [tuple(row) for row in frame.session.execute(query)]


def _pair(row) -> tuple[int, int]:
    return int(row[0] or 0), int(row[1] or 0)


def of_matter(model: Any) -> Any:
    """A matter's own rows (clocks, 回访, timeline) as the plain table, for a statement that joins
    or correlates them to the mapped ``Matter``: their rows are visible exactly when their matter
    is (the same access key), and the matter is filtered by the viewer's scope already, so one
    scope filter does instead of one per table (each an ``IN (SELECT … matter_access)``)."""
    return model.__table__.c


def settled(frame: Frame, clock: Any = None) -> tuple[ColumnElement[bool], ...]:
    """A statutory clock settled in the frame's period (``clocks.settled``). ``clock``: the
    columns to use (the mapped class by default)."""
    return clocks.settled(MatterClock if clock is None else clock, frame.period.start, frame.period.end, frame.today)


# the clocks the rates count (a petitioner's windows never are)
RATED_CLOCKS = ("dispose", "acknowledge", "handling", "feedback")


def _clock_counts(frame: Frame) -> dict[tuple[str, bool], tuple[int, int]]:
    """(met, settled) per (clock kind, online matter?) of the rated clocks held in the subtree:
    one grouped query per frame, which every clock-based rate then sums."""
    def compute() -> dict[tuple[str, bool], tuple[int, int]]:
        holder = aliased(Node)
        clock = of_matter(MatterClock)
        online = case((Matter.channel == "online", 1), else_=0)
        query = (select(clock.kind, online, func.sum(case((clock.state == "met", 1), else_=0)), func.count(clock.id))
                 .select_from(MatterClock.__table__)
                 .join(holder, holder.id == clock.node_id).join(Matter, Matter.id == clock.matter_id)
                 .where(getattr(holder, COLUMN[Level(frame.node.level)]) == frame.node.id,
                        clock.kind.in_(RATED_CLOCKS), *settled(frame, clock))
                 .group_by(clock.kind, online))
        return {(kind, bool(is_online)): (int(met or 0), int(total or 0))
                for kind, is_online, met, total in frame.session.execute(query)}

    return frame.once("clocks", compute)


def clock_rate(kinds: tuple[str, ...], channel: str | None = None) -> Callable[[Frame], tuple[int, int]]:
    """Met ÷ settled statutory clocks of ``kinds`` held in the subtree. A clock is settled when it
    stopped (its stored state met/late, as the clock judged it) or when its due date has passed
    while open (overdue); it counts in the period of its stop date, or of its due date when open.
    ``channel``: only the clocks of matters of that channel (``online`` is the one grouped on)."""
    if channel not in (None, "online") or not set(kinds) <= set(RATED_CLOCKS):
        raise ValueError(f"no grouped count for clocks {kinds} of channel {channel}")

    def count(frame: Frame) -> tuple[int, int]:
        pairs = [pair for (kind, online), pair in _clock_counts(frame).items()
                 if kind in kinds and (channel is None or online)]
        return sum(p[0] for p in pairs), sum(p[1] for p in pairs)

    return count


def _closed_counts(frame: Frame) -> tuple[int, ...]:
    """The matters closed in the period, in one pass: all of them and those with a 息诉罢访 回访;
    the first-time ones and those nobody repeated since; those that asked for 复查 and those of
    them 终结 by a 复核意见."""
    def compute() -> tuple[int, ...]:
        follow_up, event = of_matter(FollowUp), of_matter(MatterEvent)
        stopped = exists().where(follow_up.matter_id == Matter.id, follow_up.stopped_petitioning.is_(True))
        # A repeat counts wherever it was registered: the plain table (not the mapped class) keeps the
        # viewer's scope off this subquery, so a township's figure is the county's figure of it. It
        # reveals only that the township's own matter came back, never anything of the repeat.
        later = Matter.__table__.alias("later")
        repeated = exists(select(later.c.id).where(later.c.repeat_of_id == Matter.id))
        first = Matter.repeat_of_id.is_(None)
        reviewed = exists().where(event.matter_id == Matter.id, event.action == "request_review")

        def number(condition: ColumnElement[bool]) -> ColumnElement[int]:
            return func.sum(case((condition, 1), else_=0))

        query = (select(func.count(Matter.id), number(stopped), number(first), number(first & ~repeated),
                        number(reviewed), number(reviewed & (Matter.state == "concluded")))
                 .where(frame.under(Matter), Matter.closed_on.is_not(None), frame.within(Matter.closed_on)))
        return tuple(int(v or 0) for v in frame.session.execute(query).one())

    return frame.once("closed", compute)


def stopped_rate(frame: Frame) -> tuple[int, int]:
    closed, stopped, *_ = _closed_counts(frame)
    return stopped, closed


def first_resolved_rate(frame: Frame) -> tuple[int, int]:
    _, _, first, resolved, *_ = _closed_counts(frame)
    return resolved, first


def conclusion_rate(frame: Frame) -> tuple[int, int]:
    *_, reviewed, concluded = _closed_counts(frame)
    return concluded, reviewed


def repeat_rate(frame: Frame) -> tuple[int, int]:
    query = (select(func.sum(case((Matter.repeat_of_id.is_not(None), 1), else_=0)), func.count(Matter.id))
             .where(frame.under(Matter), frame.within(Matter.received_on)))
    return _pair(frame.session.execute(query).one())


def repeat_links(frame: Frame) -> tuple[dict[str, str], dict[str, str]]:
    base = matter_list_params(frame)
    return base, {**base, "repeat": "true"}


def follow_up_rate(frame: Frame) -> tuple[int, int]:
    follow_up = of_matter(FollowUp)
    query = (select(func.sum(case((follow_up.satisfaction.in_(("satisfied", "basically")), 1), else_=0)),
                    func.count(follow_up.id))
             .select_from(FollowUp.__table__).join(Matter, Matter.id == follow_up.matter_id)
             .where(frame.under(Matter), frame.within(follow_up.on)))
    return _pair(frame.session.execute(query).one())


GOOD_RATINGS = ("satisfied", "basically_satisfied")


def _evaluations(frame: Frame) -> tuple[int, int, int]:
    """(opinions issued in the period, those the petitioner rated, rated 满意 or 基本满意): one
    (matter, step) per opinion — 处理/复查/复核意见 are each rated once (platform/public)."""
    issued = (select(MatterOpinion.matter_id, MatterOpinion.stage)
              .join(Matter, Matter.id == MatterOpinion.matter_id)
              .where(frame.under(Matter), frame.within(MatterOpinion.issued_on)).distinct().subquery())
    query = (select(func.count(), func.count(MatterEvaluation.id),
                    func.sum(case((MatterEvaluation.rating.in_(GOOD_RATINGS), 1), else_=0)))
             .select_from(issued)
             .outerjoin(MatterEvaluation, and_(MatterEvaluation.matter_id == issued.c.matter_id,
                                               MatterEvaluation.step == issued.c.stage)))
    total, rated, good = frame.once("evaluations", lambda: tuple(frame.session.execute(query).one()))
    return int(total or 0), int(rated or 0), int(good or 0)


def participation_rate(frame: Frame) -> tuple[int, int]:
    total, rated, _ = _evaluations(frame)
    return rated, total


def satisfaction_rate(frame: Frame) -> tuple[int, int]:
    _, rated, good = _evaluations(frame)
    return good, rated


def matter_list_params(frame: Frame) -> dict[str, str]:
    """The matter list's filters for "received in the period, registered in the subtree"."""
    return {"node_id": str(frame.node.id), "received_from": frame.period.start.isoformat(),
            "received_to": frame.period.end.isoformat()}
