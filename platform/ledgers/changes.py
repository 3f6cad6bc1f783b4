"""A partial update of a ledger row (screening or backlog), in the one way both take it:
only the fields a row lets change, texts trimmed, and ``resolved_on`` kept in step with the
status (set the day it becomes resolved, cleared if it is reopened)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinfang.platform.errors import BadRequest


def refuse_unknown(changes: dict[str, Any], updatable: tuple[str, ...]) -> None:
    unknown = set(changes) - set(updatable)
    if unknown:
        raise BadRequest(f"不能修改的字段:{'、'.join(sorted(unknown))}")


def apply(entry: Any, changes: dict[str, Any], today: dt.date) -> None:
    """Write checked ``changes`` onto ``entry`` (a ledger row with ``status``/``resolved_on``)."""
    for key, value in changes.items():
        setattr(entry, key, value.strip() if isinstance(value, str) and key != "status" else value)
    if entry.status == "resolved" and entry.resolved_on is None:
        entry.resolved_on = today
    elif entry.status != "resolved":
        entry.resolved_on = None
