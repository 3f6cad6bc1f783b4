"""Engine, declarative base and session factory.

Sessions are synchronous: handlers run in Litestar's thread pool, and the CLI, Alembic,
dramatiq actors and tests share the same session style. Every session carries a
``Scope`` (see ``xinfang.tenants.scope``) that filters reads and checks writes.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from xinfang.platform.settings import Settings

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
    (nothing was written) and the clerk is asked to try again (503) in ``retry_after`` seconds."""

    def __init__(self, message: str, retry_after: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# The monotonic time the current HTTP request arrived (set by the outermost ASGI middleware,
# web/operations.py; unset for the CLI and jobs). A write gate refuses only requests at the door
# (the CLI and jobs wait their turn), and logs how long after their arrival it did so.
request_arrival: ContextVar[float | None] = ContextVar("xinfang_request_arrival", default=None)

# How much the newest hold time weighs in a gate's running estimate (about the last ten holds).
HOLD_WEIGHT = 0.2
# An admitted writer gives up (503) only after waiting this many times the admission limit: its
# predicted wait was at most the limit, so the writers ahead of it took twice as long as the
# recent ones did (a long import on SQLite, a stuck transaction).
BACKSTOP_FACTOR = 2.0


class WriteGate:
    """``permits`` writers at a time (one for SQLite), first come first served, with admission
    at the door.

    A writer that finds a permit free takes it. Otherwise the gate predicts its wait: the
    holder's remaining time (the recent hold time, or as long again as it has held already,
    whichever is longer) plus the recent hold time for each writer queued ahead — the recent
    hold time being a running average the gate measures itself from grant to release — divided
    by the permits. A request predicted to wait longer than ``admit_wait`` is refused at once (``DatabaseBusy``:
    a 503 in milliseconds rather than after a timeout, nothing written). An admitted writer
    waits on an event that the previous one sets when it commits or rolls back, and gives up
    only after ``backstop`` seconds in the queue — a prediction wrong twice over. It is not
    refused for the time it spent before reaching the queue (a slow machine, a long read):
    refusing then would only make the refusal late too. Waiting in the process's own queue
    replaces the database's unordered ones: SQLite's busy handler polls with growing sleeps
    (under a crowd the lock sits free between polls and the unlucky time out), and
    PostgreSQL's row-lock queue ends each waiter at ``lock_timeout`` whatever its place."""

    def __init__(self, admit_wait: float, backstop: float, permits: int = 1,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.admit_wait = admit_wait
        self.backstop = backstop
        self.permits = permits
        self._clock = clock
        self._mutex = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._granted: deque[float] = deque()  # when each current holder got in, oldest first
        self.hold_estimate: float | None = None  # seconds, the running average of hold times

    def predicted_wait(self) -> float:
        """Seconds a writer arriving now would wait (0 if a permit is free); call with the mutex held."""
        if len(self._granted) < self.permits:
            return 0.0
        recent = self.hold_estimate or 0.0
        return (max(recent, self._clock() - self._granted[0]) + len(self._waiting) * recent) / self.permits

    def acquire(self) -> None:
        arrival = request_arrival.get()
        with self._mutex:
            now = self._clock()
            if len(self._granted) < self.permits:
                self._granted.append(now)
                return
            predicted = self.predicted_wait()
            if arrival is not None and predicted > self.admit_wait:  # a request is told at once; the CLI and jobs wait
                raise DatabaseBusy(f"refused {now - arrival:.3f} s after the request arrived: predicted wait "
                                   f"{predicted:.2f} s over the admission limit {self.admit_wait:.2f} s "
                                   f"({len(self._waiting)} queued)",
                                   retry_after=max(1, math.ceil(predicted - self.admit_wait)))
            turn = threading.Event()
            self._waiting.append(turn)
        if turn.wait(self.backstop):
            return
        with self._mutex:
            if turn.is_set():  # handed over just as the wait ran out
                return
            self._waiting.remove(turn)
        raise DatabaseBusy(f"admitted (predicted wait {predicted:.2f} s) but not let in within the backstop "
                           f"{self.backstop:.2f} s")

    def release(self) -> None:
        with self._mutex:
            now = self._clock()
            if self._granted:  # holders mostly leave in the order they came in (behind one another)
                held = now - self._granted.popleft()
                self.hold_estimate = (held if self.hold_estimate is None
                                      else self.hold_estimate + HOLD_WEIGHT * (held - self.hold_estimate))
            if self._waiting:
                self._granted.append(now)
                self._waiting.popleft().set()  # handed straight to the next writer


def _backstop(admit_wait: float, lock_timeout: float) -> float:
    """How long an admitted writer may wait for a gate: twice the admission limit, never less
    than the engine's lock timeout (the CLI's patient 30 s)."""
    return max(BACKSTOP_FACTOR * admit_wait, lock_timeout)


class KeyedGates:
    """A ``WriteGate`` per key (on PostgreSQL: per county, in front of its matter counter row),
    made on first use and kept: there are as many as counties. Each lets ``ROW_PERMITS``
    writers through: the holder of the row and the next one, already waiting for it in
    PostgreSQL, so the row passes to the next writer at the holder's commit without waiting
    for a Python thread to wake (and, with several web processes, to whichever process's
    writer came first)."""

    def __init__(self, admit_wait: float, backstop: float) -> None:
        self.admit_wait, self.backstop = admit_wait, backstop
        self._mutex = threading.Lock()
        self._gates: dict[Hashable, WriteGate] = {}

    def __getitem__(self, key: Hashable) -> WriteGate:
        with self._mutex:
            gate = self._gates.get(key)
            if gate is None:
                gate = self._gates[key] = WriteGate(self.admit_wait, self.backstop, permits=ROW_PERMITS)
            return gate


ROW_PERMITS = 2


GATE_KEY = "xinfang_write_gates"  # conn.info: the gates this connection's transaction holds
KEYED_GATES_KEY = "xinfang_keyed_gates"  # conn.info: the engine's KeyedGates (PostgreSQL)


def _hold(info: dict, gate: WriteGate) -> None:
    """Take ``gate`` for the transaction of the connection whose ``info`` this is (released by
    ``_release_all`` when the transaction ends, however it ends)."""
    held: list[WriteGate] = info.setdefault(GATE_KEY, [])
    if gate in held:  # one transaction registering several matters of a county
        return
    gate.acquire()
    held.append(gate)


def _release_all(info: dict) -> None:
    for gate in reversed(info.pop(GATE_KEY, [])):
        gate.release()


def queue_for(conn: Connection, key: Hashable) -> None:
    """Queue, first come first served, for the row lock ``key`` names, in this process, before
    taking it (PostgreSQL; on SQLite the engine's one gate, taken at BEGIN, already serialises
    every write). Lets a crowd of writers wait in order in Python, refused at once if the queue
    is too long, instead of in PostgreSQL's row-lock queue, where each waiter ends at
    ``lock_timeout``; the database's lock_timeout remains the backstop between processes. A
    transaction holding one keyed gate that queues for another may wait for the backstop."""
    gates: KeyedGates | None = conn.info.get(KEYED_GATES_KEY)
    if gates is not None:
        _hold(conn.info, gates[key])


def make_engine(database_url: str, *, pool_size: int = 10, max_overflow: int = 20, pool_timeout: float = 30.0,
                lock_timeout: float = 30.0, admit_wait: float = Settings.db_admit_wait, **kwargs: Any) -> Engine:
    """The engine for a URL. The web app passes its settings (short waits, a pool sized to its
    handler threads); the CLI, workers and Alembic keep the patient defaults. Writers queue in
    the process's write gates (``WriteGate``), admitted while their predicted wait stays within
    ``admit_wait``."""
    if "poolclass" not in kwargs and not database_url.endswith(":memory:"):
        kwargs.update(pool_size=pool_size, max_overflow=max_overflow, pool_timeout=pool_timeout)
    backstop = _backstop(admit_wait, lock_timeout)
    if database_url.startswith("sqlite"):
        path = database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(database_url, connect_args={"timeout": lock_timeout, "check_same_thread": False},
                               **kwargs)
        _configure_sqlite(engine, lock_timeout, WriteGate(admit_wait, backstop))
        return engine
    # a row lock (e.g. the matter counter) waited for longer than this fails the statement: the
    # backstop between processes (in one process writers queue in its keyed gates first)
    options = f"-c lock_timeout={int(lock_timeout * 1000)}"
    # No ping before each checkout (a round trip per request and session): a connection that
    # died with its server is found by the first statement on it, which invalidates every
    # connection older than the failure, so each is replaced at its next checkout; the
    # authentication retries once on such a failure (web/guards.py), so an authenticated
    # request never sees it. Connections are renewed after half an hour in any case, before
    # an idle timeout of a firewall or pooler in between could cut them.
    kwargs.setdefault("pool_recycle", RECYCLE_SECONDS)
    engine = create_engine(database_url, connect_args={"options": options}, **kwargs)
    gates = KeyedGates(admit_wait, backstop)

    @event.listens_for(engine, "connect")
    def _on_connect(_dbapi_conn: Any, record: Any) -> None:
        record.info[KEYED_GATES_KEY] = gates

    _release_gates_at_the_end(engine)
    return engine


def _release_connection(conn: Connection) -> None:
    if not conn.invalidated:
        _release_all(conn.info)


def _release_gates_at_the_end(engine: Engine) -> None:
    """A transaction's gates open when it ends, however it ends. A connection the server cut
    is invalidated first (the pool's "invalidate" event releases its gates); reading an
    invalidated connection's ``info`` would try to reconnect inside the failed transaction."""
    event.listen(engine, "commit", _release_connection)
    event.listen(engine, "rollback", _release_connection)
    event.listen(engine.pool, "checkin", lambda _dbapi, record: _release_all(record.info))
    event.listen(engine.pool, "invalidate", lambda _dbapi, record, _exc: _release_all(record.info))


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


def _configure_sqlite(engine: Engine, lock_timeout: float, gate: WriteGate) -> None:
    """WAL, foreign keys, busy timeout, and BEGIN IMMEDIATE (through the write gate) unless the
    caller said read-only."""

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
        _hold(conn.info, gate)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release_all(conn.info)
            raise

    _release_gates_at_the_end(engine)
