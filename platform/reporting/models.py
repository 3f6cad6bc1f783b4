"""One submission of one community for one reporting day (周三、周五报送).

It belongs to the submitting community (``NodeBound``), so its township, county and their
supervisors see it through the ordinary scope. It keeps what was reported (the ids of the
ledger rows at that moment) and whether it came after the deadline.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.tenants.models import NodeBound


class Submission(NodeBound, Base):
    __tablename__ = "report_submissions"
    __table_args__ = (UniqueConstraint("node_id", "kind", "due_on", name="uq_report_submissions_node_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # screening | reception
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    period_start: Mapped[dt.date] = mapped_column(Date)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    submitted_by: Mapped[str] = mapped_column(String(64), default="")
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    revised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    item_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
