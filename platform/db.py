"""Engine, declarative base and session factory.

Sessions are synchronous: handlers run in Litestar's thread pool, and the CLI, Alembic,
dramatiq actors and tests share the same session style. Every session carries a
``Scope`` (see ``xinfang.tenants.scope``) that filters reads and checks writes.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    pass

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both SQLite (which drops the offset) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class DatabaseBusy(Exception):
    """A connection or the write lock could not be had in time: the request is refused whole
    (nothing was written) and the clerk is asked to try again (503)."""


# The monotonic time by which the current request should have its turn to write (set by the
# web guard when the request arrives; unset for the CLI and jobs). Time spent queueing for a
# handler thread counts, so a writer that must wait is refused within the budget of its
# arrival; a writer that finds the lock free always gets it, however slow the machine.
write_deadline: ContextVar[float | None] = ContextVar("xinfang_write_deadline", default=None)


def _wait_budget(limit: float) -> float:
    """Seconds a write may wait for a lock held by another: ``limit``, or less (down to
    nothing) near the request's deadline."""
    deadline = write_deadline.get()
    if deadline is None:
        return limit
    return max(0.0, min(limit, deadline - time.monotonic()))


def make_engine(database_url: str, *, pool_size: int = 10, max_overflow: int = 20, pool_timeout: float = 30.0,
                lock_timeout: float = 30.0, **kwargs: Any) -> Engine:
    """The engine for a URL. The web app passes its settings (short waits, a pool sized to its
    handler threads); the CLI, workers and Alembic keep the patient defaults."""
    if "poolclass" not in kwargs and not database_url.endswith(":memory:"):
        kwargs.update(pool_size=pool_size, max_overflow=max_overflow, pool_timeout=pool_timeout)
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(database_url, connect_args={"timeout": lock_timeout, "check_same_thread": False},
                               **kwargs)
        _configure_sqlite(engine, lock_timeout)
        return engine
    # a row lock (e.g. the matter counter) waited for longer than this fails the statement
    options = f"-c lock_timeout={int(lock_timeout * 1000)}"
    # No ping before each checkout (a round trip per request and session): a connection that
    # died with its server is found by the first statement on it, which invalidates every
    # connection older than the failure, so each is replaced at its next checkout; the
    # authentication retries once on such a failure (web/guards.py), so an authenticated
    # request never sees it. Connections are renewed after half an hour in any case, before
    # an idle timeout of a firewall or pooler in between could cut them.
    kwargs.setdefault("pool_recycle", RECYCLE_SECONDS)
    engine = create_engine(database_url, connect_args={"options": options}, **kwargs)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY_OPTION):
            return
        budget = _wait_budget(lock_timeout)
        if budget < lock_timeout:  # near or past the request's deadline: wait for locks only until then
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, int(budget * 1000))}")

    return engine


READ_ONLY_OPTION = "xinfang_read_only"
RECYCLE_SECONDS = 1800


def read_only(engine: Engine) -> Engine:
    """The same engine for transactions that only read: on SQLite they begin DEFERRED and run
    alongside the one writer; every other transaction takes the write lock at BEGIN
    (IMMEDIATE), so a read that later writes can never fail on a stale snapshot."""
    return engine.execution_options(**{READ_ONLY_OPTION: True})


def single_reads(engine: Engine) -> Engine:
    """``read_only(engine)`` for a read of one statement at a time (the authentication): on
    PostgreSQL in autocommit, so it costs its statement alone, not a BEGIN and a ROLLBACK round
    trip around it (a ROLLBACK also makes psycopg drop its prepared statements). Each statement
    sees its own snapshot, as in a READ COMMITTED transaction. SQLite's reads are in-process:
    as ``read_only``."""
    reads = read_only(engine)
    if engine.dialect.name == "postgresql":
        return reads.execution_options(isolation_level="AUTOCOMMIT")
    return reads


class WriteGate:
    """SQLite's one writer, queued first come first served inside the process.

    SQLite's own busy handler polls with growing sleeps and no order: under a crowd of
    writers the lock sits free between polls and the unlucky wait for the whole timeout. Here
    a writer waits on an event that the previous one sets when it commits or rolls back, or
    gives up after ``timeout`` seconds (``DatabaseBusy``). Other processes on the same file
    still meet SQLite's busy timeout."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._mutex = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._held = False

    def acquire(self) -> None:
        with self._mutex:
            if not self._held:
                self._held = True
                return
            turn = threading.Event()
            self._waiting.append(turn)
        budget = _wait_budget(self.timeout)
        if budget > 0 and turn.wait(budget):
            return
        with self._mutex:
            if turn.is_set():  # handed over just as the wait ran out
                return
            self._waiting.remove(turn)
        raise DatabaseBusy(f"waited {budget:.2f} s for the SQLite write lock")

    def release(self) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().set()  # handed straight to the next writer
            else:
                self._held = False


GATE_KEY = "xinfang_write_gate"


def _configure_sqlite(engine: Engine, lock_timeout: float) -> None:
    """WAL, foreign keys, busy timeout, and BEGIN IMMEDIATE (through the write gate) unless the
    caller said read-only."""
    gate = WriteGate(lock_timeout)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={int(lock_timeout * 1000)}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY_OPTION):
            conn.exec_driver_sql("BEGIN")
            return
        gate.acquire()
        conn.info[GATE_KEY] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(conn.info)
            raise

    def _release(info: dict) -> None:
        if info.pop(GATE_KEY, False):
            gate.release()

    # the gate opens when the transaction ends, however it ends
    event.listen(engine, "commit", lambda conn: _release(conn.info))
    event.listen(engine, "rollback", lambda conn: _release(conn.info))
    event.listen(engine.pool, "checkin", lambda _dbapi, record: _release(record.info))
    event.listen(engine.pool, "invalidate", lambda _dbapi, record, _exc: _release(record.info))

