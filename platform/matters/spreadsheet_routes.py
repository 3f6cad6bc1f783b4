"""Matters as spreadsheets over HTTP: export any filtered list, import historical matters,
download the import template."""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, MultipartBody
from sqlalchemy import select

from xinfang.platform import clock
from xinfang.platform.audit.log import record
from xinfang.platform.matters import exporting, importing
from xinfang.platform.matters.models import Matter
from xinfang.platform.matters.routes import FILTERS, MatterFilters
from xinfang.platform.spreadsheets.writing import XLSX_TYPE, check_format, spreadsheet_response
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Upload
from xinfang.platform.web.openapi import SPREADSHEET
from xinfang.platform.web.uploads import upload_bytes
from xinfang.tenants.scope import ScopedSession


@get("/api/matters/export", opt={"permission": "matters:export", "writes": True, "produces": SPREADSHEET}, dependencies=FILTERS,
     sync_to_thread=True,
     summary="导出信访事项(筛选条件同事项列表;默认脱敏,有权限者可选择完整导出,记入审计日志)")
def export_matters(request: Request, db: NamedDependency[ScopedSession], filters: NamedDependency[MatterFilters],
                   format: FromQuery[str] = "xlsx", unmask: FromQuery[bool] = False) -> Response:
    check_format(format)
    actor = current_actor(request)
    rows = exporting.export_rows(db, actor, filters.apply(db, select(Matter)), unmask)
    record(db, action="export", object_type="matters", node_id=actor.home_node_id,
           after={"format": format, "rows": len(rows), "unmasked": bool(unmask), "filters": _filters(filters)})
    db.commit()
    return spreadsheet_response(exporting.TITLE, exporting.COLUMNS, rows, format, f"matters-{clock.today():%Y%m%d}")


def _filters(filters: MatterFilters) -> dict:
    """The filters the clerk set (what the audit record needs to say which matters left)."""
    defaults = MatterFilters()
    return {k: v for k, v in vars(filters).items() if v != getattr(defaults, k)}


@post("/api/matters/import", opt={"permission": "matters:import"}, sync_to_thread=True, status_code=200,
      summary="从 Excel 导入历史信访事项(任何一行有误则全部不导入,并列出每个错误行)")
def import_matters(request: Request, db: NamedDependency[ScopedSession],
                   data: MultipartBody[Upload]) -> dict:
    actor = current_actor(request)
    filename, content = upload_bytes(request, data)
    try:
        result = importing.import_matters(db, actor, filename, content)
    except Exception:
        db.rollback()
        raise
    record(db, action="import", object_type="matters", node_id=actor.home_node_id,
           after={"file": data.data.filename, "rows": len(result.imported), "closed": result.closed,
                  "matter_ids": [m.id for _, m in result.imported]})
    db.commit()
    return result.to_dict()


@get("/api/matters/import/template", opt={"permission": "matters:read", "produces": XLSX_TYPE}, sync_to_thread=True,
     summary="下载历史信访事项导入模板(表头、示例行和填写说明)")
def import_template(request: Request, db: NamedDependency[ScopedSession]) -> Response:
    return Response(importing.template(db, current_actor(request)), media_type=XLSX_TYPE,
                    headers={"Content-Disposition": 'attachment; filename="matters-import-template.xlsx"'})


route_handlers = [export_matters, import_matters, import_template]
