"""The dispatcher hands each runnable outbox row to the broker once, again only when it may have
been lost, and gives up on rows whose last attempt died; ``run`` honours a short claim and
releases a row a time limit interrupted. In-process, with a list standing in for Redis."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from dramatiq.middleware.time_limit import TimeLimitExceeded
from sqlalchemy import select

from xinfang.platform import clock
from xinfang.platform.extensions.hookspecs import JobSpec, hookimpl
from xinfang.platform.jobs import outbox
from xinfang.platform.jobs.dispatcher import dispatch
from xinfang.tenants.scope import Scope

T0 = dt.datetime(2026, 11, 25, 1, 0, tzinfo=dt.UTC)


def _interrupted(session_factory, payload):
    raise TimeLimitExceeded()


class InterruptedJob:
    """A test plugin declaring one job, registered into the app's plugin manager."""

    @hookimpl
    def xinfang_jobs(self):
        return [JobSpec("test.interrupted", _interrupted)]


def _add(app, n: int = 1, name: str = "test.nothing") -> list[int]:
    with app.state.session_factory(scope=Scope.system()) as s:
        ids = [outbox.enqueue(s, name, {"n": i}).id for i in range(n)]
        s.commit()
    return ids


def _set(app, job_id: int, **values) -> None:
    with app.state.session_factory(scope=Scope.system()) as s:
        row = s.get(outbox.OutboxJob, job_id)
        for key, value in values.items():
            setattr(row, key, value)
        s.commit()


def _row(app, job_id: int) -> outbox.OutboxJob:
    with app.state.session_factory(scope=Scope.system()) as s:
        return s.scalar(select(outbox.OutboxJob).where(outbox.OutboxJob.id == job_id))


def test_a_queued_row_is_sent_once_and_again_only_after_the_resend_interval(app):
    a, b = _add(app, 2)
    sent, memory = [], {}
    factory = app.state.session_factory

    def tick(seconds: float) -> list[int]:
        return dispatch(factory, sent.append, now=T0 + dt.timedelta(seconds=seconds), sent=memory,
                        claim_seconds=60)

    assert tick(0) == [a, b]
    assert tick(1) == [] and tick(59) == []  # queued in Redis: not again on every tick
    _set(app, a, status=outbox.RUNNING, claimed_at=T0 + dt.timedelta(seconds=50), attempts=1)
    assert tick(60) == [b]  # b still pending a claim-time later: its message may be lost
    assert tick(61) == []
    # a's worker died: as soon as its claim expires it goes out again, not a resend-interval later
    assert tick(111) == [a]
    assert sent == [a, b, b, a]


def test_a_row_whose_last_attempt_died_is_failed_not_sent(app):
    (job_id,) = _add(app)
    _set(app, job_id, status=outbox.RUNNING, claimed_at=T0, attempts=outbox.MAX_ATTEMPTS)
    sent = []
    assert dispatch(app.state.session_factory, sent.append, now=T0 + dt.timedelta(seconds=30), claim_seconds=60) == []
    assert _row(app, job_id).status == outbox.RUNNING  # its claim still holds
    assert dispatch(app.state.session_factory, sent.append, now=T0 + dt.timedelta(seconds=61), claim_seconds=60) == []
    row = _row(app, job_id)
    assert sent == [] and row.status == outbox.FAILED and "中断" in row.last_error


def test_a_failed_send_is_tried_again_next_tick(app):
    a, b = _add(app, 2)
    memory, sent = {}, []

    def flaky(job_id: int) -> None:
        if job_id == b and b not in sent:
            sent.append(b)
            raise ConnectionError("Redis went away")
        sent.append(job_id)

    with pytest.raises(ConnectionError):
        dispatch(app.state.session_factory, flaky, now=T0, sent=memory)
    assert dispatch(app.state.session_factory, flaky, now=T0 + dt.timedelta(seconds=1), sent=memory) == [b]
    assert sent == [a, b, b]


def test_run_takes_over_a_claim_older_than_its_claim_seconds(app):
    app.state.plugins.register(InterruptedJob())
    (job_id,) = _add(app, name="test.interrupted")
    _set(app, job_id, status=outbox.RUNNING, claimed_at=clock.now() - dt.timedelta(seconds=10), attempts=1)
    assert outbox.run(app.state.session_factory, job_id) is None  # the default claim (300 s) holds
    with pytest.raises(TimeLimitExceeded):
        outbox.run(app.state.session_factory, job_id, claim_seconds=5)
    row = _row(app, job_id)  # the interrupted attempt is released at once, with its reason
    assert (row.status, row.attempts) == (outbox.PENDING, 2) and "TimeLimitExceeded" in row.last_error


def test_the_scheduler_refuses_to_start_without_redis(tmp_path):
    env = {**os.environ, "XINFANG_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "XINFANG_SECRET_KEY": "x"}
    env.pop("XINFANG_REDIS_URL", None)
    done = subprocess.run([str(Path(sys.executable).with_name("xinfang")), "scheduler"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1 and "未配置 XINFANG_REDIS_URL" in done.stderr
