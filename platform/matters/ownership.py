"""领导包案: a leader personally owns a hard matter, with a responsibility checklist (四包 in
seed 001, 五包 in seed 003), each item ticked by that leader with a note and its evidence.

The checklist belongs to each ownership: the county's rule by default, or the one the caller
names (a 积案化解年 campaign assigns its 积案 with 五包 while the petition month's 包案 keeps the
county's 四包). It is copied onto the ownership when it is assigned, so a county changing its
rule later does not rewrite the commitments already made. A matter has at most one current
owner; replacing the owner ends the earlier ownership, which stays on record.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Row, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from xinfang.permissions.actor import Actor, authorize
from xinfang.platform import clock
from xinfang.platform.accounts.models import RoleAssignment, User
from xinfang.platform.db import Base, UTCDateTime
from xinfang.platform.errors import BadRequest, Conflict, Forbidden
from xinfang.platform.matters import timeline
from xinfang.platform.matters.models import Matter, _OfMatter
from xinfang.platform.matters.rules import CHECKLISTS, rules_for
from xinfang.platform.matters.states import FINAL_STATES
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.models import Node

CHECKLIST_LABELS = {"four": "四包", "five": "五包"}
LEADER_ROLE = "leader"
_ALL = {"skip_scope": True}


class MatterOwnership(_OfMatter, Base):
    """One leader's ownership of one matter (``ended_on`` set once another leader takes over)."""

    __tablename__ = "matter_ownerships"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    leader_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    leader_name: Mapped[str] = mapped_column(String(64))
    leader_position: Mapped[str] = mapped_column(String(64), default="")
    checklist: Mapped[str] = mapped_column(String(8))  # four | five
    assigned_on: Mapped[dt.date] = mapped_column(Date)
    assigned_by_id: Mapped[int | None] = mapped_column(Integer)
    assigned_by: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)


