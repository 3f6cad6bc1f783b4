"""The intake room (受理室) in the browser: register a visit, triage it (dispatch to a unit
with the printed 分流指派通知单, settle on the spot, open a matter, guide to a legal
channel), the unit's report back, and archiving. The services are the API's; the printed
notice is the document the API generates (rendered in the background, downloaded when done).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect
from sqlalchemy import select

from xinfang.platform import clock
from xinfang.platform.calendar.service import load_calendar
from xinfang.platform.documents import service as documents
from xinfang.platform.documents.models import Document
from xinfang.platform.errors import ClerkError
from xinfang.platform.intake import documents as intake_documents
from xinfang.platform.intake import service
from xinfang.platform.intake.models import DispatchNotice, IntakeCase
from xinfang.platform.intake.routes import READ, REPLY, WRITE, case_rows, notice_row
from xinfang.platform.matters.rules import rules_for
from xinfang.platform.matters.vocabulary import KINDS as MATTER_KINDS
from xinfang.platform.ui.forms import committed, form_values, node_of, problems_of, read_form
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.ui.units import unit_in_view
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Id, OptionalId, PageNumber
from xinfang.platform.web.paging import page_of
from xinfang.platform.web.subtree import within
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.scope import ScopedSession

PER_PAGE = 30
CASE_LABELS = {"visitor_name": "来访人姓名", "visitor_id_number": "身份证号", "visitor_phone": "联系电话",
               "visitor_address": "住址", "headcount": "来访人数", "category": "问题类别", "summary": "反映的问题",
               "demands": "诉求", "received_on": "受理日期"}
TRIAGE_LABELS = {"decision": "分流方式", "note": "说明", "unit_id": "承办单位", "due_on": "回报期限", "days": "回报天数",
                 "requirements": "办理要求", "kind": "事项类别"}
RETURN_LABELS = {"outcome": "办理结果", "result": "办理情况"}


def room_page(request: Request, db: ScopedSession, node_id: int | None, page: int = 1, *,
              form: dict | None = None, errors: list[str] | None = None, status_code: int = 200) -> Response:
    actor = current_actor(request)
    node = unit_in_view(db, request, node_id, service.INTAKE_LEVELS)
    context: dict[str, Any] = {"node": node, "form": form or {}, "errors": errors or [],
                               "may_write": WRITE in actor.permissions()}
    if node is not None:
        query = within(db, IntakeCase, node.id, select(IntakeCase))
        listing = page_of(db, query.order_by(IntakeCase.received_on.desc(), IntakeCase.id.desc()), page, PER_PAGE,
                          lambda c: c)
        listing["items"] = case_rows(request, db, listing["items"])
        context |= {"listing": listing, "pages": max(1, -(-listing["total"] // PER_PAGE)),
                    "categories": rules_for(db, node.county_id or node.id).categories}
    return render_page(request, "intake/room.html", title="矛盾纠纷受理室", status_code=status_code, **context)


@get("/intake", sync_to_thread=True)
def room(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
         page: FromQuery[PageNumber] = 1) -> Response:
    return room_page(request, db, node_id, page)


@post("/intake", opt={"permission": WRITE}, sync_to_thread=True, include_in_schema=False)
def register_case(request: Request, db: NamedDependency[ScopedSession], data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = form_values(data)
    case = committed(db, lambda: service.register(db, current_actor(request),
                                                  read_form(service.CaseIn, form, CASE_LABELS), clock.today()))
    if isinstance(case, ClerkError):
        return room_page(request, db, node_of(form), form=form, errors=problems_of(case), status_code=case.status_code)
    return Redirect(f"/intake/cases/{case.id}?saved=1", status_code=303)


def case_page(request: Request, db: ScopedSession, case: IntakeCase, *, form: dict | None = None, error: str = "",
              status_code: int = 200) -> Response:
    actor = current_actor(request)
    row = case_rows(request, db, [case])[0]
    refs = [f"intake_notice:{n['id']}" for n in row["notices"]]
    printed = list(db.scalars(select(Document).where(Document.subject.in_(refs)).order_by(Document.id))) if refs else []
    may_write = WRITE in actor.permissions()
    return render_page(request, "intake/case.html", title=f"受理登记 {case.number}", status_code=status_code, c=row,
                       form=form or {}, error=error, may_write=may_write, triages=service.TRIAGE,
                       kinds=MATTER_KINDS, default_days=service.DEFAULT_DAYS,
                       units=_dispatch_units(db, request, case) if may_write else [],
                       printed={d.subject: documents.to_dict(db, d) for d in printed})


def _dispatch_units(db: ScopedSession, request: Request, case: IntakeCase) -> list:
    """The units the triage would accept from this user: read under their ``intake:write``
    scope, which the triage's session has (the page's own may be wider)."""
    scope = current_actor(request).scope_for(WRITE)
    if scope is None:
        return []
    with db.reading_as(scope) as reading:
        return service.dispatch_units(reading, case)


@get("/intake/cases/{case_id:int}", sync_to_thread=True)
def case_view(request: Request, db: NamedDependency[ScopedSession], case_id: FromPath[Id]) -> Response:
    return case_page(request, db, get_or_404(db, IntakeCase, case_id, "受理登记"))


@post("/intake/cases/{case_id:int}/triage", opt={"permission": WRITE}, sync_to_thread=True, include_in_schema=False)
def triage(request: Request, db: NamedDependency[ScopedSession], case_id: FromPath[Id],
           data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = form_values(data)
    case = get_or_404(db, IntakeCase, case_id, "受理登记")
    if form.get("decision") != "dispatch":  # the dispatch fields of the form are not this decision's
        form = {k: v for k, v in form.items() if k not in ("unit_id", "due_on", "days", "requirements")}
    done = committed(db, lambda: service.triage(db, current_actor(request), case,
                                                read_form(service.TriageIn, form, TRIAGE_LABELS), clock.today(),
                                                load_calendar(db)))
    if isinstance(done, ClerkError):
        return case_page(request, db, get_or_404(db, IntakeCase, case_id, "受理登记"), form=form, error=done.message,
                         status_code=done.status_code)
    return Redirect(f"/intake/cases/{case_id}?triaged=1", status_code=303)


@post("/intake/cases/{case_id:int}/archive", opt={"permission": WRITE}, sync_to_thread=True, include_in_schema=False)
def archive(request: Request, db: NamedDependency[ScopedSession], case_id: FromPath[Id]) -> Response:
    case = get_or_404(db, IntakeCase, case_id, "受理登记")
    done = committed(db, lambda: service.archive(db, case, clock.today()))
    if isinstance(done, ClerkError):
        return case_page(request, db, get_or_404(db, IntakeCase, case_id, "受理登记"), error=done.message,
                         status_code=done.status_code)
    return Redirect(f"/intake/cases/{case_id}?archived=1", status_code=303)


@post("/intake/notices/{notice_id:int}/document", opt={"permission": WRITE}, sync_to_thread=True,
      include_in_schema=False)
def print_notice(request: Request, db: NamedDependency[ScopedSession], notice_id: FromPath[Id]) -> Response:
    """Asks for the printed 分流指派通知单 (rendered in the background; the case page shows its state)."""
    notice = get_or_404(db, DispatchNotice, notice_id, "分流指派通知单")
    documents.generate(db, current_actor(request), intake_documents.KEY, notice.issuer_node_id, {"number": ""},
                       subject=notice, subject_ref=f"intake_notice:{notice.id}")
    db.commit()
    executor = getattr(request.app.state, "executor", None)
    if executor is not None:
        executor.wake()
    return Redirect(f"/intake/cases/{notice.case_id}?printing=1#notices", status_code=303)


# --- the unit's side: notices received, report back --------------------------------------------

def notices_page(request: Request, db: ScopedSession, page: int = 1, *, error: str = "", failed: int | None = None,
                 status_code: int = 200) -> Response:
    """Every notice the user may see: those sent to their unit, and those their room issued."""
    actor = current_actor(request)
    query = select(DispatchNotice).order_by(DispatchNotice.status, DispatchNotice.due_on, DispatchNotice.id)
    listing = page_of(db, query, page, PER_PAGE, lambda n: n)
    listing["items"] = [notice_row(request, db, n) for n in listing["items"]]
    return render_page(request, "intake/notices.html", title="分流指派事项", listing=listing,
                       pages=max(1, -(-listing["total"] // PER_PAGE)), may_reply=REPLY in actor.permissions(),
                       outcomes=service.OUTCOMES, error=error, failed=failed, status_code=status_code)


@get("/intake/notices", sync_to_thread=True)
def notices(request: Request, db: NamedDependency[ScopedSession], page: FromQuery[PageNumber] = 1) -> Response:
    return notices_page(request, db, page)


@post("/intake/notices/{notice_id:int}/return", opt={"permission": REPLY}, sync_to_thread=True,
      include_in_schema=False)
def report_back(request: Request, db: NamedDependency[ScopedSession], notice_id: FromPath[Id],
                data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = form_values(data)
    notice = get_or_404(db, DispatchNotice, notice_id, "分流指派通知单")
    done = committed(db, lambda: service.report_back(db, current_actor(request), notice,
                                                     read_form(service.ReturnIn, form, RETURN_LABELS), clock.today()))
    if isinstance(done, ClerkError):
        return notices_page(request, db, error=done.message, failed=notice_id, status_code=done.status_code)
    return Redirect(f"/intake/notices?returned={notice_id}#notice-{notice_id}", status_code=303)


PAGES = [("/intake", "矛盾纠纷受理室", READ, room), ("/intake/cases/{case_id:int}", "受理登记", READ, case_view),
         ("/intake/notices", "分流指派事项", READ, notices)]
FORM_ROUTES = [register_case, triage, archive, print_notice, report_back]
