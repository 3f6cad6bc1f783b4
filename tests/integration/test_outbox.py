"""Outbox jobs: written with the data, run once, retried after a failure, never twice."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from xinfang.platform import clock
from xinfang.platform.extensions.hookspecs import JobSpec, hookimpl
from xinfang.platform.jobs import outbox
from xinfang.platform.jobs.embedded import EmbeddedExecutor, run_pending
from xinfang.platform.jobs.periodic import EmbeddedRunner, PeriodicTask, run_due
from xinfang.platform.people.models import Person
from xinfang.tenants.scope import Scope

RUNS: list[dict] = []
STARTED = threading.Event()
RELEASE = threading.Event()


def _count(session_factory, payload):
    RUNS.append(payload)
    if payload.get("fail_first") and sum(1 for r in RUNS if r == payload) == 1:
        raise RuntimeError("first attempt fails")
    return f"counted {payload['n']}"


def _held(session_factory, payload):
    """A job that runs until the test releases it (a long rendering, say)."""
    STARTED.set()
    assert RELEASE.wait(20), "the test never released the job"
    return f"finished {payload['n']}"


class CountJob:
    """A test plugin declaring two jobs, registered into each test's app."""

    @hookimpl
    def xinfang_jobs(self):
        return [JobSpec("test.count", _count), JobSpec("test.held", _held)]


@pytest.fixture(autouse=True)
def _count_job(app):
    STARTED.clear(), RELEASE.clear()
    app.state.plugins.register(CountJob())
    yield
    RELEASE.set()


def test_a_job_rolls_back_with_its_data(app, demo):
    RUNS.clear()
    with app.state.session_factory(scope=Scope.system()) as s:
        s.add(Person(node_id=demo.node("411323001001").id, name="甲", id_number="11010519491231002X"))
        outbox.enqueue(s, "test.count", {"n": 1})
        s.rollback()
    assert run_pending(app.state.session_factory) == 0 and RUNS == []


def test_jobs_run_once_and_failures_are_retried(app):
    RUNS.clear()
    with app.state.session_factory(scope=Scope.system()) as s:
        ok = outbox.enqueue(s, "test.count", {"n": 1})
        flaky = outbox.enqueue(s, "test.count", {"n": 2, "fail_first": True})
        s.commit()
        ok_id, flaky_id = ok.id, flaky.id
    assert run_pending(app.state.session_factory) == 1
    assert run_pending(app.state.session_factory) == 1  # the failed one, retried
    assert run_pending(app.state.session_factory) == 0
    assert outbox.run(app.state.session_factory, ok_id) is None  # already done: not again
    with app.state.session_factory(scope=Scope.system()) as s:
        rows = {r.id: r for r in s.scalars(select(outbox.OutboxJob))}
    assert rows[ok_id].status == "done" and rows[ok_id].attempts == 1 and rows[ok_id].result == "counted 1"
    assert rows[flaky_id].status == "done" and rows[flaky_id].attempts == 2
    assert [r["n"] for r in RUNS] == [1, 2, 2]


def test_dedupe_key_makes_one_job(app):
    with app.state.session_factory(scope=Scope.system()) as s:
        a = outbox.enqueue(s, "test.count", {"n": 3}, dedupe_key="reminder:2026-11-25")
        b = outbox.enqueue(s, "test.count", {"n": 3}, dedupe_key="reminder:2026-11-25")
        s.commit()
        assert a.id == b.id
        assert s.scalar(select(func.count()).select_from(outbox.OutboxJob)) == 1


def test_an_expired_claim_is_taken_over(app):
    RUNS.clear()
    with app.state.session_factory(scope=Scope.system()) as s:
        row = outbox.enqueue(s, "test.count", {"n": 4})
        row.status, row.claimed_at, row.attempts = "running", clock.now() - dt.timedelta(hours=1), 1
        s.commit()
        job_id = row.id
    assert outbox.run(app.state.session_factory, job_id) == "counted 4"


# Shutdown of the embedded mode's threads: the job in hand finishes, no other starts.

def _enqueue_two(app) -> list[int]:
    with app.state.session_factory(scope=Scope.system()) as s:
        ids = [outbox.enqueue(s, "test.held", {"n": n}).id for n in (1, 2)]
        s.commit()
    return ids


def _statuses(app) -> list[str]:
    with app.state.session_factory(scope=Scope.system()) as s:
        return list(s.scalars(select(outbox.OutboxJob.status).order_by(outbox.OutboxJob.id)))


def test_stop_waits_for_the_job_in_hand_and_starts_no_other(app):
    _enqueue_two(app)
    executor = EmbeddedExecutor(app.state.session_factory, poll=0.05)
    executor.start()
    assert STARTED.wait(20)
    threading.Timer(0.3, RELEASE.set).start()  # the job ends while stop() waits for it
    assert executor.stop(grace=20) is True
    assert _statuses(app) == ["done", "pending"]  # finished, and the second never began


def test_stop_gives_up_after_its_grace_and_the_claim_is_left_to_expire(app):
    _enqueue_two(app)
    executor = EmbeddedExecutor(app.state.session_factory, poll=0.05)
    executor.start()
    assert STARTED.wait(20)
    assert executor.stop(grace=0.2) is False  # stuck: shutdown goes on without it
    assert _statuses(app) == ["running", "pending"]
    RELEASE.set()
    assert executor.stop(grace=20) is True
    assert _statuses(app) == ["done", "pending"]


def test_a_stopped_scheduler_starts_no_task(app):
    ran: list[str] = []
    stopping = threading.Event()
    stopping.set()
    reports = run_due(app.state.session_factory, clock.now(), {}, ran=lambda name, *_: ran.append(name),
                      stopping=stopping)
    assert reports == [] and ran == []
    assert run_due(app.state.session_factory, clock.now(), {}, ran=lambda name, *_: ran.append(name))
    assert ran  # the same call without the flag runs the registered tasks


def test_the_scheduler_thread_stops_between_tasks(app):
    first_ran = threading.Event()

    def slow(session_factory, now):
        first_ran.set()
        assert RELEASE.wait(20)
        return "slow"

    class Tasks:
        @hookimpl
        def xinfang_periodic_tasks(self):
            return [PeriodicTask("test.slow", dt.timedelta(days=1), slow)]

    app.state.plugins.register(Tasks())
    runner = EmbeddedRunner(app.state.session_factory, tick=0.05)
    runner.start()
    assert first_ran.wait(20)
    threading.Timer(0.3, RELEASE.set).start()  # the task ends while stop() waits for it
    assert runner.stop(grace=20) is True
    assert runner.stop(grace=0) is True  # the thread has ended
