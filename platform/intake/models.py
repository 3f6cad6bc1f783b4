"""Intake cases and the dispatch notices (受理分流指派通知单) they send out.

A case belongs to the office whose intake room registered it. A dispatch notice belongs to
the unit it is sent to, so that unit's staff see it (and only it: they do not see the
office's register) and report back on it; the office sees it because the unit lies in
its subtree. The notice carries the facts the unit needs to act on.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.platform.privacy.fields import Category, FieldRules
from xinfang.tenants.models import NodeBound

VISITOR_FIELDS = FieldRules({"visitor_name": Category.IDENTITY, "visitor_id_number": Category.ID_NUMBER,
                             "visitor_phone": Category.PHONE, "visitor_address": Category.IDENTITY})


class IntakeCase(NodeBound, Base):
    __tablename__ = "intake_cases"
    __field_rules__ = VISITOR_FIELDS

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(48), default="", index=True)
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    visitor_name: Mapped[str] = mapped_column(String(64))
    visitor_id_number: Mapped[str] = mapped_column(String(18), default="")
    visitor_phone: Mapped[str] = mapped_column(String(32), default="")
    visitor_address: Mapped[str] = mapped_column(String(200), default="")
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    category: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text)
    demands: Mapped[str] = mapped_column(Text, default="")
    # dispatch | on_spot | matter | guide ("" until triaged)
    triage: Mapped[str] = mapped_column(String(16), default="")
    triage_note: Mapped[str] = mapped_column(Text, default="")
    triaged_on: Mapped[dt.date | None] = mapped_column(Date)
    triaged_by: Mapped[str] = mapped_column(String(64), default="")
    # registered | dispatched | resolved | converted | guided | archived
    status: Mapped[str] = mapped_column(String(16), default="registered", index=True)
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"), index=True)
    archived_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by: Mapped[str] = mapped_column(String(64), default="")


class DispatchNotice(NodeBound, Base):
    """受理分流指派通知单: addressed to the unit (``node_id``), returned with its 办理回报."""

    __tablename__ = "dispatch_notices"
    __field_rules__ = VISITOR_FIELDS

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("intake_cases.id"), index=True)
    number: Mapped[str] = mapped_column(String(48), default="")
    issuer_node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    requirements: Mapped[str] = mapped_column(Text, default="")
    visitor_name: Mapped[str] = mapped_column(String(64))
    visitor_phone: Mapped[str] = mapped_column(String(32), default="")
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    category: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text)
    demands: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="issued", index=True)  # issued | returned
    returned_on: Mapped[dt.date | None] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(16), default="")  # resolved | partly | unresolved
    result: Mapped[str] = mapped_column(Text, default="")
    returned_by: Mapped[str] = mapped_column(String(64), default="")
