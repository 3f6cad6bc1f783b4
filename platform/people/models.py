"""Petitioners' files (一人一档). A file belongs to the node that opened it; the same
identity number at several nodes is one person in every view that can see those nodes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.platform.privacy.fields import Category, FieldRules
from xinfang.tenants.models import NodeBound

PERSON_FIELDS = FieldRules({"name": Category.IDENTITY, "id_number": Category.ID_NUMBER,
                            "phone": Category.PHONE, "address": Category.IDENTITY})


class Person(NodeBound, Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("node_id", "id_number", name="uq_people_node_id_number"),)
    __field_rules__ = PERSON_FIELDS  # the audit log stores these fields masked

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    phone: Mapped[str] = mapped_column(String(32), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    def to_dict(self) -> dict:
        return {"id": self.id, "node_id": self.node_id, "name": self.name, "id_number": self.id_number,
                "phone": self.phone, "address": self.address, "created_at": self.created_at.isoformat()}

