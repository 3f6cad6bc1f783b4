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


def test_demo_activity_fills_every_domain_through_its_service(app, demo, system_session):
    """Ledgers, rota (published), receptions, leaders' visits, intake, 督办, reports and the
    petition month with ticks: each made (audited) by a demo clerk, in both counties."""
    from xinfang.platform import demo as demo_data
    from xinfang.platform.audit.models import AuditRecord
    from xinfang.platform.campaigns.models import Campaign
    from xinfang.platform.reception.models import RotaDuty
    from xinfang.platform.supervision.models import SupervisionOrder
    from xinfang.tenants.scope import Scope

    with app.state.session_factory(scope=Scope.system()) as session:
        session.info["actor"] = {"id": None, "name": "演示数据", "address": "test"}
        demo_data.load_matters(session, per_county=30)
        made = demo_data.load_activity(session)
        session.commit()
    assert all(made[k] > 0 for k in ("screening", "backlog", "duties", "receptions", "visits", "intake",
                                     "supervision", "reports", "ticks")), made
    published = system_session.scalars(select(RotaDuty.published_at)).all()
    assert published and all(p is not None for p in published)
    assert system_session.scalar(select(func.count()).select_from(Campaign).where(Campaign.status == "active")) == 2
    late = system_session.scalars(select(SupervisionOrder).where(SupervisionOrder.due_on < product_clock.today())).all()
    assert late, "a late 督办 for the workbench and the office's list"
    actions = set(system_session.scalars(select(AuditRecord.object_type).distinct()))
    assert {"screening_entries", "rota_duties", "supervision_orders", "campaigns"} <= actions, actions


def test_demo_load_leaves_whole_audit_chains_with_a_record_per_row(app, demo, system_session):
    """The demo's thousands of records are written in batches at commit: every chain still
    verifies, its head matches its last record, and each matter, timeline entry and clock
    written has its create record (none lost, none left from a refused act's savepoint)."""
    from xinfang.platform import demo as demo_data
    from xinfang.platform.audit.log import verify
    from xinfang.platform.audit.models import AuditChain, AuditRecord
    from xinfang.platform.matters.models import MatterClock
    from xinfang.tenants.scope import Scope

    with app.state.session_factory(scope=Scope.system()) as session:
        session.info["actor"] = {"id": None, "name": "演示数据", "address": "test"}
        made = demo_data.load_matters(session, per_county=30)
        demo_data.load_activity(session)
        session.commit()
    heads = system_session.scalars(select(AuditChain)).all()
    assert len([h for h in heads if h.chain != 0]) == 2, "one chain per county"
    for head in heads:
        report = verify(system_session, head.chain)
        assert report.ok, report.to_dict()
        seqs = system_session.scalars(select(AuditRecord.seq).where(AuditRecord.chain == head.chain)
                                      .order_by(AuditRecord.seq)).all()
        assert seqs == list(range(1, head.last_seq + 1))
    for model, table in ((Matter, "matters"), (MatterEvent, "matter_events"), (MatterClock, "matter_clocks")):
        rows = system_session.scalar(select(func.count()).select_from(model))
        created = system_session.scalar(select(func.count(AuditRecord.id))
                                        .where(AuditRecord.object_type == table, AuditRecord.action == "create"))
        assert rows == created, (table, rows, created)
    assert system_session.scalar(select(func.count()).select_from(Matter)) >= made
