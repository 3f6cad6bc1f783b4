"""Honouring a village, and the list of honoured villages in the caller's scope."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from litestar.response import Template
from sqlalchemy import select

from xinfang.platform.api import (
    BadRequest,
    Conflict,
    Level,
    Node,
    ScopedSession,
    current_actor,
    render_page,
    visible_node,
)
from xinfang_example_campaign.models import Honour

READ, AWARD = "no_petition_village:read", "no_petition_village:award"


@dataclass
class HonourIn:
    node_id: int
    year: int


def _dict(honour: Honour) -> dict:
    return {"id": honour.id, "node_id": honour.node_id, "year": honour.year, "awarded_by": honour.awarded_by}


@post("/api/no-petition-village/honours", opt={"permission": AWARD}, sync_to_thread=True, summary="授予“无访村”称号")
def award(request: Request, db: NamedDependency[ScopedSession], data: JSONBody[HonourIn]) -> dict:
    node = visible_node(db, data.node_id, "村(社区)")
    if node.level != Level.VILLAGE:
        raise BadRequest("“无访村”称号只能授予村(社区)")
    if db.scalar(select(Honour.id).where(Honour.node_id == node.id, Honour.year == data.year)) is not None:
        raise Conflict(f"该村(社区)已获{data.year}年“无访村”称号")
    honour = Honour(node_id=node.id, year=data.year, awarded_by=current_actor(request).display_name)
    db.add(honour)
    db.commit()
    return _dict(honour)


@get("/api/no-petition-village/honours", opt={"permission": READ}, sync_to_thread=True, summary="“无访村”名单")
def honours(db: NamedDependency[ScopedSession]) -> list[dict]:
    return [_dict(h) for h in db.scalars(select(Honour).order_by(Honour.year, Honour.node_id))]


@get("/campaigns/no-petition-village/honours", sync_to_thread=True)
def honours_page(request: Request, db: NamedDependency[ScopedSession]) -> Template:
    """The page (PageSpec in plugin.py): the same list, with the villages' names."""
    rows = db.execute(select(Honour, Node.name).join(Node, Node.id == Honour.node_id)
                      .order_by(Honour.year.desc(), Node.code)).all()
    return render_page(request, "no_petition_village/honours.html", honours=rows)


route_handlers = [award, honours]
