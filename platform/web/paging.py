"""One way to paginate a list endpoint."""

from __future__ import annotations

import base64
import datetime as dt
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypedDict

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select, true, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from xinfang.platform.errors import BadRequest
from xinfang.platform.web.inputs import INT4_MAX

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


class CursorPage(Page):
    next: str | None  # ``after`` for the page after this one; None: this is the last page
    previous: str | None  # ``before`` for the page before this one; None: this is the first page


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
    _check(page, per_page)
    offset = (page - 1) * per_page
    rows = session.scalars(query.limit(per_page).offset(offset)).all()
    last = 0 < len(rows) < per_page or (page == 1 and not rows)
    total, exact = _total(session, query, count, approximate, offset + len(rows), last)
    return {"items": [render(r) for r in rows], "total": total, "page": page, "per_page": per_page,
            "total_exact": exact}


def cursor_page_of(session: Session, query: Select, order: Order, page: int, per_page: int,
                   render: Callable[[Any], dict], *, after: str | None = None, before: str | None = None,
                   count: Select | None = None, approximate: bool = False) -> CursorPage:
    """``page_of`` for a list that can be long, paged by position: the page after the row
    ``after`` (or before the row ``before``, both from an earlier page's ``next`` and
    ``previous``) starts from that row in the order's index, so a deep page costs what the
    first one costs, where an OFFSET reads and drops every row before it. Without a cursor,
    ``page`` counts pages from the start (OFFSET, for the first pages); with one, ``page`` is
    only the number the client gives the page it asks for, echoed back for display.

    The total is ``page_of``'s (approximate beyond ``EXACT_UP_TO`` rows if asked); on a page
    reached by a cursor the rows before it are not counted, so its total always comes from
    the count. Rows written between two requests shift no row from one page to the next:
    each page starts right after (or before) the row its cursor names."""
    _check(page, per_page)
    if after is not None and before is not None:
        raise BadRequest("after 与 before 只能给出其中一个")
    query = query.order_by(None)
    offset = 0 if after is not None or before is not None else (page - 1) * per_page
    rows: list[Any] = []
    if before is not None:
        backwards = order.reversed()
        rows = list(session.scalars(backwards.sort(query.where(backwards.after(before))).limit(per_page + 1)))
        if len(rows) > per_page:  # there are rows before these
            rows, more, at_start = rows[per_page - 1::-1], True, False
        else:  # the list's start: its first page, full
            before, page = None, 1
    if before is None:
        bounded = query.where(order.after(after)) if after is not None else query
        rows = list(session.scalars(order.sort(bounded).limit(per_page + 1).offset(offset)))
        more, at_start = len(rows) > per_page, after is None and offset == 0
        rows = rows[:per_page]
    cursor_free = after is None and before is None
    total, exact = _total(session, query, count, approximate, (page - 1) * per_page + len(rows),
                          last=cursor_free and not more and (bool(rows) or page == 1))
    return {"items": [render(r) for r in rows], "total": total, "page": page, "per_page": per_page,
            "total_exact": exact, "next": order.cursor(rows[-1]) if more and rows else None,
            "previous": order.cursor(rows[0]) if not at_start and rows else None}


def _check(page: int, per_page: int) -> None:
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise BadRequest(f"页码应从1开始,每页条数应在1至{MAX_PER_PAGE}之间")


def _total(session: Session, query: Select, count: Select | None, approximate: bool, seen: int,
           last: bool) -> tuple[int, bool]:
    """The list's total and whether it is exact: ``seen`` (the rows up to this page's last)
    when this page is known to be the last, otherwise counted (see ``page_of``)."""
    if last:
        return seen, True
    counted = count if count is not None else query.order_by(None)
    if not approximate:
        return _count(session, counted), True
    key = RECENT_COUNTS.key(session, counted)
    recent = RECENT_COUNTS.recent(key)
    if recent is None:
        total = _count(session, counted.limit(EXACT_UP_TO + 1))
        if total <= EXACT_UP_TO:
            return total, True
        recent = RECENT_COUNTS.count(session, counted, key)
    return max(recent, seen), False


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


