"""A test-only periodic task, imported by the scheduler subprocess only
(``xinfang scheduler --module tests.integration.periodic_fixture``), never by the test
process: registered there, it would run in every other test's periodic runs."""

from __future__ import annotations

import datetime as dt

from tests.integration.jobs_fixture import HEARTBEAT_EVERY, ticks
from xinfang.platform.jobs.periodic import periodic


@periodic("test.heartbeat", every=HEARTBEAT_EVERY)
def heartbeat(session_factory, now: dt.datetime) -> str:
    from xinfang.tenants.scope import Scope

    with session_factory(scope=Scope.system()) as s:
        s.execute(ticks.insert().values(at=now.timestamp()))
        s.commit()
    return "tick"
