"""Petition matters (信访事项), who may see them, their clocks and their timeline.

A matter belongs to the office that registered it (``node_id`` and the ancestor columns,
used for statistics). Who may *see* it is kept in ``matter_access``: the owning office and
every unit it is assigned to (lead and co-units). Every table keyed by ``matter_id`` is
visible exactly where its matter is (``AccessScoped``), so a 住建局 handler sees the
matters assigned to 住建局 and their timelines, and nothing else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.platform.privacy.fields import Category, FieldRules
from xinfang.tenants.models import AccessScoped, AncestryColumns, NodeBound


class MatterAccess(NodeBound, Base):
    """``node`` may see matter ``subject_id`` (because it owns it, or it was assigned it)."""

    __tablename__ = "matter_access"
    # (scope column, subject_id): the scope filter's subquery and the visible-matters count are
    # answered from the index alone, in subject order (migration 0007, bench/matters.py).
    __table_args__ = (UniqueConstraint("subject_id", "node_id", name="uq_matter_access_subject_node"),
                      Index("ix_matter_access_county_subject", "county_id", "subject_id"),
                      Index("ix_matter_access_township_subject", "township_id", "subject_id"),
                      Index("ix_matter_access_department_subject", "department_id", "subject_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(16))  # owner | lead | co


class _OfMatter(AccessScoped):
    __access_model__ = MatterAccess
    __access_key__ = "matter_id"


class Matter(AncestryColumns, AccessScoped, Base):
    __tablename__ = "matters"
    __access_model__ = MatterAccess
    __access_key__ = "id"
    __table_args__ = (Index("ix_matters_county_state", "county_id", "state"),
                      Index("ix_matters_township_state", "township_id", "state"),
                      # "handling and overdue" lists: counted from the index alone, paged in order
                      Index("ix_matters_state_deadline", "state", "deadline_state", "received_on", "id"),
                      # the list's own order (received_on, id): its first page stops after a page of
                      # matters, where (received_on) alone read and sorted the whole newest day
                      Index("ix_matters_received_on_id", "received_on", "id"),
                      # one state's list in each sort (routes.SORTS) starts at that state's rows in
                      # that order, where the sort's own index passed the other states' rows first
                      Index("ix_matters_state_received_on_id", "state", "received_on", "id"),
                      Index("ix_matters_state_id", "state", "id"),
                      Index("ix_matters_state_deadline_id", "state", "deadline_state", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    # 查询码: random (never derived from the number or an ID number); with the number it opens the
    # public progress lookup (platform/public). Printed on the 受理告知书 and the receipt.
    query_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    form: Mapped[str] = mapped_column(String(16))
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(32), index=True)
    summary: Mapped[str] = mapped_column(Text)
    demands: Mapped[str] = mapped_column(Text, default="")
    overreach: Mapped[str] = mapped_column(String(16), default="none")
    joint_signature: Mapped[bool] = mapped_column(Boolean, default=False)  # 联名
    law_related: Mapped[bool] = mapped_column(Boolean, default=False)  # 涉法涉诉
    attachments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Art. 30: for an accusation, the accused unit (never shown who accused it).
    accused_node_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"))
    accused_description: Mapped[str] = mapped_column(String(200), default="")
    # Art. 30: accused people who hold accounts here, wherever they sit (a leader above the unit).
    accused_user_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    # 问题所在地: the node the problem concerns (statistics count by it), not who registered it.
    place_node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), index=True)
    # Art. 22 (三): a matter transferred from a body outside the platform, its deadline and our feedback.
    transfer_body: Mapped[str] = mapped_column(String(100), default="")
    transfer_doc_no: Mapped[str] = mapped_column(String(64), default="")
    transfer_due_on: Mapped[dt.date | None] = mapped_column(Date)
    feedback_on: Mapped[dt.date | None] = mapped_column(Date)
    # Art. 31: the item (1–6) a 申诉求决 matter was classified under; None until classified.
    route: Mapped[int | None] = mapped_column(Integer)
    # Arts. 35–36: who is reviewing now; a body above the county is outside the platform (its name).
    review_node_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"))
    review_outside: Mapped[str] = mapped_column(String(100), default="")

    state: Mapped[str] = mapped_column(String(16), default="registered")  # indexed with each sort (0027)
    received_on: Mapped[dt.date] = mapped_column(Date)  # indexed with id (ix_matters_received_on_id)
    # the earliest open clock's due date and state, kept for filtering lists
    due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    deadline_state: Mapped[str | None] = mapped_column(String(16))  # indexed with the due order (0027)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)

    # 重信重访: the first matter of the chain, and this matter's place in it (1 = first).
    repeat_of_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"), index=True)
    repeat_count: Mapped[int] = mapped_column(Integer, default=1)
    is_first: Mapped[bool] = mapped_column(Boolean, default=True)  # 初信初访
    needs_ownership: Mapped[bool] = mapped_column(Boolean, default=False)  # raised for 包案 at the 3rd
    # Art. 19: registered above while a lower level still has the same matter in time.
    lower_level_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"))

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by: Mapped[str] = mapped_column(String(64), default="")
    closed_on: Mapped[dt.date | None] = mapped_column(Date)


# the matters list by due date (``routes.SORTS``): a matter without one (closed) sorts as due on
# this day, last ascending and first descending, so the list's order and its cursors are the
# index's own (``web.paging.Key``); a literal, so the list's expression is the index's text
NO_DUE_DATE = dt.date(9999, 12, 31)
_DUE_ORDER = func.coalesce(Matter.due_on, literal_column(f"'{NO_DUE_DATE.isoformat()}'", Date()))
Index("ix_matters_due_order_id", _DUE_ORDER, Matter.id)
# one state's list by due date, as the other sorts (Matter.__table_args__): newest first it no
# longer passes every closed matter (no due date) first
Index("ix_matters_state_due_order_id", Matter.state, _DUE_ORDER, Matter.id)
# overdue (due soon) matters by due date: deadline_state follows the due date, so the other
# deadline states' rows would all come first
Index("ix_matters_deadline_due_order_id", Matter.deadline_state, _DUE_ORDER, Matter.id)


class MatterPetitioner(_OfMatter, Base):
    """A petitioner as recorded on the matter (the person's file is ``people``)."""

    __tablename__ = "matter_petitioners"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    phone: Mapped[str] = mapped_column(String(32), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    representative: Mapped[bool] = mapped_column(Boolean, default=False)


PETITIONER_FIELDS = FieldRules({"name": Category.IDENTITY, "id_number": Category.ID_NUMBER,
                                "phone": Category.PHONE, "address": Category.IDENTITY})
MATTER_FIELDS = FieldRules({"attachments": Category.MATERIALS})
MatterPetitioner.__field_rules__ = PETITIONER_FIELDS


class MatterUnit(_OfMatter, Base):
    """A unit the matter is assigned to: the lead unit, or a co-unit (联办/联核/联复)."""

    __tablename__ = "matter_units"
    __table_args__ = (UniqueConstraint("matter_id", "unit_id", name="uq_matter_units_matter_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), index=True)
    role: Mapped[str] = mapped_column(String(8))  # lead | co
    mode: Mapped[str] = mapped_column(String(16), default="joint_handling")
    status: Mapped[str] = mapped_column(String(16), default="assigned")  # assigned|accepted|returned|replied
    assigned_on: Mapped[dt.date] = mapped_column(Date)
    contribution: Mapped[str] = mapped_column(Text, default="")  # a co-unit's input to the joint reply
    # Art. 22 (三): the deadline the assigning body set for the result, and when it was reported back.
    report_due_on: Mapped[dt.date | None] = mapped_column(Date)
    reported_on: Mapped[dt.date | None] = mapped_column(Date)


class MatterClock(_OfMatter, Base):
    """One statutory period of one matter, with the rule and calendar version that made it."""

    __tablename__ = "matter_clocks"
    __table_args__ = (Index("ix_matter_clocks_open", "stopped_on", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    node_id: Mapped[int] = mapped_column(ForeignKey("nodes.id"), index=True)  # who must meet it
    started_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(String(24))
    due_on: Mapped[dt.date] = mapped_column(Date)
    calendar_version: Mapped[str] = mapped_column(String(64))
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    extension_days: Mapped[int] = mapped_column(Integer, default=0)
    paused_since: Mapped[dt.date | None] = mapped_column(Date)
    paused_days: Mapped[int] = mapped_column(Integer, default=0)
    stopped_on: Mapped[dt.date | None] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(16), default="on_time")  # on_time|due_soon|overdue|met|late
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalated_on: Mapped[dt.date | None] = mapped_column(Date)


class MatterEvent(_OfMatter, Base):
    """One entry of the matter's timeline: every transition and every recorded fact."""

    __tablename__ = "matter_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    on: Mapped[dt.date] = mapped_column(Date)  # the date the act took effect (e.g. letter received)
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_name: Mapped[str] = mapped_column(String(64))
    node_id: Mapped[int | None] = mapped_column(Integer)  # acting unit
    action: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(64))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MatterOpinion(_OfMatter, Base):
    """A written answer on the merits (Art. 32; review Art. 35; re-review Art. 36), by part, so
    the document can print each part under its heading."""

    __tablename__ = "matter_opinions"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(16))  # opinion | review | rereview
    node_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"))  # the issuing body, None: outside
    outside_body: Mapped[str] = mapped_column(String(100), default="")
    request: Mapped[str] = mapped_column(Text)  # 投诉请求
    facts: Mapped[str] = mapped_column(Text)  # 事实和理由
    result: Mapped[str] = mapped_column(String(16))  # support | explain | reject
    basis: Mapped[str] = mapped_column(Text)  # 法律法规依据
    text: Mapped[str] = mapped_column(Text, default="")  # 处理意见 in full
    issued_on: Mapped[dt.date] = mapped_column(Date)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("matter_events.id"))


class MatterDelivery(_OfMatter, Base):
    """送达 of an answer addressed to the petitioner: the request windows run from this date."""

    __tablename__ = "matter_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("matter_events.id"), index=True)  # the answer delivered
    delivered_on: Mapped[dt.date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(16))
    proof: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))


