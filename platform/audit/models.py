"""The audit log: append-only records, hash-chained per county, their erasable details,
and the signed daily checkpoints of each chain's head."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xinfang.platform.db import Base, UTCDateTime
from xinfang.tenants.models import NodeBound

PLATFORM_CHAIN = 0  # records that belong to no county (operator actions, unknown accounts)

# How a record's hash is computed. 1: plain SHA-256 over the fields, with the values in the
# record (before keyed chains); 2: HMAC-SHA256 with the chain key, values in a detail row.
LEGACY_SCHEME = 1
KEYED_SCHEME = 2
ERASED = "(已清除)"  # shown instead of the values of an erased detail


# what a keyed (scheme 2) record's HMAC covers, in order
KEYED_FIELDS = ("hash_scheme", "chain", "seq", "prev_hash", "at", "actor_id", "actor_name", "address", "node_id",
                "object_type", "object_id", "action", "fields", "detail_hash")


def keyed_fields(row: dict[str, Any]) -> list[Any]:
    """The hashed fields of a keyed record from its column values (a row about to be inserted
    in bulk, or a stored record)."""
    return [row[name].isoformat() if name == "at" else row[name] for name in KEYED_FIELDS]


class AuditRecord(NodeBound, Base):
    __tablename__ = "audit_records"
    __table_args__ = (UniqueConstraint("chain", "seq", name="uq_audit_records_chain_seq"),)
    __append_only__ = True  # written by audit.log.record() from any session; never updated

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[int] = mapped_column(Integer, index=True)
    seq: Mapped[int] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    hash_scheme: Mapped[int] = mapped_column(Integer, default=KEYED_SCHEME)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor_name: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64), default="")
    object_type: Mapped[str] = mapped_column(String(64), index=True)
    object_id: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(32), index=True)
    # scheme 2: the names of what changed, and the hash of the detail row holding the values
    fields: Mapped[Any] = mapped_column(JSON, nullable=True)
    detail_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # scheme 1 only: the values themselves
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)
    # lists load it with selectinload(AuditRecord.detail): one query per page
    detail: Mapped[AuditDetail | None] = relationship(
        primaryjoin="and_(AuditRecord.chain == foreign(AuditDetail.chain), AuditRecord.seq == foreign(AuditDetail.seq))",
        viewonly=True, uselist=False)

    def hashed_fields(self) -> list[Any]:
        if self.hash_scheme == LEGACY_SCHEME:
            return [self.chain, self.seq, self.prev_hash, self.at.isoformat(), self.actor_id, self.actor_name,
                    self.address, self.node_id, self.object_type, self.object_id, self.action, self.before,
                    self.after]
        return keyed_fields({name: getattr(self, name) for name in KEYED_FIELDS})

    def values(self) -> tuple[Any, Any, str]:
        """(before, after, where they come from): the detail row (stored masked), a note that it
        was erased, or, for unkeyed records, the record itself."""
        if self.hash_scheme == LEGACY_SCHEME:
            return self.before, self.after, "record"
        if self.detail_hash is None:
            return None, None, "none"
        detail = self.detail
        if detail is None:
            return None, None, "missing"
        if detail.erased_at is not None:
            return ERASED, ERASED, "erased"
        return detail.before, detail.after, "present"

    def to_dict(self) -> dict[str, Any]:
        before, after, source = self.values()
        return {"id": self.id, "chain": self.chain, "seq": self.seq, "at": self.at.isoformat(),
                "actor_id": self.actor_id, "actor_name": self.actor_name, "address": self.address,
                "node_id": self.node_id, "object_type": self.object_type, "object_id": self.object_id,
                "action": self.action, "fields": self.fields, "before": before, "after": after,
                "detail": source, "hash": self.hash}


class AuditDetail(Base):
    """The values a record is about (personal data among them), kept apart from the chain.

    The chain holds ``sha256(salt + content)``; erasing a detail (retention, anonymisation)
    clears the values and the salt, so the chain stays intact and the erased values cannot
    be guessed back from the hash."""

    __tablename__ = "audit_details"

    chain: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    salt: Mapped[str] = mapped_column(String(32), default="")
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    erased_reason: Mapped[str] = mapped_column(String(200), default="")


class AuditChain(Base):
    """The head of each chain: the last sequence number and hash, locked while appending."""

    __tablename__ = "audit_chains"

    chain: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="")


class AuditCheckpoint(Base):
    """A chain's head on one day, signed with the checkpoint key (Ed25519)."""

    __tablename__ = "audit_checkpoints"
    __table_args__ = (UniqueConstraint("chain", "day", name="uq_audit_checkpoints_chain_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[int] = mapped_column(Integer, index=True)
    day: Mapped[date] = mapped_column(Date)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(128))

    def to_dict(self) -> dict[str, Any]:
        return {"chain": self.chain, "day": self.day.isoformat(), "seq": self.seq, "hash": self.hash,
                "at": self.at.isoformat(), "key_id": self.key_id, "signature": self.signature}
