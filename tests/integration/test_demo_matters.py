"""The demo's matters: made through the services, in many states in both counties, with real
clocks (some overdue), the same every time for one seed, and their reminders from the scan."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from xinfang.platform import clock as product_clock
from xinfang.platform.matters import scan
from xinfang.platform.matters.models import Matter, MatterEvent
from xinfang.platform.notifications.models import Notification

pytestmark = pytest.mark.today(2026, 5, 20)


def test_demo_matters_in_many_states_with_clocks_and_reminders(app, demo, system_session):
    from xinfang.platform import demo as demo_data
    from xinfang.tenants.scope import Scope

    with app.state.session_factory(scope=Scope.system()) as session:
        session.info["actor"] = {"id": None, "name": "演示数据", "address": "test"}
        assert demo_data.load_matters(session, per_county=30) == 60
        session.commit()
    states = dict(system_session.execute(select(Matter.state, func.count()).group_by(Matter.state)).all())
    assert {"registered", "assigned", "handling", "closed"} <= set(states), states
    counties = system_session.scalars(select(Matter.county_id).distinct()).all()
    assert len(counties) == 2
    deadlines = set(system_session.scalars(select(Matter.deadline_state).distinct()))
    assert "overdue" in deadlines
    assert system_session.scalar(select(func.count()).select_from(MatterEvent)) > 60, "acts on record"
    assert max(system_session.scalars(select(Matter.received_on))) <= product_clock.today()
    system_session.rollback()
    scan.scan(app.state.session_factory, product_clock.today())
    assert system_session.scalar(select(func.count()).select_from(Notification)) > 0
