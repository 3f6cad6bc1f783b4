"""What every page shows around its content: who is signed in, the menu their roles allow,
the node they act for and its place in the tree.

A user holding roles at several nodes picks the node they act for (the ``xinfang_node``
cookie, checked against their assignments on every request, so it can only ever name a
node they hold a role at). It decides what they register and what the workbench shows;
what they may read stays the union of their roles (the permission's scope).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from litestar import Request
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import aliased

from xinfang.permissions.actor import Actor, authorize
from xinfang.platform.web.csrf import csrf_token
from xinfang.platform.web.guards import AUTHENTICATED, request_credentials
from xinfang.tenants.levels import ANCESTOR_COLUMNS, Level
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope

NODE_COOKIE = "xinfang_node"
PLATFORM = 0  # the acting "node" of a platform-wide role (the operator)


@dataclass(frozen=True)
class NodeChoice:
    id: int
    name: str
    level_label: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class MenuEntry:
    label: str
    href: str
    active: bool


@dataclass(frozen=True)
class Crumb:
    id: int
    name: str
    link: bool  # the viewer may open the node's page (an ancestor may lie outside their scope)


@dataclass(frozen=True)
class Frame:
    user_name: str
    username: str
    csrf: str
    menu: list[MenuEntry]
    choices: list[NodeChoice]
    acting: NodeChoice | None
    breadcrumb: list[Crumb] = field(default_factory=list)
    must_change_password: bool = False


def acting_node_id(request: Request, actor: Actor) -> int | None:
    """The node the actor acts for: the cookie's if they hold a role there, else their home
    node if they hold one there, else the node of their first role (None: platform-wide)."""
    held = [a.node_id for a in actor.assignments]
    try:
        wanted = int(request.cookies.get(NODE_COOKIE, ""))
    except ValueError:
        wanted = None
    for candidate in (wanted, actor.home_node_id):
        if candidate is not None and candidate in held:
            return candidate
    if wanted == PLATFORM and None in held:
        return None
    return held[0] if held else actor.home_node_id


def menu_for(request: Request, actor: Actor) -> list[MenuEntry]:
    """The entries of every plugin whose permission one of the actor's roles holds."""
    permissions = actor.permissions()
    path = request.url.path
    items = [item for item in request.app.state.navigation
             if item.permission == AUTHENTICATED or item.permission in permissions]
    # the one entry the page belongs to: the longest address that is the path or leads to it
    # (/matters/new is 登记, not also the list at /matters)
    leading = [i.href for i in items if path == i.href or (i.href != "/" and path.startswith(i.href.rstrip("/") + "/"))]
    current = max(leading, key=len, default=None)
    return [MenuEntry(item.label, item.href, item.href == current) for item in items]


# the acting node in the frame's query (not correlated with the outer query's nodes). The
# statement is built once: a fresh alias per request cost more than the query itself (each
# column adapted anew), and building the select per request cost about as much again.
_ACTING_ROW = aliased(Node)
_FRAME_NODES = select(Node).where(or_(
    Node.id.in_(bindparam("held", expanding=True)),
    *(Node.id.in_(select(getattr(_ACTING_ROW, c)).where(_ACTING_ROW.id == bindparam("acting")))
      for c in ANCESTOR_COLUMNS)))


def frame_nodes(request: Request, actor: Actor) -> dict[int, Node]:
    """The nodes the frame names: those the actor holds a role at and the acting node's
    ancestors, read with the system scope in one query, once per request (a page handler
    that needs its acting node or county takes it from here instead of reading it again)."""
    cached: dict[int, Node] | None = getattr(request.state, "frame_nodes", None)
    if cached is not None:
        return cached
    held_ids = sorted({a.node_id for a in actor.assignments if a.node_id is not None})
    nodes: dict[int, Node] = {}
    if held_ids:
        params = {"held": held_ids, "acting": acting_node_id(request, actor)}
        handler_db = getattr(request.state, "db", None)
        if handler_db is not None and handler_db.is_active:
            # the handler's own session (its connection and transaction): a page costs no second one
            nodes = {n.id: n for n in handler_db.scalars(_FRAME_NODES, params, execution_options={"skip_scope": True})}
        else:
            state = request.app.state
            with state.session_factory(scope=Scope.system(), bind=state.read_engine) as session:
                nodes = {n.id: n for n in session.scalars(_FRAME_NODES, params)}
    request.state.frame_nodes = nodes
    return nodes


def build_frame(request: Request) -> Frame | None:
    """The frame for the signed-in actor (None for an anonymous request). Node names are read
    with the system scope: only the actor's own nodes and their ancestors are looked up."""
    actor: Actor | None = getattr(request.state, "actor", None)
    if actor is None:
        return None
    state = request.app.state
    token, _ = request_credentials(request)
    label = state.ui_label
    acting_id = acting_node_id(request, actor)
    nodes = frame_nodes(request, actor)
    acting = nodes.get(acting_id) if acting_id is not None else None
    breadcrumb = [Crumb(n.id, n.name, authorize(actor, n, "tenants", "read"))
                  for n in (_ancestors(nodes, acting) if acting is not None else [])]
    choices: dict[int, NodeChoice] = {}
    for a in actor.assignments:
        key = a.node_id if a.node_id is not None else PLATFORM
        node = nodes.get(a.node_id) if a.node_id is not None else None
        previous = choices.get(key)
        roles = (*(previous.roles if previous else ()), label(a.role, "role"))
        choices[key] = NodeChoice(key, node.name if node else "全平台",
                                  node.level_label if node else "平台", tuple(dict.fromkeys(roles)))
    return Frame(
        user_name=actor.display_name,
        username=actor.username,
        csrf=csrf_token(token, state.settings.secret_key) if token else "",
        menu=[] if actor.must_change_password else menu_for(request, actor),  # nothing else opens yet
        choices=list(choices.values()),
        acting=choices.get(acting_id if acting_id is not None else PLATFORM),
        breadcrumb=breadcrumb,
        must_change_password=actor.must_change_password,
    )


def _ancestors(nodes: dict[int, Node], node: Node) -> list[Node]:
    """county › township › village › grid (a department: county › department), ``node`` last."""
    ids = [node.ancestry().get(column) for column in ANCESTOR_COLUMNS]
    found = {i: nodes[i] for i in ids if i and i in nodes}
    order = [Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE, Level.GRID, Level.DEPARTMENT]
    chain = [n for n in sorted(found.values(), key=lambda n: order.index(Level(n.level))) if n.id != node.id]
    return [*chain, node]
