"""A matter's attachments over HTTP (list, upload, download) and the matter page's upload form.

The scope of the route's permission finds the matter (404 elsewhere); the accused of a 检举控告
never see its materials; uploading needs ``matters:act`` (a supervisor has none). A download is
recorded in the audit log; an upload is an audited row write. The matter page's upload form is
``pages.attach_from_page``, through ``upload`` here.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, MultipartBody

from xinfang.platform.audit.log import record
from xinfang.platform.errors import BadRequest
from xinfang.platform.matters import attachments, views
from xinfang.platform.matters.attachments import MatterAttachment
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Bounded, Id, Line
from xinfang.platform.web.uploads import read_limited
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.scope import ScopedSession

WHAT = "该事项的附件"


@dataclasses.dataclass
class AttachmentForm(Bounded):
    file: UploadFile | None = None
    note: Line = ""


def upload(request: Request, db: ScopedSession, matter_id: int, data: AttachmentForm) -> MatterAttachment:
    actor = current_actor(request)
    matter = views.with_materials(db, actor, matter_id, WHAT)
    if not isinstance(data.file, UploadFile):
        raise BadRequest("请选择要上传的附件(PDF、JPEG或PNG)")
    content = read_limited(request, data.file, "附件超过{mb}MB,请压缩或拆分后上传")
    return attachments.attach(db, actor, matter, data.file.filename or "", content, data.note)


@get("/api/matters/{matter_id:int}/attachments", opt={"permission": "matters:read"}, sync_to_thread=True,
     summary="事项的附件(来信扫描件、证据材料):文件名、类型、大小、SHA-256")
def list_attachments(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id]) -> dict:
    matter = views.with_materials(db, current_actor(request), matter_id, WHAT)
    return {"matter_id": matter.id, "items": [a.to_dict() for a in attachments.of_matter(db, matter)]}


@post("/api/matters/{matter_id:int}/attachments", opt={"permission": "matters:act"}, sync_to_thread=True,
      status_code=201, summary="上传附件(multipart:file,可附说明 note;只收PDF、JPEG、PNG,按文件内容识别)")
def upload_attachment(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id],
                      data: MultipartBody[AttachmentForm]) -> dict:
    row = upload(request, db, matter_id, data)
    db.commit()
    return row.to_dict()


@get("/api/matters/{matter_id:int}/attachments/{attachment_id:int}/file",
     opt={"permission": "matters:read", "writes": True, "produces": "application/octet-stream"},
     sync_to_thread=True, summary="下载附件(核对SHA-256后发送;下载记入审计日志)")
def download_attachment(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id],
                        attachment_id: FromPath[Id]) -> Response:
    matter = views.with_materials(db, current_actor(request), matter_id, WHAT)
    row = get_or_404(db, MatterAttachment, attachment_id, "附件", accept=lambda a: a.matter_id == matter.id)
    body = attachments.content_of(db, row)
    record(db, action="attachment_downloaded", object_type="matter_attachments", object_id=row.id,
           node_id=matter.node_id, after={"matter_id": matter.id, "sha256": row.sha256})
    db.commit()
    return Response(body, media_type=row.media_type, headers={
        "Content-Disposition": f"attachment; filename=\"attachment-{row.id}\"; filename*=UTF-8''{quote(row.filename)}",
        "X-Content-SHA256": row.sha256})


route_handlers = [list_attachments, upload_attachment, download_attachment]
