"""What a viewer is shown of a matter: personal data masked, and an accused unit never
sees who accused it or the accusation's materials (条例 Art. 30)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import NoResultFound

from xinfang.permissions.actor import Actor, authorize
from xinfang.platform.errors import Forbidden
from xinfang.platform.matters import clocks, delivery, opinions, ownership, recusals, supervision, vocabulary
from xinfang.platform.matters.models import (
    MATTER_FIELDS,
    PETITIONER_FIELDS,
    FollowUp,
    Matter,
    MatterAgreement,
    MatterClock,
    MatterEvent,
    MatterOpinion,
    MatterPetitioner,
    MatterUnit,
)
from xinfang.platform.matters.states import STATES, allowed
from xinfang.platform.privacy.fields import Viewer
from xinfang.platform.public import evaluations
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node
from xinfang.tenants.scope import node_by_id


def _node(session: Session, node_id: int | None) -> Node | None:
    if node_id is None:
        return None
    node = node_by_id(session, node_id)
    if node is None:
        raise NoResultFound(f"node {node_id}")
    return node


def with_materials(session: Session, actor: Actor, matter_id: int, what: str) -> Matter:
    """The matter whose papers (documents, attachments) the viewer opens: 404 outside their
    scope, 403 for the accused of a 检举控告 (Art. 30: not even the paper trail)."""
    matter = get_or_404(session, Matter, matter_id, "信访事项")
    if acts_for_accused(session, actor, matter):
        raise Forbidden(f"被检举控告的单位和人员不能查看{what}")
    return matter


def acts_for_accused(session: Session, actor: Actor, matter: Matter) -> bool:
    """True when the viewer is an accused person (wherever they sit in the tree, a leader above
    the accused unit included), or any of the viewer's matter roles sits inside the accused
    unit's subtree."""
    if matter.kind != "accusation":
        return False
    if actor.user_id in (matter.accused_user_ids or []):
        return True
    if matter.accused_node_id is None:
        return False
    accused = _node(session, matter.accused_node_id)
    column = COLUMN[Level(accused.level)]
    for assignment in actor.holding("matters:read"):
        if assignment.node_id is None:
            continue
        node = _node(session, assignment.node_id)
        if node.ancestry_with_self().get(column) == accused.id:
            return True
    return False


def viewer_for(session: Session, actor: Actor, matter: Matter, unmask: bool = False) -> Viewer:
    owner = _node(session, matter.node_id)
    return Viewer(may_read_pii=authorize(actor, owner, "pii", "read"), unmask=unmask,
                  accused=acts_for_accused(session, actor, matter))


def person_matters_query(id_number: str):
    """一人一档: the matters whose petitioners carry this identity number, newest first — across
    files and nodes; the scoped session the caller runs it on keeps only those it may see."""
    theirs = select(MatterPetitioner.matter_id).where(MatterPetitioner.id_number == id_number)
    return select(Matter).where(Matter.id.in_(theirs)).order_by(Matter.received_on.desc(), Matter.id.desc())


def summary(matter: Matter) -> dict:
    """A list row: no personal data at all."""
    return {
        "id": matter.id, "number": matter.number, "node_id": matter.node_id, "state": matter.state,
        "state_label": STATES[matter.state], "channel": matter.channel,
        "channel_label": vocabulary.label(vocabulary.CHANNELS, matter.channel), "form": matter.form,
        "form_label": vocabulary.label(vocabulary.FORMS, matter.form), "headcount": matter.headcount,
        "kind": matter.kind, "kind_label": vocabulary.label(vocabulary.KINDS, matter.kind),
        "category": matter.category, "summary": matter.summary, "overreach": matter.overreach,
        "overreach_label": vocabulary.label(vocabulary.OVERREACH, matter.overreach),
        "received_on": matter.received_on.isoformat(), "due_on": matter.due_on.isoformat() if matter.due_on else None,
        "deadline_state": matter.deadline_state,
        "deadline_state_label": clocks.STATES.get(matter.deadline_state or "", None),
        "repeat_count": matter.repeat_count, "is_repeat": matter.repeat_of_id is not None,
        "is_first": matter.is_first, "needs_ownership": matter.needs_ownership, "extended": matter.extended,
        "place_node_id": matter.place_node_id, "route": matter.route,
        "route_label": vocabulary.ROUTES.get(matter.route) if matter.route else None,
        "closed_on": matter.closed_on.isoformat() if matter.closed_on else None,
    }


