"""督办 over HTTP: issue, list (with what is late), read, report back (with a file), record
the result, suspend, resume, terminate. The service decides; these only decode and commit."""

from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody
from sqlalchemy import func, select

from xinfang.platform import clock
from xinfang.platform.documents import routes as document_routes
from xinfang.platform.documents import service as documents
from xinfang.platform.errors import BadRequest, NotFound
from xinfang.platform.matters.models import Matter
from xinfang.platform.matters.supervision_letter import KEY as LETTER
from xinfang.platform.matters.supervision_letter import SupervisionLetter
from xinfang.platform.supervision import service
from xinfang.platform.supervision.models import SupervisionOrder, SupervisionReport
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Bounded, Id, Line, Note, OptionalId, PageNumber, PerPage
from xinfang.platform.web.paging import page_of
from xinfang.platform.web.subtree import visible_node, within
from xinfang.platform.web.uploads import read_limited
from xinfang.tenants.lookup import get_or_404, node_names
from xinfang.tenants.scope import ScopedSession

READ, WRITE, REPORT = service.READ, service.WRITE, service.REPORT
_ALL = {"skip_scope": True}


def _order(db: ScopedSession, order_id: int) -> SupervisionOrder:
    return get_or_404(db, SupervisionOrder, order_id, "督办事项")


def _rows(db: ScopedSession, orders: list[SupervisionOrder], detail: bool = False) -> list[dict]:
    names = node_names(db, [n for o in orders for n in (o.node_id, o.office_node_id)])
    matter_ids = {o.matter_id for o in orders if o.matter_id}
    numbers = dict(db.execute(select(Matter.id, Matter.number).where(Matter.id.in_(matter_ids)),
                              execution_options=_ALL).all()) if matter_ids else {}
    today = clock.today()
    out = []
    for o in orders:
        reports = list(db.scalars(select(SupervisionReport).where(SupervisionReport.order_id == o.id)
                                  .order_by(SupervisionReport.id))) if detail else None
        out.append(service.order_dict(o, names, numbers.get(o.matter_id or 0), today, reports))
    return out


def _one(db: ScopedSession, order: SupervisionOrder) -> dict:
    return _rows(db, [order], detail=True)[0]


def _choice(value: str | None, allowed: dict[str, str], what: str) -> str | None:
    if value is not None and value not in allowed:
        raise BadRequest(f"{what}应为:{'、'.join(f'{k}({v})' for k, v in allowed.items())}")
    return value


@get("/api/supervisions", opt={"permission": READ}, sync_to_thread=True,
     summary="督办事项:本单位发起的和收到的,可按方式、状态、是否逾期、单位、事项筛选,逾期的列出逾期天数")
def list_orders(request: Request, db: NamedDependency[ScopedSession], kind: FromQuery[str | None] = None,
                status: FromQuery[str | None] = None, late: FromQuery[bool | None] = None,
                office_id: FromQuery[OptionalId] = None, unit_id: FromQuery[OptionalId] = None,
                matter_id: FromQuery[OptionalId] = None, due_from: FromQuery[dt.date | None] = None,
                due_to: FromQuery[dt.date | None] = None, page: FromQuery[PageNumber] = 1,
                per_page: FromQuery[PerPage] = 50) -> dict:
    query = within(db, SupervisionOrder, unit_id, select(SupervisionOrder))
    if office_id is not None:
        query = query.where(SupervisionOrder.office_node_id == visible_node(db, office_id, "督办单位").id)
    if _choice(kind, service.KINDS, "督办方式") is not None:
        query = query.where(SupervisionOrder.kind == kind)
    if _choice(status, service.STATUSES, "督办状态") is not None:
        query = query.where(SupervisionOrder.status == status)
    if matter_id is not None:
        query = query.where(SupervisionOrder.matter_id == matter_id)
    if due_from is not None:
        query = query.where(SupervisionOrder.due_on >= due_from)
    if due_to is not None:
        query = query.where(SupervisionOrder.due_on <= due_to)
    is_late = (SupervisionOrder.status == "open") & (SupervisionOrder.due_on < clock.today())
    late_total = db.scalar(select(func.count()).select_from(query.where(is_late).subquery()))
    if late is not None:
        query = query.where(is_late if late else ~is_late)
    listing = page_of(db, query.order_by(SupervisionOrder.due_on, SupervisionOrder.id), page, per_page, lambda o: o)
    listing["items"] = _rows(db, listing["items"])
    return {**listing, "late": late_total}


@post("/api/supervisions", opt={"permission": WRITE}, sync_to_thread=True,
      summary="发起督办(立案督办、发函督办、现场督办、专项督办):对所辖单位或其承办的信访事项")
def create_order(request: Request, db: NamedDependency[ScopedSession], data: JSONBody[service.OrderIn]) -> dict:
    order = service.create(db, current_actor(request), data, clock.today())
    db.commit()
    return _one(db, order)