class MatterOwnershipItem(_OfMatter, Base):
    """One responsibility of the checklist (e.g. 包掌握情况), ticked by the owning leader."""

    __tablename__ = "matter_ownership_items"
    __table_args__ = (UniqueConstraint("ownership_id", "position", name="uq_matter_ownership_items_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ownership_id: Mapped[int] = mapped_column(ForeignKey("matter_ownerships.id", ondelete="CASCADE"), index=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(32))
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    done_by_id: Mapped[int | None] = mapped_column(Integer)
    done_by: Mapped[str] = mapped_column(String(64), default="")
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


def current(session: Session, matter: Matter) -> MatterOwnership | None:
    return session.scalar(select(MatterOwnership).where(MatterOwnership.matter_id == matter.id,
                                                        MatterOwnership.ended_on.is_(None))
                          .order_by(MatterOwnership.id.desc()).limit(1))


def items(session: Session, ownership: MatterOwnership) -> list[MatterOwnershipItem]:
    return list(session.scalars(select(MatterOwnershipItem).where(MatterOwnershipItem.ownership_id == ownership.id)
                                .order_by(MatterOwnershipItem.position)))


def _owner_node(session: Session, matter: Matter) -> Node:
    return session.execute(select(Node).where(Node.id == matter.node_id), execution_options=_ALL).scalar_one()


def _leader(session: Session, user_id: int, owner: Node) -> Row:
    """The user, if active and holding the leader role at the matter's node or above it.

    Looked up across the county tree (a township officer names a county leader), and the
    same answer whether the user does not exist or is out of reach: no user is revealed."""
    user = session.execute(select(User.id, User.display_name, User.position)
                           .where(User.id == user_id, User.is_active.is_(True)), execution_options=_ALL).first()
    held = [] if user is None else session.execute(
        select(RoleAssignment.node_id, Node.level).join(Node, Node.id == RoleAssignment.node_id)
        .where(RoleAssignment.user_id == user.id, RoleAssignment.role == LEADER_ROLE),
        execution_options=_ALL).all()
    ancestry = owner.ancestry_with_self()
    if not any(ancestry.get(COLUMN[Level(level)]) == node_id for node_id, level in held):
        raise BadRequest(f"包案领导应为负责“{owner.name}”的领导(本级或上级领导账号);所选用户不是领导或不在该范围内")
    return user


def leaders_for(session: Session, owner: Node) -> list[Row]:
    """The users ``_leader`` accepts for a matter of ``owner``: active, holding the leader role
    at ``owner`` or above it (the choices of a 包案 form), nearest first."""
    nodes = [n for n in owner.ancestry_with_self().values() if n is not None]
    return list(session.execute(
        select(User.id, User.display_name, User.position, Node.name.label("node_name"), Node.level)
        .join(RoleAssignment, RoleAssignment.user_id == User.id).join(Node, Node.id == RoleAssignment.node_id)
        .where(RoleAssignment.role == LEADER_ROLE, RoleAssignment.node_id.in_(nodes), User.is_active.is_(True))
        .order_by(Node.level.desc(), User.display_name).distinct(), execution_options=_ALL).all())


def assign(session: Session, actor: Actor, matter: Matter, leader_user_id: int, note: str,
           on: dt.date, checklist: str | None = None) -> MatterOwnership:
    """An officer of the owning office (or a leader over it) names the leader who owns the
    matter, with ``checklist`` (``four``/``five``; default: the county's rule)."""
    if checklist is not None and checklist not in CHECKLISTS:
        raise BadRequest(f"包案责任清单应为:{'、'.join(CHECKLIST_LABELS.values())}")
    owner = _owner_node(session, matter)
    if not (authorize(actor, owner, "matters", "assign") or authorize(actor, owner, "matters", "approve")):
        raise Forbidden("只有事项所属单位的信访干部或领导可以确定包案领导")
    if matter.state in FINAL_STATES:
        raise Conflict("事项已办结或终结,不能再确定包案领导")
    leader = _leader(session, leader_user_id, owner)
    previous = current(session, matter)
    if previous is not None and previous.leader_user_id == leader.id:
        raise Conflict(f"{leader.display_name}已是本事项的包案领导")
    checklist = checklist or rules_for(session, matter.county_id).ownership_checklist
    if previous is not None:
        previous.ended_on = on
    ownership = MatterOwnership(matter_id=matter.id, leader_user_id=leader.id, leader_name=leader.display_name,
                                leader_position=leader.position, checklist=checklist, assigned_on=on,
                                assigned_by_id=actor.user_id, assigned_by=actor.display_name, note=note.strip())
    session.add(ownership)
    session.flush()
    for position, label in enumerate(CHECKLISTS[checklist], start=1):
        session.add(MatterOwnershipItem(ownership_id=ownership.id, matter_id=matter.id, position=position, label=label))
    label = "更换包案领导" if previous is not None else "确定包案领导"
    timeline.add(session, actor, matter, "ownership", label, on, owner.id,
                 note.strip() or f"由{leader.display_name}包案,落实“{CHECKLIST_LABELS[checklist]}”责任",
                 {"leader_user_id": leader.id, "leader_name": leader.display_name,
                  "leader_position": leader.position, "checklist": checklist,
                  "items": list(CHECKLISTS[checklist]),
                  "previous_leader_name": previous.leader_name if previous is not None else None})
    return ownership


def tick(session: Session, actor: Actor, matter: Matter, label: str, note: str, evidence: str, done: bool,
         on: dt.date) -> MatterOwnershipItem:
    """Only the owning leader ticks (or unticks) a responsibility, with a note and evidence."""
    ownership = current(session, matter)
    if ownership is None:
        raise Conflict("本事项尚未确定包案领导")
    if actor.user_id != ownership.leader_user_id:
        raise Forbidden("只有包案领导本人可以落实包案责任清单")
    found = [i for i in items(session, ownership) if i.label == label.strip()]
    if not found:
        names = "、".join(CHECKLISTS[ownership.checklist])
        raise BadRequest(f"包案责任清单中没有“{label}”,应为:{names}")
    item = found[0]
    note, evidence = note.strip(), evidence.strip()
    if done and (not note or not evidence):
        raise BadRequest("落实包案责任须填写落实情况说明和佐证材料")
    item.done, item.note, item.evidence = done, note, evidence
    item.done_by_id, item.done_by, item.done_at = actor.user_id, actor.display_name, clock.now()
    timeline.add(session, actor, matter, "ownership_item", f"{'落实' if done else '撤销'}包案责任:{item.label}", on,
                 None, note, {"item": item.label, "done": done, "evidence": evidence,
                              "ownership_id": ownership.id})
    return item


def view(session: Session, matter: Matter, hide_notes: bool = False) -> dict | None:
    """The current owner, the checklist and its progress, for the matter's detail."""
    ownership = current(session, matter)
    if ownership is None:
        return None
    checklist = items(session, ownership)
    return {
        "id": ownership.id, "leader_user_id": ownership.leader_user_id, "leader_name": ownership.leader_name,
        "leader_position": ownership.leader_position, "assigned_on": ownership.assigned_on.isoformat(),
        "assigned_by": ownership.assigned_by, "note": "" if hide_notes else ownership.note,
        "checklist": ownership.checklist, "checklist_label": CHECKLIST_LABELS[ownership.checklist],
        "items": [{"position": i.position, "label": i.label, "done": i.done,
                   "note": "" if hide_notes else i.note, "evidence": "" if hide_notes else i.evidence,
                   "done_by": i.done_by, "done_at": i.done_at.isoformat() if i.done_at else None}
                  for i in checklist],
        "progress": {"done": sum(i.done for i in checklist), "total": len(checklist)},
    }
