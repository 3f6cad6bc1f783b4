"""One generated document: what was asked for, by whom, and the file that came out.

``inputs`` holds everything the template needed, so the file can be explained and
rendered again; the rendering is deterministic, so a re-render gives the same bytes and
the stored SHA-256 keeps verifying.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.tenants.models import NodeBound

PENDING, RENDERING, DONE, FAILED = "pending", "rendering", "done", "failed"
STATUSES = {PENDING: "排队等待生成", RENDERING: "正在生成", DONE: "已生成", FAILED: "生成失败"}


class Document(NodeBound, Base):
    __tablename__ = "documents"
    # The inputs can be a whole ledger with personal data: the creation record in the audit
    # log names them by digest (``document_generated``) instead of copying them.
    __audit_redact__ = ("inputs",)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)  # template key
    title: Mapped[str] = mapped_column(String(300))
    number: Mapped[str] = mapped_column(String(64), default="")  # 发文字号 (文号)
    issuer: Mapped[str] = mapped_column(String(100), default="")  # 发文机关
    status: Mapped[str] = mapped_column(String(16), default=PENDING, index=True)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    author_name: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    rendered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    file_path: Mapped[str] = mapped_column(String(300), default="")  # relative to the storage directory
    sha256: Mapped[str] = mapped_column(String(64), default="", index=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    # printed on every page: anyone holding the paper can look the document up (GET /api/documents/code/…)
    code: Mapped[str | None] = mapped_column(String(16), index=True, unique=True)
    # the record the document is about, e.g. "matter:12" (a matter's documents are listed by it)
    subject: Mapped[str] = mapped_column(String(64), default="", index=True)
