"""The backlog ledger (信访积案和突出问题化解清单, annex 2): matters listed for resolution,
each with the 五个一 checklist (seed 001) and a deadline.

A row counts as resolved only when all five are in place. ``candidates()`` lists what
"应列尽列" asks for: open matters that are overdue, repeated, or reached the province or
Beijing, and are not on the ledger yet.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor
from xinfang.platform.column_checks import too_long
from xinfang.platform.errors import BadRequest, Conflict
from xinfang.platform.ledgers import changes as changes_
from xinfang.platform.ledgers import vocabulary as v
from xinfang.platform.ledgers.models import BacklogEntry
from xinfang.platform.matters import views as matter_views
from xinfang.platform.matters.models import Matter, MatterPetitioner
from xinfang.platform.matters.states import OPEN_STATES, STATES
from xinfang.platform.privacy.fields import PROTECTED_NOTICE
from xinfang.platform.web.inputs import Bounded, Code, Id, Name, Note
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node

MAX_CANDIDATES = 500


@dataclasses.dataclass
class BacklogIn(Bounded):
    matter_id: Id
    deadline: dt.date
    node_id: Id | None = None
    reasons: list[Code] = dataclasses.field(default_factory=list)
    cause: Note = ""
    leader: Name = ""
    task_team: Note = ""
    plan: Note = ""
    minutes: Note = ""
    stabilising: Note = ""
    progress: Note = ""
    status: Code = "pending"


UPDATABLE = ("reasons", "cause", "leader", "task_team", "plan", "minutes", "stabilising", "deadline", "progress",
             "status")


def matter_of(session: Session, matter_id: int | None) -> Matter:
    return get_or_404(session, Matter, matter_id, "信访事项")


def problems(session: Session, data: BacklogIn, today: dt.date) -> list[str]:
    found = v.check_many(v.BACKLOG_REASONS, data.reasons, "列入原因")
    if not data.reasons:
        found.append("请至少选择一项列入原因")
    if data.status not in v.STATUSES:
        found.append(f"化解状态应为:{'、'.join(v.STATUSES.values())}")
    if data.deadline < today:
        found.append("化解时限不能早于今天")
    found += too_long(BacklogEntry, {"leader": data.leader}, {"leader": "包案领导"})
    if data.status == "resolved":
        found += _unfinished(data)
    if _listed(session, data.matter_id):
        found.append("该信访事项已列入积案化解清单")
    return found


def _listed(session: Session, matter_id: int) -> bool:
    """Listed anywhere, also by an office outside this session's scope (one row per matter)."""
    return session.execute(select(BacklogEntry.id).where(BacklogEntry.matter_id == matter_id),
                           execution_options={"skip_scope": True}).first() is not None


def _unfinished(row: BacklogIn | BacklogEntry) -> list[str]:
    missing = [text for key, text in v.FIVE_ONES.items() if not str(getattr(row, key) or "").strip()]
    if missing:
        return [f"“五个一”措施尚未落实完毕({'、'.join(missing)}),不能标记为已化解"]
    return []


def create(session: Session, actor: Actor, data: BacklogIn, today: dt.date) -> BacklogEntry:
    matter = matter_of(session, data.matter_id)
    node = _node(session, data.node_id if data.node_id is not None else matter.node_id)
    if _listed(session, matter.id):
        raise Conflict("该信访事项已列入积案化解清单")
    found = problems(session, data, today)
    if found:
        raise BadRequest(";".join(found), details=[{"message": p} for p in found])
    return add(session, actor, node, matter, data, today)


def _node(session: Session, node_id: int) -> Node:
    return get_or_404(session, Node, node_id, "单位")


def add(session: Session, actor: Actor, node: Node, matter: Matter, data: BacklogIn, today: dt.date) -> BacklogEntry:
    entry = BacklogEntry(node_id=node.id, matter_id=matter.id, listed_on=today, reasons=list(data.reasons),
                         cause=data.cause.strip(), leader=data.leader.strip(), task_team=data.task_team.strip(),
                         plan=data.plan.strip(), minutes=data.minutes.strip(), stabilising=data.stabilising.strip(),
                         deadline=data.deadline, progress=data.progress.strip(), status=data.status,
                         created_by=actor.username)
    return changes_.insert(session, entry, today)


