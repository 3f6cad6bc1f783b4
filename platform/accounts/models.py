"""People who log in, the roles they hold at nodes, and their login sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.tenants.models import NodeBound


class User(NodeBound, Base):
    """A person's account. ``node_id`` is their home node (None for platform operators)."""

    __tablename__ = "users"
    __platform_visible__ = True
    __audit_redact__ = ("password_hash",)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    position: Mapped[str] = mapped_column(String(64), default="")  # 职务, e.g. 党委书记
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when the operator chose the password (a new or reset county admin): until the user
    # picks their own, only changing it and logging out are allowed.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    assignments: Mapped[list[RoleAssignment]] = relationship(back_populates="user", lazy="raise")

    def to_dict(self) -> dict:
        return {"id": self.id, "username": self.username, "display_name": self.display_name,
                "position": self.position, "node_id": self.node_id, "is_active": self.is_active,
                "must_change_password": self.must_change_password}


class RoleAssignment(NodeBound, Base):
    """``user`` holds ``role`` at ``node``: the role covers that node's subtree and nothing else."""

    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("user_id", "role", "node_id", name="uq_role_assignments_user_role_node"),)
    __platform_visible__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    user: Mapped[User] = relationship(back_populates="assignments", lazy="raise")


class AuthSession(Base):
    """A login. Only the SHA-256 of the token is stored; logout revokes it."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    address: Mapped[str] = mapped_column(String(64), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """A wrong password, kept for throttling per account and per address."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_username_at", "username", "at"),
                      Index("ix_login_failures_address_at", "address", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
