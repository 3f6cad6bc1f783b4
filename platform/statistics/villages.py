"""无访村 (seed 000): a village with no petition that reached the county or above in the year.

Counted by 问题所在地 (``place_node_id``), since the award is the village's: a matter counts
against the village its problem lies in when it is a 来访 registered by the county office or a
county department, or any matter that went over the competent level (越级: to the city, the
province or Beijing). Only the matters the viewer may see are counted (the scoped session)."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from xinfang.platform.matters.models import Matter
from xinfang.platform.matters.routes import registering_level
from xinfang.platform.statistics.figures import Frame
from xinfang.tenants.levels import Level
from xinfang.tenants.models import Node


def reached_county() -> object:
    return or_((Matter.channel == "visit") & registering_level().in_(("county", "department")),
               Matter.overreach != "none")


def village_counts(frame: Frame) -> list[dict]:
    """Every village in the node's subtree with the number of such matters in the period."""
    place = aliased(Node)
    counted = dict(frame.session.execute(
        select(place.village_id, func.count(Matter.id)).join(place, place.id == Matter.place_node_id)
        .where(frame.under(place), place.village_id.is_not(None), frame.within(Matter.received_on), reached_county())
        .group_by(place.village_id)).all())
    villages = _villages(frame.session, frame)
    return [{"id": v.id, "code": v.code, "name": v.name, "township_id": v.township_id,
             "matters": int(counted.get(v.id, 0))} for v in villages]


def _villages(session: Session, frame: Frame) -> list[Node]:
    return list(session.scalars(select(Node).where(frame.under(Node), Node.level == Level.VILLAGE).order_by(Node.code)))
