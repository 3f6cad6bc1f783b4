"""The retention period: a county keeps incident data for the days it sets, then the daily task
anonymises it (people unlinked, account, place, what they were told and objections cleared,
evidence files deleted, the audit details that copied them erased). The clause, dates, node and
the order of the responses stay, so past figures stay the same."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from xinfang.platform.api import PeriodicTask, Scope, clock, record
from xinfang.plugins.order.catalogue import retention_days
from xinfang.plugins.order.incidents import erase_personal_data
from xinfang.plugins.order.models import Incident

REASON = "信访秩序整治记录保存期满,依规匿名化"
ACTOR = {"id": None, "name": "信访秩序整治保存期限规则", "address": ""}


def run(session_factory: sessionmaker, now: dt.datetime) -> str:
    """Idempotent: an anonymised incident is not found again."""
    today = now.astimezone(clock.CHINA).date()
    done = 0
    with session_factory(scope=Scope.system()) as session:
        session.info["actor"] = ACTOR
        counties = session.scalars(select(Incident.county_id).where(Incident.status != "anonymised").distinct()).all()
        for county_id in counties:
            cutoff = today - dt.timedelta(days=retention_days(session, county_id))
            for incident in session.scalars(select(Incident).where(
                    Incident.county_id == county_id, Incident.status != "anonymised",
                    Incident.occurred_on < cutoff).order_by(Incident.id)).all():
                erased = erase_personal_data(session, incident, REASON, delete_rows=False)
                record(session, action="incident_anonymised", object_type="po_incidents", object_id=incident.id,
                       node_id=incident.node_id, after={"retention_until": cutoff.isoformat(), "details_erased": erased})
                done += 1
        session.commit()
    return f"信访秩序整治记录匿名化{done}条"


TASK = PeriodicTask("petition_order_retention", dt.timedelta(hours=24), run)
