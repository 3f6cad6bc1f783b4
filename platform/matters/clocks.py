"""The statutory clocks of a matter: start, stop, extend, pause, resume, and their state.

Every clock stores its start, its period, the counting rule and the calendar version that
produced its due date, so a deadline can always be explained and recomputed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from xinfang.platform.calendar.service import CALENDAR_DAYS, WORKING_DAYS, WorkCalendar, load_calendar
from xinfang.platform.errors import Conflict
from xinfang.platform.matters.models import Matter, MatterClock
from xinfang.platform.matters.rules import rules_for


@dataclass(frozen=True)
class ClockRule:
    kind: str
    label: str
    amount: int
    unit: str
    basis: str  # the article that sets it
    escalates: bool  # False: a window for the petitioner or the unit, not a duty that can be late


RULES = {r.kind: r for r in (
    ClockRule("dispose", "登记后转送、交办或告知", 15, CALENDAR_DAYS, "条例第二十二条", True),
    ClockRule("objection", "不属于职权范围的异议期", 5, WORKING_DAYS, "条例第二十三条", False),
    ClockRule("acknowledge", "书面告知信访人是否受理", 15, CALENDAR_DAYS, "条例第二十三条", True),
    ClockRule("handling", "受理后办结", 60, CALENDAR_DAYS, "条例第三十四条", True),
    ClockRule("review_window", "信访人申请复查期限", 30, CALENDAR_DAYS, "条例第三十五条", False),
    ClockRule("review", "提出复查意见", 30, CALENDAR_DAYS, "条例第三十五条", True),
    ClockRule("rereview_window", "信访人申请复核期限", 30, CALENDAR_DAYS, "条例第三十六条", False),
    ClockRule("rereview", "提出复核意见(听证时间不计入)", 30, CALENDAR_DAYS, "条例第三十六条", True),
    ClockRule("feedback", "按交办机关指定期限反馈办理结果", 0, CALENDAR_DAYS, "条例第二十二条第(三)项", True),
    # seed 003: a 积案 assigned in a 积案化解年 is resolved "原则上在60个工作日内" (make-up days count)
    ClockRule("backlog", "信访积案化解(交办后60个工作日)", 60, WORKING_DAYS, "信访积案化解年实施意见", True),
)}
DUTIES = tuple(kind for kind, rule in RULES.items() if rule.escalates)
FIXED = "fixed"  # the rule of a clock whose due date another body set: never recomputed
MAX_EXTENSION = 30  # Art. 34
STATES = {"on_time": "正常", "due_soon": "即将到期", "overdue": "已超期", "met": "按期完成", "late": "超期完成"}


def start(session: Session, matter: Matter, kind: str, node_id: int, on: dt.date, calendar: WorkCalendar,
          rule: str) -> MatterClock:
    clock = new(matter.id, kind, node_id, on, calendar, rule)
    session.add(clock)
    return clock


def new(matter_id: int | None, kind: str, node_id: int, on: dt.date, calendar: WorkCalendar,
        rule: str) -> MatterClock:
    """A clock not yet added to the session: a registration computes its matter's deadline
    summary from it before the matter row exists (the matter id is set once it does)."""
    spec = RULES[kind]
    deadline = calendar.deadline(on, spec.amount, spec.unit, rule)
    return MatterClock(matter_id=matter_id, kind=kind, node_id=node_id, started_on=on, amount=spec.amount,
                       unit=spec.unit, rule=rule, due_on=deadline.due, calendar_version=deadline.calendar_version,
                       provisional=deadline.provisional)


def start_until(session: Session, matter: Matter, kind: str, node_id: int, on: dt.date,
                due: dt.date) -> MatterClock:
    """A clock whose due date was set by someone else (the transferring body's deadline)."""
    clock = new_until(matter.id, kind, node_id, on, due)
    session.add(clock)
    return clock


def new_until(matter_id: int | None, kind: str, node_id: int, on: dt.date, due: dt.date) -> MatterClock:
    return MatterClock(matter_id=matter_id, kind=kind, node_id=node_id, started_on=on, amount=(due - on).days,
                       unit=CALENDAR_DAYS, rule=FIXED, due_on=due, calendar_version="", provisional=False)


def open_clocks(session: Session, matter: Matter, *kinds: str) -> list[MatterClock]:
    query = select(MatterClock).where(MatterClock.matter_id == matter.id, MatterClock.stopped_on.is_(None))
    if kinds:
        query = query.where(MatterClock.kind.in_(kinds))
    return list(session.scalars(query.order_by(MatterClock.id)))


def stop(clock: MatterClock, on: dt.date) -> None:
    if clock.paused_since is not None:
        clock.paused_since = None
    clock.stopped_on = on
    clock.state = "met" if on <= clock.due_on else "late"


def recompute(clock: MatterClock, calendar: WorkCalendar) -> None:
    """Due date from the start, the period, the extension and the paused time."""
    if clock.rule == FIXED:
        return
    deadline = calendar.deadline(clock.started_on, clock.amount + clock.extension_days + clock.paused_days,
                                 clock.unit, clock.rule)
    clock.due_on = deadline.due
    clock.calendar_version = deadline.calendar_version
    clock.provisional = deadline.provisional


def extend(clock: MatterClock, days: int, calendar: WorkCalendar) -> None:
    clock.extension_days += days
    recompute(clock, calendar)


def pause(clock: MatterClock, on: dt.date) -> None:
    if clock.paused_since is not None:
        raise Conflict("该期限已处于中止状态")
    clock.paused_since = on


def resume(clock: MatterClock, on: dt.date, calendar: WorkCalendar) -> None:
    """Add the paused time, counted in the clock's own unit, and move the due date."""
    if clock.paused_since is None:
        raise Conflict("该期限未处于中止状态")
    days = [clock.paused_since + dt.timedelta(n) for n in range((on - clock.paused_since).days)]
    if clock.unit == WORKING_DAYS:
        days = [d for d in days if calendar.is_workday(d)]
    clock.paused_days += len(days)
    clock.paused_since = None
    recompute(clock, calendar)


def state_on(clock: MatterClock, today: dt.date, due_soon_days: int) -> str:
    if clock.stopped_on is not None:
        return "met" if clock.stopped_on <= clock.due_on else "late"
    if clock.paused_since is not None:
        return "on_time"
    if today > clock.due_on:
        return "overdue"
    if (clock.due_on - today).days <= due_soon_days:
        return "due_soon"
    return "on_time"


def refresh_matter(session: Session, matter: Matter, today: dt.date, due_soon_days: int) -> None:
    """Keep the matter's ``due_on``/``deadline_state`` (for lists) in step with its open duties."""
    matter.due_on, matter.deadline_state = summary(open_clocks(session, matter), today, due_soon_days)


def summary(open_: list[MatterClock], today: dt.date, due_soon_days: int) -> tuple[dt.date | None, str | None]:
    """The matter's ``due_on`` and ``deadline_state`` from its open clocks (whose states it sets)."""
    duties = [c for c in open_ if RULES[c.kind].escalates]
    for clock in duties:
        clock.state = state_on(clock, today, due_soon_days)
    if not duties:
        return None, None
    order = ["overdue", "due_soon", "on_time"]
    return min(c.due_on for c in duties), min((c.state for c in duties), key=order.index)


def to_dict(clock: MatterClock) -> dict:
    spec = RULES[clock.kind]
    return {"id": clock.id, "kind": clock.kind, "label": spec.label, "basis": spec.basis, "node_id": clock.node_id,
            "started_on": clock.started_on.isoformat(), "amount": clock.amount, "unit": clock.unit,
            "extension_days": clock.extension_days, "paused_days": clock.paused_days,
            "paused": clock.paused_since is not None, "rule": clock.rule, "due_on": clock.due_on.isoformat(),
            "calendar_version": clock.calendar_version, "provisional": clock.provisional,
            "stopped_on": clock.stopped_on.isoformat() if clock.stopped_on else None,
            "state": clock.state, "state_label": STATES.get(clock.state, clock.state),
            "escalation_level": clock.escalation_level}


def start_counted(session: Session, matter: Matter, kind: str, node_id: int, on: dt.date) -> MatterClock:
    """Start a clock on the official calendar and the county's counting rule, outside a matter
    act (a campaign's own period, e.g. a 积案's 60 working days), and show it on the matter."""
    rules = rules_for(session, matter.county_id)
    started = start(session, matter, kind, node_id, on, load_calendar(session), rules.counting_rule)
    session.flush()
    refresh_matter(session, matter, on, rules.due_soon_days)
    return started


def stop_counted(session: Session, matter: Matter, clock: MatterClock, on: dt.date) -> None:
    """Stop such a clock (the campaign's period is met or missed) and refresh the matter."""
    stop(clock, on)
    session.flush()
    refresh_matter(session, matter, on, rules_for(session, matter.county_id).due_soon_days)


def settled(clock: Any, start: dt.date | None, end: dt.date | None, today: dt.date) -> tuple[ColumnElement[bool], ...]:
    """A clock settled between ``start`` and ``end`` (either open-ended when None), as of
    ``today``: stopped then, or still open and due then before today (missed). It counts on its
    stop date, or on its due date when open. ``clock``: the mapped class or its table's columns."""
    settled_on = func.coalesce(clock.stopped_on, clock.due_on)
    bounds = [c for c in (None if start is None else settled_on >= start, None if end is None else settled_on <= end)
              if c is not None]
    return (*bounds, or_(clock.stopped_on.is_not(None), clock.due_on < today))


def late_duties(clock: Any, start: dt.date | None, end: dt.date | None, today: dt.date) -> tuple[ColumnElement[bool], ...]:
    """The statutory duty clocks (never a petitioner's window) that settled late between
    ``start`` and ``end``: stopped after their due date, or missed while open (the 超期 of
    四无乡镇 and of the matter list's ``late_clock_*`` filters)."""
    return (clock.kind.in_(DUTIES), clock.state != "met", *settled(clock, start, end, today))
