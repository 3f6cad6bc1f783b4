"""提醒 in the browser: the user's own notices (``addressed_to``, as the API lists them), newest
first, unread or all, by kind, each opening what it is about; "标为已读" one by one or all at
once through the API's own rules (``service.mark_read``/``mark_all_read``). A read-only role
(纪工委) sees the list without the buttons; its posts are refused by the route's permission."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect
from sqlalchemy import func, select

from xinfang.platform.errors import BadRequest, Forbidden
from xinfang.platform.notifications import service
from xinfang.platform.notifications.kinds import notice_kinds
from xinfang.platform.notifications.models import Notification
from xinfang.platform.notifications.routes import READ, WRITE
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Id, PageNumber
from xinfang.platform.web.paging import page_of
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.scope import ScopedSession

PATH = "/notifications"
PER_PAGE = 20
SHOW = {"all": "全部", "unread": "未读"}


def _filters(request: Request, show: str | None, kind: str | None, page: int = 1) -> dict[str, Any]:
    """The list's filters, checked: an unknown value is a 400, as the API answers it."""
    show = show or "all"
    if show not in SHOW:
        raise BadRequest("显示范围应为“全部”或“未读”")
    kind = kind or None
    if kind is not None and kind not in notice_kinds(request.app.state.plugins):
        raise BadRequest("没有这种提醒类型")
    return {"show": show, "kind": kind, "page": page}


def _address(filters: dict[str, Any], **changes: Any) -> str:
    """The list's address with these filters (defaults left out)."""
    wanted = {**filters, **changes}
    query = {k: v for k, v in wanted.items() if v and (k, v) not in (("show", "all"), ("page", 1))}
    return PATH + (f"?{urlencode(query)}" if query else "")


@get(PATH, sync_to_thread=True)
def notifications_page(request: Request, db: NamedDependency[ScopedSession], show: FromQuery[str | None] = None,
                       kind: FromQuery[str | None] = None, page: FromQuery[PageNumber] = 1) -> Response:
    actor = current_actor(request)
    filters = _filters(request, show, kind, page)
    kinds = notice_kinds(request.app.state.plugins)
    mine = select(Notification).where(service.addressed_to(actor, READ))
    query = mine
    if filters["show"] == "unread":
        query = query.where(Notification.read_at.is_(None))
    if filters["kind"] is not None:
        query = query.where(Notification.kind == filters["kind"])
    listing = page_of(db, query.order_by(Notification.created_at.desc(), Notification.id.desc()), page, PER_PAGE,
                      lambda n: {**service.to_dict(n, kinds), "target": service.target(n), "created": n.created_at})
    unread = db.scalar(select(func.count()).select_from(
        mine.where(Notification.read_at.is_(None)).order_by(None).subquery()))
    return render_page(
        request, "notifications/list.html", title="提醒", listing=listing, unread=unread, filters=filters,
        kinds=kinds, shows=SHOW, pages=max(1, -(-listing["total"] // PER_PAGE)), may_write=WRITE in actor.permissions(),
        page_link=lambda n: _address(filters, page=n), link=lambda **c: _address(filters, page=1, **c),
        marked=request.query_params.get("marked"))


def _back(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """The filters the form was posted from (hidden fields), to go back to the same list."""
    raw = str(data.get("page", "1"))
    page = int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1
    return _filters(request, str(data.get("show", "")) or None, str(data.get("kind", "")) or None, max(page, 1))


@post(PATH + "/{notification_id:int}/read", opt={"permission": WRITE}, sync_to_thread=True, include_in_schema=False)
def read_submit(request: Request, db: NamedDependency[ScopedSession], notification_id: FromPath[Id],
                data: URLEncodedBody[dict[str, Any]]) -> Response:
    back = _back(request, data)
    notice = get_or_404(db, Notification, notification_id, "提醒")
    if not service.mark_read(current_actor(request), WRITE, notice):
        raise Forbidden("只能将发给本人或本单位的提醒标记为已读")
    db.commit()
    return Redirect(_address(back), status_code=303)


@post(PATH + "/read-all", opt={"permission": WRITE}, sync_to_thread=True, include_in_schema=False)
def read_all_submit(request: Request, db: NamedDependency[ScopedSession],
                    data: URLEncodedBody[dict[str, Any]]) -> Response:
    back = _back(request, data)
    marked = service.mark_all_read(db, current_actor(request), WRITE, back["kind"])
    db.commit()
    address = _address(back, page=1)
    return Redirect(address + ("&" if "?" in address else "?") + f"marked={marked}", status_code=303)


PAGES = [(PATH, "提醒", READ, notifications_page)]
FORM_ROUTES = [read_submit, read_all_submit]
