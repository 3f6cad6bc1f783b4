"""Accounts in the browser, for an admin: the users in their scope with the roles they hold, a
new account, and on a user's page the roles granted and revoked, deactivation and a password
reset — all through the same functions as the API (``routes.create_user_as`` …, ``service``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect
from sqlalchemy import select

from xinfang.permissions.actor import authorize
from xinfang.platform.accounts import service
from xinfang.platform.accounts.models import RoleAssignment, User
from xinfang.platform.accounts.routes import UserIn, UserPatch, create_user_as, update_user_as
from xinfang.platform.errors import BadRequest, ClerkError
from xinfang.platform.extensions.manager import plugin_roles
from xinfang.platform.ui.frame import acting_node_id
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Id, Line, PageNumber
from xinfang.platform.web.paging import page_of
from xinfang.tenants.lookup import get_or_404, node_names
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession

FIELD_LIMIT = 128


def _form(data: dict[str, Any]) -> dict[str, str]:
    return {k: str(v).strip()[:FIELD_LIMIT] for k, v in data.items()}


def _nodes_managed(request: Request, db: ScopedSession, permission: str) -> list[Node]:
    """The nodes in the viewer's scope where they hold ``permission`` (where an account may go)."""
    actor = current_actor(request)
    obj, act = permission.split(":")
    return [n for n in db.scalars(select(Node).order_by(Node.level, Node.code).limit(3000))
            if authorize(actor, n, obj, act)]


def _roles_grantable(request: Request) -> dict[str, str]:
    """role → label, for the roles one of the viewer's roles may grant."""
    held = {a.role for a in current_actor(request).assignments}
    return {k: r.label for k, r in plugin_roles(request.app.state.plugins).items() if held & set(r.granted_by)}


