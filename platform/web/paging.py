"""One way to paginate a list endpoint."""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from typing import Any, TypedDict

from sqlalchemy import ColumnElement, Select, func, literal_column, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from xinfang.platform.errors import BadRequest
from xinfang.platform.web.inputs import INT4_MAX
from xinfang.tenants.scope import ScopedSession

LOG = logging.getLogger(__name__)
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
    ``page`` counts pages from the start (OFFSET, for the first pages: with ``approximate``, a
    page past the first ``EXACT_UP_TO`` rows is a 400, ``deep_page_refused``); with one, ``page`` is
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
    if approximate and offset >= EXACT_UP_TO:
        raise BadRequest(deep_page_refused(per_page))
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


def deep_page_refused(per_page: int) -> str:
    """Why ``cursor_page_of`` refuses a page by number beyond the first ``EXACT_UP_TO`` rows of a
    long list: a page by number is an OFFSET, reading and dropping every row before it (page
    40,000 of a county of 2,000,000 matters read 800,000), where 下一页 (a cursor) starts at its
    row and a filter shortens the list. There is no position to start from without counting up
    to it, so the deep page is refused rather than turned into a cursor."""
    return (f"页码过大:按页码只能直接翻到前{EXACT_UP_TO}条(每页{per_page}条时为前{-(-EXACT_UP_TO // per_page)}页);"
            "更后面的请用“下一页”逐页翻看,或加筛选条件(状态、日期、单位等)缩小范围")


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
    recent = RECENT_COUNTS.recent(session, counted, key)
    if recent is None:
        total = _count(session, counted.limit(EXACT_UP_TO + 1))
        if total <= EXACT_UP_TO:
            return total, True
        recent = RECENT_COUNTS.count(session, counted, key)
    return max(recent, seen), False


def _count(session: Session, rows: Select) -> int:
    return session.execute(select(func.count()).select_from(rows.subquery())).scalar_one()


class RecentCounts:
    """Exact counts of long lists, kept per process and refreshed off the request path.

    Keyed by the database, the session's scope and the statement with its parameters, so one
    viewer's count never answers another scope's list. Writes do not invalidate an entry: a
    total served from here is marked approximate. An entry older than ``SECONDS`` is still
    served, and its count is taken again by ``start`` (one worker thread: refreshes queue, one
    at a time, each on a session of its own with the same scope), never twice at once for one
    key; only a list never counted before costs its request the full count (and a second
    request for it meanwhile waits for that count). Oldest entries go first beyond ``SIZE``."""

    SECONDS = 300.0
    SIZE = 1024

    def __init__(self, now: Callable[[], float] = time.monotonic,
                 start: Callable[[Callable[[], None]], Any] | None = None) -> None:
        self._entries: OrderedDict[Hashable, tuple[float, int]] = OrderedDict()
        self._counting: dict[Hashable, threading.Event] = {}  # the keys being counted now
        self._lock = threading.Lock()
        self._now = now
        self._start = start or _refresher().submit

    def recent(self, session: Session, rows: Select, key: Hashable) -> int | None:
        """The count kept under ``key``, if any; one older than ``SECONDS`` starts its refresh."""
        with self._lock:
            found = self._entries.get(key)
            stale = found is not None and self._now() - found[0] >= self.SECONDS and key not in self._counting
            if stale:
                self._counting[key] = threading.Event()
        if stale:
            try:
                self._start(partial(self._refresh, session.get_bind(), session.info.get("scope"), rows, key))
            except RuntimeError:  # the worker is shut down (the process is ending): none will run
                self._done(key, self._counting[key])
        return None if found is None else found[1]

    def count(self, session: Session, rows: Select, key: Hashable) -> int:
        """The full count of ``rows``, kept: counted now (a list not counted before), or the
        count another request took or is taking of it (waited for)."""
        with self._lock:
            found, other = self._entries.get(key), self._counting.get(key)
            if found is not None:
                return found[1]
            if other is None:
                counting = self._counting[key] = threading.Event()
        if other is not None:
            other.wait()
            with self._lock:
                found = self._entries.get(key)
            if found is not None:
                return found[1]
            return self._keep(key, self._now(), _count(session, rows))  # that count failed
        try:
            return self._keep(key, self._now(), _count(session, rows))
        finally:
            self._done(key, counting)

    def _refresh(self, bind: Any, scope: Any, rows: Select, key: Hashable) -> None:
        """Count ``rows`` again on a session of its own: the same database and scope (whose
        criteria apply to every ORM statement), closed afterwards."""
        counting = self._counting[key]
        try:
            with (ScopedSession(bind=bind, scope=scope) if scope is not None else Session(bind=bind)) as session:
                self._keep(key, self._now(), _count(session, rows))
        except Exception:  # noqa: BLE001 - the old count stays; the next request starts another
            LOG.exception("refreshing a list's count failed")
        finally:
            self._done(key, counting)

    def _keep(self, key: Hashable, taken: float, total: int) -> int:
        with self._lock:
            self._entries[key] = (taken, total)
            self._entries.move_to_end(key)
            while len(self._entries) > self.SIZE:
                self._entries.popitem(last=False)
        return total

    def _done(self, key: Hashable, counting: threading.Event) -> None:
        with self._lock:
            if self._counting.get(key) is counting:
                del self._counting[key]
        counting.set()

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


