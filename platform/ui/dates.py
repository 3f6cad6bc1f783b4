"""Dates and times as a Chinese office writes them, in Asia/Shanghai whatever the server's zone."""

from __future__ import annotations

import datetime as dt

from xinfang.platform.clock import CHINA

WEEKDAYS = "一二三四五六日"


def cn_date(value: str | dt.date | dt.datetime | None) -> str:
    """2026年11月28日 (a datetime is first moved to Asia/Shanghai: its date there; an ISO
    string is read as a date)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


def cn_datetime(value: str | dt.datetime | None) -> str:
    """2026年11月28日 14:05 in Asia/Shanghai (an ISO string, as the API's views give it, is read first)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    local = _local(value)
    return f"{cn_date(local.date())} {local:%H:%M}"


def cn_weekday(value: dt.date | dt.datetime | None) -> str:
    """星期三"""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    return "星期" + WEEKDAYS[value.weekday()]


def _local(value: dt.datetime) -> dt.datetime:
    # naive datetimes in this codebase are UTC (db.UTCDateTime stores UTC)
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(CHINA)
