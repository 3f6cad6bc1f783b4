"""Reporting days: Wednesdays and Fridays, moved to the next working day on the official
calendar (2026: Mid-Autumn Sep 25–27 off, National Day Oct 1–7 off, Sat Oct 10 worked)."""

from __future__ import annotations

import datetime as dt

from xinfang.platform.calendar.service import WorkCalendar
from xinfang.platform.reporting.cycle import deadline_of, due_dates, is_due_date, next_due, period_of


def test_reporting_days_around_the_autumn_holidays():
    calendar = WorkCalendar()
    days = due_dates(calendar, dt.date(2026, 9, 21), dt.date(2026, 10, 16))
    # Fri 09-25 → Mon 09-28; Fri 10-02 and Wed 10-07 → Thu 10-08 (once)
    assert [d.isoformat() for d in days] == ["2026-09-23", "2026-09-28", "2026-09-30", "2026-10-08", "2026-10-09",
                                             "2026-10-14", "2026-10-16"]
    assert not is_due_date(calendar, dt.date(2026, 10, 7)) and is_due_date(calendar, dt.date(2026, 10, 8))
    assert next_due(calendar, dt.date(2026, 10, 1)) == dt.date(2026, 10, 8)
    assert period_of(calendar, dt.date(2026, 10, 8)) == (dt.date(2026, 10, 1), dt.date(2026, 10, 8))
    assert deadline_of(dt.date(2026, 11, 18)).isoformat() == "2026-11-18T18:00:00+08:00"
