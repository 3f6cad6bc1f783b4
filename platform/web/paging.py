"""One way to paginate a list endpoint."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypedDict

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from xinfang.platform.errors import BadRequest

MAX_PER_PAGE = 200
# A list that allows it counts exactly up to this many rows (a bounded count, its cost flat
# in the table's size); beyond, its total is approximate (see ``RecentCounts``).
EXACT_UP_TO = 2_000


class Page(TypedDict):
    items: list[dict]
    total: int
    page: int
    per_page: int
    total_exact: bool  # False: ``total`` is approximate (shown as 约 N)


def page_of(session: Session, query: Select, page: int, per_page: int, render: Callable[[Any], dict],
            count: Select | None = None, approximate: bool = False) -> Page:
    """One page of ``query`` and the number of rows in all pages.

    The page is read first: when it is the last one (fewer rows than a full page, or page 1
    empty) its rows give the total and no COUNT runs. ``count`` is a cheaper statement with
    exactly one row per row of ``query``, for callers that know one (see the matters list).

    With ``approximate`` (lists that can grow to millions of rows) a list counted long
    (beyond ``EXACT_UP_TO`` rows) less than ``RecentCounts.SECONDS`` ago for the same scope and
    statement gets that count again, marked ``total_exact`` False; any other stops counting
    after ``EXACT_UP_TO`` rows, and only a longer one is counted in full (and kept)."""
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise BadRequest(f"页码应从1开始,每页条数应在1至{MAX_PER_PAGE}之间")
    offset = (page - 1) * per_page
    rows = session.scalars(query.limit(per_page).offset(offset)).all()
    counted = count if count is not None else query.order_by(None)
    recent = None
    if 0 < len(rows) < per_page or (page == 1 and not rows):
        total = offset + len(rows)
    elif not approximate:
        total = _count(session, counted)
    else:
        key = RECENT_COUNTS.key(session, counted)
        recent = RECENT_COUNTS.recent(key)
        if recent is None:
            total = _count(session, counted.limit(EXACT_UP_TO + 1))
            if total > EXACT_UP_TO:
                recent = RECENT_COUNTS.count(session, counted, key)
        if recent is not None:
            total = max(recent, offset + len(rows))
    return {"items": [render(r) for r in rows], "total": total, "page": page, "per_page": per_page,
            "total_exact": recent is None}


def _count(session: Session, rows: Select) -> int:
    return session.execute(select(func.count()).select_from(rows.subquery())).scalar_one()


class RecentCounts:
    """Exact counts of long lists, reused for ``SECONDS`` per process.

    Keyed by the database, the session's scope and the statement with its parameters, so one
    viewer's count never answers another scope's list. Writes do not invalidate an entry: a
    total served from here is marked approximate, and at most one request per list and scope
    pays the full count every ``SECONDS``; the others pay nothing. Oldest entries go first
    beyond ``SIZE``."""

    SECONDS = 300.0
    SIZE = 1024

    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self._entries: OrderedDict[Hashable, tuple[float, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._now = now

    def recent(self, key: Hashable) -> int | None:
        """The count kept under ``key`` if it is younger than ``SECONDS``."""
        with self._lock:
            found = self._entries.get(key)
        if found is not None and self._now() - found[0] < self.SECONDS:
            return found[1]
        return None

    def count(self, session: Session, rows: Select, key: Hashable) -> int:
        """Count ``rows`` in full and keep the count under ``key``."""
        now = self._now()
        total = _count(session, rows)
        with self._lock:
            self._entries[key] = (now, total)
            self._entries.move_to_end(key)
            while len(self._entries) > self.SIZE:
                self._entries.popitem(last=False)
        return total

    @staticmethod
    def key(session: Session, rows: Select) -> Hashable:
        """SQLAlchemy's own cache key of the statement (its shape) with its bound values: cheap,
        where compiling the statement to text costs milliseconds."""
        engine = session.get_bind().engine
        cache_key = rows._generate_cache_key()
        shape: Hashable
        if cache_key is None:  # a construct SQLAlchemy cannot key: its text and parameters
            compiled = rows.compile(dialect=engine.dialect)
            shape, values = str(compiled), list(compiled.params.values())
        else:
            shape, values = cache_key.key, [p.effective_value for p in cache_key.bindparams]
        return (str(engine.url), session.info.get("scope"), shape,
                tuple(tuple(v) if isinstance(v, list) else v for v in values))


RECENT_COUNTS = RecentCounts()
