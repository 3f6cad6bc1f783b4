"""A user's notices over HTTP: list them, mark one read."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from sqlalchemy import func, select

from xinfang.platform.errors import BadRequest, Forbidden
from xinfang.platform.notifications import service
from xinfang.platform.notifications.kinds import notice_kinds
from xinfang.platform.notifications.models import Notification
from xinfang.platform.notifications.service import READ_ALL_AT_ONCE, addressed_to, to_dict
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Id, OptionalId, PageNumber, PerPage
from xinfang.platform.web.paging import page_of
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.scope import ScopedSession

READ, WRITE = "notifications:read", "notifications:write"


def checked_kind(request: Request, kind: str | None) -> str | None:
    """``kind`` if it is a kind of notice (the core's or a plugin's), else a 400 listing them."""
    kinds = notice_kinds(request.app.state.plugins)
    if kind is not None and kind not in kinds:
        raise BadRequest(f"提醒类型应为:{'、'.join(f'{k}({v})' for k, v in kinds.items())}")
    return kind


@get("/api/notifications", opt={"permission": READ}, sync_to_thread=True,
     summary="我的提醒(期限临近、超期、督办),subtree=true 时含下级单位的提醒")
def list_notifications(request: Request, db: NamedDependency[ScopedSession], unread: FromQuery[bool | None] = None,
                       kind: FromQuery[str | None] = None, matter_id: FromQuery[OptionalId] = None,
                       subtree: FromQuery[bool] = False, page: FromQuery[PageNumber] = 1,
                       per_page: FromQuery[PerPage] = 50) -> dict:
    actor = current_actor(request)
    checked_kind(request, kind)
    kinds = notice_kinds(request.app.state.plugins)
    # the session's scope already limits the rows to the subtrees of the caller's roles
    mine = select(Notification) if subtree else select(Notification).where(addressed_to(actor, READ))
    query = mine
    if unread is not None:
        query = query.where(Notification.read_at.is_(None) if unread else Notification.read_at.is_not(None))
    if kind is not None:
        query = query.where(Notification.kind == kind)
    if matter_id is not None:
        query = query.where(Notification.matter_id == matter_id)
    listing = page_of(db, query.order_by(Notification.created_at.desc(), Notification.id.desc()), page, per_page,
                      lambda notice: to_dict(notice, kinds))
    unread_total = db.scalar(select(func.count()).select_from(
        mine.where(Notification.read_at.is_(None)).order_by(None).subquery()))
    return {**listing, "unread": unread_total}


@post("/api/notifications/{notification_id:int}/read", opt={"permission": WRITE}, sync_to_thread=True,
      status_code=200, summary="将提醒标记为已读")
def mark_read(request: Request, db: NamedDependency[ScopedSession], notification_id: FromPath[Id]) -> dict:
    actor = current_actor(request)
    notice = get_or_404(db, Notification, notification_id, "提醒")
    if not service.mark_read(actor, WRITE, notice):
        raise Forbidden("只能将发给本人或本单位的提醒标记为已读")
    db.commit()
    return to_dict(notice, notice_kinds(request.app.state.plugins))


@post("/api/notifications/read-all", opt={"permission": WRITE}, sync_to_thread=True, status_code=200,
      summary=f"将发给本人和本单位的未读提醒全部标记为已读(可按类型),一次至多{READ_ALL_AT_ONCE}条")
def mark_all_read(request: Request, db: NamedDependency[ScopedSession], kind: FromQuery[str | None] = None) -> dict:
    actor = current_actor(request)
    marked = service.mark_all_read(db, actor, WRITE, checked_kind(request, kind))
    db.commit()
    return {"marked": marked}


route_handlers = [list_notifications, mark_read, mark_all_read]