@get("/api/supervisions/{order_id:int}", opt={"permission": READ}, sync_to_thread=True,
     summary="督办详情(要求、回报、结果、经过)")
def read_order(request: Request, db: NamedDependency[ScopedSession], order_id: FromPath[Id]) -> dict:
    return _one(db, _order(db, order_id))


@dataclasses.dataclass
class ReportForm(Bounded):
    text: Note
    on: dt.date | None = None
    file: UploadFile | None = None


@post("/api/supervisions/{order_id:int}/reports", opt={"permission": REPORT}, sync_to_thread=True, status_code=200,
      summary="被督办单位回报办理情况(multipart:text,可附一个文件 file)")
def report_order(request: Request, db: NamedDependency[ScopedSession], order_id: FromPath[Id],
                 data: MultipartBody[ReportForm]) -> dict:
    order = _order(db, order_id)
    attachment = None
    if isinstance(data.file, UploadFile):
        attachment = service.Attachment(data.file.filename, read_limited(request, data.file, "附件超过{mb}MB"))
    service.report(db, current_actor(request), order, data.text, data.on, attachment,
                   request.app.state.settings.storage_dir, clock.today())
    db.commit()
    return _one(db, order)


@get("/api/supervisions/{order_id:int}/reports/{report_id:int}/file",
     opt={"permission": READ, "produces": "application/octet-stream"}, sync_to_thread=True,
     summary="下载回报附件")
def download_report_file(request: Request, db: NamedDependency[ScopedSession], order_id: FromPath[Id],
                         report_id: FromPath[Id]) -> Response:
    order = _order(db, order_id)
    row = get_or_404(db, SupervisionReport, report_id, "回报", accept=lambda r: r.order_id == order.id and bool(r.attachment),
                     message="该回报没有附件")
    path = request.app.state.settings.storage_dir / row.attachment["path"]
    try:
        body = path.read_bytes()
    except FileNotFoundError as exc:
        raise NotFound("附件文件已不在存储目录中") from exc
    return Response(body, media_type="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename=\"report-{row.id}\"; "
                               f"filename*=UTF-8''{quote(row.attachment['filename'])}",
        "X-Content-SHA256": row.attachment["sha256"]})


@post("/api/supervisions/{order_id:int}/close", opt={"permission": WRITE}, sync_to_thread=True, status_code=200,
      summary="记录督办结果并办结(督必有果;未落实的写明责任追究)")
def close_order(request: Request, db: NamedDependency[ScopedSession], order_id: FromPath[Id],
                data: JSONBody[service.CloseIn]) -> dict:
    order = _order(db, order_id)
    service.close(db, current_actor(request), order, data, clock.today())
    db.commit()
    return _one(db, order)


def _step(name: str, summary: str):
    act = {"suspend": service.suspend, "resume": service.resume, "terminate": service.terminate}[name]

    @post(f"/api/supervisions/{{order_id:int}}/{name}", opt={"permission": WRITE}, sync_to_thread=True,
          status_code=200, summary=summary, name=f"supervision_{name}", operation_id=f"supervision_{name}")
    def handler(request: Request, db: NamedDependency[ScopedSession], order_id: FromPath[Id],
                data: JSONBody[service.StepIn]) -> dict:
        order = _order(db, order_id)
        act(db, current_actor(request), order, data, clock.today())
        db.commit()
        return _one(db, order)

    return handler


@dataclasses.dataclass
class LetterBody(Bounded):
    number: Line = ""  # 文号; default: the 督办's own number


@post("/api/supervisions/{order_id:int}/letter", opt={"permission": "documents:create"}, sync_to_thread=True,
      status_code=202, summary="生成督办函（由督办记录生成，督办机关署名）：立即返回 202 和状态查询地址")
def generate_letter(request: Request, db: NamedDependency[ScopedSession], order_id: FromPath[Id],
                    data: JSONBody[LetterBody]) -> Response:
    order = _order(db, order_id)
    matter_number = ""
    if order.matter_id is not None:
        matter_number = db.execute(select(Matter.number).where(Matter.id == order.matter_id),
                                   execution_options=_ALL).scalar_one_or_none() or ""
    letter = SupervisionLetter(supervisor=service.node(db, order.office_node_id), unit=service.node(db, order.node_id),
                               mode=order.kind, subject=order.subject, requirements=order.requirements,
                               due_on=order.due_on, on=order.issued_on, number=data.number or order.number,
                               matter_number=matter_number)
    document = documents.generate(db, current_actor(request), LETTER, order.office_node_id, subject=letter,
                                  subject_ref=f"supervision:{order.id}")
    db.commit()
    return document_routes.accepted(request, db, document)


route_handlers = [list_orders, generate_letter, create_order, read_order, report_order, download_report_file, close_order,
                  _step("suspend", "中止督办(写明理由)"),
                  _step("resume", "恢复督办(办理期限顺延中止的天数,或另定期限)"),
                  _step("terminate", "终止督办(写明理由)")]
