"""The campaign's figures, from the records: 依法处置率 and what stands behind it.

依法处置率 (docs/order_campaign.md): of the incidents recorded in the period (rejected drafts
are gone and do not count; drafts count as not yet lawful), the share that are
1. confirmed by a legal reviewer (so the clause is checked — every record cites one),
2. evidenced (at least one evidence file),
3. answered in the Art. 47 order: a staff response (劝阻/批评/教育) on record, and a referral to
   the public security organs, if any, made after a staff response — or for an on-site emergency
   that the reviewer's examination afterwards found justified.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinfang.platform.api import (
    COLUMN,
    Campaign,
    Level,
    MatterClock,
    MatterPetitioner,
    MetricSpec,
    Node,
    Person,
    node_names,
)
from xinfang.plugins.order.models import Evidence, Incident, IncidentPerson, Objection, Referral, Response
from xinfang.plugins.order.vocabulary import CLAUSE_SHORT, RESPONSES

TARGET = 1.0
ON_TIME_STATES = ("on_time", "due_soon", "met")


def window(campaign: Campaign, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    last = campaign.closed_on or campaign.ends_on
    return campaign.starts_on, min(last, today) if today else last


def problems(incident: Incident, evidence: int, responses: list[Response], referral: Referral | None) -> list[str]:
    """Why an incident is not (yet) handled according to law; empty when it is."""
    found = []
    if incident.status == "draft":
        found.append("记录未经法制审核员确认")
    if not evidence:
        found.append("没有证据材料")
    emergency_upheld = referral is not None and not referral.after_response and referral.review == "upheld"
    if not responses and not emergency_upheld:
        found.append("没有工作人员劝阻、批评或教育的记录")
    if referral is not None and not referral.after_response:
        if referral.review == "pending":
            found.append("紧急移送公安机关尚未经事后审查")
        elif referral.review == "not_upheld":
            found.append("紧急移送公安机关经事后审查认为不当")
    return found


def incidents(session: Session, campaign: Campaign, node: Node, first: dt.date, last: dt.date) -> list[Incident]:
    column = getattr(Incident, COLUMN[Level(node.level)])
    return list(session.scalars(select(Incident).where(
        Incident.campaign_id == campaign.id, column == node.id, Incident.occurred_on >= first,
        Incident.occurred_on <= last).order_by(Incident.occurred_on, Incident.id)))


def assessed(session: Session, rows: list[Incident]) -> dict[int, list[str]]:
    ids = [i.id for i in rows]
    evidence = dict(session.execute(select(Evidence.incident_id, func.count()).where(Evidence.incident_id.in_(ids))
                                    .group_by(Evidence.incident_id)).all())
    responses: dict[int, list[Response]] = {}
    for r in session.scalars(select(Response).where(Response.incident_id.in_(ids))):
        responses.setdefault(r.incident_id, []).append(r)
    referrals = {r.incident_id: r for r in session.scalars(select(Referral).where(Referral.incident_id.in_(ids)))}
    return {i.id: problems(i, evidence.get(i.id, 0), responses.get(i.id, []), referrals.get(i.id)) for i in rows}


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def figures(session: Session, campaign: Campaign, node: Node, first: dt.date, last: dt.date) -> dict[str, Any]:
    """Every figure of the reports for ``node``'s part of the campaign between two days."""
    rows = incidents(session, campaign, node, first, last)
    ids = [i.id for i in rows]
    found = assessed(session, rows)
    lawful = sum(1 for i in rows if not found[i.id])
    names = node_names(session, list({i.township_id or i.node_id for i in rows}))
    responses = list(session.scalars(select(Response).where(Response.incident_id.in_(ids))))
    sessions = [r for r in responses if r.kind == "educate"]
    referrals = list(session.scalars(select(Referral).where(Referral.incident_id.in_(ids))))
    objections = Counter(session.scalars(select(Objection.status).where(Objection.incident_id.in_(ids))))
    on_time, clocks = matters_on_time(session, ids)
    return {
        "first": first.isoformat(), "last": last.isoformat(), "incidents": len(rows),
        "confirmed": sum(1 for i in rows if i.status != "draft"), "drafts": sum(1 for i in rows if i.status == "draft"),
        "lawful": lawful, "lawful_rate": rate(lawful, len(rows)), "lawful_text": percent(rate(lawful, len(rows))),
        "not_lawful": [{"id": i.id, "occurred_on": i.occurred_on.isoformat(), "problems": found[i.id]}
                       for i in rows if found[i.id]],
        "by_clause": {CLAUSE_SHORT[k]: n for k, n in sorted(Counter(i.clause for i in rows).items())},
        "by_node": dict(sorted(Counter(names.get(i.township_id or i.node_id, "") for i in rows).items())),
        "responses": {RESPONSES[k]: n for k, n in sorted(Counter(r.kind for r in responses).items())},
        "sessions": len(sessions), "session_minutes": sum(r.minutes or 0 for r in sessions),
        "referrals": len(referrals), "emergency_referrals": sum(1 for r in referrals if not r.after_response),
        "objections": sum(objections.values()), "objections_upheld": objections.get("upheld", 0),
        "objections_pending": objections.get("pending", 0),
        "matter_clocks": clocks, "matter_clocks_on_time": on_time, "matters_on_time_rate": rate(on_time, clocks),
    }


def matters_on_time(session: Session, incident_ids: list[int]) -> tuple[int, int]:
    """The statutory clocks of the involved people's matters: how many are on time (or met), of all."""
    people = select(IncidentPerson.person_id).where(IncidentPerson.incident_id.in_(incident_ids))
    numbers = select(Person.id_number).where(Person.id.in_(people))
    matters = select(MatterPetitioner.matter_id).where(MatterPetitioner.id_number.in_(numbers))
    states = list(session.scalars(select(MatterClock.state).where(MatterClock.matter_id.in_(matters))))
    return sum(1 for s in states if s in ON_TIME_STATES), len(states)


def _lawful(session: Session, campaign: Campaign, node: Node) -> tuple[float | None, dict[str, Any]]:
    first, last = window(campaign)
    f = figures(session, campaign, node, first, last)
    return f["lawful_rate"], {"incidents": f["incidents"], "lawful": f["lawful"]}


def _on_time(session: Session, campaign: Campaign, node: Node) -> tuple[float | None, dict[str, Any]]:
    first, last = window(campaign)
    on_time, clocks = matters_on_time(session, [i.id for i in incidents(session, campaign, node, first, last)])
    return rate(on_time, clocks), {"clocks": clocks, "on_time": on_time}


SPECS = (
    MetricSpec("lawful_rate", "依法处置率", TARGET, "比例", _lawful),
    MetricSpec("matters_on_time", "涉及人员信访事项按期办理率", 0.9, "比例", _on_time),
)
