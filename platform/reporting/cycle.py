"""Reporting days, deadlines, submitting, and the township's view of who has submitted.

Seed 001: 各社区应于每周三、五汇总排查的信访突出问题向信访办报送相关清单,并于每周三、五向信访办
报送接访情况. A reporting day that is not a working day (a holiday, on the official
calendar) moves to the next working day. A submission is due by ``DEADLINE`` that day;
one arriving later is kept and marked late. Each submission covers the period since the
previous reporting day.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor
from xinfang.platform.calendar.service import WEEKDAYS, WorkCalendar
from xinfang.platform.clock import CHINA
from xinfang.platform.errors import BadRequest
from xinfang.platform.ledgers.models import ScreeningEntry
from xinfang.platform.reception.models import ReceptionRecord
from xinfang.platform.reporting.models import Submission
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.models import Node

KINDS = {"screening": "矛盾纠纷排查清单", "reception": "领导接访情况"}
REPORT_WEEKDAYS = (2, 4)  # Wednesday, Friday
DEADLINE = dt.time(18, 0)  # the end of the office day
REMIND_FROM = dt.time(9, 0)  # reminders go out on the reporting day from this hour
STATUS_LABELS = {"on_time": "按时报送", "late": "逾期报送", "missing": "逾期未报", "pending": "未报送(未到截止时间)"}


def due_dates(calendar: WorkCalendar, start: dt.date, end: dt.date) -> list[dt.date]:
    """Reporting days in [start, end]: Wednesdays and Fridays, each moved to the next working day if needed."""
    found: set[dt.date] = set()
    day = start - dt.timedelta(days=14)  # a Wednesday before ``start`` may move into the range
    while day <= end:
        if day.weekday() in REPORT_WEEKDAYS:
            due = day
            while not calendar.is_workday(due):
                due += dt.timedelta(days=1)
            if start <= due <= end:
                found.add(due)
        day += dt.timedelta(days=1)
    return sorted(found)


def is_due_date(calendar: WorkCalendar, day: dt.date) -> bool:
    return due_dates(calendar, day, day) == [day]


def next_due(calendar: WorkCalendar, day: dt.date) -> dt.date:
    return due_dates(calendar, day, day + dt.timedelta(days=31))[0]


def previous_due(calendar: WorkCalendar, due: dt.date) -> dt.date:
    earlier = due_dates(calendar, due - dt.timedelta(days=31), due - dt.timedelta(days=1))
    return earlier[-1] if earlier else due - dt.timedelta(days=7)


def deadline_of(due: dt.date) -> dt.datetime:
    return dt.datetime.combine(due, DEADLINE, tzinfo=CHINA)


def period_of(calendar: WorkCalendar, due: dt.date) -> tuple[dt.date, dt.date]:
    """The days a submission for ``due`` covers: after the previous reporting day, up to ``due``."""
    return previous_due(calendar, due) + dt.timedelta(days=1), due


def items_of(session: Session, node: Node, kind: str, start: dt.date, end: dt.date) -> list[int]:
    column = COLUMN[Level(node.level)]
    if kind == "screening":
        # the list as it stands: every issue not yet resolved, and those resolved in the period
        query = select(ScreeningEntry.id).where(
            getattr(ScreeningEntry, column) == node.id, ScreeningEntry.found_on <= end,
            (ScreeningEntry.status != "resolved") | (ScreeningEntry.resolved_on >= start))
    else:
        query = select(ReceptionRecord.id).where(getattr(ReceptionRecord, column) == node.id,
                                                 ReceptionRecord.received_on >= start,
                                                 ReceptionRecord.received_on <= end)
    return sorted(session.scalars(query))


def submit(session: Session, actor: Actor, node: Node, kind: str, due_on: dt.date | None, note: str,
           now: dt.datetime, calendar: WorkCalendar) -> Submission:
    if kind not in KINDS:
        raise BadRequest(f"报送内容应为:{'、'.join(f'{k}({v})' for k, v in KINDS.items())}")
    if node.level != Level.VILLAGE:
        raise BadRequest("由村(社区)向乡镇(街道)报送,请选择本村(社区)")
    today = now.astimezone(CHINA).date()
    due = due_on or next_due(calendar, today)
    if not is_due_date(calendar, due):
        raise BadRequest(f"{due.isoformat()}不是报送日,报送日为每周三、周五(遇节假日顺延至下一个工作日)")
    start, end = period_of(calendar, due)
    if today < start:
        raise BadRequest(f"{due.isoformat()}这一期从{start.isoformat()}开始,尚未到报送时间")
    items = items_of(session, node, kind, start, end)
    existing = session.scalar(select(Submission).where(Submission.node_id == node.id, Submission.kind == kind,
                                                       Submission.due_on == due))
    if existing is not None:  # a correction: the content is replaced, the first time stays on record
        existing.item_ids, existing.item_count, existing.revised_at = items, len(items), now
        existing.note = note.strip() or existing.note
        session.flush()
        return existing
    submission = Submission(node_id=node.id, kind=kind, due_on=due, period_start=start, submitted_at=now,
                            submitted_by=actor.display_name, late=now > deadline_of(due), item_ids=items,
                            item_count=len(items), note=note.strip())
    session.add(submission)
    session.flush()
    return submission


def villages_under(session: Session, node: Node) -> list[Node]:
    if node.level == Level.VILLAGE:
        return [node]
    if node.level not in (Level.COUNTY, Level.TOWNSHIP):
        raise BadRequest("请选择县、乡镇(街道)或村(社区)查看报送情况")
    column = getattr(Node, COLUMN[Level(node.level)])
    return list(session.scalars(select(Node).where(column == node.id, Node.level == Level.VILLAGE)
                                .order_by(Node.code)))


def _state(submission: Submission | None, overdue: bool) -> dict:
    if submission is None:
        status = "missing" if overdue else "pending"
        return {"status": status, "status_label": STATUS_LABELS[status], "submitted": False, "late": None,
                "submitted_at": None, "submitted_by": None, "item_count": None, "submission_id": None}
    status = "late" if submission.late else "on_time"
    return {"status": status, "status_label": STATUS_LABELS[status], "submitted": True, "late": submission.late,
            "submitted_at": submission.submitted_at.astimezone(CHINA).isoformat(),
            "submitted_by": submission.submitted_by, "item_count": submission.item_count,
            "submission_id": submission.id,
            "revised_at": submission.revised_at.astimezone(CHINA).isoformat() if submission.revised_at else None}


def overview(session: Session, node: Node, due: dt.date, now: dt.datetime, calendar: WorkCalendar) -> dict:
    """Every community under ``node`` for one reporting day: submitted on time, late, or not."""
    if not is_due_date(calendar, due):
        raise BadRequest(f"{due.isoformat()}不是报送日,报送日为每周三、周五(遇节假日顺延至下一个工作日)")
    villages = villages_under(session, node)
    subs = {(s.node_id, s.kind): s for s in session.scalars(
        select(Submission).where(Submission.due_on == due, Submission.node_id.in_([v.id for v in villages])))}
    overdue = now > deadline_of(due)
    rows = [{"node_id": v.id, "node_name": v.name, "code": v.code,
             **{kind: _state(subs.get((v.id, kind)), overdue) for kind in KINDS}} for v in villages]
    totals = {kind: {status: sum(r[kind]["status"] == status for r in rows) for status in STATUS_LABELS}
              for kind in KINDS}
    start, _ = period_of(calendar, due)
    return {"node_id": node.id, "node_name": node.name, "due_on": due.isoformat(),
            "weekday": f"星期{WEEKDAYS[due.weekday()]}", "period_start": start.isoformat(),
            "deadline": deadline_of(due).isoformat(), "deadline_passed": overdue,
            "previous_due": previous_due(calendar, due).isoformat(),
            "next_due": next_due(calendar, due + dt.timedelta(days=1)).isoformat(),
            "kinds": KINDS, "communities": rows, "totals": totals}


def to_dict(submission: Submission, node_name: str) -> dict:
    return {"id": submission.id, "node_id": submission.node_id, "node_name": node_name, "kind": submission.kind,
            "kind_label": KINDS.get(submission.kind, submission.kind), "due_on": submission.due_on.isoformat(),
            "period_start": submission.period_start.isoformat(),
            "submitted_at": submission.submitted_at.astimezone(CHINA).isoformat(),
            "submitted_by": submission.submitted_by, "late": submission.late,
            "status_label": STATUS_LABELS["late" if submission.late else "on_time"],
            "revised_at": submission.revised_at.astimezone(CHINA).isoformat() if submission.revised_at else None,
            "item_ids": list(submission.item_ids), "item_count": submission.item_count, "note": submission.note}
