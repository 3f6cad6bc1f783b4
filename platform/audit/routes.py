"""Reading, exporting and verifying the audit log (supervisors and admins)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

from litestar import Request, Response, Router, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from openpyxl import Workbook
from sqlalchemy import Select, select
from xinfang.platform.audit.log import record, verify
from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.errors import BadRequest
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
    if format not in ("xlsx", "csv"):
        raise BadRequest("导出格式应为 xlsx 或 csv")
    rows = db.scalars(_filtered(action, object_type, actor_id, node_id, since, until).limit(EXPORT_LIMIT)).all()
    table = [[_cell(getattr(r, key)) for key, _ in EXPORT_COLUMNS] for r in rows]
    header = [label for _, label in EXPORT_COLUMNS]
    record(db, action="export", object_type="audit_records", node_id=request.state.actor.home_node_id,
           after={"format": format, "rows": len(rows), "filters": {"action": action, "object_type": object_type,
                                                                   "actor_id": actor_id, "node_id": node_id}})
    db.commit()
    if format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(table)
        return Response(buffer.getvalue().encode("utf-8-sig"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
    book = Workbook()
    sheet = book.active
    sheet.title = "审计日志"
    sheet.append(header)
    for row in table:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return Response(out.getvalue(), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="audit.xlsx"'})


def _cell(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


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


router = Router(path="/", route_handlers=[list_audit, export_audit, verify_audit])
