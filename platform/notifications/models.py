"""A notice addressed to a node (everyone holding a role there) or to one person.

It belongs to the recipient node, so the tenant scope decides who may read it; the
``dedupe_key`` is unique, so a notice a periodic scan decides to send is stored once no
matter how often, or in how many processes at once, the scan runs.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.tenants.models import NodeBound

KINDS = {"due_soon": "期限临近", "overdue": "已超期", "supervise": "督办", "repeat": "重复信访提请包案",
         "assigned": "转送交办", "supervision": "督办通知", "supervision_report": "督办回报",
         "supervision_late": "督办逾期"}
HREF_LENGTH = 300


class Notification(NodeBound, Base):
    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("dedupe_key", name="uq_notifications_dedupe_key"),
                      Index("ix_notifications_node_read", "node_id", "read_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: addressed to the node as a whole
    recipient_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    # what the notice opens when it is not a matter (a plugin's page): a site-relative path
    href: Mapped[str | None] = mapped_column(String(HREF_LENGTH))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    read_by: Mapped[str] = mapped_column(String(64), default="")
    dedupe_key: Mapped[str] = mapped_column(String(128))
