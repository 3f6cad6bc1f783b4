"""A test-only plugin declaring one periodic task, installed (as an entry point) for the
scheduler subprocess of one test only, never in the test process."""

from __future__ import annotations

import datetime as dt

from tests.integration.jobs_fixture import HEARTBEAT_EVERY, ticks
from xinfang.platform.extensions.hookspecs import hookimpl
from xinfang.platform.jobs.periodic import PeriodicTask


def heartbeat(session_factory, now: dt.datetime) -> str:
    from xinfang.tenants.scope import Scope

    with session_factory(scope=Scope.system()) as s:
        s.execute(ticks.insert().values(at=now.timestamp()))
        s.commit()
    return "tick"


@hookimpl
def xinfang_periodic_tasks():
    return [PeriodicTask("test.heartbeat", HEARTBEAT_EVERY, heartbeat)]
