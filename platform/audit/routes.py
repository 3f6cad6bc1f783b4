"""Reading, exporting and verifying the audit log (supervisors and admins)."""

from __future__ import annotations

from datetime import datetime

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from sqlalchemy import Select, select

from xinfang.platform.audit.log import record, verify
from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.spreadsheets.writing import check_format, spreadsheet_response
from xinfang.platform.web.paging import Page, page_of
from xinfang.tenants.scope import Scope, ScopedSession

EXPORT_COLUMNS = [("seq", "序号"), ("at", "时间"), ("actor_name", "操作人"), ("address", "来源地址"),
                  ("node_id", "节点"), ("object_type", "对象"), ("object_id", "对象编号"), ("action", "操作"),
                  ("before", "修改前"), ("after", "修改后"), ("hash", "哈希")]
EXPORT_LIMIT = 100_000


def _filtered(action: str | None, object_type: str | None, actor_id: int | None, node_id: int | None,
              since: datetime | None, until: datetime | None) -> Select:
    query = select(AuditRecord).order_by(AuditRecord.id.desc())
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
               actor_id: FromQuery[int | None] = None, node_id: FromQuery[int | None] = None, since: FromQuery[datetime | None] = None,
               until: FromQuery[datetime | None] = None, page: FromQuery[int] = 1, per_page: FromQuery[int] = 50) -> Page:
    return page_of(db, _filtered(action, object_type, actor_id, node_id, since, until), page, per_page,
                   AuditRecord.to_dict)


@get("/api/audit/export", opt={"permission": "audit:export", "writes": True}, sync_to_thread=True, summary="导出审计日志")
def export_audit(request: Request, db: NamedDependency[ScopedSession], format: FromQuery[str] = "xlsx", action: FromQuery[str | None] = None,
                 object_type: FromQuery[str | None] = None, actor_id: FromQuery[int | None] = None, node_id: FromQuery[int | None] = None,
                 since: FromQuery[datetime | None] = None, until: FromQuery[datetime | None] = None) -> Response:
    check_format(format)
    rows = db.scalars(_filtered(action, object_type, actor_id, node_id, since, until).limit(EXPORT_LIMIT)).all()
    record(db, action="export", object_type="audit_records", node_id=request.state.actor.home_node_id,
           after={"format": format, "rows": len(rows), "filters": {"action": action, "object_type": object_type,
                                                                   "actor_id": actor_id, "node_id": node_id}})
    db.commit()
    return spreadsheet_response("审计日志", EXPORT_COLUMNS, [r.to_dict() for r in rows], format, "audit")


@get("/api/audit/verify", opt={"permission": "audit:read"}, sync_to_thread=True, summary="校验审计日志完整性")
def verify_audit(request: Request, db: NamedDependency[ScopedSession]) -> dict:
    """Each county chain the caller can see is verified whole (a township's records alone
    would look like gaps); only positions and kinds of problems are reported."""
    chains = sorted(set(db.scalars(select(AuditRecord.chain).distinct())))
    report = []
    with request.app.state.session_factory(scope=Scope.system(), bind=request.app.state.read_engine) as system:
        problems_by_chain = {chain: verify(system, chain) for chain in chains}
    for chain, problems in problems_by_chain.items():
        report.append({"chain": chain, "ok": not problems, "problems": [p.to_dict() for p in problems]})
    return {"ok": all(r["ok"] for r in report), "chains": report}


route_handlers = [list_audit, export_audit, verify_audit]
