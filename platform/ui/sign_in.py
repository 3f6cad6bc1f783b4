"""Signing in and out in the browser, changing one's own password, choosing the acting node.

The forms call the same account services as ``/api/auth/*`` (throttling, audit, password
rules included). The login form has no session yet, so it carries its own CSRF token: a
random value in an HttpOnly, SameSite=Strict cookie, and its keyed hash in the form's
``_csrf`` field; a POST without both matching is refused. Every other form sends the
session's token (``platform/web/csrf.py``), checked by the app's guard.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import replace
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from xinfang.platform.accounts import service
from xinfang.platform.accounts.models import User
from xinfang.platform.accounts.routes import session_cookies
from xinfang.platform.errors import BadRequest, ClerkError
from xinfang.platform.ui.frame import NODE_COOKIE, PLATFORM
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.addresses import client_address
from xinfang.platform.web.csrf import CsrfRefused
from xinfang.platform.web.guards import AUTHENTICATED, BEFORE_PASSWORD_CHANGE, PUBLIC, current_actor, request_token
from xinfang.tenants.scope import Scope

LOGIN_COOKIE = "xinfang_login"
FIELD_LIMIT = 200  # no username, password or path of ours is longer


def _login_token(nonce: str, secret: str) -> str:
    return hmac.new(secret.encode(), f"login:{nonce}".encode(), hashlib.sha256).hexdigest()


def safe_next(target: str | None) -> str:
    """Only a path of this site: never an absolute or scheme-relative address (open redirect)."""
    target = (target or "").strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target or target.startswith("/login"):
        return "/"
    return target[:FIELD_LIMIT]


def _login_page(request: Request, *, error: str = "", username: str = "", status_code: int = 200) -> Template:
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    settings = request.app.state.settings
    notice = "登录已过期，请重新登录。" if request.query_params.get("expired") and not error else ""
    response = Template(template_name="login.html", status_code=status_code, context={
        "frame": None, "title": "登录", "error": error, "notice": notice, "username": username,
        "login_csrf": _login_token(nonce, settings.secret_key), "next": safe_next(request.query_params.get("next")),
    })
    response.cookies.append(Cookie(key=LOGIN_COOKIE, value=nonce, httponly=True, samesite="strict", path="/login",
                                   max_age=3600, secure=settings.cookie_secure))
    return response


@get("/login", opt={"permission": PUBLIC}, sync_to_thread=False, include_in_schema=False)
def login_page(request: Request) -> Response:
    if request.state.actor is not None:
        return Redirect("/", status_code=303)
    return _login_page(request)


@post("/login", opt={"permission": PUBLIC, "csrf": False}, sync_to_thread=True, include_in_schema=False)
def login_submit(request: Request, data: URLEncodedBody[dict[str, Any]]) -> Response:
    state = request.app.state
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    sent = str(data.get("_csrf") or "")
    if not nonce or not hmac.compare_digest(sent.encode(), _login_token(nonce, state.settings.secret_key).encode()):
        raise CsrfRefused("页面安全令牌（CSRF）缺失或已过期，请刷新登录页后重新登录")
    username = str(data.get("username") or "").strip()[:FIELD_LIMIT]
    password = str(data.get("password") or "")[:FIELD_LIMIT]
    if not username or not password:
        return _login_page(request, error="请输入用户名和密码", username=username, status_code=400)
    try:
        with state.session_factory(scope=Scope.system()) as session:
            token, user = service.login(session, state.settings, username, password, client_address(request))
            must_change = user.must_change_password
    except ClerkError as exc:
        return _login_page(request, error=exc.message, username=username, status_code=exc.status_code)
    target = "/account/password" if must_change else safe_next(str(data.get("next") or ""))
    response = Redirect(target, status_code=303)
    response.cookies.extend([*session_cookies(request, token),
                             Cookie(key=LOGIN_COOKIE, value="", path="/login", max_age=0)])
    return response


@post("/logout", opt={"permission": PUBLIC}, sync_to_thread=True, include_in_schema=False)
def logout_submit(request: Request) -> Response:
    """The guard checks the form's CSRF token first (a foreign page cannot log a user out)."""
    token = request_token(request)
    if token:
        with request.app.state.session_factory(scope=Scope.system()) as session:
            service.logout(session, request.app.state.settings, token, client_address(request))
    response = Redirect("/login", status_code=303)
    response.cookies.extend([*session_cookies(request, None), Cookie(key=NODE_COOKIE, value="", path="/", max_age=0)])
    return response


PASSWORD_OPT = {"permission": AUTHENTICATED, BEFORE_PASSWORD_CHANGE: True}


@get("/account/password", opt=dict(PASSWORD_OPT), sync_to_thread=True, include_in_schema=False)
def password_page(request: Request) -> Template:
    return render_page(request, "password.html", title="修改密码", error="", done=False)


@post("/account/password", opt=dict(PASSWORD_OPT), sync_to_thread=True, include_in_schema=False)
def password_submit(request: Request, data: URLEncodedBody[dict[str, Any]]) -> Template:
    actor = current_actor(request)
    current = str(data.get("current_password") or "")[:FIELD_LIMIT]
    new, again = (str(data.get(k) or "")[:FIELD_LIMIT] for k in ("new_password", "new_password_again"))
    state = request.app.state
    try:
        if not current or not new:
            raise BadRequest("请填写当前密码和新密码")
        if new != again:
            raise BadRequest("两次输入的新密码不一致")
        with state.session_factory(scope=Scope.system()) as session:
            session.info["actor"] = {"id": actor.user_id, "name": actor.username, "address": client_address(request),
                                     "node_id": actor.home_node_id}
            user = session.get(User, actor.user_id)
            service.change_own_password(session, state.settings, user, current, new, request_token(request),
                                        client_address(request))
            session.commit()
    except ClerkError as exc:
        return render_page(request, "password.html", title="修改密码", error=exc.message, done=False,
                           status_code=exc.status_code)
    request.state.actor = replace(actor, must_change_password=False)  # the frame: the forced change is over
    return render_page(request, "password.html", title="修改密码", error="", done=True)


@post("/account/node", opt={"permission": AUTHENTICATED}, sync_to_thread=False, include_in_schema=False)
def choose_node(request: Request, data: URLEncodedBody[dict[str, Any]]) -> Response:
    """Only a node the actor holds a role at (or the platform, for a platform-wide role)."""
    actor = current_actor(request)
    try:
        wanted = int(str(data.get("node_id") or ""))
    except ValueError:
        raise BadRequest("请选择工作单位") from None
    held = {a.node_id if a.node_id is not None else PLATFORM for a in actor.assignments}
    if wanted not in held:
        raise BadRequest("您在所选单位没有角色，不能以该单位身份办理")
    response = Redirect(safe_next(str(data.get("next") or "")), status_code=303)
    response.cookies.append(Cookie(key=NODE_COOKIE, value=str(wanted), httponly=True, samesite="strict", path="/",
                                   secure=request.app.state.settings.cookie_secure,
                                   max_age=request.app.state.settings.session_hours * 3600))
    return response


route_handlers = [login_page, login_submit, logout_submit, password_page, password_submit, choose_node]
