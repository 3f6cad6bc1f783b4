"""督导检查: visits to the nodes of the campaign's scope, each with its findings, the
corrections required, and the follow-up recorded later."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.platform.api import Actor, BadRequest, Campaign, Conflict, Forbidden, Node, authorize, campaigns
from xinfang.plugins.backlog_year.models import Inspection


def record(session: Session, actor: Actor, campaign: Campaign, node: Node, visited_on: dt.date, inspectors: str,
           findings: str, corrections: str) -> Inspection:
    if campaign.status != "active":
        raise Conflict("该活动已结束,不能再登记")
    if not campaigns.in_scope(session, campaign, node):
        raise BadRequest(f"{node.name}不在本次活动范围内")
    if not authorize(actor, node, "campaigns", "manage") and not authorize(actor, node, "matters", "assign"):
        raise Forbidden("督导检查由上级信访办或活动领导小组登记")
    if not campaign.starts_on <= visited_on <= campaign.ends_on:
        raise BadRequest(f"检查日期应在活动期间({campaign.starts_on}至{campaign.ends_on})内")
    if not inspectors.strip() or not findings.strip():
        raise BadRequest("请填写检查人员和检查发现的问题")
    row = Inspection(campaign_id=campaign.id, node_id=node.id, visited_on=visited_on, inspectors=inspectors.strip(),
                     findings=findings.strip(), corrections=corrections.strip(), recorded_by=actor.display_name)
    session.add(row)
    session.flush()
    return row


def follow_up(session: Session, actor: Actor, campaign: Campaign, row: Inspection, note: str,
              on: dt.date) -> Inspection:
    if not note.strip():
        raise BadRequest("请填写整改落实情况")
    if row.followed_up_on is not None:
        raise Conflict("该次检查的整改情况已登记")
    if on < row.visited_on:
        raise BadRequest("整改日期不能早于检查日期")
    row.follow_up, row.followed_up_on = note.strip(), on
    return row


def listing(session: Session, campaign: Campaign) -> list[Inspection]:
    return list(session.scalars(select(Inspection).where(Inspection.campaign_id == campaign.id)
                                .order_by(Inspection.visited_on, Inspection.id)))


def to_dict(row: Inspection, names: dict[int, str]) -> dict:
    return {"id": row.id, "node_id": row.node_id, "node_name": names.get(row.node_id or 0, ""),
            "visited_on": row.visited_on.isoformat(), "inspectors": row.inspectors, "findings": row.findings,
            "corrections": row.corrections, "follow_up": row.follow_up,
            "followed_up_on": row.followed_up_on.isoformat() if row.followed_up_on else None,
            "recorded_by": row.recorded_by}
