"""The petitioner's side's own tables: evaluations of opinions and failed public look-ups.

``matter_evaluations`` is what the statistics read 参评率 and 满意率 from (docs/public.md):
one row per matter and opinion step, written only by the petitioner through the lookup.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.platform.matters.models import MatterAccess
from xinfang.tenants.models import AccessScoped

RATINGS = {"satisfied": "满意", "basically_satisfied": "基本满意", "dissatisfied": "不满意"}
STEPS = {"opinion": "处理意见", "review": "复查意见", "rereview": "复核意见"}


class MatterEvaluation(AccessScoped, Base):
    """The petitioner's rating of one opinion (step) of a matter; seen wherever the matter is."""

    __tablename__ = "matter_evaluations"
    __access_model__ = MatterAccess
    __access_key__ = "matter_id"
    __table_args__ = (UniqueConstraint("matter_id", "step", name="uq_matter_evaluations_matter_step"),
                      Index("ix_matter_evaluations_county_created", "county_id", "created_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    county_id: Mapped[int] = mapped_column(Integer)  # the matter's county, for statistics
    node_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"), index=True)  # the unit that issued the opinion
    step: Mapped[str] = mapped_column(String(16))  # opinion | review | rereview
    rating: Mapped[str] = mapped_column(String(24))  # satisfied | basically_satisfied | dissatisfied
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)


class PublicFailure(Base):
    """A wrong 查询码 or an unknown verification code, kept for throttling (``throttle``)."""

    __tablename__ = "public_failures"
    __table_args__ = (Index("ix_public_failures_key_address_at", "key", "address", "at"),
                      Index("ix_public_failures_address_at", "address", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64))  # "matter:<number>" or "verify"
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)


class PublicSubmission(Base):
    """A 网上信访 submission's fingerprint (ID number + text digest), so the same one sent again
    within ten minutes lands on the matter the first made instead of a second one."""

    __tablename__ = "public_submissions"
    __table_args__ = (Index("ix_public_submissions_fingerprint_at", "fingerprint", "at"),
                      Index("ix_public_submissions_address_at", "address", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
