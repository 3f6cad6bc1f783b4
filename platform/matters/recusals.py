"""回避 (Art. 28): staff with a direct interest in a matter or its petitioner declare it and
may no longer act on it. An accused person (Art. 30) is recused without declaring."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor
from xinfang.platform.errors import BadRequest, Conflict, Forbidden
from xinfang.platform.matters import timeline
from xinfang.platform.matters.models import Matter, MatterRecusal

MAX_REASON = 1000


def declare(session: Session, actor: Actor, matter: Matter, reason: str, on: dt.date) -> MatterRecusal:
    reason = reason.strip()
    if not reason:
        raise BadRequest("请说明与本事项或信访人的利害关系")
    if len(reason) > MAX_REASON:
        raise BadRequest(f"回避理由不超过{MAX_REASON}字")
    if is_recused(session, actor, matter):
        raise Conflict("您已声明回避本事项")
    row = MatterRecusal(matter_id=matter.id, user_id=actor.user_id, user_name=actor.display_name, reason=reason,
                        declared_on=on)
    session.add(row)
    timeline.add(session, actor, matter, "recuse", "声明回避(条例第二十八条)", on, actor.home_node_id, "",
                 {"user_id": actor.user_id, "user_name": actor.display_name})
    return row


def is_recused(session: Session, actor: Actor, matter: Matter) -> bool:
    return session.scalar(select(MatterRecusal.id).where(MatterRecusal.matter_id == matter.id,
                                                         MatterRecusal.user_id == actor.user_id)) is not None


def check(session: Session, actor: Actor, matter: Matter) -> None:
    """403 for someone who must stay out of the matter."""
    if actor.user_id in (matter.accused_user_ids or []):
        raise Forbidden("您是本事项的被检举控告人,不能办理本事项(条例第三十条)")
    if is_recused(session, actor, matter):
        raise Forbidden("您已声明与本事项有直接利害关系,依法回避,不能办理本事项(条例第二十八条)")


def listing(session: Session, matter: Matter) -> list[dict]:
    rows = session.scalars(select(MatterRecusal).where(MatterRecusal.matter_id == matter.id)
                           .order_by(MatterRecusal.id))
    return [{"user_id": r.user_id, "user_name": r.user_name, "declared_on": r.declared_on.isoformat()} for r in rows]
