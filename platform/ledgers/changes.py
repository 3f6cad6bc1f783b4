"""Writing a ledger row (screening or backlog) in the one way both take it: ``resolved_on``
kept in step with the status (set the day it becomes resolved, cleared if it is reopened),
and a partial update limited to the fields a row lets change, texts trimmed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from xinfang.platform.errors import BadRequest


def insert(session: Session, entry: Any, today: dt.date) -> Any:
    """Store a new row (it may be entered already resolved)."""
    entry.resolved_on = today if entry.status == "resolved" else None
    session.add(entry)
    session.flush()
    return entry


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
