"""Documents over HTTP: ask for a free-form one (202 and a status URL), follow it, download
it, verify an uploaded file against the records, and look a paper copy up by the
verification code printed on its pages. Documents built from records (a matter's notices, a
campaign's reports) are asked for at their own domain's routes; all are read here."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody
from sqlalchemy import select

from xinfang.platform.audit.log import record
from xinfang.platform.documents import registry, service
from xinfang.platform.documents.models import STATUSES, Document
from xinfang.platform.errors import BadRequest, NotFound
from xinfang.platform.extensions.manager import plugin_templates
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Code, Id, OptionalId, PageNumber, PerPage, Upload
from xinfang.platform.web.paging import Page, page_of
from xinfang.platform.web.uploads import upload_bytes
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession

READ, CREATE, VERIFY = "documents:read", "documents:create", "documents:verify"


def accepted(request: Request, db: ScopedSession, document: Document, **extra: Any) -> Response:
    """202 for a document just asked for (committed): its row and status URL; in embedded mode
    the executor starts rendering now rather than at its next poll."""
    executor = getattr(request.app.state, "executor", None)
    if executor is not None:
        executor.wake()
    body = {**service.to_dict(db, document), **extra}
    return Response(body, status_code=202, headers={"Location": body["status_url"]})


def get_document(request: Request, db: ScopedSession, document_id: int) -> Document:
    """A document in scope whose kind the caller may read (or the standard 404)."""
    document = get_or_404(db, Document, document_id, "文书")
    if db.scalar(service.readable(db, current_actor(request), select(Document.id).where(Document.id == document.id))) is None:
        raise NotFound("文书不存在或不在您的管辖范围内")
    return document


@get("/api/documents/templates", opt={"permission": READ}, sync_to_thread=False,
     summary="文书类型及各自的内容项(free_form:可在此直接填写生成;其余由相应业务生成)")
def list_templates(request: Request) -> list[dict[str, Any]]:
    return [{**spec.describe(), "free_form": registry.free_form(spec)}
            for spec in plugin_templates(request.app.state.plugins).values()]


@get("/api/documents", opt={"permission": READ}, sync_to_thread=True, summary="文书列表(辖区内)")
def list_documents(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
                   kind: FromQuery[str | None] = None, status: FromQuery[str | None] = None,
                   page: FromQuery[PageNumber] = 1, per_page: FromQuery[PerPage] = 50) -> Page:
    query = service.readable(db, current_actor(request), select(Document))
    if node_id is not None:
        node = get_or_404(db, Node, node_id, "单位")
        query = query.where(getattr(Document, COLUMN[Level(node.level)]) == node.id)
    if kind is not None:
        query = query.where(Document.kind == kind)
    if status is not None:
        if status not in STATUSES:
            raise BadRequest(f"状态应为:{'、'.join(f'{k}({v})' for k, v in STATUSES.items())}")
        query = query.where(Document.status == status)
    return page_of(db, query.order_by(Document.created_at.desc(), Document.id.desc()), page, per_page,
                   lambda document: service.to_dict(db, document))


@dataclasses.dataclass
class DocumentRequest:
    kind: Code
    node_id: Id
    inputs: dict[str, Any]


@post("/api/documents", opt={"permission": CREATE}, sync_to_thread=True, status_code=202,
      summary="申请生成文书:立即返回 202 和状态查询地址,文件由后台任务生成")
def create_document(request: Request, db: NamedDependency[ScopedSession],
                    data: JSONBody[DocumentRequest]) -> Response:
    document = service.generate_as_given(db, current_actor(request), data.kind, data.node_id, data.inputs)
    db.commit()
    return accepted(request, db, document)


@get("/api/documents/{document_id:int}", opt={"permission": READ}, sync_to_thread=True,
     summary="文书状态、元数据、SHA-256 和生成时使用的全部内容")
def read_document(request: Request, db: NamedDependency[ScopedSession], document_id: FromPath[Id]) -> dict:
    return service.to_dict(db, get_document(request, db, document_id), detail=True)


@get("/api/documents/{document_id:int}/file", opt={"permission": READ, "produces": "application/pdf"}, sync_to_thread=True,
     summary="下载文书 PDF(下载前核对文件的 SHA-256)")
def download_document(request: Request, db: NamedDependency[ScopedSession], document_id: FromPath[Id]) -> Response:
    document = get_document(request, db, document_id)
    data = service.read_file(db, document)
    name = f"{document.title[:60]}.pdf"
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=\"document-{document.id}.pdf\"; "
                               f"filename*=UTF-8''{quote(name)}",
        "X-Content-SHA256": document.sha256,
    })


@post("/api/documents/verify", opt={"permission": VERIFY, "writes": True}, sync_to_thread=True, status_code=200,
      summary="核验文件:上传 PDF,比对其 SHA-256 是否与辖区内某份已生成文书一致(核验记入审计日志)")
def verify_document(request: Request, db: NamedDependency[ScopedSession],
                    data: MultipartBody[Upload]) -> dict:
    filename, content = upload_bytes(request, data)
    return verify_file(request, db, filename, content)


def verify_file(request: Request, db: ScopedSession, filename: str, content: bytes) -> dict:
    """Whether ``content`` is a document generated here, in the caller's scope (audited, committed)."""
    actor = current_actor(request)
    digest = hashlib.sha256(content).hexdigest()
    document = service.find_by_sha256(db, digest, actor)
    record(db, action="document_verified", object_type="documents", object_id=document.id if document else "",
           node_id=document.node_id if document else actor.home_node_id,
           after={"sha256": digest, "size": len(content), "file": filename, "match": document is not None})
    db.commit()
    if document is None:
        return {"match": False, "sha256": digest,
                "message": "未找到与该文件一致的文书:文件不是本平台生成的,或已被改动,或不在您的管辖范围内"}
    return {"match": True, "sha256": digest, "message": f"文件与文书“{document.title}”一致,未被改动",
            "document": service.to_dict(db, document)}


@get("/api/documents/code/{code:str}", opt={"permission": VERIFY, "writes": True}, sync_to_thread=True,
     summary="按文书上印制的核验码查询文书(辖区内;返回其 SHA-256,查询记入审计日志)")
def verify_code(request: Request, db: NamedDependency[ScopedSession], code: FromPath[Code]) -> dict:
    found = verify_by_code(request, db, code)
    if found is None:
        raise NotFound(CODE_NOT_FOUND)
    return found


CODE_NOT_FOUND = "未找到该核验码对应的文书:核验码有误,或文书不在您的管辖范围内"


def verify_by_code(request: Request, db: ScopedSession, code: str) -> dict | None:
    """The document printed with ``code`` in the caller's scope, or None (audited, committed)."""
    actor = current_actor(request)
    document = service.find_by_code(db, code, actor)
    record(db, action="document_verified", object_type="documents", object_id=document.id if document else "",
           node_id=document.node_id if document else actor.home_node_id,
           after={"code": code, "match": document is not None})
    db.commit()
    if document is None:
        return None
    return {"match": True, "code": document.code, "message": f"核验码对应文书“{document.title}”",
            "document": service.to_dict(db, document)}


route_handlers = [list_templates, list_documents, create_document, read_document, download_document,
                  verify_document, verify_code]
