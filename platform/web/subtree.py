"""Limiting a list to one node's subtree (on top of the session's own scope)."""

from __future__ import annotations

from sqlalchemy import Select

from xinfang.platform.errors import NotFound
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession


def visible_node(db: ScopedSession, node_id: int | None, what: str = "单位") -> Node:
    node = db.get(Node, node_id) if node_id is not None else None
    if node is None:
        raise NotFound(f"{what}不存在或不在您的管辖范围内")
    return node


def within(db: ScopedSession, model: type, node_id: int | None, query: Select) -> Select:
    """``query`` limited to rows of ``model`` under ``node_id`` (itself included); unchanged for None."""
    if node_id is None:
        return query
    node = visible_node(db, node_id)
    return query.where(getattr(model, COLUMN[Level(node.level)]) == node.id)
