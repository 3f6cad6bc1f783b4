"""Ledger rows (seed 001 annexes 1 and 2). Each row belongs to the grid, community or
township where it was found (``NodeBound``), so scope, audit and supervisors' read-only
access apply without further code; each row keeps its own plan (一案一策) and links to the
party's file (一人一档) and, once it becomes one, to the petition matter."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.platform.privacy.fields import Category, FieldRules
from xinfang.tenants.models import NodeBound

PARTY_FIELDS = FieldRules({"party_name": Category.IDENTITY, "party_id_number": Category.ID_NUMBER,
                           "party_phone": Category.PHONE})


class ScreeningEntry(NodeBound, Base):
    """One issue found in screening (矛盾纠纷排查化解清单, annex 1)."""

    __tablename__ = "screening_entries"
    __field_rules__ = PARTY_FIELDS  # the audit log stores these masked

    id: Mapped[int] = mapped_column(primary_key=True)
    found_on: Mapped[dt.date] = mapped_column(Date, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    party_name: Mapped[str] = mapped_column(String(64))
    party_id_number: Mapped[str] = mapped_column(String(18), default="")
    party_phone: Mapped[str] = mapped_column(String(32), default="")
    other_parties: Mapped[str] = mapped_column(String(200), default="")
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    category: Mapped[str] = mapped_column(String(32), index=True)
    summary: Mapped[str] = mapped_column(Text)
    risks: Mapped[list[str]] = mapped_column(JSON, default=list)
    responsible_unit: Mapped[str] = mapped_column(String(100), default="")
    responsible_leader: Mapped[str] = mapped_column(String(64), default="")
    responsible_person: Mapped[str] = mapped_column(String(64), default="")
    measures: Mapped[str] = mapped_column(Text, default="")
    plan: Mapped[str] = mapped_column(Text, default="")  # 一案一策
    deadline: Mapped[dt.date | None] = mapped_column(Date, index=True)
    progress: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)


class BacklogEntry(NodeBound, Base):
    """One matter on the backlog ledger (信访积案和突出问题化解清单, annex 2) with its 五个一."""

    __tablename__ = "backlog_entries"
    __table_args__ = (UniqueConstraint("matter_id", name="uq_backlog_entries_matter_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id"))
    listed_on: Mapped[dt.date] = mapped_column(Date)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    cause: Mapped[str] = mapped_column(Text, default="")  # 积案成因和症结
    # 五个一: a leader, a task team, a plan, the meeting minutes, the stabilising measures
    leader: Mapped[str] = mapped_column(String(64), default="")
    task_team: Mapped[str] = mapped_column(Text, default="")
    plan: Mapped[str] = mapped_column(Text, default="")
    minutes: Mapped[str] = mapped_column(Text, default="")
    stabilising: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[dt.date] = mapped_column(Date, index=True)
    progress: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    def five_ones(self) -> dict[str, Any]:
        from xinfang.platform.ledgers.vocabulary import FIVE_ONES

        items = [{"key": key, "label": text, "detail": getattr(self, key), "done": bool(getattr(self, key).strip())}
                 for key, text in FIVE_ONES.items()]
        return {"items": items, "done": sum(i["done"] for i in items), "total": len(items),
                "complete": all(i["done"] for i in items)}
