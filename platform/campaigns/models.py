"""Campaigns switched on for part of the tree, their phases, and the duties ticked.

A campaign is seen by every node inside its scope and by their ancestors: one access row
per node of the scope's subtrees (``CampaignAccess``), filtered like any tenant row. A
node outside the scope has no access row and sees nothing of it. Ticks are ``NodeBound``
to the node whose duty they are, so a village never sees its neighbour's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.tenants.models import AccessScoped, AncestryColumns, NodeBound


class CampaignAccess(NodeBound, Base):
    __tablename__ = "campaign_access"
    __table_args__ = (UniqueConstraint("subject_id", "node_id", name="uq_campaign_access_subject_node"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)


class _OfCampaign(AccessScoped):
    __access_model__ = CampaignAccess
    __access_key__ = "campaign_id"


class Campaign(AncestryColumns, AccessScoped, Base):
    __tablename__ = "campaigns"
    __access_model__ = CampaignAccess
    __access_key__ = "id"

    id: Mapped[int] = mapped_column(primary_key=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), index=True)  # the enabling office
    type_key: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | closed
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    closing_note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)


class CampaignScope(_OfCampaign, Base):
    """A root of the campaign's scope: the whole county, or a chosen township."""

    __tablename__ = "campaign_scopes"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"))


class CampaignPhase(_OfCampaign, Base):
    __tablename__ = "campaign_phases"
    __table_args__ = (UniqueConstraint("campaign_id", "key", name="uq_campaign_phases_campaign_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    entered: Mapped[bool] = mapped_column(Boolean, default=False)  # its "phase entered" event has fired


class DutyTick(NodeBound, Base):
    """A duty done by a node: checklist item, period (week/day) and its evidence."""

    __tablename__ = "campaign_ticks"
    __table_args__ = (UniqueConstraint("campaign_id", "node_id", "checklist", "item", "period", "n",
                                       name="uq_campaign_ticks_duty"),
                      Index("ix_campaign_ticks_campaign_item", "campaign_id", "checklist", "item"))

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    checklist: Mapped[str] = mapped_column(String(64))
    item: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16), default="")  # "" | 2026-W41 | 2026-10-09
    n: Mapped[int] = mapped_column(Integer, default=1)  # the n-th time in the period
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"))  # per-matter duties
    done_on: Mapped[dt.date] = mapped_column(Date)
    ticked_by_id: Mapped[int | None] = mapped_column(Integer)
    ticked_by: Mapped[str] = mapped_column(String(64))
    ticked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    note: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