@dataclass(frozen=True)
class Order:
    """A list's order, as (column, descending) pairs whose last column is unique (the id): it
    sorts a query, names a row's position (``cursor``) and selects the rows after a position
    (``after``). A NULL sorts as the greatest value both ways (PostgreSQL's own default, made
    explicit so SQLite agrees), so one rule serves both directions and the reversed order.

    When every column goes one way and none is nullable, the condition is a row comparison,
    ``(received_on, id) < (:v, :id)``: an index on those columns starts at the position. Any
    other order repeats its first column's bound on its own (``due_on >= :v AND (…)``), so the
    database walks that column's index from the position instead of testing every row before it."""

    keys: tuple[tuple[InstrumentedAttribute, bool], ...]

    def reversed(self) -> Order:
        return Order(tuple((column, not descending) for column, descending in self.keys))

    def sort(self, query: Select) -> Select:
        return query.order_by(*(_sorted(column, descending) for column, descending in self.keys))

    def cursor(self, row: Any) -> str:
        values = [self._signature(), *(_plain(getattr(row, column.key)) for column, _ in self.keys)]
        return base64.urlsafe_b64encode(json.dumps(values, ensure_ascii=False).encode()).decode().rstrip("=")

    def after(self, cursor: str) -> ColumnElement[bool]:
        """The rows after the one ``cursor`` names, in this order (``reversed().after``: before)."""
        values = self._values(cursor)
        if len({descending for _, descending in self.keys}) == 1 and not any(_nullable(c) for c, _ in self.keys):
            columns, position = tuple_(*(c for c, _ in self.keys)), tuple_(*values)
            return columns < position if self.keys[0][1] else columns > position
        condition: ColumnElement[bool] | None = None
        for (column, descending), value in reversed(list(zip(self.keys, values, strict=True))):
            beyond = _beyond(column, descending, value)
            condition = beyond if condition is None else or_(beyond, and_(_equal(column, value), condition))
        assert condition is not None
        first, descending = self.keys[0]
        return and_(_at_or_beyond(first, descending, values[0]), condition)

    def _signature(self) -> str:
        return ",".join(column.key for column, _ in self.keys)

    def _values(self, cursor: str) -> list[Any]:
        try:
            found = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if not isinstance(found, list) or found[:1] != [self._signature()] or len(found) != len(self.keys) + 1:
                raise ValueError(cursor)
            return [_parsed(column, value) for (column, _), value in zip(self.keys, found[1:], strict=True)]
        except (ValueError, TypeError) as exc:  # binascii.Error and JSONDecodeError are ValueErrors
            raise BadRequest("翻页位置无效或与当前排序不符,请从第一页重新翻页") from exc


def _nullable(column: InstrumentedAttribute) -> bool:
    return bool(getattr(column.expression, "nullable", True))


def _sorted(column: InstrumentedAttribute, descending: bool) -> ColumnElement:
    if not _nullable(column):
        return column.desc() if descending else column.asc()
    return column.desc().nulls_first() if descending else column.asc().nulls_last()


def _beyond(column: InstrumentedAttribute, descending: bool, value: Any) -> ColumnElement[bool]:
    """Strictly after ``value`` in the column's direction (NULL greatest)."""
    if value is None:
        return column.is_not(None) if descending else false()
    if descending:
        return column < value
    return or_(column > value, column.is_(None)) if _nullable(column) else column > value


def _at_or_beyond(column: InstrumentedAttribute, descending: bool, value: Any) -> ColumnElement[bool]:
    if value is None:
        return true() if descending else column.is_(None)
    if descending:
        return column <= value
    return or_(column >= value, column.is_(None)) if _nullable(column) else column >= value


def _equal(column: InstrumentedAttribute, value: Any) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _parsed(column: InstrumentedAttribute, value: Any) -> Any:
    """A cursor's value as the column's type; anything else is a ValueError."""
    if value is None:
        if not _nullable(column):
            raise ValueError(column.key)
        return None
    kind = column.type.python_type
    if kind in (dt.date, dt.datetime):
        return kind.fromisoformat(value)
    if kind is int and (isinstance(value, bool) or not isinstance(value, int) or abs(value) > INT4_MAX) \
            or kind is str and not isinstance(value, str):
        raise ValueError(column.key)
    return value
