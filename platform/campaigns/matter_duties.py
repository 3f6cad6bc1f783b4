"""Per-matter duties (``CampaignType.matter_checklist``, e.g. 五个一 or 九个一): the matters
a campaign takes on within its scope, each item ticked once per matter with evidence, and
progress per matter and for the whole campaign.

A per-matter tick is a ``DutyTick`` with ``matter_id`` set, bound to the node the matter is
taken on at (the backlog row's node, or the matter's own for 包案), so the tenant scope and
the audit log cover it like any duty. Its period is the matter (``M<id>``): the duties'
unique key then holds one tick per matter and item, even when two clerks tick at once.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor, authorize
from xinfang.platform.campaigns.models import Campaign, DutyTick
from xinfang.platform.campaigns.service import (
    Evidence,
    _store,
    _system_node,
    record_tick,
    scope_roots,
    tick_to_dict,
)
from xinfang.platform.errors import BadRequest, Conflict, Forbidden
from xinfang.platform.extensions.hookspecs import CampaignType, ChecklistItemSpec, MatterChecklistSpec
from xinfang.platform.extensions.manager import plugins_of
from xinfang.platform.files import storage_root
from xinfang.platform.ledgers.models import BacklogEntry
from xinfang.platform.matters.models import Matter
from xinfang.platform.matters.ownership import MatterOwnership
from xinfang.tenants.levels import COLUMN, Level


def matter_period(matter_id: int) -> str:
    return f"M{matter_id}"


def taken_on(session: Session, spec: MatterChecklistSpec, campaign: Campaign) -> dict[int, int]:
    """matter id → the node it is taken on at, for the matters of the campaign's scope (as far
    as ``session``'s own scope lets it see)."""
    roots = scope_roots(session, campaign)
    if spec.matters == "backlog":
        rows = session.execute(select(BacklogEntry.matter_id, BacklogEntry.node_id).where(
            or_(*(getattr(BacklogEntry, COLUMN[Level(r.level)]) == r.id for r in roots)))).all()
    elif spec.matters == "campaign":  # the campaign's own plugin names them
        named: dict[int, int] = {}
        for answer in plugins_of(session).hook.xinfang_campaign_matters(campaign=campaign, session=session):
            named.update(answer or {})
        rows = list(named.items())
    else:  # "ownership": matters under a leader's 包案 now
        owned = select(MatterOwnership.matter_id).where(MatterOwnership.ended_on.is_(None))
        rows = session.execute(select(Matter.id, Matter.node_id).where(
            Matter.id.in_(owned), or_(*(getattr(Matter, COLUMN[Level(r.level)]) == r.id for r in roots)))).all()
    visible = set(session.scalars(select(Matter.id).where(Matter.id.in_([m for m, _ in rows])))) if rows else set()
    return {matter_id: node_id for matter_id, node_id in rows if matter_id in visible}


def _ticks(session: Session, campaign: Campaign, spec: MatterChecklistSpec,
           matter_ids: list[int]) -> dict[tuple[int, str], DutyTick]:
    if not matter_ids:
        return {}
    rows = session.scalars(select(DutyTick).where(
        DutyTick.campaign_id == campaign.id, DutyTick.checklist == spec.key, DutyTick.matter_id.in_(matter_ids)),
        execution_options={"skip_scope": True})
    return {(t.matter_id, t.item): t for t in rows if t.matter_id is not None}


def _item_rows(spec: MatterChecklistSpec, ticks: dict[tuple[int, str], DutyTick], matter_id: int) -> list[dict]:
    rows = []
    for item in spec.items:
        made = ticks.get((matter_id, item.key))
        rows.append({"item": item.key, "text": item.text, "evidence_required": item.evidence,
                     "done": made is not None, "tick": tick_to_dict(made) if made else None})
    return rows


def _figure(done: int, required: int) -> dict:
    return {"required": required, "done": done, "rate": round(done / required, 4) if required else None}


