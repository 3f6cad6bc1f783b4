"""督办 orders (督办单) and the handled unit's reports back (办理回报).

An order belongs to the unit it is addressed to (``node_id``), so that unit's staff see it
and the issuing office sees it because the unit lies in its subtree, as with the intake
room's dispatch notices. The automatic escalation of an overdue clock (条例第四十条) is a
different thing and stays with the matter (platform/matters/supervision.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.tenants.models import NodeBound


class SupervisionOrder(NodeBound, Base):
    __tablename__ = "supervision_orders"
    __table_args__ = (Index("ix_supervision_orders_status_due", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(48), default="", index=True)
    office_node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), index=True)
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # case | letter | onsite | special
    subject: Mapped[str] = mapped_column(String(200))
    requirements: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    # open | reported | closed | suspended | terminated
    status: Mapped[str] = mapped_column(String(16), default="open")
    outcome: Mapped[str] = mapped_column(String(16), default="")  # done | partly | failed, once closed
    result: Mapped[str] = mapped_column(Text, default="")
    accountability: Mapped[str] = mapped_column(Text, default="")  # 有责必究: what was done about it
    ended_on: Mapped[dt.date | None] = mapped_column(Date)  # closed or terminated
    suspended_on: Mapped[dt.date | None] = mapped_column(Date)
    # each step: {"action", "label", "on", "by", "note"}; the audit log keeps the rest
    history: Mapped[list[Any]] = mapped_column(JSON, default=list)
    issued_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)


class SupervisionReport(NodeBound, Base):
    """One report back by the handled unit (``node_id``): what it did, with an optional file."""

    __tablename__ = "supervision_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("supervision_orders.id", ondelete="CASCADE"), index=True)
    reported_on: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    # {"filename", "sha256", "size", "path"} or {} without a file
    attachment: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reported_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
