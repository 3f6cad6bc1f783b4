"""The frame's own pages: the start page (the workbench's place) and a node's place in the tree."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from sqlalchemy import select

from xinfang.platform.errors import NotFound
from xinfang.platform.ui import workbench
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.inputs import Id, Line
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession


@get("/", sync_to_thread=True)
def start(request: Request) -> Response:
    """Where a signed-in user lands: the workbench."""
    return workbench.page(request)


@get("/nodes/{node_id:int}", sync_to_thread=True)
def node_page(request: Request, db: NamedDependency[ScopedSession], node_id: FromPath[Id],
              q: FromQuery[Line | None] = None) -> Response:
    """A node, its place in the tree and its children (filtered by name or code as one types:
    HTMX asks for the ``children`` block only), as far as the viewer's scope reaches."""
    node = db.get(Node, node_id)
    if node is None:
        raise NotFound("单位不存在或不在您的管辖范围内")
    ancestor_ids = [i for i in node.ancestry().values() if i and i != node.id]
    # the names above a node one may see are part of where it is (the frame shows them too)
    ancestors = {n.id: n for n in db.scalars(select(Node).where(Node.id.in_(ancestor_ids)),
                                             execution_options={"skip_scope": True})} if ancestor_ids else {}
    path = [ancestors[i] for i in ancestor_ids if i in ancestors]
    query = select(Node).where(Node.parent_id == node.id).order_by(Node.level, Node.code)
    if q and q.strip():
        query = query.where(Node.name.contains(q.strip()) | Node.code.contains(q.strip()))
    children = db.scalars(query).all()
    return render_page(request, "node.html", title=node.name, block="children", node=node, path=path,
                       children=children, q=(q or "").strip())
