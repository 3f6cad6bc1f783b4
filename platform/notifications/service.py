"""Sending notices (once per dedupe key), handing them to the deployment's sender, and
choosing the ones a user counts as their own.

Services fire notices where the event happens (a registration, an assignment, a 督办, the
deadline scan), never routes. A notice is stored in-app in the caller's transaction, with
an outbox job that passes it to the ``NotificationSender`` (platform/senders.py) after the
commit; a rolled-back act leaves neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, and_, false, insert, or_, select
from sqlalchemy.orm import Session, sessionmaker

from xinfang.permissions.actor import Actor
from xinfang.platform import clock
from xinfang.platform.accounts.models import RoleAssignment, User
from xinfang.platform.audit.log import record
from xinfang.platform.jobs.outbox import enqueue_many
from xinfang.platform.notifications.models import HREF_LENGTH, KINDS, Notification
from xinfang.platform.senders import DEFAULT_SENDER, Outgoing, Recipient, load_sender
from xinfang.tenants.scope import Scope, ancestry_for

DELIVER_JOB = "notifications.deliver"
LEADER_ROLE = "leader"
_ALL = {"skip_scope": True}


def notify(session: Session, *, node_id: int, kind: str, title: str, text: str, dedupe_key: str,
           matter_id: int | None = None, user_id: int | None = None, href: str | None = None) -> Notification | None:
    """Add the notice unless one with this key exists anywhere (None then); see ``notify_many``."""
    made = notify_many(session, [{"node_id": node_id, "kind": kind, "title": title, "text": text,
                                  "dedupe_key": dedupe_key, "matter_id": matter_id, "user_id": user_id,
                                  "href": href}])
    return made[0] if made else None


def check_href(href: str | None) -> str | None:
    """A notice's own target: a path on this site ("/…"), never another host ("//host",
    "/\\host", which browsers read as one) nor a scheme: a sender's bug, so a ValueError."""
    if href is None:
        return None
    if (not href.startswith("/") or href.startswith("//") or "\\" in href or len(href) > HREF_LENGTH
            or any(ord(c) < 33 for c in href)):
        raise ValueError(f"a notice's href must be a path on this site, not {href[:60]!r}")
    return href


def notify_many(session: Session, notices: list[dict[str, Any]]) -> list[Notification]:
    """Add each notice (``notify``'s keyword arguments as a dict) whose key is not stored
    anywhere yet nor earlier in the list, in one flush, and return the ones added. A
    concurrent sender with the same key makes the commit fail on the unique key; retrying
    then adds nothing.

    The recipient may sit outside the acting session's scope (a township's third repeat
    tells the county's leaders, a village assigns to its township): such a notice is
    inserted directly and its audit record written here, as every write is audited."""
    taken = stored_keys(session, [n["dedupe_key"] for n in notices])
    scope: Scope | None = session.info.get("scope")
    made: list[Notification] = []
    with session.no_autoflush:  # one flush for the batch, not one per node looked up
        for n in notices:
            if n["dedupe_key"] in taken:
                continue
            taken.add(n["dedupe_key"])
            notice = Notification(node_id=n["node_id"], recipient_user_id=n.get("user_id"), kind=n["kind"],
                                  matter_id=n.get("matter_id"), href=check_href(n.get("href")), title=n["title"],
                                  text=n["text"], dedupe_key=n["dedupe_key"])
            ancestry = ancestry_for(session, notice) or {}
            if scope is None or scope.covers(ancestry):
                session.add(notice)
            else:
                values = {"node_id": notice.node_id, "recipient_user_id": notice.recipient_user_id, "kind": notice.kind,
                          "matter_id": notice.matter_id, "href": notice.href, "title": notice.title, "text": notice.text,
                          "dedupe_key": notice.dedupe_key, **ancestry}
                table = Notification.__table__
                notice.id = session.connection().execute(insert(table).values(**values).returning(table.c.id)).scalar_one()
                record(session, action="create", object_type=Notification.__tablename__, object_id=notice.id,
                       node_id=notice.node_id, after=values)
            made.append(notice)
    if made:
        session.flush()
        enqueue_many(session, DELIVER_JOB, [{"notification_id": notice.id} for notice in made])
    return made


def stored_keys(session: Session, keys: list[str]) -> set[str]:
    """The dedupe keys among ``keys`` that a stored notice already carries."""
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        found.update(session.scalars(select(Notification.dedupe_key).where(Notification.dedupe_key.in_(keys[i:i + 500])),
                                     execution_options=_ALL))
    return found


