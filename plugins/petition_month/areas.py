"""Which part of the tree a node's figures cover: its own subtree, cut to the campaign's scope.

A node inside the scope counts its own subtree. The office that enabled the campaign for
some of its townships (a county) is outside the scope: its figures are those townships',
never its other townships'. A node with no part in the scope covers nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from xinfang.platform.api import COLUMN, Campaign, Level, Node, campaigns

_ALL = {"skip_scope": True}


def areas(session: Session, campaign: Campaign, node: Node) -> list[Node]:
    """The roots of the subtrees whose data counts for ``node`` in ``campaign``."""
    roots = campaigns.scope_roots(session, campaign)
    ancestry = node.ancestry_with_self()
    if any(ancestry.get(COLUMN[Level(r.level)]) == r.id for r in roots):
        return [node]
    column = COLUMN[Level(node.level)]
    return [r for r in roots if r.ancestry_with_self().get(column) == node.id]


def within(model: type, roots: list[Node]) -> ColumnElement[bool]:
    """Rows of ``model`` (a tenant row with ancestor columns) under any of ``roots``."""
    if not roots:
        return false()
    return or_(*(getattr(model, COLUMN[Level(r.level)]) == r.id for r in roots))


def nodes_under(session: Session, roots: list[Node], level: str | None = None) -> list[Node]:
    """Every node of the subtrees (roots included), optionally of one level, by code."""
    query = select(Node).where(within(Node, roots))
    if level is not None:
        query = query.where(Node.level == level)
    return list(session.execute(query.order_by(Node.code), execution_options=_ALL).scalars())


def window(campaign: Campaign, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The campaign's days (to its early close, if any), up to ``today`` when given."""
    last = campaign.closed_on or campaign.ends_on
    if today is not None:
        last = min(last, today)
    return campaign.starts_on, last


def name_of(node: Node, roots: list[Node]) -> str:
    """How documents name the covered area: the node, or the townships it enabled."""
    if roots == [node]:
        return node.name
    return "、".join(r.name for r in roots) or node.name
