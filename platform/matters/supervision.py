"""督办: an overdue duty raised to the level above the unit responsible for it (条例第四十条).

One row per escalation step of one clock: level 1 is the responsible unit's parent, each
further level one more step up the tree, never above the county. A row stays ``open``
while its clock runs and is closed when the clock stops (met late, or the matter ends).
The unique (clock, level) key makes each step happen once however often the scan runs.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from xinfang.platform.db import Base
from xinfang.platform.matters.clocks import RULES
from xinfang.platform.matters.models import MatterAccess, MatterClock
from xinfang.tenants.lookup import node_names
from xinfang.tenants.models import AccessScoped

BASIS = "条例第四十条"
STATUS = {"open": "督办中", "closed": "已结束"}


class Supervision(AccessScoped, Base):
    """Visible exactly where its matter is (through ``matter_access``)."""

    __tablename__ = "matter_supervisions"
    __access_model__ = MatterAccess
    __access_key__ = "matter_id"
    __table_args__ = (UniqueConstraint("clock_id", "level", name="uq_matter_supervisions_clock_level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("matter_clocks.id", ondelete="CASCADE"), index=True)
    from_node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"))
    to_node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)  # the missed deadline
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)


def listing(session: Session, matter_id: int) -> list[dict]:
    """The matter's escalations in order, for its detail view."""
    rows = session.execute(select(Supervision, MatterClock.kind).join(MatterClock, MatterClock.id == Supervision.clock_id)
                           .where(Supervision.matter_id == matter_id)
                           .order_by(Supervision.on, Supervision.level, Supervision.id)).all()
    ids = {n for s, _ in rows for n in (s.from_node_id, s.to_node_id)}
    names = node_names(session, list(ids))
    return [{"id": s.id, "clock_id": s.clock_id, "clock_kind": kind, "clock_label": RULES[kind].label,
             "level": s.level, "from_node_id": s.from_node_id, "from_node_name": names.get(s.from_node_id),
             "to_node_id": s.to_node_id, "to_node_name": names.get(s.to_node_id), "on": s.on.isoformat(),
             "due_on": s.due_on.isoformat(), "status": s.status, "status_label": STATUS[s.status],
             "closed_on": s.closed_on.isoformat() if s.closed_on else None, "basis": BASIS} for s, kind in rows]
