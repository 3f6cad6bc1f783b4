"""Making a document, rendering it in a job, and recognising a file as one of ours.

``generate`` is the one way a document is made: it calls the kind's ``DocumentSpec.build``
to gather the inputs (from the records, or as the clerk typed them for a free-form kind),
checks them against the template, stores the row with a fresh verification code and adds
the render job in the same transaction. The job (``documents.render``) renders outside any
transaction, writes the file, and records ``document_generated`` in the audit log with
the file's SHA-256 and a digest of the inputs. It is idempotent: a document already done
is left alone, and a re-render after a crash produces the same bytes at the same path.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from xinfang.permissions.actor import Actor, authorize
from xinfang.platform import clock
from xinfang.platform.accounts.models import User
from xinfang.platform.audit.log import record
from xinfang.platform.documents.binding import declares_annexes, render_bound
from xinfang.platform.documents.models import DONE, FAILED, PENDING, RENDERING, STATUSES, Document
from xinfang.platform.documents.registry import free_form, get_spec, registered_specs
from xinfang.platform.documents.rendering import RENDERER, render_pdf
from xinfang.platform.errors import BadRequest, Conflict, Forbidden, NotFound
from xinfang.platform.extensions.hookspecs import DocumentContext
from xinfang.platform.files import storage_root, write_atomically
from xinfang.platform.jobs.outbox import enqueue
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope

log = logging.getLogger(__name__)

RENDER_JOB = "documents.render"


def inputs_digest(inputs: dict[str, Any]) -> str:
    """A digest of the stored inputs (canonical JSON), for the audit record."""
    text = json.dumps(inputs, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def document_path(county_id: int | None, document_id: int) -> str:
    """A document's file, relative to the storage directory: it depends only on the county
    and the id, so two workers rendering the same document write the same path."""
    return f"documents/{county_id or 0}/{document_id}.pdf"


# Verification codes (and the matters' 查询码): 12 characters that cannot be misread for one
# another (no 0/O, 1/I/L), about 59 random bits, printed in groups of four. Anyone may try a
# code on the public verification page (throttled), so it must not be enumerable; codes of
# 8 characters printed before are still recognised.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTHS = (12, 8)


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTHS[0]))
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def normalise_code(text: str) -> str | None:
    """A code as typed (any case, spaces or dashes) in its printed form, or None."""
    raw = re.sub(r"[\s\-—－]", "", str(text or "")).upper()
    if len(raw) not in CODE_LENGTHS or any(c not in CODE_ALPHABET for c in raw):
        return None
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4))


VERIFICATION_URL = "verification_url"


def verification_url(db: Session, code: str) -> str | None:
    """The public verification page of ``code`` (printed as a QR code), when the deployment
    names its public host (``XINFANG_PUBLIC_HOST``); the public site is served over HTTPS."""
    host = db.info.get("public_host")
    return f"https://{host}/public/verify?code={code}" if host else None


def build_inputs(reader: Session, actor: Actor, key: str, node_id: int, params: dict[str, Any] | None = None, *,
                 subject: Any = None) -> dict[str, Any]:
    """``spec.build`` gathers a document's inputs through ``reader`` and the template checks them
    (400 listing every problem). Separate from ``generate`` so a caller may read under a wider
    scope (``ScopedSession.reading_as``, where nothing may be written) and write afterwards."""
    spec = get_spec(reader, key)
    node = get_or_404(reader, Node, node_id, "单位")
    if not authorize(actor, node, "documents", "create"):
        raise Forbidden("您无权为该单位生成文书")
    context = DocumentContext(session=reader, actor=actor, node=node, params=dict(params or {}),
                              today=clock.today(), subject=subject)
    return spec.template.clean(spec.build(context))


def generate(db: Session, actor: Actor, key: str, node_id: int, params: dict[str, Any] | None = None, *,
             subject: Any = None, subject_ref: str = "", built: dict[str, Any] | None = None) -> Document:
    """Make a document of kind ``key`` for unit ``node_id`` from what ``build_inputs`` returns
    (called here unless the caller already did, as ``built``): the pending row and its render
    job are added (the caller commits both)."""
    spec = get_spec(db, key)
    node = get_or_404(db, Node, node_id, "单位")
    if not authorize(actor, node, "documents", "create"):
        raise Forbidden("您无权为该单位生成文书")
    clean = built if built is not None else build_inputs(db, actor, key, node_id, params, subject=subject)
    code = new_code()
    if url := verification_url(db, code):  # kept with the inputs: a re-render prints the same QR code
        clean = {**clean, VERIFICATION_URL: url}
    document = Document(node_id=node.id, kind=spec.key, title=clean.get("title") or spec.title,
                        number=clean.get("number") or "", issuer=clean.get("issuer") or "", status=PENDING,
                        inputs=clean, author_id=actor.user_id, author_name=actor.display_name or actor.username,
                        code=code, subject=subject_ref)
    db.add(document)
    db.flush()
    enqueue(db, RENDER_JOB, {"document_id": document.id})
    return document


def generate_as_given(db: Session, actor: Actor, key: str, node_id: int, inputs: Any) -> Document:
    """A free-form document (a notice, a table) whose content the clerk typed; the kinds that
    are built from the records (a matter's notices, a campaign's reports) are refused here."""
    spec = get_spec(db, key)
    if not free_form(spec):
        raise BadRequest(f"“{spec.title}”依据业务记录生成,请在相应业务中生成,不能直接填写内容")
    if not isinstance(inputs, dict):
        raise BadRequest("文书内容(inputs)应为一个对象")
    return generate(db, actor, key, node_id, inputs)


def render_job(session_factory: sessionmaker, payload: dict[str, Any]) -> str:
    return render_document(session_factory, int(payload["document_id"]))


def _as_author(session: Session, document: Document) -> None:
    """The job acts for the clerk who asked for the document, named in the audit log as
    their requests are (by username)."""
    username = session.scalar(select(User.username).where(User.id == document.author_id))
    session.info["actor"] = {"id": document.author_id, "name": username or document.author_name,
                             "address": f"后台任务 {RENDER_JOB}", "node_id": document.node_id}


def render_document(session_factory: sessionmaker, document_id: int) -> str:
    """Render one document and store its file; a short report for the job row."""
    with session_factory(scope=Scope.system()) as session:
        document = session.get(Document, document_id)
        if document is None:
            return f"文书 {document_id} 不存在"
        if document.status == DONE:
            return f"文书 {document_id} 已生成,未重复生成"
        spec = get_spec(session, document.kind)
        inputs, county_id, code = dict(document.inputs), document.county_id, document.code or ""
        root = storage_root(session)
        if document.status != RENDERING:
            _as_author(session, document)
            document.status = RENDERING
            session.commit()
    # no transaction is open while the PDF is laid out: this takes seconds for a long ledger
    try:
        identifier = f"xinfang-document-{document_id}"
        if declares_annexes(spec.template):  # its filed files bound in after their sections
            rendered = render_bound(spec.template, inputs, root, identifier, code)
        else:
            rendered = render_pdf(spec.template, inputs, identifier=identifier, code=code)
        relative = document_path(county_id, document_id)
        write_atomically(root, relative, rendered.pdf)
    except Exception as exc:
        _mark_failed(session_factory, document_id, exc)
        raise
    with session_factory(scope=Scope.system()) as session:
        document = session.get(Document, document_id, with_for_update=True)
        if document.status == DONE:  # another worker finished first, with the same bytes
            return f"文书 {document_id} 已由其他进程生成"
        _as_author(session, document)
        document.status, document.error = DONE, ""
        document.file_path, document.sha256 = relative, rendered.sha256
        document.size, document.pages, document.rendered_at = len(rendered.pdf), rendered.pages, clock.now()
        record(session, action="document_generated", object_type="documents", object_id=document.id,
               node_id=document.node_id,
               after={"kind": document.kind, "title": document.title, "number": document.number,
                      "sha256": document.sha256, "size": document.size, "pages": document.pages,
                      "file": relative, "inputs_sha256": inputs_digest(inputs), "renderer": RENDERER})
        session.commit()
        return f"文书 {document_id} 已生成:{rendered.pages}页,SHA-256 {rendered.sha256}"


def _mark_failed(session_factory: sessionmaker, document_id: int, exc: Exception) -> None:
    """Say why on the row; the job is retried, and a later success clears it."""
    log.exception("rendering document %s failed", document_id)
    with session_factory(scope=Scope.system()) as session:
        document = session.get(Document, document_id)
        if document is None or document.status == DONE:
            return
        _as_author(session, document)
        document.status = FAILED
        document.error = f"{type(exc).__name__}: {exc}"[:2000]
        session.commit()


def readable(db: Session, actor: Actor, query: Select) -> Select:
    """``query`` without the documents of kinds whose read permission the actor holds nowhere
    (``DocumentSpec.read_permission``); every staff path to documents goes through it."""
    hidden = [key for key, spec in registered_specs(db).items()
              if spec.read_permission and not actor.holding(spec.read_permission)]
    return query.where(Document.kind.not_in(hidden)) if hidden else query


def find_by_code(db: Session, text: str, actor: Actor | None = None) -> Document | None:
    """The document printed with this verification code, if the session's scope sees it (and,
    for staff, ``actor`` may read its kind)."""
    code = normalise_code(text)
    if code is None:
        return None
    query = select(Document).where(Document.code == code).limit(1)
    return db.scalars(readable(db, actor, query) if actor else query).first()


def find_by_sha256(db: Session, digest: str, actor: Actor | None = None) -> Document | None:
    """The finished document whose file has this SHA-256, if the session's scope sees it (and,
    for staff, ``actor`` may read its kind)."""
    query = (select(Document).where(Document.sha256 == digest.lower(), Document.status == DONE)
             .order_by(Document.id).limit(1))
    return db.scalars(readable(db, actor, query) if actor else query).first()


def read_file(db: Session, document: Document) -> bytes:
    """The stored file, after checking it still has the hash recorded when it was made."""
    if document.status != DONE:
        raise Conflict(f"文书尚未生成完成(当前状态:{STATUSES.get(document.status, document.status)}),请稍后再下载")
    path = storage_root(db) / document.file_path
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        log.error("document %s: file %s is missing", document.id, path)
        raise NotFound("文书文件已丢失,请联系管理员") from None
    if hashlib.sha256(data).hexdigest() != document.sha256:
        log.error("document %s: file %s does not match its recorded SHA-256", document.id, path)
        raise Conflict("文书文件与生成时记录的校验值不符,可能已被改动,已拒绝下载;请联系管理员")
    return data


def to_dict(db: Session, document: Document, detail: bool = False) -> dict[str, Any]:
    spec = registered_specs(db).get(document.kind)
    data = {
        "id": document.id,
        "node_id": document.node_id,
        "kind": document.kind,
        "kind_label": spec.title if spec else document.kind,
        "title": document.title,
        "number": document.number,
        "issuer": document.issuer,
        "status": document.status,
        "status_label": STATUSES.get(document.status, document.status),
        "author": {"id": document.author_id, "name": document.author_name},
        "created_at": document.created_at.isoformat() if document.created_at else None,
        "rendered_at": document.rendered_at.isoformat() if document.rendered_at else None,
        "sha256": document.sha256 or None,
        "size": document.size,
        "pages": document.pages,
        "error": document.error or None,
        "code": document.code,
        "subject": document.subject or None,
        "status_url": f"/api/documents/{document.id}",
        "file_url": f"/api/documents/{document.id}/file" if document.status == DONE else None,
    }
    if detail:
        data["inputs"] = document.inputs
    return data
