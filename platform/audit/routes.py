"""Reading, exporting and verifying the audit log (supervisors and admins)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from xinfang.platform.audit.erasure import erase_details
from xinfang.platform.audit.keys import fingerprint, public_key_pem
from xinfang.platform.audit.log import audit_keys, record, verify
from xinfang.platform.audit.models import AuditCheckpoint, AuditRecord
from xinfang.platform.errors import BadRequest
from xinfang.platform.spreadsheets.writing import check_format, spreadsheet_response
from xinfang.platform.web.inputs import Bounded, Code, Line, OptionalId, PageNumber, PerPage, check_moment
from xinfang.platform.web.openapi import SPREADSHEET
from xinfang.platform.web.paging import Page, page_of
from xinfang.platform.web.presenting import AsIs
from xinfang.tenants.scope import Scope, ScopedSession

EXPORT_COLUMNS = [("seq", "序号"), ("at", "时间"), ("actor_name", "操作人"), ("address", "来源地址"),
                  ("node_id", "节点"), ("object_type", "对象"), ("object_id", "对象编号"), ("action", "操作"),
                  ("fields", "字段"), ("before", "修改前"), ("after", "修改后"), ("hash", "哈希")]
EXPORT_LIMIT = 100_000


def filtered(action: str | None, object_type: str | None, actor_id: int | None, node_id: int | None,
              since: datetime | None, until: datetime | None) -> Select:
    query = select(AuditRecord).options(selectinload(AuditRecord.detail)).order_by(AuditRecord.id.desc())
    since, until = check_moment("since", since), check_moment("until", until)
    for column, value in ((AuditRecord.action, action), (AuditRecord.object_type, object_type),
                          (AuditRecord.actor_id, actor_id), (AuditRecord.node_id, node_id)):
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(AuditRecord.at >= since)
    if until is not None:
        query = query.where(AuditRecord.at < until)
    return query


@get("/api/audit", opt={"permission": "audit:read"}, sync_to_thread=True, summary="审计日志")
def list_audit(db: NamedDependency[ScopedSession], action: FromQuery[str | None] = None, object_type: FromQuery[str | None] = None,
               actor_id: FromQuery[OptionalId] = None, node_id: FromQuery[OptionalId] = None, since: FromQuery[datetime | None] = None,
               until: FromQuery[datetime | None] = None, page: FromQuery[PageNumber] = 1, per_page: FromQuery[PerPage] = 50) -> Page:
    return page_of(db, filtered(action, object_type, actor_id, node_id, since, until), page, per_page,
                   AuditRecord.to_dict)


@get("/api/audit/export", opt={"permission": "audit:export", "writes": True, "produces": SPREADSHEET}, sync_to_thread=True, summary="导出审计日志")
def export_audit(request: Request, db: NamedDependency[ScopedSession], format: FromQuery[str] = "xlsx", action: FromQuery[str | None] = None,
                 object_type: FromQuery[str | None] = None, actor_id: FromQuery[OptionalId] = None, node_id: FromQuery[OptionalId] = None,
                 since: FromQuery[datetime | None] = None, until: FromQuery[datetime | None] = None) -> Response:
    check_format(format)
    rows = db.scalars(filtered(action, object_type, actor_id, node_id, since, until).limit(EXPORT_LIMIT)).all()
    record(db, action="export", object_type="audit_records", node_id=request.state.actor.home_node_id,
           after={"format": format, "rows": len(rows), "filters": {"action": action, "object_type": object_type,
                                                                   "actor_id": actor_id, "node_id": node_id}})
    db.commit()
    return spreadsheet_response("审计日志", EXPORT_COLUMNS, [r.to_dict() for r in rows], format, "audit")


@get("/api/audit/verify", opt={"permission": "audit:read"}, sync_to_thread=True, summary="校验审计日志完整性")
def verify_audit(request: Request, db: NamedDependency[ScopedSession]) -> dict:
    """Each county chain the caller can see is verified whole (a township's records alone
    would look like gaps); only positions and kinds of problems are reported."""
    chains = visible_chains(db)
    with db.reading_as(Scope.system()) as whole:
        report = [verify(whole, chain).to_dict() for chain in chains]
    return {"ok": all(r["ok"] for r in report), "chains": report}


def visible_chains(db: ScopedSession) -> list[int]:
    return sorted(set(db.scalars(select(AuditRecord.chain).distinct())))


@get("/api/audit/checkpoints", opt={"permission": "audit:read"}, sync_to_thread=True, summary="下载审计日志签名检查点")
def list_checkpoints(db: NamedDependency[ScopedSession]) -> dict:
    """Every signed daily head of the chains the caller sees, with the public key, for
    ``xinfang audit verify-checkpoints`` on a machine without the database."""
    public_key = audit_keys(db).public_key()
    rows = db.scalars(select(AuditCheckpoint).where(AuditCheckpoint.chain.in_(visible_chains(db)))
                      .order_by(AuditCheckpoint.chain, AuditCheckpoint.day)).all()
    # as signed: the times stay in the UTC form the signatures cover
    return AsIs(key_id=fingerprint(public_key), public_key=public_key_pem(public_key),
                checkpoints=[cp.to_dict() for cp in rows])


@get("/api/audit/public-key", opt={"permission": "audit:read"}, sync_to_thread=True, summary="审计检查点公钥",
     media_type="application/x-pem-file")
def checkpoint_public_key(db: NamedDependency[ScopedSession]) -> Response:
    pem = public_key_pem(audit_keys(db).public_key())
    return Response(pem, media_type="application/x-pem-file",
                    headers={"Content-Disposition": 'attachment; filename="audit_public_key.pem"'})


ERASE = "audit:erase"


@dataclasses.dataclass
class ErasureBody(Bounded):
    object_type: Code  # the table the records are about, e.g. people
    object_id: Code  # its id, as the records name it
    reason: Line  # why (anonymisation, a retention decision …): kept in the chain


@post("/api/audit/erasures", opt={"permission": ERASE}, sync_to_thread=True,
      summary="清除某一对象在审计明细中的个人信息(链保持完整,清除本身记入审计日志)")
def erase(db: NamedDependency[ScopedSession], data: JSONBody[ErasureBody]) -> dict:
    """The county admin's anonymisation of one object (e.g. a person file): only records of the
    chains the caller sees are touched; each erased position gets its own chain record."""
    reason = data.reason.strip()
    if not reason:
        raise BadRequest("请填写清除原因")
    erased = erase_details(db, data.object_type.strip(), data.object_id.strip(), reason)
    db.commit()
    return {"object_type": data.object_type, "object_id": data.object_id, "erased": erased}


route_handlers = [list_audit, export_audit, verify_audit, list_checkpoints, checkpoint_public_key, erase]
