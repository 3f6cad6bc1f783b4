"""The plugin's own tables: the 积案 of a campaign (one row per matter), the files of their
六有 dossiers, and the inspection visits of 督导检查. Each row belongs to a node (NodeBound),
so the tenant scope filters it and the audit log records every write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.platform.api import Base, NodeBound, UTCDateTime, clock


class Settings(NodeBound, Base):
    """What the enabling office sets for its campaign: the 积案 cutoff and the dossiers' due date."""

    __tablename__ = "backlog_year_settings"
    __table_args__ = (UniqueConstraint("campaign_id", name="uq_backlog_year_settings_campaign_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    cutoff: Mapped[dt.date] = mapped_column(Date)  # a 积案 arose on or before it
    dossier_due_on: Mapped[dt.date] = mapped_column(Date)  # 六有 dossiers reach the 信访办 by it


class BacklogCase(NodeBound, Base):
    """One 积案 of one campaign, at the node that owns the matter."""

    __tablename__ = "backlog_year_cases"
    __table_args__ = (UniqueConstraint("campaign_id", "matter_id", name="uq_backlog_year_cases_campaign_matter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # proposed | screening | above
    source_note: Mapped[str] = mapped_column(Text, default="")  # e.g. the 交办函 of the body above
    status: Mapped[str] = mapped_column(String(16), default="confirmed")  # confirmed | closed | removed
    confirmed_on: Mapped[dt.date] = mapped_column(Date)
    confirmed_by: Mapped[str] = mapped_column(String(64))
    removed_reason: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # 六清楚: key → {text, by, on}
    class_key: Mapped[str | None] = mapped_column(String(16))
    class_note: Mapped[str] = mapped_column(Text, default="")
    assigned_on: Mapped[dt.date | None] = mapped_column(Date)  # 交办: the 60 working days start
    responsible_unit: Mapped[str] = mapped_column(String(100), default="")
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    report: Mapped[str] = mapped_column(Text, default="")  # 查办报告
    report_signed_by_id: Mapped[int | None] = mapped_column(Integer)
    report_signed_by: Mapped[str] = mapped_column(String(64), default="")
    report_signed_on: Mapped[dt.date | None] = mapped_column(Date)
    reviewed_by: Mapped[str] = mapped_column(String(64), default="")
    reviewed_on: Mapped[dt.date | None] = mapped_column(Date)
    review_note: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)


class DossierFile(NodeBound, Base):
    """A file filed under one part of a 积案's 六有 dossier (kept once per content)."""

    __tablename__ = "backlog_year_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("backlog_year_cases.id", ondelete="CASCADE"), index=True)
    part: Mapped[str] = mapped_column(String(16))
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[str] = mapped_column(String(64))
    added_on: Mapped[dt.date] = mapped_column(Date)


class Inspection(NodeBound, Base):
    """A 督导检查 visit to a node: what was found, what must be corrected, and the follow-up."""

    __tablename__ = "backlog_year_inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[dt.date] = mapped_column(Date)
    inspectors: Mapped[str] = mapped_column(String(200))
    findings: Mapped[str] = mapped_column(Text)
    corrections: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    followed_up_on: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(64))
