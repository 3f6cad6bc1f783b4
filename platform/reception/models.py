"""The reception rota and the reception register.

A duty and a reception belong to the township or community whose reception room it is
(``NodeBound``). A duty is shown to the public only once published (seed 001: the
schedule is announced in advance); the register keeps each visit with what was decided,
the matter it opened and, for a hard case left unresolved, the 包案 leader (the checklist
itself lives with the matter's ownership).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.platform.privacy.fields import Category, FieldRules
from xinfang.tenants.models import NodeBound

VISITOR_FIELDS = FieldRules({"visitor_name": Category.IDENTITY, "visitor_id_number": Category.ID_NUMBER,
                             "visitor_phone": Category.PHONE, "visitor_address": Category.IDENTITY})


class RotaDuty(NodeBound, Base):
    """One leader on reception duty at one place for one day or half-day (领导接访安排表, annex 4)."""

    __tablename__ = "rota_duties"
    __table_args__ = (Index("ix_rota_duties_township_on", "township_id", "on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    on: Mapped[dt.date] = mapped_column(Date, index=True)
    slot: Mapped[str] = mapped_column(String(8), default="day")  # day | am | pm
    leader_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    leader_name: Mapped[str] = mapped_column(String(64))
    leader_position: Mapped[str] = mapped_column(String(64), default="")
    duties: Mapped[str] = mapped_column(String(200), default="")  # 分管工作
    place: Mapped[str] = mapped_column(String(100))
    # main (党政主要领导) | leader (其他领导) | first_grid_head (第一网格长) | community_head (社区主干)
    leader_kind: Mapped[str] = mapped_column(String(24), default="leader")
    note: Mapped[str] = mapped_column(String(200), default="")
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by: Mapped[str] = mapped_column(String(64), default="")


class ReceptionRecord(NodeBound, Base):
    """One reception by a leader (领导干部接待群众来访登记表, annex 3)."""

    __tablename__ = "reception_records"
    __field_rules__ = VISITOR_FIELDS

    id: Mapped[int] = mapped_column(primary_key=True)
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(100), default="")
    duty_id: Mapped[int | None] = mapped_column(ForeignKey("rota_duties.id"), index=True)
    leader_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    leader_name: Mapped[str] = mapped_column(String(64))
    leader_position: Mapped[str] = mapped_column(String(64), default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    visitor_name: Mapped[str] = mapped_column(String(64))
    visitor_id_number: Mapped[str] = mapped_column(String(18), default="")
    visitor_phone: Mapped[str] = mapped_column(String(32), default="")
    visitor_address: Mapped[str] = mapped_column(String(200), default="")
    headcount: Mapped[int] = mapped_column(Integer, default=1)
    category: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text)  # 反映的问题
    demands: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")  # 领导处理意见
    assigned_unit: Mapped[str] = mapped_column(String(100), default="")  # 交办单位
    result: Mapped[str] = mapped_column(Text, default="")  # 办理结果
    # resolved (当场化解/已办结) | handling (已交办、办理中) | ownership (转领导包案)
    status: Mapped[str] = mapped_column(String(16), default="handling", index=True)
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"), index=True)
    # 包案 of a hard matter left unresolved: the owning leader (the 四包 checklist is the matter's own)
    ownership_leader: Mapped[str] = mapped_column(String(64), default="")
    ownership_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by: Mapped[str] = mapped_column(String(64), default="")


class LeaderVisit(NodeBound, Base):
    """A leader's 下访 (going down to the people) or 约访 (meeting petitioners by appointment),
    seed 004: 县委、政府领导每人每年下访不少于4次, 机关部门负责人每年下访、约访不少于4次, 乡（镇）党政主要
    负责人每月下访、约访不少于8次, each solving real problems. The row belongs to the leader's own
    unit (county, department or township); where they went is ``place``/``place_node_id``."""

    __tablename__ = "leader_visits"
    __table_args__ = (Index("ix_leader_visits_node_on", "node_id", "visited_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # visit (下访) | appointment (约访)
    visited_on: Mapped[dt.date] = mapped_column(Date, index=True)
    leader_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    leader_name: Mapped[str] = mapped_column(String(64))
    leader_position: Mapped[str] = mapped_column(String(64), default="")
    leader_kind: Mapped[str] = mapped_column(String(24), default="leader")  # main | leader
    place: Mapped[str] = mapped_column(String(100))
    place_node_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"))
    people_met: Mapped[str] = mapped_column(Text)  # 接待、走访的群众
    people_count: Mapped[int] = mapped_column(Integer, default=1)
    matters_raised: Mapped[str] = mapped_column(Text)  # 群众反映的问题
    problems_solved: Mapped[int] = mapped_column(Integer, default=0)  # 解决的实际问题（件）
    solutions: Mapped[str] = mapped_column(Text, default="")  # 解决了什么、怎样解决
    matter_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # linked petition matters
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by: Mapped[str] = mapped_column(String(64), default="")
