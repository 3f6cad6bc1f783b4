"""重信重访 and 条例 Art. 19: finding the same person's earlier matter on the same problem.

A person keeps petitioning wherever they like, so the search is county-wide whatever the
registering user may see (``skip_scope``). Only ids, numbers and states of the other
matters are read here, and only their id and number are written onto the new matter, so
a viewer who cannot see the earlier matter learns nothing of its content.

A chain is its first matter and every matter linked to it (``repeat_of_id``); a matter's
``repeat_count`` is its place in the chain in registration order (1 = first). Seed 000:
同一问题重复信访3次以上的 … 实行县级领导挂牌包案 — the third raises ``needs_ownership``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Row, bindparam, func, or_, select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor, authorize
from xinfang.platform import clock
from xinfang.platform.errors import Conflict, Forbidden
from xinfang.platform.matters import timeline
from xinfang.platform.matters.clocks import RULES
from xinfang.platform.matters.models import Matter, MatterClock, MatterPetitioner
from xinfang.platform.matters.states import OPEN_STATES
from xinfang.platform.notifications.service import notify_leaders
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.models import Node

OWNERSHIP_AT = 3  # seed 000: 同一问题重复信访3次以上 → 县级领导挂牌包案
_ALL = {"skip_scope": True}


def _node(session: Session, node_id: int) -> Node:
    return session.execute(select(Node).where(Node.id == node_id), execution_options=_ALL).scalar_one()


def _number(session: Session, matter_id: int) -> str:
    return session.execute(select(Matter.number).where(Matter.id == matter_id), execution_options=_ALL).scalar_one()


def same_problem(session: Session, county_id: int | None, category: str, id_numbers: list[str]) -> list[Row]:
    """The county's matters with one of these petitioners' identity numbers and this category,
    in registration order (ids, numbers, owners and states only). Asked before the new matter
    is written, so a registration reads all it needs before it takes its county's number."""
    return list(session.execute(_SAME_PROBLEM, {"county": county_id, "category": category,
                                                "numbers": sorted(set(id_numbers))}, execution_options=_ALL))


_SAME_PROBLEM = (select(Matter.id, Matter.number, Matter.node_id, Matter.repeat_of_id, Matter.state,
                        Matter.county_id, Matter.township_id, Matter.village_id, Matter.grid_id, Matter.department_id)
                 .where(Matter.county_id == bindparam("county"), Matter.category == bindparam("category"),
                        Matter.id.in_(select(MatterPetitioner.matter_id)
                                      .where(MatterPetitioner.id_number.in_(bindparam("numbers", expanding=True)))))
                 .order_by(Matter.id))  # built once: every registration asks


def in_time(session: Session, matter_id: int, on: dt.date) -> bool:
    """Art. 19: the matter is still being handled and none of its duties is overdue.

    A matter waiting only on the petitioner (a review window after the reply) has no
    running duty: it is not "being handled", so the higher level may take the case."""
    state = session.execute(select(Matter.state).where(Matter.id == matter_id), execution_options=_ALL).scalar()
    if state not in OPEN_STATES:
        return False
    running = session.execute(select(MatterClock.kind, MatterClock.due_on, MatterClock.paused_since)
                              .where(MatterClock.matter_id == matter_id, MatterClock.stopped_on.is_(None)),
                              execution_options=_ALL).all()
    duties = [c for c in running if RULES[c.kind].escalates]
    return bool(duties) and not any(c.paused_since is None and on > c.due_on for c in duties)


