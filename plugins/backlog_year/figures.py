"""The campaign's figures from the matter data only (docs/backlog_year.md): 积案化解率, 稳控率,
重访率, counts by class and by phase, overdue 积案, and who is behind — for a node's subtree,
rolled up to its units. Nothing here scores a person.

Run in a system-scoped session (the metrics API, the closing report): each query is confined
to the node's subtree within the campaign's scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.platform.api import (
    COLUMN,
    Campaign,
    CampaignPhase,
    Level,
    Matter,
    MatterPetitioner,
    MetricSpec,
    Node,
    campaigns,
    clock,
    node_names,
)
from xinfang.plugins.backlog_year.cases import overdue, phase_of, within
from xinfang.plugins.backlog_year.models import BacklogCase
from xinfang.plugins.backlog_year.vocabulary import CLASS_SHORT, CLASSES

COUNTY_OR_ABOVE = (Level.COUNTY, Level.DEPARTMENT)  # a petition to the county, or over it (越级)


def _cases(session: Session, campaign: Campaign, node: Node) -> list[tuple[BacklogCase, Matter]]:
    roots = campaigns.scope_roots(session, campaign)
    column = getattr(BacklogCase, COLUMN[Level(node.level)])
    return list(session.execute(
        select(BacklogCase, Matter).join(Matter, Matter.id == BacklogCase.matter_id)
        .where(BacklogCase.campaign_id == campaign.id, BacklogCase.status != "removed", column == node.id,
               within(BacklogCase, roots))
        .order_by(BacklogCase.id)).all())


def _new_petitions(session: Session, cases: list[tuple[BacklogCase, Matter]], last: dt.date) -> dict[int, dict]:
    """case id → the later petitions of its petitioners (by ID number) after it was confirmed:
    ``any`` (重访) and ``county`` (to the county or above, or 越级)."""
    if not cases:
        return {}
    ids = {m.id for _, m in cases}
    people = session.execute(select(MatterPetitioner.matter_id, MatterPetitioner.id_number)
                             .where(MatterPetitioner.matter_id.in_(ids))).all()
    numbers: dict[int, set[str]] = {}
    for matter_id, number in people:
        numbers.setdefault(matter_id, set()).add(number)
    wanted = set().union(*numbers.values()) if numbers else set()
    first = min(c.confirmed_on for c, _ in cases)
    later = session.execute(
        select(Matter.id, Matter.received_on, Matter.overreach, Node.level, MatterPetitioner.id_number)
        .join(MatterPetitioner, MatterPetitioner.matter_id == Matter.id).join(Node, Node.id == Matter.node_id)
        .where(MatterPetitioner.id_number.in_(wanted), Matter.received_on >= first, Matter.received_on <= last)
    ).all() if wanted else []
    out: dict[int, dict] = {}
    for case, matter in cases:
        mine = numbers.get(matter.id, set())
        hits = [row for row in later if row.id_number in mine and row.id != matter.id
                and row.received_on > case.confirmed_on]
        out[case.id] = {"any": sorted({h.id for h in hits}),
                        "county": sorted({h.id for h in hits if h.level in COUNTY_OR_ABOVE or h.overreach != "none"})}
    return out


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def figures(session: Session, campaign: Campaign, node: Node, today: dt.date) -> dict[str, Any]:
    """Every figure for ``node``'s subtree as of ``today`` (not after the campaign's end)."""
    last = min(today, campaign.closed_on or campaign.ends_on)
    cases = _cases(session, campaign, node)
    later = _new_petitions(session, cases, last)
    phases = list(session.scalars(select(CampaignPhase).where(CampaignPhase.campaign_id == campaign.id)
                                  .order_by(CampaignPhase.starts_on)))
    total = len(cases)
    closed = [c for c, _ in cases if c.status == "closed"]
    late = [(c, m) for c, m in cases if overdue(c, last)]
    revisited = [cid for cid, found in later.items() if found["any"]]
    unstable = [cid for cid, found in later.items() if found["county"]]
    by_class = {key: sum(c.class_key == key for c, _ in cases) for key in CLASSES}
    by_phase = [{"key": p.key, "name": p.name, "confirmed": sum(phase_of(phases, c.confirmed_on) == p.key
                                                                 for c, _ in cases),
                 "closed": sum(phase_of(phases, c.closed_on) == p.key for c in closed)} for p in phases]
    names = node_names(session, list({c.node_id for c, _ in cases}))
    behind = [{"case_id": c.id, "number": m.number, "node_id": c.node_id, "node_name": names.get(c.node_id, ""),
               "due_on": c.due_on.isoformat() if c.due_on else None, "unit": c.responsible_unit,
               "reason": "超过60个工作日未销号"} for c, m in late if c.status != "closed"]
    return {
        "as_of": last.isoformat(), "total": total, "closed": len(closed), "open": total - len(closed),
        "resolution_rate": _rate(len(closed), total),
        "stable": total - len(unstable), "stability_rate": _rate(total - len(unstable), total),
        "revisited": len(revisited), "revisit_rate": _rate(len(revisited), total),
        "overdue": len(late), "unclassified": sum(c.class_key is None for c, _ in cases),
        "by_class": [{"key": k, "name": CLASS_SHORT[k], "count": n} for k, n in by_class.items()],
        "by_phase": by_phase, "behind": behind,
    }


def rollup(session: Session, campaign: Campaign, node: Node, today: dt.date) -> list[dict]:
    """The node and each unit directly under it that has a part in the campaign's scope."""
    children = [c for c in session.scalars(select(Node).where(Node.parent_id == node.id).order_by(Node.code))
                if c.level != Level.DEPARTMENT and campaigns.in_scope(session, campaign, c)]
    rows = []
    for unit in [node, *children]:
        found = figures(session, campaign, unit, today)
        rows.append({"node_id": unit.id, "name": unit.name, "level": unit.level,
                     **{k: found[k] for k in ("total", "closed", "resolution_rate", "stability_rate",
                                              "revisit_rate", "overdue")}})
    return rows


def _metric(key: str, count: str) -> Any:
    def compute(session: Session, campaign: Campaign, node: Node) -> tuple[float | None, dict[str, Any]]:
        found = figures(session, campaign, node, clock.today())
        return found[key], {"count": found[count], "total": found["total"], "as_of": found["as_of"]}
    return compute


METRICS = (
    # seed 000 names the three without figures; the targets are the county's to move (docs)
    MetricSpec("resolution_rate", "积案化解率", 0.8, "比例", _metric("resolution_rate", "closed")),
    MetricSpec("stability_rate", "稳控率", 1.0, "比例", _metric("stability_rate", "stable")),
    MetricSpec("revisit_rate", "重访率", 0.1, "比例", _metric("revisit_rate", "revisited"), higher_is_better=False),
)
