"""Authentication, the per-route permission check, and the request's database session.

Every route declares ``opt={"permission": ...}``: ``PUBLIC``, ``AUTHENTICATED`` (any
logged-in user, for their own account only) or an ``object:action`` permission. The one
app-level guard resolves the bearer token or session cookie to an ``Actor``, checks the
CSRF token of cookie-authenticated writes, holds back a user who must first change an
operator-set password, checks the permission, and stores the scope the permission reaches
(the union of the subtrees of the assignments that grant it) for the session the handler gets.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from anyio import to_thread
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor
from xinfang.platform.errors import Forbidden, NotFound, Unauthorized
from xinfang.platform.web.addresses import client_address
from xinfang.platform.web.csrf import check_csrf
from xinfang.tenants.scope import Scope, ScopedSession

PUBLIC = "public"
AUTHENTICATED = "authenticated"
SESSION_COOKIE = "xinfang_session"
# Framework routes that cannot carry an ``opt``: the OpenAPI documents.
PUBLIC_PATH_PREFIXES = ("/schema",)
# What the petitioners' host serves when ``Settings.public_host`` is set (docs/public.md):
# their pages and API, the assets those pages load, and the health check — nothing of the
# staff's, so the staff site can stay on the intranet. The staff host then no longer serves
# the petitioners' pages either, so each answers under one name only.
PETITIONER_PATHS = ("/public/", "/api/public/")
PETITIONER_HOST_PATHS = (*PETITIONER_PATHS, "/static/", "/health")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# Routes a user whose password must be changed may still call (``opt={"before_password_change": True}``).
BEFORE_PASSWORD_CHANGE = "before_password_change"


def request_credentials(connection: ASGIConnection) -> tuple[str | None, bool]:
    """The session token and whether it came from the cookie (so CSRF applies)."""
    header = connection.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None, False
    return connection.cookies.get(SESSION_COOKIE) or None, True


def request_token(connection: ASGIConnection) -> str | None:
    return request_credentials(connection)[0]


async def permission_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    check_host(connection)
    permission = handler.opt.get("permission")
    state = connection.state
    state.scope = Scope.nothing()
    state.actor = None
    if permission is None:
        if connection.url.path.startswith(PUBLIC_PATH_PREFIXES):
            return
        raise Forbidden("该接口未声明所需权限,已拒绝访问")
    token, from_cookie = request_credentials(connection)
    if token:
        state.actor = await to_thread.run_sync(_authenticate, connection, token)
        if (state.actor and from_cookie and isinstance(connection, Request) and connection.method not in SAFE_METHODS
                and handler.opt.get("csrf", True)):
            await check_csrf(connection, token)
    if permission == PUBLIC:
        return
    actor: Actor | None = state.actor
    if actor is None:
        raise Unauthorized("请先登录(登录已过期或凭证无效)")
    if actor.must_change_password and not handler.opt.get(BEFORE_PASSWORD_CHANGE):
        raise Forbidden("您的密码由平台运维设置或重置,请先修改密码(POST /api/auth/password)后再继续使用")
    if permission == AUTHENTICATED:
        return
    if not connection.app.state.authz_enabled:  # only bench/authz.py switches this off
        state.scope = Scope.system()
        return
    scope = actor.scope_for(permission)
    if scope is None:
        raise Forbidden("您没有执行此操作的权限")
    state.scope = scope


def check_host(connection: ASGIConnection) -> None:
    """With a public host name set, each host serves only its own side (404 otherwise)."""
    public_host = connection.app.state.settings.public_host
    if not public_host:
        return
    host = (connection.headers.get("host") or "").rsplit(":", 1)[0].strip("[]").lower()
    path = connection.url.path
    if host == public_host and not path.startswith(PETITIONER_HOST_PATHS):
        raise NotFound("页面不存在")
    if host != public_host and path.startswith(PETITIONER_PATHS):
        raise NotFound(f"群众使用的页面在 {public_host} 提供")


def _authenticate(connection: ASGIConnection, token: str) -> Actor | None:
    """The token's actor, read on a pooled connection of its own (given back before the handler
    takes one: a request never holds two), one statement, no session or ORM objects. The
    request's first statement, so it also stands in for a pool ping: on a connection that died
    with the server (which invalidates the pool's older connections) it runs once more."""
    app_state = connection.app.state
    secret = app_state.settings.secret_key
    try:
        with app_state.auth_engine.connect() as conn:
            # the accounts domain's authenticator, put in the state by the app factory (kernel → no domain import)
            return app_state.authenticate(conn, app_state.policy, token, secret)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
    with app_state.auth_engine.connect() as conn:
        return app_state.authenticate(conn, app_state.policy, token, secret)


async def provide_db(request: Request) -> AsyncIterator[ScopedSession]:
    """The handler's session: limited to the scope the route's permission reaches.

    GET handlers read (a DEFERRED transaction on SQLite) unless their route says
    ``opt={"writes": True}`` (e.g. an export, which appends an audit record); a read whose
    route says ``opt={"replica": True}`` (statistics) reads the replica when one is configured.

    Designed so that no crowd of requests can starve it: creating the session opens nothing
    (the handler's thread takes one connection at its first query and gives it back at
    commit); once committed, the session reads through the read engine, so reading the result
    never queues for the write lock again, and ``request.state.committed`` makes any later
    failure answer "saved" (errors.py). A session still holding a connection at the end is
    closed in a thread of its own limiter, never in the handlers' pool: blocked handlers
    holding every handler thread must not keep the lock holder from letting go."""
    state = request.app.state
    writes = request.method not in SAFE_METHODS or request.route_handler.opt.get("writes", False)
    reads_from = state.replica_engine if request.route_handler.opt.get("replica") else state.read_engine
    session: ScopedSession = state.session_factory(scope=request.state.scope,
                                                   bind=state.engine if writes else reads_from)
    actor: Actor | None = request.state.actor
    session.info["actor"] = {"id": actor.user_id if actor else None,
                             "name": actor.username if actor else "匿名",
                             "address": client_address(request),
                             "node_id": actor.home_node_id if actor else None}

    @event.listens_for(session, "after_commit")
    def _committed(_session: Session) -> None:
        request.state.committed = True
        session.bind = state.read_engine

    request.state.db = session  # the page frame reads its node names in it (ui/frame.py)
    try:
        yield session
    finally:
        if session.in_transaction():
            await to_thread.run_sync(session.close, limiter=state.cleanup_limiter)
        else:
            session.close()  # no connection: nothing to wait for


def current_actor(request: ASGIConnection) -> Actor:
    actor = request.state.actor
    if actor is None:
        raise Unauthorized("请先登录")
    return actor
