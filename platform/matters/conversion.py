"""Turning a ledger row, a reception or an intake case into a petition matter in one step.

The matter is registered through the matters service (its checks, numbering, clocks and
timeline), by the office of the person converting it: the deepest node where they hold
``matters:register`` whose subtree contains the row. The link is kept both ways: the
caller stores the matter id on its row, and the matter's timeline records where it came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor
from xinfang.platform.errors import BadRequest, Conflict, Forbidden
from xinfang.platform.matters import timeline, vocabulary
from xinfang.platform.matters.models import Matter
from xinfang.platform.matters.service import MatterIn, PetitionerIn, register
from xinfang.platform.people.files import Party
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.models import Node

DEPTH = {Level.COUNTY: 0, Level.TOWNSHIP: 1, Level.DEPARTMENT: 1, Level.VILLAGE: 2, Level.GRID: 3}
# A visit of five or more people is a 集体访 unless the clerk says otherwise.
COLLECTIVE_FROM = 5


@dataclass
class Source:
    """What the matter is made from."""

    kind: str  # screening | reception | intake
    id: int
    label: str  # the timeline label, e.g. "由矛盾纠纷排查化解清单转入"
    node_id: int
    received_on: dt.date
    category: str
    summary: str
    party: Party
    demands: str = ""
    headcount: int = 1
    existing_matter_id: int | None = None


@dataclass
class Options:
    """What the clerk chooses when converting (defaults suit the usual case)."""

    kind: str = "claim"
    channel: str = "visit"
    form: str | None = None
    node_id: int | None = None  # the registering office; default: the converter's own office


def registering_office(session: Session, actor: Actor, row_node: Node) -> Node:
    ancestry = row_node.ancestry_with_self()
    best = None
    for a in actor.holding("matters:register"):
        if a.node_id is None or a.level is None:
            continue
        level = Level(a.level)
        if ancestry.get(COLUMN[level]) == a.node_id and (best is None or DEPTH[level] > DEPTH[best[0]]):
            best = (level, a.node_id)
    if best is None:
        raise Forbidden("您没有在该记录所属单位或其上级单位登记信访事项的权限")
    return session.execute(select(Node).where(Node.id == best[1]), execution_options={"skip_scope": True}).scalar_one()


def open_matter(session: Session, actor: Actor, source: Source, options: Options) -> Matter:
    if source.existing_matter_id is not None:
        raise Conflict("该记录已转为信访事项,不能重复登记")
    if not source.party.id_number:
        raise BadRequest("登记信访事项需要信访人的身份证号,请先在记录中补全当事人身份证号")
    vocabulary.check(vocabulary.KINDS, options.kind, "事项类别")
    row_node = session.execute(select(Node).where(Node.id == source.node_id),
                               execution_options={"skip_scope": True}).scalar_one()
    office_id = options.node_id if options.node_id is not None else registering_office(session, actor, row_node).id
    headcount = max(source.headcount, 1)
    form = options.form or ("collective" if headcount >= COLLECTIVE_FROM else "individual")
    party = source.party.cleaned()
    matter = register(session, actor, MatterIn(
        node_id=office_id, channel=options.channel, form=form, kind=options.kind, category=source.category,
        summary=source.summary, demands=source.demands, headcount=headcount, received_on=source.received_on,
        petitioners=[PetitionerIn(party.name, party.id_number, party.phone, party.address,
                                  representative=form == "collective")]))
    timeline.add(session, actor, matter, "linked", source.label[:64], source.received_on, office_id,
                 f"来源记录编号 {source.id}",
                 {"source": source.kind, "source_id": source.id, "source_node_id": source.node_id})
    session.flush()
    return matter
