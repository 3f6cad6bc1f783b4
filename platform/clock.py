"""The one clock: every "now" and "today" in the product and its tests comes from here.

Statutory deadlines, reporting cut-offs, lateness, token expiry and audit times all depend on
the date, so a test must be able to say what the date is. Production reads the system clock;
a test installs its own source with ``use`` (the ``clock`` fixture in tests/conftest.py) and
every request, service, job and periodic task of that process sees it. Offices live in
Asia/Shanghai: ``today`` is the date there, whatever the server's zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")

Source = Callable[[], dt.datetime]

_source: Source | None = None


def now() -> dt.datetime:
    """The current instant, timezone-aware, in UTC."""
    if _source is None:
        return dt.datetime.now(dt.UTC)
    moment = _source()
    if moment.tzinfo is None:
        raise ValueError("the clock's source must return an aware datetime")
    return moment.astimezone(dt.UTC)


def today() -> dt.date:
    """Today's date in Asia/Shanghai."""
    return now().astimezone(CHINA).date()


def local_now() -> dt.datetime:
    """The current instant in Asia/Shanghai (reporting cut-offs are local times of day)."""
    return now().astimezone(CHINA)


@contextmanager
def use(source: Source) -> Iterator[None]:
    """Make ``source`` this process's clock for the duration of the block."""
    global _source
    previous, _source = _source, source
    try:
        yield
    finally:
        _source = previous
