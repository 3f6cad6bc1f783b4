"""The intake room over HTTP: register, triage (with the dispatch notice), archive; the
units' inbox of dispatch notices and their report back."""

from __future__ import annotations

import dataclasses
import datetime as dt

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy import select

from xinfang.platform import clock
from xinfang.platform.calendar.service import load_calendar
from xinfang.platform.documents import routes as document_routes
from xinfang.platform.documents import service as documents
from xinfang.platform.errors import BadRequest
from xinfang.platform.intake import documents as intake_documents
from xinfang.platform.intake import service
from xinfang.platform.intake.models import DispatchNotice, IntakeCase
from xinfang.platform.matters.views import matter_numbers
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Bounded, Id, Line, OptionalId, PageNumber, PerPage
from xinfang.platform.web.paging import Page, page_of
from xinfang.platform.web.subtree import within
from xinfang.tenants.lookup import get_or_404, node_names
from xinfang.tenants.scope import ScopedSession

READ, WRITE, REPLY = "intake:read", "intake:write", "intake:reply"


def _case(db: ScopedSession, case_id: int) -> IntakeCase:
    return get_or_404(db, IntakeCase, case_id, "受理登记")


def _notice(db: ScopedSession, notice_id: int) -> DispatchNotice:
    return get_or_404(db, DispatchNotice, notice_id, "分流指派通知单")


def case_rows(request: Request, db: ScopedSession, cases: list[IntakeCase]) -> list[dict]:
    notices: dict[int, list[DispatchNotice]] = {}
    if cases:
        for n in db.scalars(select(DispatchNotice).where(DispatchNotice.case_id.in_([c.id for c in cases]))
                            .order_by(DispatchNotice.id)):
            notices.setdefault(n.case_id, []).append(n)
    all_notices = [n for ns in notices.values() for n in ns]
    names = node_names(db, [c.node_id for c in cases] + [n.node_id for n in all_notices]
                       + [n.issuer_node_id for n in all_notices])
    numbers = matter_numbers(db, [c.matter_id for c in cases])
    today = clock.today()
    return [service.case_dict(c, notices.get(c.id, []), names, numbers.get(c.matter_id or 0), today) for c in cases]


def notice_row(request: Request, db: ScopedSession, notice: DispatchNotice) -> dict:
    names = node_names(db, [notice.node_id, notice.issuer_node_id])
    return service.notice_dict(notice, names, clock.today())


@get("/api/intake/cases", opt={"permission": READ}, sync_to_thread=True, summary="矛盾纠纷受理室登记")
def list_cases(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
               status: FromQuery[str | None] = None, received_from: FromQuery[dt.date | None] = None,
               received_to: FromQuery[dt.date | None] = None, page: FromQuery[PageNumber] = 1,
               per_page: FromQuery[PerPage] = 50) -> Page:
    query = within(db, IntakeCase, node_id, select(IntakeCase))
    if status is not None:
        if status not in service.STATUSES:
            raise BadRequest(f"状态应为:{'、'.join(service.STATUSES)}")
        query = query.where(IntakeCase.status == status)
    if received_from is not None:
        query = query.where(IntakeCase.received_on >= received_from)
    if received_to is not None:
        query = query.where(IntakeCase.received_on <= received_to)
    listing = page_of(db, query.order_by(IntakeCase.received_on.desc(), IntakeCase.id.desc()), page, per_page,
                      lambda c: c)
    listing["items"] = case_rows(request, db, listing["items"])
    return listing


@post("/api/intake/cases", opt={"permission": WRITE}, sync_to_thread=True, summary="受理室登记来访")
def register_case(request: Request, db: NamedDependency[ScopedSession], data: JSONBody[service.CaseIn]) -> dict:
    case = service.register(db, current_actor(request), data, clock.today())
    db.commit()
    return case_rows(request, db, [case])[0]


@get("/api/intake/cases/{case_id:int}", opt={"permission": READ}, sync_to_thread=True, summary="受理登记详情")
def read_case(request: Request, db: NamedDependency[ScopedSession], case_id: FromPath[Id]) -> dict:
    return case_rows(request, db, [_case(db, case_id)])[0]


