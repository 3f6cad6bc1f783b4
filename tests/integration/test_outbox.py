"""Outbox jobs: written with the data, run once, retried after a failure, never twice."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from xinfang.platform import clock
from xinfang.platform.extensions.hookspecs import JobSpec, hookimpl
from xinfang.platform.jobs import outbox
from xinfang.platform.jobs.embedded import run_pending
from xinfang.platform.people.models import Person
from xinfang.tenants.scope import Scope

RUNS: list[dict] = []


def _count(session_factory, payload):
    RUNS.append(payload)
    if payload.get("fail_first") and sum(1 for r in RUNS if r == payload) == 1:
        raise RuntimeError("first attempt fails")
    return f"counted {payload['n']}"


class CountJob:
    """A test plugin declaring one job, registered into each test's app."""

    @hookimpl
    def xinfang_jobs(self):
        return [JobSpec("test.count", _count)]


@pytest.fixture(autouse=True)
def _count_job(app):
    app.state.plugins.register(CountJob())


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
