"""Which unit a township-week page (rota, register, reporting board) shows.

The one named in the query, else the node the user acts for, lifted to the nearest level
the page is about (a grid worker's register is their community's, a department leader's
rota the county's). None when that unit is outside what the user may read: the page then
asks them to choose a unit instead of failing.
"""

from __future__ import annotations

from collections.abc import Collection

from litestar import Request

from xinfang.platform.errors import NotFound
from xinfang.platform.ui.frame import acting_node_id
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.subtree import visible_node
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession

NEAREST_FIRST = (Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY)


def unit_in_view(db: ScopedSession, request: Request, node_id: int | None,
                 levels: Collection[Level]) -> Node | None:
    if node_id is not None:
        return visible_node(db, node_id)
    acting = acting_node_id(request, current_actor(request))
    node = db.get(Node, acting) if acting is not None else None
    if node is None:
        return None
    if node.level in levels:
        return node
    for level in NEAREST_FIRST:
        ancestor = getattr(node, COLUMN[level], None)
        if level in levels and ancestor is not None:
            try:
                return visible_node(db, ancestor)
            except NotFound:
                return None
    return None
