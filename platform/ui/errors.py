"""Errors as a clerk's browser should show them: a Chinese page for a page request, JSON for
the API (``/api/…`` and anything that does not ask for HTML) exactly as before.

Wraps the app's JSON exception handlers: the JSON answer decides the status and the message,
so both say the same. A page that needs a login sends the browser to the login page (saying
so when the login ran out); a user who must first change their password is sent there.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from litestar import Request, Response
from litestar.response import Redirect

from xinfang.platform.web.guards import SESSION_COOKIE

TITLES = {400: "提交的内容有误", 401: "请先登录", 403: "无权访问", 404: "页面不存在", 405: "不支持此操作方式",
          409: "操作与当前状态冲突", 413: "提交的内容过大", 429: "操作过于频繁", 503: "系统繁忙"}
HINTS = {403: "您的账号没有这项权限。如确需办理，请联系本单位管理员授予相应角色。",
         404: "您要找的页面或记录不存在，或者不在您的管辖范围内。请检查地址，或返回工作台后从菜单重新进入。",
         429: "请稍等片刻再试。", 503: "本次提交未保存，请稍后重试。"}
NOT_HTML_PREFIXES = ("/api/", "/schema", "/static/", "/health")


def wants_html(request: Request) -> bool:
    if request.url.path.startswith(NOT_HTML_PREFIXES):
        return False
    return "text/html" in request.headers.get("accept", "")


def login_redirect(request: Request) -> Redirect:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    expired = "&expired=1" if request.cookies.get(SESSION_COOKIE) else ""
    return Redirect(f"/login?next={quote(target, safe='/')}{expired}", status_code=303)


def html_or_json(handler: Callable[[Request, Exception], Response]) -> Callable[[Request, Exception], Response]:
    def handle(request: Request, exc: Exception) -> Response:
        answer = handler(request, exc)
        if not wants_html(request):
            return answer
        status = answer.status_code
        actor = getattr(request.state, "actor", None) if hasattr(request, "state") else None
        if status == 401:
            return login_redirect(request)
        if status == 403 and actor is not None and actor.must_change_password:
            return Redirect("/account/password", status_code=303)
        body = answer.content if isinstance(answer.content, dict) else {}
        if status < 400:  # saved, then reading the result failed (errors.py, _committed_first)
            return error_page(request, status, str(body.get("message") or ""), title="操作已保存", hint="")
        if body.get("error") == "csrf":
            return error_page(request, status, str(body.get("message") or ""), title="页面已过期",
                              hint="为保护您的账号，页面打开过久或来自其他网站时不能直接提交。请返回上一页，刷新后重新操作。")
        return error_page(request, status, str(body.get("message") or ""), headers=answer.headers)

    return handle


def error_page(request: Request, status: int, message: str, headers=None, *, title: str | None = None,
               hint: str | None = None) -> Response:
    html = request.app.template_engine.get_template("error.html").render(
        status=status, title=title or TITLES.get(status, "出错了"), message=message,
        hint=HINTS.get(status, "") if hint is None else hint,
        signed_in=getattr(request.state, "actor", None) is not None, frame=None, request=request)
    keep = {k: v for k, v in (headers or {}).items() if k.lower() == "retry-after"}
    return Response(html, status_code=status, media_type="text/html; charset=utf-8", headers=keep)
