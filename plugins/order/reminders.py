"""The daily reminder: every draft, emergency referral or objection still waiting for a legal
reviewer ``waiting.REMIND_AFTER`` after it was recorded (received) is told to the county's
reviewers once more. Idempotent: each item has one reminder key, so a second run (or two
processes at once) adds nothing; a settled item is no longer waiting and is not reminded."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import sessionmaker

from xinfang.platform.api import PeriodicTask, Scope
from xinfang.plugins.order import waiting

ACTOR = {"id": None, "name": "信访秩序整治待办提醒", "address": ""}


def run(session_factory: sessionmaker, now: dt.datetime) -> str:
    with session_factory(scope=Scope.system()) as session:
        session.info["actor"] = ACTOR
        late = waiting.waiting(session, before=now - waiting.REMIND_AFTER)
        added = waiting.tell(session, late, reminder=True)
        session.commit()
    return f"信访秩序整治待审核事项再次提醒{added}条"


TASK = PeriodicTask("petition_order_reminders", dt.timedelta(hours=24), run)