@post("/api/intake/cases/{case_id:int}/triage", opt={"permission": WRITE}, sync_to_thread=True, status_code=200,
      summary="分流:交办承办单位(出具受理分流指派通知单)、当场化解、登记为信访事项或引导至法定途径")
def triage_case(request: Request, db: NamedDependency[ScopedSession], case_id: FromPath[Id],
                data: JSONBody[service.TriageIn]) -> dict:
    case = _case(db, case_id)
    service.triage(db, current_actor(request), case, data, clock.today(), load_calendar(db))
    db.commit()
    return case_rows(request, db, [case])[0]


@post("/api/intake/cases/{case_id:int}/archive", opt={"permission": WRITE}, sync_to_thread=True, status_code=200,
      summary="归档(交办事项须承办单位回报后)")
def archive_case(request: Request, db: NamedDependency[ScopedSession], case_id: FromPath[Id]) -> dict:
    case = _case(db, case_id)
    service.archive(db, case, clock.today())
    db.commit()
    return case_rows(request, db, [case])[0]


@get("/api/intake/notices", opt={"permission": READ}, sync_to_thread=True,
     summary="受理分流指派通知单(承办单位收到的、受理室发出的)")
def list_notices(request: Request, db: NamedDependency[ScopedSession], status: FromQuery[str | None] = None,
                 overdue: FromQuery[bool | None] = None, page: FromQuery[PageNumber] = 1,
                 per_page: FromQuery[PerPage] = 50) -> Page:
    query = select(DispatchNotice)
    if status is not None:
        if status not in service.NOTICE_STATUSES:
            raise BadRequest(f"状态应为:{'、'.join(service.NOTICE_STATUSES)}")
        query = query.where(DispatchNotice.status == status)
    if overdue is not None:
        late = (DispatchNotice.status != "returned") & (DispatchNotice.due_on < clock.today())
        query = query.where(late if overdue else ~late)
    listing = page_of(db, query.order_by(DispatchNotice.due_on, DispatchNotice.id), page, per_page, lambda n: n)
    listing["items"] = [notice_row(request, db, n) for n in listing["items"]]
    return listing


@get("/api/intake/notices/{notice_id:int}", opt={"permission": READ}, sync_to_thread=True,
     summary="受理分流指派通知单详情")
def read_notice(request: Request, db: NamedDependency[ScopedSession], notice_id: FromPath[Id]) -> dict:
    return notice_row(request, db, _notice(db, notice_id))


@post("/api/intake/notices/{notice_id:int}/return", opt={"permission": REPLY}, sync_to_thread=True, status_code=200,
      summary="承办单位办理回报")
def return_notice(request: Request, db: NamedDependency[ScopedSession], notice_id: FromPath[Id],
                  data: JSONBody[service.ReturnIn]) -> dict:
    notice = _notice(db, notice_id)
    service.report_back(db, current_actor(request), notice, data, clock.today())
    db.commit()
    return notice_row(request, db, notice)


@dataclasses.dataclass
class DocumentBody(Bounded):
    number: Line = ""  # 文号 (default: the notice's own number)


@post("/api/intake/notices/{notice_id:int}/document", opt={"permission": WRITE}, sync_to_thread=True,
      status_code=202, summary="生成受理分流指派通知单文书(PDF,后台生成;返回 202 和状态查询地址)")
def notice_document(request: Request, db: NamedDependency[ScopedSession], notice_id: FromPath[Id],
                    data: JSONBody[DocumentBody]) -> Response:
    notice = _notice(db, notice_id)
    document = documents.generate(db, current_actor(request), intake_documents.KEY, notice.issuer_node_id,
                                  {"number": data.number}, subject=notice,
                                  subject_ref=f"intake_notice:{notice.id}")
    db.commit()
    return document_routes.accepted(request, db, document)


route_handlers = [list_cases, register_case, read_case, triage_case, archive_case, list_notices, read_notice,
                  return_notice, notice_document]