def notify_leaders(session: Session, *, node_id: int, kind: str, title: str, text: str, dedupe_key: str,
                   matter_id: int | None = None) -> list[Notification]:
    """One notice to each leader (``leader`` role) of the node (``notify_role``)."""
    return notify_role(session, role=LEADER_ROLE, node_id=node_id, kind=kind, title=title, text=text,
                       dedupe_key=dedupe_key, matter_id=matter_id)


def notify_role(session: Session, *, role: str, node_id: int, kind: str, title: str, text: str, dedupe_key: str,
                matter_id: int | None = None, href: str | None = None) -> list[Notification]:
    """One notice to each active holder of ``role`` at the node (key ``<dedupe_key>:u<user>``),
    or to the node as a whole (key ``dedupe_key``) when nobody holds it yet, so the notice is
    never lost. Returns the notices added (none when every key is stored already)."""
    holders = session.scalars(select(RoleAssignment.user_id).join(User, User.id == RoleAssignment.user_id)
                              .where(RoleAssignment.node_id == node_id, RoleAssignment.role == role,
                                     User.is_active.is_(True)).distinct().order_by(RoleAssignment.user_id),
                              execution_options=_ALL).all()
    targets: list[int | None] = list(holders) or [None]
    return notify_many(session, [{"node_id": node_id, "kind": kind, "title": title, "text": text,
                                  "matter_id": matter_id, "href": href, "user_id": user_id,
                                  "dedupe_key": f"{dedupe_key}:u{user_id}" if user_id else dedupe_key}
                                 for user_id in targets])


def recipients(session: Session, notice: Notification) -> tuple[Recipient, ...]:
    """The person it is addressed to, or every active user holding a role at its node."""
    query = select(User.id, User.username, User.display_name).where(User.is_active.is_(True))
    if notice.recipient_user_id is not None:
        query = query.where(User.id == notice.recipient_user_id)
    else:
        held = select(RoleAssignment.user_id).where(RoleAssignment.node_id == notice.node_id)
        query = query.where(User.id.in_(held))
    return tuple(Recipient(*row) for row in session.execute(query.order_by(User.id), execution_options=_ALL))


def deliver_job(session_factory: sessionmaker, payload: dict[str, Any]) -> str:
    """The outbox job: pass one stored notice to the configured sender."""
    with session_factory(scope=Scope.system()) as session:
        notice = session.get(Notification, int(payload["notification_id"]))
        if notice is None:
            return f"提醒 {payload['notification_id']} 不存在"
        message = Outgoing(notification_id=notice.id, kind=notice.kind, title=notice.title, text=notice.text,
                           node_id=notice.node_id, matter_id=notice.matter_id, recipients=recipients(session, notice))
        sender = load_sender(session.info.get("notification_sender") or DEFAULT_SENDER)
    return sender.send(message)


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


def target(notice: Notification) -> str:
    """What the notice opens: the page its sender gave, else its matter ("" if neither)."""
    if notice.href:
        return notice.href
    return f"/matters/{notice.matter_id}" if notice.matter_id else ""


def mark_read(actor: Actor, permission: str, notice: Notification) -> bool:
    """Mark a notice read by ``actor``; False if it is not theirs (``is_addressed_to``)."""
    if not is_addressed_to(actor, permission, notice):
        return False
    if notice.read_at is None:
        notice.read_at, notice.read_by = clock.now(), actor.display_name or actor.username
    return True


READ_ALL_AT_ONCE = 500


def mark_all_read(session: Session, actor: Actor, permission: str, kind: str | None = None) -> int:
    """Mark the actor's unread notices (of ``kind``) read, at most ``READ_ALL_AT_ONCE``; how many."""
    query = select(Notification).where(addressed_to(actor, permission), Notification.read_at.is_(None))
    if kind is not None:
        query = query.where(Notification.kind == kind)
    now, name = clock.now(), actor.display_name or actor.username
    marked = 0
    for notice in session.scalars(query.order_by(Notification.id).limit(READ_ALL_AT_ONCE)):
        notice.read_at, notice.read_by = now, name
        marked += 1
    return marked


def to_dict(notice: Notification, kinds: Mapping[str, str] = KINDS) -> dict:
    """``kinds``: the labels of every kind, the plugins' included (``kinds.notice_kinds``)."""
    return {"id": notice.id, "node_id": notice.node_id, "recipient_user_id": notice.recipient_user_id,
            "kind": notice.kind, "kind_label": kinds.get(notice.kind, notice.kind), "matter_id": notice.matter_id,
            "href": notice.href, "title": notice.title, "text": notice.text,
            "created_at": notice.created_at.isoformat(), "read": notice.read_at is not None,
            "read_at": notice.read_at.isoformat() if notice.read_at else None, "read_by": notice.read_by}