def update(session: Session, entry: BacklogEntry, changes: dict, today: dt.date) -> BacklogEntry:
    changes_.refuse_unknown(changes, UPDATABLE)
    merged = BacklogIn(matter_id=entry.matter_id, **({k: getattr(entry, k) for k in UPDATABLE} | changes))
    found = v.check_many(v.BACKLOG_REASONS, merged.reasons, "列入原因")
    if not merged.reasons:
        found.append("请至少选择一项列入原因")
    if merged.status not in v.STATUSES:
        found.append(f"化解状态应为:{'、'.join(v.STATUSES.values())}")
    if merged.deadline is None:
        found.append("化解时限不能为空")
    elif merged.deadline < entry.listed_on:
        found.append("化解时限不能早于列入日期")
    found += too_long(BacklogEntry, {"leader": merged.leader}, {"leader": "包案领导"})
    if found:
        raise BadRequest(";".join(found))
    if merged.status == "resolved" and (missing := _unfinished(merged)):
        raise Conflict(missing[0])
    changes_.apply(entry, changes, today)
    session.flush()
    return entry


def candidates(session: Session) -> list[dict]:
    """Open matters in scope that belong on the backlog ledger and are not on it yet."""
    listed = select(BacklogEntry.matter_id)
    matters = session.scalars(
        select(Matter).where(Matter.state.in_(OPEN_STATES), Matter.id.not_in(listed),
                             or_(Matter.deadline_state == "overdue", Matter.repeat_of_id.is_not(None),
                                 Matter.overreach.in_(("province", "beijing"))))
        .order_by(Matter.received_on, Matter.id).limit(MAX_CANDIDATES)).all()
    out = []
    for m in matters:
        reasons = [k for k, hit in (("overdue", m.deadline_state == "overdue"), ("repeat", m.repeat_of_id is not None),
                                    ("overreach", m.overreach in ("province", "beijing"))) if hit]
        out.append({**matter_views.summary(m), "matter_id": m.id, "reasons": reasons,
                    "reason_labels": v.labels(v.BACKLOG_REASONS, reasons)})
    return out


def petitioner_names(session: Session, actor: Actor | None, matters: list[Matter]) -> dict[int, str]:
    """Petitioners' names per matter; hidden from a viewer acting for an accused unit (Art. 30)."""
    ids = [m.id for m in matters]
    if not ids:
        return {}
    names: dict[int, list[str]] = {}
    for matter_id, name in session.execute(select(MatterPetitioner.matter_id, MatterPetitioner.name)
                                           .where(MatterPetitioner.matter_id.in_(ids))
                                           .order_by(MatterPetitioner.id)).all():
        names.setdefault(matter_id, []).append(name)
    out = {}
    for m in matters:
        hidden = actor is not None and matter_views.acts_for_accused(session, actor, m)
        out[m.id] = PROTECTED_NOTICE if hidden else "、".join(names.get(m.id, []))
    return out


def to_dict(entry: BacklogEntry, matter: Matter | None, petitioners: str, node_name: str, today: dt.date) -> dict:
    checklist = entry.five_ones()
    return {
        "id": entry.id, "node_id": entry.node_id, "node_name": node_name, "matter_id": entry.matter_id,
        "matter_number": matter.number if matter else None, "matter_state": matter.state if matter else None,
        "matter_state_label": STATES.get(matter.state) if matter else None,
        "category": matter.category if matter else "", "summary": matter.summary if matter else "",
        "petitioners": petitioners, "listed_on": entry.listed_on.isoformat(), "reasons": list(entry.reasons),
        "reason_labels": v.labels(v.BACKLOG_REASONS, entry.reasons), "cause": entry.cause, "leader": entry.leader,
        "task_team": entry.task_team, "plan": entry.plan, "minutes": entry.minutes, "stabilising": entry.stabilising,
        "five_ones": checklist, "deadline": entry.deadline.isoformat(), "progress": entry.progress,
        "status": entry.status, "status_label": v.label(v.STATUSES, entry.status),
        "resolved_on": entry.resolved_on.isoformat() if entry.resolved_on else None,
        "overdue": entry.status != "resolved" and entry.deadline < today,
        "created_by": entry.created_by, "created_at": entry.created_at.isoformat(),
    }