@dataclass(frozen=True)
class Registered:
    """What a registration wrote beside the matter row: its answer is built from these, since
    nothing else (units, opinions, deliveries, ownership …) can hang on a matter just made."""

    petitioners: list[MatterPetitioner]
    clocks: list[MatterClock]
    events: list[MatterEvent]
    nodes: list[Node]  # the owner and the place


def detail(session: Session, actor: Actor, matter: Matter, unmask: bool = False,
           registered: Registered | None = None) -> dict:
    viewer = viewer_for(session, actor, matter, unmask)
    accusation = matter.kind == "accusation"
    if registered is not None:
        return _answer(session, matter, viewer, accusation, registered.petitioners, [],
                       {n.id: n.name for n in registered.nodes}, registered.events, registered.clocks, [], fresh=True)
    petitioners = session.scalars(select(MatterPetitioner).where(MatterPetitioner.matter_id == matter.id)
                                  .order_by(MatterPetitioner.id)).all()
    units = session.scalars(select(MatterUnit).where(MatterUnit.matter_id == matter.id).order_by(MatterUnit.id)).all()
    unit_names = {n.id: n.name for n in session.execute(
        select(Node).where(Node.id.in_([u.unit_id for u in units] + [matter.node_id, matter.place_node_id,
                                                                      matter.review_node_id or matter.node_id])),
        execution_options={"skip_scope": True}).scalars()}
    timeline = session.scalars(select(MatterEvent).where(MatterEvent.matter_id == matter.id)
                               .order_by(MatterEvent.at, MatterEvent.id)).all()
    matter_clocks = session.scalars(select(MatterClock).where(MatterClock.matter_id == matter.id)
                                    .order_by(MatterClock.id)).all()
    follow_ups = session.scalars(select(FollowUp).where(FollowUp.matter_id == matter.id).order_by(FollowUp.id)).all()
    return _answer(session, matter, viewer, accusation, petitioners, units, unit_names, timeline, matter_clocks,
                   follow_ups, fresh=False)


