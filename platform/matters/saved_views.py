"""A user's own saved filter sets on the matter list: a name and the list's query string.

Per user, not per node: nobody else sees them, and they hold no petition content (only the
filters), so they are not tenant rows. The query string is re-checked by the list every time
it is opened (a filter that became invalid is a 400 then, not a wrong list).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import ForeignKey, Select, String, UniqueConstraint, bindparam, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from xinfang.permissions.actor import Actor
from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.platform.errors import BadRequest, Conflict, NotFound
from xinfang.platform.matters.models import Matter, MatterUnit
from xinfang.platform.matters.states import OPEN_STATES
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.models import Node

# the two views every list has, by the node the user acts for
BUILT_IN = {"mine": "我的待办", "unit": "本单位"}
# where the owning office itself has the next step (交办; 送达、回访或办结 after a reply)
OFFICE_TURN = ("registered", "replied", "review_replied")
MAX_PER_USER = 30
MAX_NAME = 40
MAX_QUERY = 1000


class SavedView(Base):
    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_views_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(MAX_NAME))
    query: Mapped[str] = mapped_column(String(MAX_QUERY))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "query": self.query, "href": f"/matters?{self.query}"}


def clean_query(query: str, allowed: tuple[str, ...]) -> str:
    """Only the list's filter keys, non-empty, in a stable order (paging is not part of a view)."""
    pairs = [(k, v.strip()) for k, v in parse_qsl(query.lstrip("?"), keep_blank_values=False)
             if k in allowed and v.strip()]
    return urlencode(sorted(pairs))


def of_user(session: Session, actor: Actor) -> list[SavedView]:
    return list(session.scalars(select(SavedView).where(SavedView.user_id == actor.user_id).order_by(SavedView.name)))


# the list page shows them on every request: a statement built once, plain rows, no ORM objects
_LISTED = (select(SavedView.id, SavedView.name, SavedView.query)
           .where(SavedView.user_id == bindparam("user")).order_by(SavedView.name))


def listed(session: Session, actor: Actor) -> list[dict]:
    """``of_user`` as ``SavedView.to_dict`` gives each, for the list page."""
    return [{"id": id_, "name": name, "query": query, "href": f"/matters?{query}"}
            for id_, name, query in session.execute(_LISTED, {"user": actor.user_id})]


def save(session: Session, actor: Actor, name: str, query: str, allowed: tuple[str, ...]) -> SavedView:
    name = name.strip()
    if not 1 <= len(name) <= MAX_NAME:
        raise BadRequest(f"请填写视图名称(不超过{MAX_NAME}个字)")
    cleaned = clean_query(query, allowed)
    if not cleaned:
        raise BadRequest("当前没有设置筛选条件,无需保存为视图")
    if len(cleaned) > MAX_QUERY:
        raise BadRequest("筛选条件过长,无法保存")
    mine = of_user(session, actor)
    if any(v.name == name for v in mine):
        raise Conflict(f"已有名为“{name}”的视图,请换一个名称或先删除原视图")
    if len(mine) >= MAX_PER_USER:
        raise Conflict(f"每人最多保存{MAX_PER_USER}个视图,请先删除不用的")
    row = SavedView(user_id=actor.user_id, name=name, query=cleaned)
    session.add(row)
    session.flush()
    return row


def delete(session: Session, actor: Actor, view_id: int) -> None:
    row = session.get(SavedView, view_id)
    if row is None or row.user_id != actor.user_id:
        raise NotFound("视图不存在或不是您保存的")
    session.delete(row)
    session.flush()


def built_in(query: Select, view: str, actor: Actor, acting: Node | None) -> Select:
    """``mine``: open matters that wait for the acting unit's act (it owns them and has the next
    step, or it is assigned them and has not replied, or it is reviewing them) or that the user
    registered. ``unit``: every matter of the acting unit's subtree or assigned to it."""
    if view not in BUILT_IN:
        raise BadRequest(f"视图应为:{'、'.join(f'{k}({v})' for k, v in BUILT_IN.items())}")
    if acting is None:
        raise BadRequest("请先在页面顶部选择以哪个单位的身份办理")
    assigned = select(MatterUnit.matter_id).where(MatterUnit.unit_id == acting.id)
    if view == "unit":
        return query.where(or_(getattr(Matter, COLUMN[Level(acting.level)]) == acting.id, Matter.id.in_(assigned)))
    waiting = assigned.where(MatterUnit.status.in_(("assigned", "accepted")))
    return query.where(Matter.state.in_(OPEN_STATES),
                       or_(Matter.created_by == actor.username,
                           (Matter.node_id == acting.id) & Matter.state.in_(OFFICE_TURN),
                           (Matter.review_node_id == acting.id) & Matter.state.in_(("reviewing", "rereviewing")),
                           Matter.id.in_(waiting)))
