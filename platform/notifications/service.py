"""Sending notices (once per dedupe key) and choosing the ones a user counts as their own."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor
from xinfang.platform.notifications.models import KINDS, Notification


def notify(session: Session, *, node_id: int, kind: str, title: str, text: str, dedupe_key: str,
           matter_id: int | None = None, user_id: int | None = None) -> Notification | None:
    """Add the notice unless one with this key exists anywhere (None then). A concurrent
    sender with the same key makes the commit fail on the unique key; retrying then adds
    nothing."""
    exists = session.execute(select(Notification.id).where(Notification.dedupe_key == dedupe_key),
                             execution_options={"skip_scope": True}).first()
    if exists is not None:
        return None
    notice = Notification(node_id=node_id, recipient_user_id=user_id, kind=kind, matter_id=matter_id,
                          title=title, text=text, dedupe_key=dedupe_key)
    session.add(notice)
    return notice


def addressed_to(actor: Actor, permission: str) -> ColumnElement[bool]:
    """A user's own notices: addressed to them, or to the whole of a node where they hold a
    role that grants ``permission`` (not the nodes below it: those have their own staff)."""
    nodes = sorted({a.node_id for a in actor.holding(permission) if a.node_id is not None})
    to_node = and_(Notification.recipient_user_id.is_(None), Notification.node_id.in_(nodes)) if nodes else false()
    return or_(Notification.recipient_user_id == actor.user_id, to_node)


def is_addressed_to(actor: Actor, permission: str, notice: Notification) -> bool:
    if notice.recipient_user_id is not None:
        return notice.recipient_user_id == actor.user_id
    return any(a.node_id == notice.node_id for a in actor.holding(permission))


def to_dict(notice: Notification) -> dict:
    return {"id": notice.id, "node_id": notice.node_id, "recipient_user_id": notice.recipient_user_id,
            "kind": notice.kind, "kind_label": KINDS.get(notice.kind, notice.kind), "matter_id": notice.matter_id,
            "title": notice.title, "text": notice.text, "created_at": notice.created_at.isoformat(),
            "read": notice.read_at is not None,
            "read_at": notice.read_at.isoformat() if notice.read_at else None, "read_by": notice.read_by}