def _answer(session: Session, matter: Matter, viewer: Viewer, accusation: bool, petitioners: Sequence[MatterPetitioner],
            units: Sequence[MatterUnit], unit_names: dict[int, str], timeline: Sequence[MatterEvent],
            matter_clocks: Sequence[MatterClock], follow_ups: Sequence[FollowUp], fresh: bool) -> dict:
    """The detail from its parts; ``fresh``: a matter registered in this request, whose other
    lists are empty (not read)."""
    body = MATTER_FIELDS.redact({**summary(matter), "demands": matter.demands, "attachments": matter.attachments},
                                viewer, accusation)
    return {
        **body,
        "owner_name": unit_names.get(matter.node_id),
        "place_name": unit_names.get(matter.place_node_id),
        "transfer": {"body": matter.transfer_body, "doc_no": matter.transfer_doc_no,
                     "due_on": matter.transfer_due_on.isoformat() if matter.transfer_due_on else None,
                     "feedback_on": matter.feedback_on.isoformat() if matter.feedback_on else None}
        if matter.transfer_body else None,
        "review_body": matter.review_outside or unit_names.get(matter.review_node_id or 0),
        "review_outside": bool(matter.review_outside),
        "opinions": [] if fresh else [opinions.to_dict(o) for o in session.scalars(
            select(MatterOpinion).where(MatterOpinion.matter_id == matter.id).order_by(MatterOpinion.id))],
        "deliveries": [] if fresh else delivery.listing(session, matter),
        "agreements": [] if fresh else [
            {"mode": a.mode, "mode_label": vocabulary.AGREEMENT_MODES[a.mode], "terms": a.terms,
             "parties": a.parties, "concluded_on": a.concluded_on.isoformat()}
            for a in session.scalars(select(MatterAgreement).where(MatterAgreement.matter_id == matter.id)
                                     .order_by(MatterAgreement.id))],
        "recusals": [] if fresh else recusals.listing(session, matter),
        "joint_signature": matter.joint_signature, "law_related": matter.law_related,
        "accused_node_id": None if viewer.accused else matter.accused_node_id,
        "accused_user_ids": [] if viewer.accused else list(matter.accused_user_ids or []),
        "repeat_of_id": matter.repeat_of_id, "lower_level_id": matter.lower_level_id,
        # only the number of a linked matter: the viewer may not be allowed to see it
        "repeat_of_number": _number(session, matter.repeat_of_id),
        "lower_level_number": _number(session, matter.lower_level_id),
        "ownership": None if fresh else ownership.view(session, matter, hide_notes=viewer.accused and accusation),
        "petitioners": [PETITIONER_FIELDS.redact(_petitioner(p), viewer, accusation) for p in petitioners],
        "units": [{"unit_id": u.unit_id, "unit_name": unit_names.get(u.unit_id), "role": u.role, "mode": u.mode,
                   "mode_label": vocabulary.label(vocabulary.JOINT_MODES, u.mode), "status": u.status,
                   "assigned_on": u.assigned_on.isoformat(), "contribution": u.contribution,
                   "report_due_on": u.report_due_on.isoformat() if u.report_due_on else None,
                   "reported_on": u.reported_on.isoformat() if u.reported_on else None} for u in units],
        "clocks": [clocks.to_dict(c) for c in matter_clocks],
        "supervision": [] if fresh else supervision.listing(session, matter.id),
        "timeline": [_event(e, viewer.accused and accusation) for e in timeline],
        "evaluations": [] if fresh else evaluations.listing(session, matter.id),  # the petitioner's own ratings
        "follow_ups": [{"on": f.on.isoformat(), "by": f.by, "satisfaction": f.satisfaction,
                        "stopped_petitioning": f.stopped_petitioning, "note": f.note} for f in follow_ups],
        "actions": [{"action": t.action, "label": t.label} for t in allowed(matter.state, matter.kind, matter.route)],
        "may_reveal": viewer.may_read_pii and not viewer.accused,
        "protected": viewer.accused and accusation,
    }


def _petitioner(p: MatterPetitioner) -> dict:
    return {"id": p.id, "person_id": p.person_id, "name": p.name, "id_number": p.id_number, "phone": p.phone,
            "address": p.address, "representative": p.representative}


def _number(session: Session, matter_id: int | None) -> str | None:
    if matter_id is None:
        return None
    return session.execute(select(Matter.number).where(Matter.id == matter_id),
                           execution_options={"skip_scope": True}).scalar_one_or_none()


# Entries whose notes may name or describe the accuser (the registration, 包案 work records).
_ACCUSER_NOTES = frozenset({"register", "ownership_item"})


def _event(e: MatterEvent, hide_actor_notes: bool) -> dict:
    hidden = hide_actor_notes and e.action in _ACCUSER_NOTES
    data = {k: v for k, v in e.data.items() if k != "evidence"} if hidden else e.data
    return {"id": e.id, "at": e.at.isoformat(), "on": e.on.isoformat(), "actor_name": e.actor_name,
            "node_id": e.node_id, "action": e.action, "label": e.label, "from_state": e.from_state,
            "to_state": e.to_state, "note": "" if hidden else e.note, "data": data}


def matter_numbers(session: Session, ids: list[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    return dict(session.execute(select(Matter.id, Matter.number).where(Matter.id.in_(wanted))).all())
