"""The audit log: append-only records, hash-chained per county."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.platform.db import Base, UTCDateTime
from xinfang.tenants.models import NodeBound

PLATFORM_CHAIN = 0  # records that belong to no county (operator actions, unknown accounts)


class AuditRecord(NodeBound, Base):
    __tablename__ = "audit_records"
    __table_args__ = (UniqueConstraint("chain", "seq", name="uq_audit_records_chain_seq"),)
    __append_only__ = True  # written by audit.log.record() from any session; never updated

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[int] = mapped_column(Integer, index=True)
    seq: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_name: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64), default="")
    object_type: Mapped[str] = mapped_column(String(64), index=True)
    object_id: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(32), index=True)
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)

    def hashed_fields(self) -> list[Any]:
        return [self.chain, self.seq, self.prev_hash, self.at.isoformat(), self.actor_id, self.actor_name,
                self.address, self.node_id, self.object_type, self.object_id, self.action, self.before, self.after]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "chain": self.chain, "seq": self.seq, "at": self.at.isoformat(),
                "actor_id": self.actor_id, "actor_name": self.actor_name, "address": self.address,
                "node_id": self.node_id, "object_type": self.object_type, "object_id": self.object_id,
                "action": self.action, "before": self.before, "after": self.after, "hash": self.hash}


class AuditChain(Base):
    """The head of each chain: the last sequence number and hash, locked while appending."""

    __tablename__ = "audit_chains"

    chain: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="")
