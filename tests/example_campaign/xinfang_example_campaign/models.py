"""The campaign's own table: the villages the county honoured as “无访村”."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.platform.api import Base, NodeBound, UTCDateTime, clock


class Honour(NodeBound, Base):
    """One village honoured in one year (its ancestry columns put it in the tenant scope)."""

    __tablename__ = "npv_honours"
    __table_args__ = (UniqueConstraint("node_id", "year", name="uq_npv_honours_node_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    awarded_by: Mapped[str] = mapped_column(String(100), default="")
    awarded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
