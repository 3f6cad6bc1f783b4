"""A matter's attachments: the scanned letter and the evidence a petitioner hands in.

Only PDF, JPEG and PNG are kept, recognised by their first bytes (a renamed ``.exe`` is not a
PDF), within the one upload limit (XINFANG_UPLOAD_MAX_MB, read by ``web.uploads``). The file
goes to the one file store by its SHA-256, which the list shows so a copy can be checked.
The row is audited as any ORM write; each download is recorded by the route.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from pathlib import Path

import filetype
from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from xinfang.permissions.actor import Actor
from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.platform.errors import BadRequest, Conflict, NotFound
from xinfang.platform.files import storage_root, store_by_digest
from xinfang.platform.matters.models import Matter, _OfMatter

# what an attachment may be: the type its first bytes show → its media type
ALLOWED = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
FOLDER = "attachments"
log = logging.getLogger(__name__)


class MatterAttachment(_OfMatter, Base):
    __tablename__ = "matter_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(String(200), default="")
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    uploaded_by_id: Mapped[int | None] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(64))

    def to_dict(self) -> dict:
        return {"id": self.id, "matter_id": self.matter_id, "filename": self.filename, "media_type": self.media_type,
                "size": self.size, "sha256": self.sha256, "note": self.note,
                "uploaded_at": self.uploaded_at.isoformat(), "uploaded_by": self.uploaded_by,
                "download": f"/api/matters/{self.matter_id}/attachments/{self.id}/file"}


def media_type_of(content: bytes) -> str:
    """The media type the content's first bytes show, if it is one an attachment may be."""
    if not content:
        raise BadRequest("上传的附件是空文件")
    kind = filetype.guess(content[:8192])
    if kind is None or kind.extension not in ALLOWED:
        raise BadRequest("附件只能是PDF、JPEG或PNG文件(按文件内容识别,不看扩展名)")
    return ALLOWED[kind.extension]


def attach(session: Session, actor: Actor, matter: Matter, filename: str, content: bytes,
           note: str = "") -> MatterAttachment:
    """Check the content's type, keep the file once by its digest and list it on the matter."""
    media_type = media_type_of(content)
    name = Path(filename.replace("\\", "/")).name.strip()[-200:] or "附件"
    digest, relative = store_by_digest(storage_root(session), FOLDER, content)
    row = MatterAttachment(matter_id=matter.id, filename=name, media_type=media_type,
                           size=len(content), sha256=digest, path=relative, note=note.strip()[:200],
                           uploaded_by_id=actor.user_id, uploaded_by=actor.display_name)
    session.add(row)
    session.flush()
    return row


def of_matter(session: Session, matter: Matter) -> list[MatterAttachment]:
    return list(session.scalars(select(MatterAttachment).where(MatterAttachment.matter_id == matter.id)
                                .order_by(MatterAttachment.id)))


def content_of(session: Session, row: MatterAttachment) -> bytes:
    """The stored file, after checking it still has the SHA-256 recorded at upload."""
    try:
        data = (storage_root(session) / row.path).read_bytes()
    except FileNotFoundError:
        log.error("attachment %s: file %s is missing", row.id, row.path)
        raise NotFound("附件文件已不在存储目录中,请联系管理员") from None
    if hashlib.sha256(data).hexdigest() != row.sha256:
        log.error("attachment %s: file %s does not match its recorded SHA-256", row.id, row.path)
        raise Conflict("附件文件与上传时记录的校验值不符,可能已被改动,已拒绝下载;请联系管理员")
    return data
