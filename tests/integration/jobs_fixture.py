"""A test-only plugin declaring one outbox job for the Redis tests. The worker subprocesses
find it as they find any installed plugin: through an entry point (tests/entry_points.py).

Its tables live in their own MetaData (never in the migrations): the test creates them and,
on PostgreSQL, drops them again. Each run records a start (with the worker's pid, so a test
can kill exactly that process), waits, then records its effect once per key.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, func, select

from xinfang.platform.extensions.hookspecs import JobSpec, hookimpl

metadata = MetaData()
starts = Table("test_job_starts", metadata, Column("id", Integer, primary_key=True),
               Column("key", String(64), nullable=False), Column("pid", Integer, nullable=False))
effects = Table("test_job_effects", metadata, Column("id", Integer, primary_key=True),
                Column("key", String(64), nullable=False))
ticks = Table("test_periodic_ticks", metadata, Column("id", Integer, primary_key=True),
              Column("at", Float, nullable=False))

EFFECT_JOB = "test.effect"
HEARTBEAT_EVERY = dt.timedelta(seconds=1.5)  # the periodic task in periodic_fixture.py


def effect(session_factory, payload: dict) -> str:
    """Idempotent like a real job: the effect is written only if it is not there yet."""
    from xinfang.tenants.scope import Scope

    key = payload["key"]
    with session_factory(scope=Scope.system()) as s:
        s.execute(starts.insert().values(key=key, pid=os.getpid()))
        s.commit()
    time.sleep(payload.get("seconds", 0))  # outside any transaction: SQLite's writer lock stays free
    with session_factory(scope=Scope.system()) as s:
        if not s.scalar(select(func.count()).select_from(effects).where(effects.c.key == key)):
            s.execute(effects.insert().values(key=key))
        s.commit()
    return f"effect {key}"


@hookimpl
def xinfang_jobs():
    return [JobSpec(EFFECT_JOB, effect)]