class MatterAgreement(_OfMatter, Base):
    """调解协议 / 和解协议 (Art. 33), with every party's agreement."""

    __tablename__ = "matter_agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    mode: Mapped[str] = mapped_column(String(16))  # mediation | settlement
    terms: Mapped[str] = mapped_column(Text)
    parties: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # side, name, agreed_on
    concluded_on: Mapped[dt.date] = mapped_column(Date)


class MatterRecusal(_OfMatter, Base):
    """A staff member's declared direct interest in the matter: they may not act on it (Art. 28)."""

    __tablename__ = "matter_recusals"
    __table_args__ = (UniqueConstraint("matter_id", "user_id", name="uq_matter_recusals_matter_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    user_name: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    declared_on: Mapped[dt.date] = mapped_column(Date)


class FollowUp(_OfMatter, Base):
    """回访: the petitioner's satisfaction and whether they stopped petitioning (息诉罢访)."""

    __tablename__ = "matter_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    on: Mapped[dt.date] = mapped_column(Date)
    by: Mapped[str] = mapped_column(String(64))
    satisfaction: Mapped[str] = mapped_column(String(16))  # satisfied | basically | dissatisfied
    stopped_petitioning: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")


class MatterCounter(Base):
    """The last number issued per county and year (locked while numbering)."""

    __tablename__ = "matter_counters"

    county_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class CountyRules(NodeBound, Base):
    """A county's own settings for matters (one row per county; defaults when absent)."""

    __tablename__ = "county_rules"
    __table_args__ = (UniqueConstraint("node_id", name="uq_county_rules_node_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    counting_rule: Mapped[str] = mapped_column(String(24), default="civil_code")
    due_soon_days: Mapped[int] = mapped_column(Integer, default=3)
    escalate_every_days: Mapped[int] = mapped_column(Integer, default=5)
    ownership_checklist: Mapped[str] = mapped_column(String(8), default="four")  # four (四包) | five (五包)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    # the county's 纪检监察 body in the tree: accusations are transferred to it (Art. 30)
    discipline_node_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"))
