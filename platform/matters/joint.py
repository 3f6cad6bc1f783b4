"""Joint handling (联办/联核/联复): each co-unit records its part, and the lead unit sends
one joint reply that carries every co-unit's part.

Co-units see the matter from the moment it is assigned (``service._assign`` gives them
access); what they contribute is kept on their ``MatterUnit`` row and on the timeline.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor, authorize
from xinfang.platform.errors import BadRequest, Conflict, Forbidden
from xinfang.platform.matters import timeline, vocabulary
from xinfang.platform.matters.models import Matter, MatterUnit
from xinfang.platform.matters.states import STATES
from xinfang.tenants.models import Node

# Co-units contribute while the matter is with the units and before the lead unit replies.
CONTRIBUTING_STATES = frozenset({"assigned", "handling"})
MAX_CONTRIBUTION = 4000


def co_units(session: Session, matter: Matter) -> list[MatterUnit]:
    return list(session.scalars(select(MatterUnit).where(MatterUnit.matter_id == matter.id, MatterUnit.role == "co",
                                                         MatterUnit.status != "returned")
                                .order_by(MatterUnit.id)))


def _nodes(session: Session, ids: list[int]) -> dict[int, Node]:
    found = session.execute(select(Node).where(Node.id.in_(ids)), execution_options={"skip_scope": True}).scalars()
    return {n.id: n for n in found}


def contribute(session: Session, actor: Actor, matter: Matter, unit_id: int | None, text: str,
               on: dt.date) -> MatterUnit:
    """A co-unit's handler records (or corrects, until the reply) the unit's part."""
    if matter.state not in CONTRIBUTING_STATES:
        raise Conflict(f"事项当前状态为“{STATES[matter.state]}”,协办单位只能在交办后、牵头单位答复前提交意见")
    text = text.strip()
    if not text:
        raise BadRequest("请填写协办意见")
    if len(text) > MAX_CONTRIBUTION:
        raise BadRequest(f"协办意见不能超过{MAX_CONTRIBUTION}字")
    units = co_units(session, matter)
    nodes = _nodes(session, [u.unit_id for u in units])
    if unit_id is not None:
        chosen = [u for u in units if u.unit_id == unit_id]
        if not chosen:
            raise BadRequest("该单位不是本事项的协办单位")
        if not authorize(actor, nodes[unit_id], "matters", "handle"):
            raise Forbidden("只有协办单位的承办人员可以提交该单位的协办意见")
    else:
        chosen = [u for u in units if authorize(actor, nodes[u.unit_id], "matters", "handle")]
        if not chosen:
            raise Forbidden("只有协办单位的承办人员可以提交协办意见")
        if len(chosen) > 1:
            raise BadRequest("您可以代表多个协办单位提交意见,请指定协办单位(unit_id)")
    unit = chosen[0]
    node = nodes[unit.unit_id]
    revised = bool(unit.contribution)
    unit.contribution = text
    mode_label = vocabulary.label(vocabulary.JOINT_MODES, unit.mode)
    timeline.add(session, actor, matter, "contribute", f"协办单位{'修改' if revised else '提交'}{mode_label}意见", on,
                 node.id, text, {"unit_id": node.id, "unit_name": node.name, "mode": unit.mode,
                                 "mode_label": mode_label})
    return unit


def reply_contributions(session: Session, matter: Matter) -> list[dict]:
    """Every co-unit's part, for the lead unit's one joint reply; 409 while any is missing."""
    units = co_units(session, matter)
    nodes = _nodes(session, [u.unit_id for u in units])
    missing = [nodes[u.unit_id].name for u in units if not u.contribution.strip()]
    if missing:
        raise Conflict(f"协办单位尚未提交意见:{'、'.join(missing)}。请待协办单位提交意见后再出具联合处理意见")
    return [{"unit_id": u.unit_id, "unit_name": nodes[u.unit_id].name, "mode": u.mode,
             "mode_label": vocabulary.label(vocabulary.JOINT_MODES, u.mode), "contribution": u.contribution}
            for u in units]