def _list_page(request: Request, db: ScopedSession, page: int, q: str, *, form: dict[str, str] | None = None,
               error: str = "", status_code: int = 200) -> Response:
    query = select(User).order_by(User.node_id, User.id)
    if q:
        query = query.where(User.username.contains(q) | User.display_name.contains(q))
    listing = page_of(db, query, page, 50, lambda u: u)
    ids = [u.id for u in listing["items"]]
    held: dict[int, list[RoleAssignment]] = {}
    for a in db.scalars(select(RoleAssignment).where(RoleAssignment.user_id.in_(ids))) if ids else []:
        held.setdefault(a.user_id, []).append(a)
    names = node_names(db, [u.node_id for u in listing["items"]] + [a.node_id for v in held.values() for a in v])
    permissions = current_actor(request).permissions()
    return render_page(
        request, "admin/users.html", title="账号与角色", status_code=status_code, listing=listing, held=held,
        names=names, q=q, form=form or {}, error=error, may_manage="users:manage" in permissions,
        nodes=_nodes_managed(request, db, "users:manage") if "users:manage" in permissions else [],
        acting=acting_node_id(request, current_actor(request)), pages=max(1, -(-listing["total"] // 50)),
        page_link=lambda n: "?" + urlencode({"q": q, "page": n}))


@get("/admin/users", sync_to_thread=True)
def users_page(request: Request, db: NamedDependency[ScopedSession], page: FromQuery[PageNumber] = 1,
               q: FromQuery[Line | None] = None) -> Response:
    return _list_page(request, db, page, (q or "").strip())


@post("/admin/users", opt={"permission": "users:manage"}, sync_to_thread=True, include_in_schema=False)
def create_submit(request: Request, db: NamedDependency[ScopedSession], data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = _form(data)
    try:
        node_id = form.get("node_id", "")
        if not node_id.isdigit() or len(node_id) > 9:
            raise BadRequest("请选择账号所属单位")
        user = create_user_as(request, db, UserIn(username=form.get("username", ""),
                                                  display_name=form.get("display_name", ""),
                                                  password=str(data.get("password", ""))[:FIELD_LIMIT],
                                                  node_id=int(node_id), position=form.get("position", "")))
        db.commit()
    except ClerkError as exc:
        db.rollback()
        form.pop("password", None)
        return _list_page(request, db, 1, "", form=form, error=exc.message, status_code=exc.status_code)
    return Redirect(f"/admin/users/{user.id}?done=created", status_code=303)


def _user_page(request: Request, db: ScopedSession, user: User, *, error: str = "", status_code: int = 200) -> Response:
    actor = current_actor(request)
    assignments = db.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user.id)
                             .order_by(RoleAssignment.id)).all()
    names = node_names(db, [user.node_id] + [a.node_id for a in assignments])
    permissions = actor.permissions()
    return render_page(
        request, "admin/user.html", title=f"{user.display_name}({user.username})", status_code=status_code, u=user,
        assignments=assignments, names=names, error=error, done=request.query_params.get("done", "")[:20],
        may_manage="users:manage" in permissions and user.id != actor.user_id,
        may_grant="roles:grant" in permissions and user.id != actor.user_id,
        roles=_roles_grantable(request), labels={k: r.label for k, r in plugin_roles(request.app.state.plugins).items()},
        nodes=_nodes_managed(request, db, "roles:grant") if "roles:grant" in permissions else [])


@get("/admin/users/{user_id:int}", sync_to_thread=True)
def user_page(request: Request, db: NamedDependency[ScopedSession], user_id: FromPath[Id]) -> Response:
    return _user_page(request, db, get_or_404(db, User, user_id, "用户"))


def _act(request: Request, db: ScopedSession, user_id: int, work, done: str) -> Response:
    user = get_or_404(db, User, user_id, "用户")
    try:
        work(user)
        db.commit()
    except ClerkError as exc:
        db.rollback()
        return _user_page(request, db, get_or_404(db, User, user_id, "用户"), error=exc.message,
                          status_code=exc.status_code)
    return Redirect(f"/admin/users/{user_id}?done={done}", status_code=303)


@post("/admin/users/{user_id:int}/roles", opt={"permission": "roles:grant"}, sync_to_thread=True,
      include_in_schema=False)
def grant_submit(request: Request, db: NamedDependency[ScopedSession], user_id: FromPath[Id],
                 data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = _form(data)

    def work(user: User) -> None:
        node_id = form.get("node_id", "")
        if not node_id.isdigit() or len(node_id) > 9:
            raise BadRequest("请选择授予角色的单位")
        service.grant_role(db, current_actor(request), user, form.get("role", ""),
                           get_or_404(db, Node, int(node_id), "单位"))
    return _act(request, db, user_id, work, "granted")


@post("/admin/users/{user_id:int}/roles/{assignment_id:int}/revoke", opt={"permission": "roles:grant"},
      sync_to_thread=True, include_in_schema=False)
def revoke_submit(request: Request, db: NamedDependency[ScopedSession], user_id: FromPath[Id],
                  assignment_id: FromPath[Id]) -> Response:
    def work(user: User) -> None:
        assignment = get_or_404(db, RoleAssignment, assignment_id, "角色授予记录", accept=lambda a: a.user_id == user.id)
        node = db.get(Node, assignment.node_id) if assignment.node_id is not None else None
        service.revoke_role(db, current_actor(request), assignment, node)
    return _act(request, db, user_id, work, "revoked")


@post("/admin/users/{user_id:int}/account", opt={"permission": "users:manage"}, sync_to_thread=True,
      include_in_schema=False)
def account_submit(request: Request, db: NamedDependency[ScopedSession], user_id: FromPath[Id],
                   data: URLEncodedBody[dict[str, Any]]) -> Response:
    """Deactivate / reactivate, or set a new password (the form says which)."""
    form = _form(data)
    change = UserPatch(is_active={"deactivate": False, "activate": True}.get(form.get("do", "")),
                       password=str(data.get("password", ""))[:FIELD_LIMIT] or None)
    if change.is_active is None and change.password is None:
        change = UserPatch(display_name=form.get("display_name") or None, position=form.get("position"))
    return _act(request, db, user_id, lambda user: update_user_as(request, db, user, change), "saved")


PAGES = [("/admin/users", "账号与角色", "users:read", users_page),
         ("/admin/users/{user_id:int}", "账号", "users:read", user_page)]
FORM_ROUTES = [create_submit, grant_submit, revoke_submit, account_submit]