def detect(session: Session, actor: Actor, matter: Matter, node: Node, earlier: list[Row]) -> None:
    """Link a newly registered (and flushed) matter to its chain (``earlier``: what
    ``same_problem`` found before it was written), count it, raise it for 包案 at the third,
    and note a lower level still handling the same matter in time."""
    if not earlier:
        matter.repeat_of_id, matter.repeat_count, matter.is_first = None, 1, True
        return
    root = min(r.repeat_of_id or r.id for r in earlier)
    # serialise registrations of the same chain (PostgreSQL; SQLite writes one at a time anyway)
    session.execute(select(Matter.id).where(Matter.id == root).with_for_update(), execution_options=_ALL)
    chain = session.execute(select(func.count(Matter.id)).where(or_(Matter.id == root, Matter.repeat_of_id == root),
                                                               Matter.id != matter.id),
                            execution_options=_ALL).scalar_one()
    root_number = _number(session, root)
    matter.repeat_of_id, matter.repeat_count, matter.is_first = root, chain + 1, False
    on = matter.received_on
    timeline.add(session, actor, matter, "repeat", f"重信重访(第{matter.repeat_count}次)", on, node.id,
                 f"同一信访人就同一问题再次信访,首次信访事项编号 {root_number}",
                 {"repeat_of_id": root, "repeat_of_number": root_number, "repeat_count": matter.repeat_count})
    if matter.repeat_count >= OWNERSHIP_AT:
        matter.needs_ownership = True
        timeline.add(session, actor, matter, "ownership_needed", "提请县级领导挂牌包案", on, node.id,
                     f"同一问题重复信访{matter.repeat_count}次,应逐案梳理案情、分析原因、研究措施、落实责任,"
                     "实行县级领导挂牌包案并督查督办",
                     {"repeat_count": matter.repeat_count})
        _tell_county_leaders(session, matter, node, root_number)
    _lower_level(session, actor, matter, node, earlier)


def _tell_county_leaders(session: Session, matter: Matter, node: Node, root_number: str) -> None:
    """Seed 000: 县级领导挂牌包案 — each leader of the county hears of it at once."""
    county_id = matter.county_id or node.id
    notify_leaders(session, node_id=county_id, kind="repeat", matter_id=matter.id,
                   dedupe_key=f"repeat:{matter.id}", title=f"重复信访提请包案:{matter.number}",
                   text=f"{node.name}登记的信访事项{matter.number}({matter.category})为同一信访人就同一问题"
                        f"第{matter.repeat_count}次信访(首次信访事项编号 {root_number}),"
                        "请确定县级领导挂牌包案并督查督办。")


def _lower_level(session: Session, actor: Actor, matter: Matter, node: Node, earlier: list[Row]) -> None:
    """Art. 19: a node strictly below the registering one has the matter open and in time."""
    column = COLUMN[Level(node.level)]
    now = clock.today()
    for row in earlier:
        below = row.node_id != node.id and getattr(row, column) == node.id
        if below and row.state in OPEN_STATES and in_time(session, row.id, now):
            lower = _node(session, row.node_id)
            matter.lower_level_id = row.id
            timeline.add(session, actor, matter, "lower_level", "下级正在规定期限内办理同一事项", matter.received_on,
                         node.id, f"{lower.name}正在规定期限内办理同一事项(编号 {row.number}),"
                         "本级不予受理(条例第十九条)",
                         {"lower_level_id": row.id, "lower_level_number": row.number,
                          "lower_node_id": lower.id, "lower_node_name": lower.name})
            return


def lower_level_blocks(session: Session, matter: Matter, on: dt.date) -> bool:
    """Whether the Art. 19 link still stands: the lower matter is open and within its time."""
    return matter.lower_level_id is not None and in_time(session, matter.lower_level_id, on)


def unlink(session: Session, actor: Actor, matter: Matter, reason: str, on: dt.date) -> Matter:
    """Undo a wrong 重信重访 link: the matter becomes a first petition of its own, and the
    later matters of the chain move up one place."""
    owner = _node(session, matter.node_id)
    if not authorize(actor, owner, "matters", "assign"):
        raise Forbidden("只有事项所属单位的信访干部可以撤销重信重访关联")
    if matter.repeat_of_id is None:
        raise Conflict("该事项不是重信重访,没有可撤销的关联")
    root, place = matter.repeat_of_id, matter.repeat_count
    root_number = _number(session, root)
    later = session.execute(select(Matter).where(Matter.repeat_of_id == root, Matter.repeat_count > place,
                                                 Matter.id != matter.id),
                            execution_options=_ALL).scalars().all()
    for other in later:  # each change audited as its own row; content is neither read nor returned
        other.repeat_count -= 1
    matter.repeat_of_id, matter.repeat_count, matter.is_first = None, 1, True
    if place >= OWNERSHIP_AT:
        matter.needs_ownership = False
    timeline.add(session, actor, matter, "unlink_repeat", "撤销重信重访关联", on, owner.id, reason,
                 {"was_repeat_of_id": root, "was_repeat_of_number": root_number, "was_repeat_count": place,
                  "renumbered": len(later)})
    return matter