def matter_duties(session: Session, ctype: CampaignType, campaign: Campaign, matter: Matter) -> dict:
    """The checklist of one matter: each item, whether done, by whom, with what evidence."""
    spec = ctype.matter_checklist
    nodes = taken_on(session, spec, campaign) if spec else {}
    if spec is None or matter.id not in nodes:
        return {"matter_id": matter.id, "number": matter.number, "in_checklist": False, "items": [],
                **_figure(0, 0)}
    items = _item_rows(spec, _ticks(session, campaign, spec, [matter.id]), matter.id)
    return {"matter_id": matter.id, "number": matter.number, "in_checklist": True, "node_id": nodes[matter.id],
            "checklist": spec.key, "checklist_title": spec.title, "items": items,
            **_figure(sum(i["done"] for i in items), len(items))}


def matter_progress(session: Session, ctype: CampaignType, campaign: Campaign) -> dict:
    """Every matter of the checklist with its figure, and the campaign's: items done of those
    required, and how many matters have every item done."""
    spec = ctype.matter_checklist
    if spec is None:
        return {"checklist": None, "title": "", "matters": [], "complete": 0, **_figure(0, 0)}
    nodes = taken_on(session, spec, campaign)
    ticks = _ticks(session, campaign, spec, list(nodes))
    numbers = {i: n for i, n in session.execute(select(Matter.id, Matter.number).where(Matter.id.in_(list(nodes))))}
    matters = []
    for matter_id in sorted(nodes):
        items = _item_rows(spec, ticks, matter_id)
        done = sum(i["done"] for i in items)
        matters.append({"matter_id": matter_id, "number": numbers.get(matter_id, ""), "node_id": nodes[matter_id],
                        **_figure(done, len(items)),
                        "missing": [{"item": i["item"], "text": i["text"]} for i in items if not i["done"]]})
    return {"checklist": spec.key, "title": spec.title, "source": spec.matters, "matters": matters,
            "complete": sum(m["done"] == m["required"] for m in matters),
            **_figure(sum(m["done"] for m in matters), sum(m["required"] for m in matters))}


def _item(spec: MatterChecklistSpec, item_key: str) -> ChecklistItemSpec:
    for item in spec.items:
        if item.key == item_key:
            return item
    raise BadRequest(f"“{spec.title}”没有这一项:{item_key}")


def tick_matter(session: Session, actor: Actor, ctype: CampaignType, campaign: Campaign, matter: Matter,
                item_key: str, done_on: dt.date, note: str, evidence: list[Evidence]) -> DutyTick:
    """Record one item of a matter's checklist as done; fires ``xinfang_on_duty_ticked``."""
    spec = ctype.matter_checklist
    if spec is None:
        raise BadRequest("该活动没有逐案任务")
    if campaign.status != "active":
        raise Conflict("该活动已结束,不能再登记")
    node_id = taken_on(session, spec, campaign).get(matter.id)
    if node_id is None:
        source = {"backlog": "积案化解清单", "ownership": "领导包案"}.get(spec.matters, "本活动确定的事项")
        raise BadRequest(f"该信访事项不在本次活动范围内的{source}中,没有“{spec.title}”任务")
    node = _system_node(session, node_id)
    if not authorize(actor, node, "campaigns", "tick"):
        raise Forbidden("您不能为该单位登记活动任务")
    item = _item(spec, item_key)
    last = campaign.closed_on or campaign.ends_on
    if not campaign.starts_on <= done_on <= last:
        raise BadRequest(f"这项任务的办理期间为{campaign.starts_on}至{last}")
    if item.evidence and not evidence and not note.strip():
        raise BadRequest("这项任务需要上传佐证材料或填写说明")
    period = matter_period(matter.id)
    if session.scalar(select(DutyTick.id).where(
            DutyTick.campaign_id == campaign.id, DutyTick.checklist == spec.key, DutyTick.item == item.key,
            DutyTick.matter_id == matter.id).limit(1), execution_options={"skip_scope": True}) is not None:
        raise Conflict(f"事项{matter.number}的“{item.text}”已登记完成,无需重复登记")
    root = storage_root(session)
    files = [_store(root, e) for e in evidence]
    row = DutyTick(campaign_id=campaign.id, node_id=node.id, checklist=spec.key, item=item.key, period=period, n=1,
                   matter_id=matter.id, done_on=done_on, ticked_by_id=actor.user_id, ticked_by=actor.display_name,
                   note=note.strip(), evidence=files)
    return record_tick(session, campaign, row)
