"""Where a review goes: 复查 to the body one level above the one that issued the opinion
(Art. 35), 复核 one level above the review body (Art. 36).

A county department's parent is its county. Above a county the platform has no node: the
request is recorded as sent to that body (named, outside the platform) by the county that
forwarded it, which also enters the answer when it returns.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.platform.errors import Conflict
from xinfang.platform.matters import opinions
from xinfang.platform.matters.models import Matter
from xinfang.tenants.levels import Level
from xinfang.tenants.models import Node

ABOVE_COUNTY = "上一级机关(市级,平台外)"
TWO_ABOVE_COUNTY = "再上一级机关(省级,平台外)"


def node(session: Session, node_id: int) -> Node:
    return session.execute(select(Node).where(Node.id == node_id), execution_options={"skip_scope": True}).scalar_one()


def one_level_up(session: Session, body: Node, outside: str = "") -> tuple[Node, str]:
    """(the node that acts, the name of the body outside the platform or "") above ``body``."""
    if outside:
        return body, TWO_ABOVE_COUNTY
    if body.level == Level.COUNTY or body.parent_id is None:
        return body, ABOVE_COUNTY
    return node(session, body.parent_id), ""


def target(session: Session, matter: Matter, action: str) -> tuple[Node, str]:
    """Who acts on the review act ``action`` of ``matter`` (and the outside body, if any)."""
    if action == "request_review":
        issued = opinions.latest(session, matter, "opinion")
        if issued is None or issued.node_id is None:
            raise Conflict("没有可以申请复查的信访处理意见书")
        return one_level_up(session, node(session, issued.node_id))
    if matter.review_node_id is None:
        raise Conflict("该事项没有进行中的复查")
    current = node(session, matter.review_node_id)
    if action == "request_rereview":
        return one_level_up(session, current, matter.review_outside)
    return current, matter.review_outside
