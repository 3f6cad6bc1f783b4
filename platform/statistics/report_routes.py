"""The work report over HTTP and from the dashboard: a preview of its text, the 公文 PDF (a
stored, verifiable document) and the editable DOCX (a download, nothing stored)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect

from xinfang.platform import clock
from xinfang.platform.documents import routes as document_routes
from xinfang.platform.documents import service as documents
from xinfang.platform.errors import Forbidden
from xinfang.platform.statistics import overview, periods, report
from xinfang.platform.statistics.figures import Frame
from xinfang.platform.statistics.pages import day_param
from xinfang.platform.statistics.routes import READ
from xinfang.platform.ui.frame import acting_node_id
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Code, Id, Line, LongText
from xinfang.platform.web.subtree import visible_node
from xinfang.tenants.scope import ScopedSession

ISSUE = "documents:create"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclasses.dataclass
class ReportIn:
    period: Code | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    addressee: Line = ""
    number: Code = ""
    main_work: LongText = ""
    problems: LongText = ""
    next_steps: LongText = ""


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def make(db: ScopedSession, node_id: int | None, data: ReportIn) -> report.WorkReport:
    node = visible_node(db, node_id)
    period = periods.parse(data.period, data.start, data.end)
    today = clock.today()
    split, closed = report.counts(Frame(db, node, period, today))
    texts = {key: _paragraphs(getattr(data, key)) for key, _ in report.SECTIONS}
    return report.WorkReport(node, overview.figures(db, node, period, today), split, closed, texts,
                             data.addressee.strip(), data.number.strip())


def docx_response(made: report.WorkReport) -> Response:
    name = quote(report.title(made) + ".docx")
    return Response(report.docx_bytes(made, clock.today()), media_type=DOCX_TYPE,
                    headers={"Content-Disposition": f"attachment; filename=\"report.docx\"; filename*=UTF-8''{name}"})


@get("/api/statistics/nodes/{node_id:int}/work-report", opt={"permission": READ}, sync_to_thread=True,
     summary="信访工作情况报告的文字（按统计数据生成，预览）")
def preview(db: NamedDependency[ScopedSession], node_id: FromPath[Id], period: FromQuery[Code | None] = None,
            start: FromQuery[dt.date | None] = None, end: FromQuery[dt.date | None] = None) -> dict:
    made = make(db, node_id, ReportIn(period, start, end))
    return {"title": report.title(made), "paragraphs": report.body(made)}


@post("/api/statistics/nodes/{node_id:int}/work-report.docx", opt={"permission": READ, "produces": DOCX_TYPE},
      sync_to_thread=True,
      status_code=200, summary="下载可编辑的信访工作情况报告（DOCX，不保存）")
def download_docx(db: NamedDependency[ScopedSession], node_id: FromPath[Id], data: JSONBody[ReportIn]) -> Response:
    return docx_response(make(db, node_id, data))


@post("/api/statistics/nodes/{node_id:int}/work-report", opt={"permission": ISSUE},
      sync_to_thread=True, status_code=202, summary="生成信访工作情况报告（公文PDF）：立即返回 202 和状态查询地址")
def generate_pdf(request: Request, db: NamedDependency[ScopedSession], node_id: FromPath[Id],
                 data: JSONBody[ReportIn]) -> Response:
    made = make(db, node_id, data)
    document = documents.generate(db, current_actor(request), report.KEY, made.node.id, subject=made,
                                  subject_ref=f"statistics:{made.figures['period']['key']}")
    db.commit()
    return document_routes.accepted(request, db, document)


@post("/statistics/report", opt={"permission": READ}, sync_to_thread=True, status_code=200, include_in_schema=False)
def report_form(request: Request, db: NamedDependency[ScopedSession], data: URLEncodedBody[dict[str, Any]]) -> Response:
    """The dashboard's report form for the node and period shown (the acting unit's current
    month when the form names none), with the typed text: the editable DOCX as a download, or
    (``format=pdf``, for those who may issue documents) the 公文 PDF, made in the background
    and listed on the documents page."""
    form = {k: str(v)[:10_000] for k, v in data.items()}
    actor = current_actor(request)
    raw = form.get("node_id", "")
    node_id = int(raw) if raw.isdigit() and len(raw) < 10 else acting_node_id(request, actor)
    start, end = day_param(form.get("start"), "起始日期"), day_param(form.get("end"), "截止日期")
    made = make(db, node_id, ReportIn(form.get("period") or None, start, end, form.get("addressee", "")[:200],
                                      form.get("number", "")[:32].strip(), form.get("main_work", ""),
                                      form.get("problems", ""), form.get("next_steps", "")))
    if form.get("format") != "pdf":
        return docx_response(made)
    if ISSUE not in actor.permissions():
        raise Forbidden("您没有制发文书的权限，可下载Word文件")
    document = documents.generate(db, actor, report.KEY, made.node.id, subject=made,
                                  subject_ref=f"statistics:{made.figures['period']['key']}")
    db.commit()
    executor = getattr(request.app.state, "executor", None)
    if executor is not None:
        executor.wake()
    return Redirect(f"/documents?made={document.id}", status_code=303)


route_handlers = [preview, download_docx, generate_pdf, report_form]
