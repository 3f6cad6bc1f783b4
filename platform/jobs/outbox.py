"""Background jobs as outbox rows, written in the same transaction as the data they follow.

The database, not the broker, is the record of what must happen: ``enqueue()`` adds a row
that commits or rolls back with the caller's data. A dispatcher hands pending rows to
whatever executes them (threads in the embedded mode, dramatiq workers with Redis), and
``run()`` claims a row, runs its function and marks it done. Job functions must be
idempotent: a job may run again after a crash (its row is then still pending or its
claim has expired), so it must check what it already did.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from typing import Any, cast

from sqlalchemy import JSON, CursorResult, Integer, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.platform.extensions.hookspecs import JobSpec
from xinfang.platform.extensions.manager import plugin_jobs, plugins_of

log = logging.getLogger(__name__)

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
MAX_ATTEMPTS = 5
CLAIM_SECONDS = 300  # a claim older than this is taken to belong to a dead worker


class OutboxJob(Base):
    __tablename__ = "outbox_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[str] = mapped_column(Text, default="")
    last_error: Mapped[str] = mapped_column(Text, default="")


def enqueue(session: Session, name: str, payload: dict[str, Any], dedupe_key: str | None = None) -> OutboxJob:
    """Add a job to the caller's transaction; with ``dedupe_key``, at most one such job ever."""
    if dedupe_key is not None:
        existing = session.scalar(select(OutboxJob).where(OutboxJob.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    return enqueue_many(session, name, [payload], dedupe_key)[0]


def enqueue_many(session: Session, name: str, payloads: list[dict[str, Any]],
                 dedupe_key: str | None = None) -> list[OutboxJob]:
    """Add one job per payload in one flush (a batch of notices would otherwise flush per job)."""
    rows = [OutboxJob(name=name, payload=payload, dedupe_key=dedupe_key) for payload in payloads]
    session.add_all(rows)
    session.flush()
    session.info.setdefault("enqueued", []).extend(row.id for row in rows)
    return rows


def runnable(session: Session, now: dt.datetime, limit: int = 100, claim_seconds: float = CLAIM_SECONDS) -> list[int]:
    """Jobs to hand out: pending ones, and running ones whose claim has expired."""
    stale = now - dt.timedelta(seconds=claim_seconds)
    query = (select(OutboxJob.id)
             .where(or_(OutboxJob.status == PENDING, (OutboxJob.status == RUNNING) & (OutboxJob.claimed_at < stale)))
             .where(OutboxJob.attempts < MAX_ATTEMPTS).order_by(OutboxJob.id).limit(limit))
    return list(session.scalars(query))


def run(session_factory: sessionmaker, job_id: int, claim_seconds: float = CLAIM_SECONDS) -> str | None:
    """Claim and run one job. Returns its report, or None if it was not runnable (done, or
    claimed by a live worker). Safe to call twice for the same id. A job must finish within
    ``claim_seconds``, or another worker takes it over."""
    from xinfang.tenants.scope import Scope

    now = clock.now()
    stale = now - dt.timedelta(seconds=claim_seconds)
    with session_factory(scope=Scope.system()) as session:
        claimed = session.execute(
            update(OutboxJob).where(OutboxJob.id == job_id, OutboxJob.attempts < MAX_ATTEMPTS,
                                    or_(OutboxJob.status == PENDING,
                                        (OutboxJob.status == RUNNING) & (OutboxJob.claimed_at < stale)))
            .values(status=RUNNING, claimed_at=now, attempts=OutboxJob.attempts + 1),
            execution_options={"skip_audit": True}).rowcount
        session.commit()
        if not claimed:
            return None
        row = session.get(OutboxJob, job_id)
        name, payload = row.name, dict(row.payload)
    try:
        report = registered_jobs(session_factory)[name].run(session_factory, payload)
    except BaseException as exc:  # recorded on the row (a time limit too); retried until MAX_ATTEMPTS
        log.exception("job %s (%s) failed", job_id, name)
        _finish(session_factory, job_id, status=PENDING, error="".join(traceback.format_exception(exc))[-4000:])
        raise
    _finish(session_factory, job_id, status=DONE, result=str(report or ""))
    return report


def _finish(session_factory: sessionmaker, job_id: int, status: str, result: str = "", error: str = "") -> None:
    from xinfang.tenants.scope import Scope

    with session_factory(scope=Scope.system()) as session:
        row = session.get(OutboxJob, job_id)
        if status == PENDING and row.attempts >= MAX_ATTEMPTS:
            status = FAILED
        row.status, row.last_error = status, error
        if status in (DONE, FAILED):
            row.finished_at, row.result = clock.now(), result
        session.commit()


def fail_abandoned(session: Session, now: dt.datetime, claim_seconds: float = CLAIM_SECONDS) -> int:
    """Mark failed the jobs whose last allowed attempt died with its worker (claim expired,
    no attempts left): otherwise they would stay "running" for ever. Returns how many."""
    stale = now - dt.timedelta(seconds=claim_seconds)
    # an UPDATE's result is a CursorResult (its row count); the Session's signature says Result
    return cast(CursorResult[Any], session.execute(
        update(OutboxJob).where(OutboxJob.status == RUNNING, OutboxJob.claimed_at < stale,
                                OutboxJob.attempts >= MAX_ATTEMPTS)
        .values(status=FAILED, finished_at=now, last_error="工作进程在最后一次尝试中中断,任务未完成"),
        execution_options={"skip_audit": True})).rowcount


def registered_jobs(session_factory: sessionmaker) -> dict[str, JobSpec]:
    """The jobs the plugins (the core's included) declare through ``xinfang_jobs``."""
    return plugin_jobs(plugins_of(session_factory))