@cache
def _refresher() -> ThreadPoolExecutor:
    """The one thread that refreshes kept counts, made when first needed: refreshes of many
    scopes at once queue here instead of taking many connections from the request pool."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="recent-counts")


RECENT_COUNTS = RecentCounts()


@dataclass(frozen=True)
class Key:
    """A column a list sorts by. A nullable column sorts as ``coalesce(column, null_as)``: its
    NULLs where ``null_as`` sorts (a date far ahead: last ascending, first descending), and an
    index on that expression gives the order and starts at a cursor like any other column's."""

    column: InstrumentedAttribute
    null_as: dt.date | None = None

    def expression(self) -> ColumnElement | InstrumentedAttribute:
        if self.null_as is None:
            return self.column
        # a literal, not a bound parameter: the planner matches the query's expression to the
        # index's only when they are the same text ('…'::date on PostgreSQL, the string on SQLite)
        return func.coalesce(self.column, literal_column(f"'{self.null_as.isoformat()}'", self.column.type))

    def value(self, row: Any) -> Any:
        found = getattr(row, self.column.key)
        return self.null_as if found is None else found


@dataclass(frozen=True)
class Order:
    """A list's order: ``keys`` all ascending or all descending, the last one unique (the id),
    none NULL (a nullable column has its ``Key.null_as``). It sorts a query, names a row's
    position (``cursor``) and selects the rows after a position (``after``) with a row
    comparison, ``(received_on, id) < (:v, :id)``: an index on those columns (or expressions)
    starts at the position, so a page by cursor costs what the first page costs at any depth."""

    keys: tuple[Key, ...]
    descending: bool

    def __post_init__(self) -> None:
        for key in self.keys:
            if key.null_as is None and _nullable(key.column):
                raise ValueError(f"{key.column.key} is nullable: give its Key a null_as")

    def reversed(self) -> Order:
        return Order(self.keys, not self.descending)

    def sort(self, query: Select) -> Select:
        return query.order_by(*(k.expression().desc() if self.descending else k.expression().asc()
                                for k in self.keys))

    def cursor(self, row: Any) -> str:
        values = [self._signature(), *(_plain(key.value(row)) for key in self.keys)]
        return base64.urlsafe_b64encode(json.dumps(values, ensure_ascii=False).encode()).decode().rstrip("=")

    def after(self, cursor: str) -> ColumnElement[bool]:
        """The rows after the one ``cursor`` names, in this order (``reversed().after``: before)."""
        values = self._values(cursor)
        if len(self.keys) == 1:
            columns, position = self.keys[0].expression(), values[0]
        else:
            columns, position = tuple_(*(k.expression() for k in self.keys)), tuple_(*values)
        return columns < position if self.descending else columns > position

    def _signature(self) -> str:
        return ",".join(key.column.key for key in self.keys)

    def _values(self, cursor: str) -> list[Any]:
        try:
            found = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if not isinstance(found, list) or found[:1] != [self._signature()] or len(found) != len(self.keys) + 1:
                raise ValueError(cursor)
            return [_parsed(key.column, value) for key, value in zip(self.keys, found[1:], strict=True)]
        except (ValueError, TypeError) as exc:  # binascii.Error and JSONDecodeError are ValueErrors
            raise BadRequest("翻页位置无效或与当前排序不符,请从第一页重新翻页") from exc


def _nullable(column: InstrumentedAttribute) -> bool:
    return bool(getattr(column.expression, "nullable", True))


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _parsed(column: InstrumentedAttribute, value: Any) -> Any:
    """A cursor's value as the column's type; anything else (NULL too) is a ValueError."""
    kind = column.type.python_type
    if kind in (dt.date, dt.datetime) and isinstance(value, str):
        return kind.fromisoformat(value)
    if kind is int and not isinstance(value, bool) and isinstance(value, int) and abs(value) <= INT4_MAX \
            or kind is str and isinstance(value, str):
        return value
    raise ValueError(column.key)
