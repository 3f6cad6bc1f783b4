"""Limiting a list to one node's subtree (on top of the session's own scope)."""

from __future__ import annotations

from sqlalchemy import Select

from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession


def visible_node(db: ScopedSession, node_id: int | None, what: str = "单位") -> Node:
    return get_or_404(db, Node, node_id, what)


def within(db: ScopedSession, model: type, node_id: int | None, query: Select) -> Select:
    """``query`` limited to rows of ``model`` under ``node_id`` (itself included); unchanged for None."""
    if node_id is None:
        return query
    node = visible_node(db, node_id)
    return query.where(getattr(model, COLUMN[Level(node.level)]) == node.id)
