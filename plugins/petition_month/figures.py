"""Every figure of the campaign, computed from the platform's records of one area.

The metrics, the weekly 应列尽列 and “四包” checks, and the closing report read the same
functions, so the report says what the dashboards say. Each function takes the area's
roots (``areas.areas``) and the days to count; sessions are system-scoped, and nothing
outside the roots is read.

Definitions (seed 001 where it gives one):
- 初信初访一次性化解: a first petition (not a 重信重访) registered in the window whose matter
  was answered (处理意见书, 办结) without a review being requested and without the same
  person coming back on the same problem (a later matter of its chain), at any time since.
- 应列尽列: every matter open on the window's last day that was overdue, repeated, or reached the province or Beijing
  is on the backlog ledger with its “五个一” in place.
- “四包”: every reception left unresolved that is a hard case — handed to 包案 by the
  leader, a visit of five or more, or a matter that reached the province or Beijing — has a
  包案 leader who has ticked all four responsibilities, until its matter is closed.
- 三个不发生: large collective visits (``LARGE_COLLECTIVE`` people or more) among the
  matters; for 个人极端事件 and 负面舆论炒作 the platform keeps no incident record, so the
  figure is the issues screened with that risk and not yet resolved (the hidden dangers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinfang.platform.api import (
    OPEN_STATES,
    BacklogEntry,
    Level,
    Matter,
    MatterClock,
    MatterEvent,
    MatterOwnership,
    MatterOwnershipItem,
    Node,
    ReceptionRecord,
    RotaDuty,
    ScreeningEntry,
    Submission,
    WorkCalendar,
    cycle,
)
from xinfang.plugins.petition_month.areas import nodes_under, within

FAR = ("province", "beijing")  # 进京到省
ANSWERED = ("replied", "closed")
HARD_HEADCOUNT = 5  # a visit of five or more is a 集体访 (matters.conversion.COLLECTIVE_FROM)
# 大规模集体上访: the seed does not say from how many people; 50 is the usual threshold.
LARGE_COLLECTIVE = 50


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


# --- matters -------------------------------------------------------------------------------


def _matters(session: Session, roots: list[Node], first: dt.date, last: dt.date):
    return select(Matter).where(within(Matter, roots), Matter.received_on >= first, Matter.received_on <= last)


def first_resolution(session: Session, roots: list[Node], first: dt.date, last: dt.date) -> dict:
    firsts = list(session.scalars(_matters(session, roots, first, last).where(Matter.is_first.is_(True))
                                  .order_by(Matter.id)))
    ids = [m.id for m in firsts]
    repeated = set(session.scalars(select(Matter.repeat_of_id).where(Matter.repeat_of_id.in_(ids)))) if ids else set()
    reviewed = set(session.scalars(select(MatterEvent.matter_id).where(
        MatterEvent.matter_id.in_(ids), MatterEvent.action == "request_review"))) if ids else set()
    resolved = [m for m in firsts if m.state in ANSWERED and m.id not in repeated and m.id not in reviewed]
    return {"first": len(firsts), "resolved": len(resolved), "repeated": len(repeated), "reviewed": len(reviewed),
            "open": sum(m.state in OPEN_STATES for m in firsts), "rate": rate(len(resolved), len(firsts))}


def matter_counts(session: Session, roots: list[Node], first: dt.date, last: dt.date) -> dict:
    """信访总量, 进京到省越级, 集体访 (and their people), 大规模集体上访 in the window."""
    matters = list(session.scalars(_matters(session, roots, first, last)))
    collective = [m for m in matters if m.form == "collective"]
    return {"total": len(matters), "people": sum(m.headcount for m in matters),
            "overreach": sum(m.overreach in FAR for m in matters),
            "collective": len(collective), "collective_people": sum(m.headcount for m in collective),
            "large_collective": sum(m.headcount >= LARGE_COLLECTIVE for m in collective)}


def previous_counts(session: Session, roots: list[Node], first: dt.date, last: dt.date) -> dict:
    """The same figures for the same number of days just before the window (the trend the seed asks for)."""
    days = (last - first).days + 1
    return matter_counts(session, roots, first - dt.timedelta(days=days), first - dt.timedelta(days=1))


def open_risks(session: Session, roots: list[Node], first: dt.date, last: dt.date) -> dict:
    entries = session.scalars(select(ScreeningEntry).where(
        within(ScreeningEntry, roots), ScreeningEntry.found_on >= first, ScreeningEntry.found_on <= last,
        ScreeningEntry.status != "resolved")).all()
    return {"extreme": sum("extreme" in e.risks for e in entries), "opinion": sum("opinion" in e.risks for e in entries)}


# --- 应列尽列 and “四包” ------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    due: list[Matter]  # open matters that belong on the backlog ledger
    complete: list[BacklogEntry]  # their rows with all of 五个一
    incomplete: list[BacklogEntry]
    unlisted: list[Matter]

    @property
    def rate(self) -> float | None:
        return rate(len(self.complete), len(self.due))

    def to_dict(self) -> dict:
        return {"due": len(self.due), "complete": len(self.complete), "incomplete": len(self.incomplete),
                "unlisted": len(self.unlisted), "unlisted_numbers": [m.number for m in self.unlisted][:50],
                "rate": self.rate}


def _overdue_on(day: dt.date):
    """Matters with a statutory clock overdue on ``day``: started, past due, neither stopped nor
    paused by then (``due_on`` is the clock's due day with any extension)."""
    return select(MatterClock.matter_id).where(
        MatterClock.started_on <= day, MatterClock.due_on < day,
        MatterClock.stopped_on.is_(None) | (MatterClock.stopped_on > day),
        MatterClock.paused_since.is_(None) | (MatterClock.paused_since > day))


def backlog_listing(session: Session, roots: list[Node], as_of: dt.date) -> Listing:
    """应列尽列 as it stood on ``as_of`` (a campaign's last day, or today while it runs): the matters
    open that day — registered by then and not yet closed — that were overdue, repeated, or had
    reached the province or Beijing; a row listed by then counts (wherever it was listed)."""
    open_then = Matter.state.in_(OPEN_STATES) | (Matter.closed_on > as_of)
    due = list(session.scalars(select(Matter).where(
        within(Matter, roots), Matter.received_on <= as_of, open_then,
        Matter.id.in_(_overdue_on(as_of)) | Matter.repeat_of_id.is_not(None) | Matter.overreach.in_(FAR))
        .order_by(Matter.received_on, Matter.id)))
    rows = {e.matter_id: e for e in session.scalars(select(BacklogEntry).where(
        BacklogEntry.matter_id.in_([m.id for m in due]), BacklogEntry.listed_on <= as_of))} if due else {}
    listed = [rows[m.id] for m in due if m.id in rows]
    return Listing(due, [e for e in listed if e.five_ones()["complete"]],
                   [e for e in listed if not e.five_ones()["complete"]], [m for m in due if m.id not in rows])


@dataclass(frozen=True)
class Ownership:
    hard: list[ReceptionRecord]  # unresolved hard cases received in the window
    done: list[ReceptionRecord]  # … whose 包案 leader has ticked all four

    @property
    def rate(self) -> float | None:
        return rate(len(self.done), len(self.hard))

    def to_dict(self) -> dict:
        return {"hard": len(self.hard), "done": len(self.done), "rate": self.rate}


def ownership(session: Session, roots: list[Node], first: dt.date, last: dt.date) -> Ownership:
    records = list(session.scalars(select(ReceptionRecord).where(
        within(ReceptionRecord, roots), ReceptionRecord.received_on >= first, ReceptionRecord.received_on <= last,
        ReceptionRecord.status != "resolved").order_by(ReceptionRecord.received_on, ReceptionRecord.id)))
    matter_ids = [r.matter_id for r in records if r.matter_id]
    matters = {m.id: m for m in session.scalars(select(Matter).where(Matter.id.in_(matter_ids)))} if matter_ids else {}
    hard = []
    for r in records:
        matter = matters.get(r.matter_id or 0)
        if matter is not None and matter.state not in OPEN_STATES:
            continue  # resolved since: no longer an unresolved hard case
        if (r.status == "ownership" or r.headcount >= HARD_HEADCOUNT
                or (matter is not None and (matter.overreach in FAR or matter.form == "collective"))):
            hard.append(r)
    owned = {o.matter_id: o for o in session.scalars(select(MatterOwnership).where(
        MatterOwnership.matter_id.in_([r.matter_id for r in hard if r.matter_id]),
        MatterOwnership.ended_on.is_(None)))} if hard else {}
    open_items = set(session.scalars(select(MatterOwnershipItem.ownership_id).where(
        MatterOwnershipItem.ownership_id.in_([o.id for o in owned.values()]),
        MatterOwnershipItem.done.is_(False)))) if owned else set()
    done = [r for r in hard if r.matter_id in owned and owned[r.matter_id].id not in open_items]
    return Ownership(hard, done)


# --- the Wednesday/Friday reports --------------------------------------------------------------


def punctuality(session: Session, roots: list[Node], first: dt.date, last: dt.date, calendar: WorkCalendar) -> dict:
    """Every community's two reports for every reporting day of the window that is over."""
    villages = nodes_under(session, roots, Level.VILLAGE)
    dues = cycle.due_dates(calendar, first, last) if last >= first else []
    ids = [v.id for v in villages]
    subs = list(session.scalars(select(Submission).where(Submission.node_id.in_(ids), Submission.due_on.in_(dues)))
                ) if ids and dues else []
    expected = len(villages) * len(dues) * len(cycle.KINDS)
    on_time, late = sum(not s.late for s in subs), sum(s.late for s in subs)
    return {"villages": len(villages), "due_dates": [d.isoformat() for d in dues], "expected": expected,
            "on_time": on_time, "late": late, "missing": expected - len(subs), "rate": rate(on_time, expected)}


# --- the closing report's counts ---------------------------------------------------------------


def screening_counts(session: Session, roots: list[Node], first: dt.date, last: dt.date) -> dict:
    entries = session.scalars(select(ScreeningEntry).where(
        within(ScreeningEntry, roots), ScreeningEntry.found_on >= first, ScreeningEntry.found_on <= last)).all()
    return {"entries": len(entries), "resolved": sum(e.status == "resolved" for e in entries),
            "major": sum(bool(e.risks) for e in entries), "matters": sum(e.matter_id is not None for e in entries),
            "matter_ids": sorted({e.matter_id for e in entries if e.matter_id})}


def reception_counts(session: Session, roots: list[Node], first: dt.date, last: dt.date) -> dict:
    records = session.scalars(select(ReceptionRecord).where(
        within(ReceptionRecord, roots), ReceptionRecord.received_on >= first,
        ReceptionRecord.received_on <= last)).all()
    duties = session.execute(select(func.count(RotaDuty.id), func.count(RotaDuty.published_at)).where(
        within(RotaDuty, roots), RotaDuty.on >= first, RotaDuty.on <= last)).one()
    return {"records": len(records), "people": sum(r.headcount for r in records),
            "resolved": sum(r.status == "resolved" for r in records),
            "ownership": sum(r.status == "ownership" for r in records),
            "matters": sum(r.matter_id is not None for r in records),
            "matter_ids": sorted({r.matter_id for r in records if r.matter_id}),
            "duties": duties[0], "published": duties[1]}


def backlog_counts(session: Session, roots: list[Node], first: dt.date, last: dt.date) -> dict:
    """Rows listed in the window, and of those, resolved and with all of 五个一."""
    rows = session.scalars(select(BacklogEntry).where(
        within(BacklogEntry, roots), BacklogEntry.listed_on >= first, BacklogEntry.listed_on <= last)).all()
    return {"listed": len(rows), "resolved": sum(r.status == "resolved" for r in rows),
            "complete": sum(r.five_ones()["complete"] for r in rows)}
