"""Login, logout, the current user, user accounts and role assignments."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Request, Response, delete, get, patch, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy import select

from xinfang.permissions.actor import authorize
from xinfang.platform.accounts import service
from xinfang.platform.accounts.models import RoleAssignment, User
from xinfang.platform.errors import BadRequest, Forbidden, NotFound
from xinfang.platform.extensions.manager import plugin_permissions, plugin_roles
from xinfang.platform.web.addresses import client_address
from xinfang.platform.web.csrf import CSRF_COOKIE, csrf_token
from xinfang.platform.web.guards import (
    AUTHENTICATED,
    BEFORE_PASSWORD_CHANGE,
    PUBLIC,
    SESSION_COOKIE,
    current_actor,
    request_token,
)
from xinfang.platform.web.inputs import Code, Id, Name, OptionalId, PageNumber, PerPage, Secret
from xinfang.platform.web.paging import Page, page_of
from xinfang.tenants.levels import Level
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope, ScopedSession


@dataclass
class LoginIn:
    username: Name
    password: Secret


def session_cookies(request: Request, token: str | None) -> list[Cookie]:
    """The HttpOnly session cookie and the script-readable CSRF cookie (cleared when ``token`` is None)."""
    settings = request.app.state.settings
    max_age = settings.session_hours * 3600 if token else 0
    csrf = csrf_token(token, settings.secret_key) if token else ""
    common = {"samesite": "strict", "path": "/", "max_age": max_age, "secure": settings.cookie_secure}
    return [Cookie(key=SESSION_COOKIE, value=token or "", httponly=True, **common),
            Cookie(key=CSRF_COOKIE, value=csrf, httponly=False, **common)]


@post("/api/auth/login", opt={"permission": PUBLIC, "csrf": False, "statuses": (401, 429)}, sync_to_thread=True, summary="登录")
def login(request: Request, data: JSONBody[LoginIn]) -> Response:
    state = request.app.state
    with state.session_factory(scope=Scope.system()) as session:
        token, user = service.login(session, state.settings, data.username.strip(), data.password,
                                    client_address(request))
        body = {"token": token, "csrf_token": csrf_token(token, state.settings.secret_key), "user": user.to_dict()}
    return Response(body, cookies=session_cookies(request, token))


@post("/api/auth/logout", opt={"permission": PUBLIC}, sync_to_thread=True, summary="退出登录", status_code=200)
def logout(request: Request) -> Response:
    token = request_token(request)
    if token:
        with request.app.state.session_factory(scope=Scope.system()) as session:
            service.logout(session, request.app.state.settings, token, client_address(request))
    return Response({"message": "已退出登录"}, cookies=session_cookies(request, None))


@dataclass
class PasswordChangeIn:
    current_password: Secret
    new_password: Secret


@post("/api/auth/password", opt={"permission": AUTHENTICATED, BEFORE_PASSWORD_CHANGE: True}, sync_to_thread=True,
      summary="修改本人密码(其他登录随之失效)", status_code=200)
def change_password(request: Request, data: JSONBody[PasswordChangeIn]) -> dict:
    actor = current_actor(request)
    with request.app.state.session_factory(scope=Scope.system()) as session:
        session.info["actor"] = {"id": actor.user_id, "name": actor.username, "address": client_address(request),
                                 "node_id": actor.home_node_id}
        user = session.get(User, actor.user_id)
        service.change_own_password(session, request.app.state.settings, user, data.current_password,
                                    data.new_password, request_token(request), client_address(request))
        session.commit()
    return {"message": "密码已修改,其他设备上的登录已失效"}


@get("/api/auth/me", opt={"permission": AUTHENTICATED}, sync_to_thread=True, summary="当前用户")
def me(request: Request) -> dict:
    actor = current_actor(request)
    return {
        "user": {"id": actor.user_id, "username": actor.username, "display_name": actor.display_name,
                 "node_id": actor.home_node_id},
        "assignments": [{**a.to_dict(), "role_label": service.role_label(request.app.state.plugins, a.role)}
                        for a in actor.assignments],
        "permissions": sorted(actor.permissions()),
        "scope": [{**a.to_dict(), "covers": "整个平台" if a.node_id is None else f"{a.name}及其下级"}
                  for a in actor.assignments],
    }


@get("/api/roles", opt={"permission": AUTHENTICATED}, sync_to_thread=False, summary="角色目录")
def roles(request: Request) -> dict:
    policy = request.app.state.policy
    plugins = request.app.state.plugins
    labels = {p.permission: p.label for p in plugin_permissions(plugins)}
    roles = plugin_roles(plugins)
    return {"roles": [{"key": r.key, "label": r.label, "description": r.description,
                       "permissions": sorted(policy.permissions_of(r.key)),
                       "may_grant": sorted(k for k, other in roles.items() if r.key in other.granted_by)}
                      for r in roles.values()],
            "permissions": labels}


@dataclass
class UserIn:
    username: Name
    display_name: Name
    password: Secret
    node_id: Id | None = None
    position: Name = ""


@dataclass
class UserPatch:
    display_name: Name | None = None
    position: Name | None = None
    is_active: bool | None = None
    password: Secret | None = None


def _node(db: NamedDependency[ScopedSession], node_id: int | None) -> Node | None:
    if node_id is None:
        return None
    return get_or_404(db, Node, node_id, "节点")


def _user(db: NamedDependency[ScopedSession], user_id: FromPath[Id]) -> User:
    return get_or_404(db, User, user_id, "用户")


def _as_operator(actor, node: Node | None) -> bool:
    """Whether the actor manages accounts at ``node`` only through a platform-wide (operator) role."""
    return not any(a.node_id is not None and node is not None and a.covers(node)
                   for a in actor.holding("users:manage"))


def _operator_may_manage(db: ScopedSession, user: User) -> bool:
    """The operator administers platform accounts and county admins, no one else in a county."""
    if user.node_id is None:
        return True
    roles = set(db.scalars(select(RoleAssignment.role).where(RoleAssignment.user_id == user.id)))
    return roles == {"county_admin"}


@get("/api/users", opt={"permission": "users:read"}, sync_to_thread=True, summary="用户列表")
def list_users(db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None, q: FromQuery[str | None] = None,
               page: FromQuery[PageNumber] = 1, per_page: FromQuery[PerPage] = 50) -> Page:
    query = select(User).order_by(User.id)
    if node_id is not None:
        query = query.where(User.node_id == node_id)
    if q:
        query = query.where(User.username.contains(q) | User.display_name.contains(q))
    return page_of(db, query, page, per_page, User.to_dict)


def create_user_as(request: Request, db: ScopedSession, data: UserIn) -> User:
    """A new account at ``data.node_id`` by the admin (or the operator: county admins only)."""
    actor = current_actor(request)
    node = _node(db, data.node_id)
    if node is None and not authorize(actor, None, "platform", "operate"):
        raise BadRequest("请指定用户所属节点")
    if node is not None and not authorize(actor, node, "users", "manage"):
        raise NotFound("节点不存在或不在您的管辖范围内")
    by_operator = _as_operator(actor, node)
    if by_operator and node is not None and node.level != Level.COUNTY.value:
        raise Forbidden("平台运维只能在县级节点建立账号(县级管理员),县内账号由县级管理员建立")
    return service.create_user(db, username=data.username, display_name=data.display_name,
                               password=data.password, node=node, position=data.position,
                               must_change_password=by_operator and node is not None)


@post("/api/users", opt={"permission": "users:manage"}, sync_to_thread=True, summary="新建用户")
def create_user(request: Request, db: NamedDependency[ScopedSession], data: JSONBody[UserIn]) -> dict:
    user = create_user_as(request, db, data)
    db.commit()
    return user.to_dict()


@get("/api/users/{user_id:int}", opt={"permission": "users:read"}, sync_to_thread=True, summary="用户详情")
def get_user(db: NamedDependency[ScopedSession], user_id: FromPath[Id]) -> dict:
    user = _user(db, user_id)
    assignments = db.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user.id)).all()
    return {**user.to_dict(), "assignments": [service.assignment_to_dict(db, a) for a in assignments]}


@patch("/api/users/{user_id:int}", opt={"permission": "users:manage"}, sync_to_thread=True, summary="修改用户")
def update_user(request: Request, db: NamedDependency[ScopedSession], user_id: FromPath[Id],
                data: JSONBody[UserPatch]) -> dict:
    user = _user(db, user_id)
    update_user_as(request, db, user, data)
    db.commit()
    return user.to_dict()


def update_user_as(request: Request, db: ScopedSession, user: User, data: UserPatch) -> None:
    """Change an account: name, position, active, a new password (never one's own here)."""
    actor = current_actor(request)
    if user.id == actor.user_id and data.password is not None:
        # resetting one's own password here would skip the old password (and the revocation of
        # one's other sessions that goes with a change)
        raise Forbidden("不能在此重置自己的密码,请通过“修改密码”(POST /api/auth/password)并提供原密码办理")
    if user.id == actor.user_id and data.is_active is False:
        raise Forbidden("不能停用自己的账号,请由上级管理员操作")
    node = db.get(Node, user.node_id) if user.node_id is not None else None
    by_operator = _as_operator(actor, node)
    if by_operator and not _operator_may_manage(db, user):
        raise Forbidden("平台运维只能管理县级管理员账号,县内其他账号由县级管理员管理")
    if data.display_name is not None:
        user.display_name = data.display_name.strip() or user.display_name
    if data.position is not None:
        user.position = data.position.strip()
    if data.is_active is not None:
        service.set_active(db, user, data.is_active)
    if data.password is not None:
        service.set_password(db, user, data.password, must_change=by_operator and node is not None)


@dataclass
class GrantIn:
    role: Code
    node_id: Id | None = None


@post("/api/users/{user_id:int}/roles", opt={"permission": "roles:grant"}, sync_to_thread=True, summary="授予角色")
def grant(request: Request, db: NamedDependency[ScopedSession], user_id: FromPath[Id], data: JSONBody[GrantIn]) -> dict:
    user = _user(db, user_id)
    assignment = service.grant_role(db, current_actor(request), user, data.role, _node(db, data.node_id))
    db.commit()
    return service.assignment_to_dict(db, assignment)


@delete("/api/users/{user_id:int}/roles/{assignment_id:int}", opt={"permission": "roles:grant"},
        sync_to_thread=True, summary="撤销角色", status_code=200)
def revoke(request: Request, db: NamedDependency[ScopedSession], user_id: FromPath[Id], assignment_id: FromPath[Id]) -> dict:
    assignment = get_or_404(db, RoleAssignment, assignment_id, "角色授予记录", accept=lambda a: a.user_id == user_id)
    service.revoke_role(db, current_actor(request), assignment, _node(db, assignment.node_id))
    db.commit()
    return {"message": "已撤销", "id": assignment_id}


route_handlers = [login, logout, change_password, me, roles, list_users, create_user, get_user, update_user,
                                          grant, revoke]
