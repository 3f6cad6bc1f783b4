"""The reminder before a reporting deadline (background job).

On each reporting day, from ``REMIND_FROM`` until the deadline, every community that has
not yet submitted a kind gets one notice for it. The notice's dedupe key names the
community, the kind and the day, so running the scan again — or in two processes at once —
sends nothing twice.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from xinfang.platform.calendar.service import WEEKDAYS, load_calendar
from xinfang.platform.clock import CHINA
from xinfang.platform.jobs.periodic import PeriodicTask
from xinfang.platform.notifications.models import Notification
from xinfang.platform.notifications.service import notify
from xinfang.platform.reporting.cycle import DEADLINE, KINDS, REMIND_FROM, is_due_date
from xinfang.platform.reporting.models import Submission
from xinfang.tenants.levels import Level
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope


def dedupe_key(kind: str, node_id: int, due: dt.date) -> str:
    return f"reporting:{kind}:{node_id}:{due.isoformat()}"


def send_reminders(session: Session, now: dt.datetime) -> int:
    """Notices for the communities that have not submitted yet; how many were added."""
    local = now.astimezone(CHINA)
    due = local.date()
    if not is_due_date(load_calendar(session), due) or not REMIND_FROM <= local.time() < DEADLINE:
        return 0
    villages = session.execute(select(Node.id, Node.name).where(Node.level == Level.VILLAGE).order_by(Node.id)).all()
    submitted = set(session.execute(select(Submission.node_id, Submission.kind).where(Submission.due_on == due)).all())
    sent = set(session.scalars(select(Notification.dedupe_key).where(
        Notification.dedupe_key.like(f"reporting:%:{due.isoformat()}"))))
    added = 0
    for node_id, name in villages:
        for kind, label in KINDS.items():
            key = dedupe_key(kind, node_id, due)
            if (node_id, kind) in submitted or key in sent:
                continue
            title = f"请于今日{DEADLINE:%H:%M}前报送{label}"
            text = (f"{name}:今天({due.isoformat()},星期{WEEKDAYS[due.weekday()]})是报送日,"
                    f"请于{DEADLINE:%H:%M}前向乡镇(街道)信访办报送本期{label}。逾期报送将被标记为逾期。")
            if notify(session, node_id=node_id, kind="due_soon", title=title, text=text, dedupe_key=key) is not None:
                added += 1
    session.flush()
    return added


def run(session_factory: sessionmaker, now: dt.datetime) -> str:
    with session_factory(scope=Scope.system()) as session:
        session.info["actor"] = {"id": None, "name": "报送提醒", "address": ""}
        added = send_reminders(session, now)
        session.commit()
    return f"{added}条报送提醒"


TASK = PeriodicTask("reporting_reminders", dt.timedelta(minutes=30), run)
