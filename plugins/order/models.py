"""The campaign's own tables (prefix ``po_``, Alembic branch ``petition_order``).

Every row is ``NodeBound``: the tenant scope filters it and the audit log records each write.
The personal data of an incident — what happened, where, who, what they were told — sits in
columns that ``incidents.erase_personal_data`` clears (rejection at once, the retention
period later); the structure (clause, dates, node, which responses came in which order) stays,
so the 依法处置率 still counts an anonymised incident.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.platform.api import Base, NodeBound, UTCDateTime, clock


class Behaviour(NodeBound, Base):
    """One entry of a county's catalogue of prohibited behaviours (its node: the county)."""

    __tablename__ = "po_behaviours"
    __table_args__ = (UniqueConstraint("node_id", "name", name="uq_po_behaviours_node_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer)  # its place in the county's list (the seed's 十六种)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    clause: Mapped[str] = mapped_column(String(16))  # vocabulary.CLAUSES
    created_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)


class CountySettings(NodeBound, Base):
    """What a county sets for the campaign: how long incident data is kept (its node: the county)."""

    __tablename__ = "po_county_settings"
    __table_args__ = (UniqueConstraint("node_id", name="uq_po_county_settings_node"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    retention_days: Mapped[int] = mapped_column(Integer)
    set_by: Mapped[str] = mapped_column(String(64), default="")


class Incident(NodeBound, Base):
    """A recorded incident (its node: the township or village where it happened)."""

    __tablename__ = "po_incidents"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    behaviour_id: Mapped[int] = mapped_column(ForeignKey("po_behaviours.id"), index=True)
    clause: Mapped[str] = mapped_column(String(16))  # the behaviour's clause when recorded
    occurred_on: Mapped[dt.date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(200))
    account: Mapped[str] = mapped_column(Text)  # what happened
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)  # vocabulary.STATUSES
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    reviewed_by: Mapped[str] = mapped_column(String(64), default="")
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    review_note: Mapped[str] = mapped_column(Text, default="")
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class IncidentPerson(NodeBound, Base):
    """A person involved, linked to their file (一人一档)."""

    __tablename__ = "po_incident_people"
    __table_args__ = (UniqueConstraint("incident_id", "person_id", name="uq_po_incident_people"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("po_incidents.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)


class Evidence(NodeBound, Base):
    """An evidence file, kept in the file store by its SHA-256."""

    __tablename__ = "po_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("po_incidents.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(300), default="")  # emptied when the file is deleted
    size: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)


class Response(NodeBound, Base):
    """A staff response under Art. 47 ¶1 (劝阻, 批评 or 教育); an 教育 is a session the person
    attended, with its content and duration."""

    __tablename__ = "po_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("po_incidents.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # vocabulary.RESPONSES
    given_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    staff: Mapped[str] = mapped_column(String(64))
    told: Mapped[str] = mapped_column(Text)  # what the person was told / the session's content
    minutes: Mapped[int | None] = mapped_column(Integer)  # an education session's duration
    recorded_by: Mapped[str] = mapped_column(String(64))


class Referral(NodeBound, Base):
    """The referral to the public security organs under Art. 47 ¶2 (at most one per incident)."""

    __tablename__ = "po_referrals"
    __table_args__ = (UniqueConstraint("incident_id", name="uq_po_referrals_incident"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("po_incidents.id"), index=True)
    ground: Mapped[str] = mapped_column(String(16))  # vocabulary.GROUNDS
    referred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    after_response: Mapped[bool] = mapped_column(Boolean)  # a staff response came first
    emergency_reason: Mapped[str] = mapped_column(Text, default="")  # else: why there was no time
    review: Mapped[str] = mapped_column(String(16), default="")  # emergency only: vocabulary.REVIEW_STATES
    review_note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(Text, default="")  # what the public security organs report
    outcome_on: Mapped[dt.date | None] = mapped_column(Date)
    referred_by: Mapped[str] = mapped_column(String(64))


class Objection(NodeBound, Base):
    """A person's objection to the record, and its review."""

    __tablename__ = "po_objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("po_incidents.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    received_on: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # vocabulary.OBJECTION_STATUSES
    review_note: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str] = mapped_column(String(64), default="")
    recorded_by: Mapped[str] = mapped_column(String(64))


OWN_ROWS = (IncidentPerson, Evidence, Response, Referral, Objection)  # an incident's child rows
