"""The tenant tree in the browser, for an admin: the tree below the node they act for, adding,
renaming and moving nodes, and importing a spreadsheet (each bad row shown with its error,
nothing imported until every row is good). The same functions as the API's routes do the work.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, MultipartBody, URLEncodedBody
from litestar.response import Redirect
from sqlalchemy import select

from xinfang.permissions.actor import authorize
from xinfang.platform.errors import BadRequest, ClerkError
from xinfang.platform.spreadsheets.reading import read_table
from xinfang.platform.ui.frame import acting_node_id
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Id, Upload
from xinfang.platform.web.uploads import upload_bytes
from xinfang.tenants.importer import ALIASES, import_tree
from xinfang.tenants.levels import COLUMN, LABELS, PARENT_LEVEL, Level
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node
from xinfang.tenants.routes import create_as, move_as, rename_as
from xinfang.tenants.scope import ScopedSession

FIELD_LIMIT = 200


def _root(request: Request, db: ScopedSession) -> Node | None:
    node_id = acting_node_id(request, current_actor(request))
    return db.get(Node, node_id) if node_id is not None else None


def _tree_page(request: Request, db: ScopedSession, *, error: str = "", import_rows: list[dict] | None = None,
               done: str = "", status_code: int = 200) -> Response:
    actor = current_actor(request)
    root = _root(request, db)
    if root is None:  # the operator: the counties
        nodes = list(db.scalars(select(Node).where(Node.level == Level.COUNTY).order_by(Node.code)))
    else:
        nodes = list(db.scalars(select(Node).where(getattr(Node, COLUMN[Level(root.level)]) == root.id)
                                .order_by(Node.code)))
    by_parent: dict[int | None, list[Node]] = {}
    for n in nodes:
        by_parent.setdefault(n.parent_id, []).append(n)
    tops = [n for n in nodes if n.parent_id not in {m.id for m in nodes}]
    manage = {n.id for n in nodes if authorize(actor, n, "tenants", "manage")}
    # who may change a node: an admin of its parent (or the operator, for a county)
    operator = authorize(actor, None, "platform", "operate")
    changeable = {n.id for n in nodes if (n.parent_id in manage) or (n.parent_id is None and operator)}
    parents = {level: [n for n in nodes if n.level == level] for level in Level}
    return render_page(
        request, "admin/tree.html", title="组织架构", status_code=status_code, root=root, tops=tops,
        by_parent=by_parent, manage=manage, changeable=changeable, parents=parents,
        child_levels={level: [c for c, p in PARENT_LEVEL.items() if p == level] for level in Level},
        parent_level=PARENT_LEVEL, labels=LABELS, error=error, import_rows=import_rows or [], done=done,
        may_import=bool(manage), total=len(nodes), may_add_county=root is None and operator)


@get("/admin/tree", sync_to_thread=True)
def tree_page(request: Request, db: NamedDependency[ScopedSession]) -> Response:
    return _tree_page(request, db, done=request.query_params.get("done", "")[:40])


def _form(data: dict[str, Any]) -> dict[str, str]:
    return {k: str(v).strip()[:FIELD_LIMIT] for k, v in data.items()}


def _answer(request: Request, db: ScopedSession, work, done: str) -> Response:
    """Run ``work``; commit and go back to the tree, or show the refusal and keep nothing."""
    try:
        work()
        db.commit()
    except ClerkError as exc:
        db.rollback()
        return _tree_page(request, db, error=exc.message, status_code=exc.status_code)
    return Redirect(f"/admin/tree?done={done}", status_code=303)


def _id(value: str, what: str) -> int:
    if not value.isdigit() or len(value) > 9:
        raise BadRequest(f"{what}应从列表中选择")
    return int(value)


@post("/admin/tree/nodes", opt={"permission": "tenants:manage"}, sync_to_thread=True, include_in_schema=False)
def add_submit(request: Request, db: NamedDependency[ScopedSession], data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = _form(data)
    parent = form.get("parent_id", "")  # none: a county, by the operator (create_as checks)
    return _answer(request, db, lambda: create_as(request, db, form.get("level", ""), form.get("code", ""),
                                                  form.get("name", ""), _id(parent, "上级单位") if parent else None),
                   "added")


@post("/admin/tree/nodes/{node_id:int}/rename", opt={"permission": "tenants:manage"}, sync_to_thread=True,
      include_in_schema=False)
def rename_submit(request: Request, db: NamedDependency[ScopedSession], node_id: FromPath[Id],
                  data: URLEncodedBody[dict[str, Any]]) -> Response:
    node = get_or_404(db, Node, node_id, "节点")
    return _answer(request, db, lambda: rename_as(request, db, node, _form(data).get("name", "")), "renamed")


@post("/admin/tree/nodes/{node_id:int}/move", opt={"permission": "tenants:manage"}, sync_to_thread=True,
      include_in_schema=False)
def move_submit(request: Request, db: NamedDependency[ScopedSession], node_id: FromPath[Id],
                data: URLEncodedBody[dict[str, Any]]) -> Response:
    node = get_or_404(db, Node, node_id, "节点")
    form = _form(data)
    return _answer(request, db, lambda: move_as(request, db, node, _id(form.get("parent_id", ""), "新的上级单位"),
                                                form.get("code") or None), "moved")


@post("/admin/tree/import", opt={"permission": "tenants:manage"}, sync_to_thread=True, include_in_schema=False)
def import_submit(request: Request, db: NamedDependency[ScopedSession], data: MultipartBody[Upload]) -> Response:
    """All rows or none: a refused file is shown row by row, each bad row with its error."""
    filename, content = upload_bytes(request, data)
    try:
        result = import_tree(db, filename, content)
        db.commit()
    except ClerkError as exc:
        db.rollback()
        errors: dict[int, list[str]] = {}
        for problem in exc.details:
            errors.setdefault(problem.get("row", 0), []).append(problem.get("message", ""))
        rows = []
        if errors:
            rows = [{"number": r.number, "values": r.values, "errors": errors.get(r.number, [])}
                    for r in read_table(filename, content, ALIASES)]
        return _tree_page(request, db, error=exc.message, import_rows=rows, status_code=exc.status_code)
    return Redirect(f"/admin/tree?done=imported-{result.created}-{result.renamed}", status_code=303)


PAGES = [("/admin/tree", "组织架构", "tenants:read", tree_page)]
FORM_ROUTES = [add_submit, rename_submit, move_submit, import_submit]
