"""The reception register (annex 3) and leaders' 下访/约访 in the browser.

A reception is registered from the day's rota duty (leader and place taken from it) and
may open a petition matter in the same step; a registered one is turned into a matter or
handed to a leader's 包案 with one button. The visits page lists 下访/约访 with each
leader's figures against the quotas (``visits.quotas``, the API's
``/api/reception/nodes/{id}/quotas``). The services are the API's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect

from xinfang.platform import clock
from xinfang.platform.errors import BadRequest, ClerkError
from xinfang.platform.matters import ownership
from xinfang.platform.matters.conversion import Options
from xinfang.platform.matters.rules import rules_for
from xinfang.platform.matters.vocabulary import KINDS as MATTER_KINDS
from xinfang.platform.reception import register, rota, visits
from xinfang.platform.reception.models import ReceptionRecord
from xinfang.platform.reception.routes import record_rows, records_query, visit_rows
from xinfang.platform.ui.forms import committed, form_values, node_of, problems_of, read_form
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.ui.units import unit_in_view
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Id, OptionalId, PageNumber
from xinfang.platform.web.paging import page_of
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession

READ, WRITE = "reception:read", "reception:write"
PER_PAGE = 30
RECORD_LABELS = {"received_on": "接访日期", "visitor_name": "来访人姓名", "visitor_id_number": "身份证号",
                 "visitor_phone": "联系电话", "visitor_address": "住址", "headcount": "来访人数", "category": "问题分类",
                 "summary": "反映的问题", "demands": "诉求", "decision": "处理意见", "assigned_unit": "交办单位",
                 "leader_name": "接访领导", "leader_position": "职务", "place": "接访地点", "duty_id": "接访安排",
                 "status": "办理状态", "matter_kind": "事项类别"}
VISIT_LABELS = {"kind": "类型", "visited_on": "日期", "leader_name": "领导姓名", "leader_position": "职务",
                "leader_kind": "领导类别", "place": "地点", "people_met": "接待的群众", "matters_raised": "反映的问题",
                "people_count": "接待人数", "problems_solved": "解决的实际问题(件)", "solutions": "解决情况", "note": "备注"}


def _categories(db: ScopedSession, node: Node) -> list[str]:
    return rules_for(db, node.county_id or node.id).categories


# --- the register -------------------------------------------------------------------------

def records_page(request: Request, db: ScopedSession, node_id: int | None, page: int = 1, *,
                 form: dict[str, Any] | None = None, errors: list[str] | None = None, failed: int | None = None,
                 status_code: int = 200) -> Response:
    actor = current_actor(request)
    node = unit_in_view(db, request, node_id, rota.ROTA_LEVELS)
    context: dict[str, Any] = {"node": node, "form": form or {}, "errors": errors or [], "failed": failed,
                               "may_write": WRITE in actor.permissions(), "statuses": register.STATUSES,
                               "matter_kinds": MATTER_KINDS}
    if node is not None:
        today = clock.today()
        query = records_query(db, node.id, None, None, None).order_by(None).order_by(
            ReceptionRecord.received_on.desc(), ReceptionRecord.id.desc())
        listing = page_of(db, query, page, PER_PAGE, lambda r: r)
        listing["items"] = record_rows(db, listing["items"])
        duties = rota.duties_under(db, node, today - dt.timedelta(days=6), today)
        context |= {"listing": listing, "pages": max(1, -(-listing["total"] // PER_PAGE)),
                    "duties": [d for d in duties if d.node_id == node.id], "categories": _categories(db, node),
                    "leaders": ownership.leaders_for(db, node) if context["may_write"] else []}
    return render_page(request, "reception/records.html", title="领导接访登记", status_code=status_code, **context)


@get("/reception/records", sync_to_thread=True)
def records(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
            page: FromQuery[PageNumber] = 1) -> Response:
    return records_page(request, db, node_id, page)


@post("/reception/records", opt={"permission": WRITE}, sync_to_thread=True, include_in_schema=False)
def record_add(request: Request, db: NamedDependency[ScopedSession], data: URLEncodedBody[dict[str, Any]]) -> Response:
    """Registers the reception (opening a matter too when ticked) and shows the register."""
    actor = current_actor(request)
    form = form_values(data)
    outcome = committed(db, lambda: register.create(
        db, actor, read_form(register.ReceptionIn, form, RECORD_LABELS, bools=("open_matter",)), clock.today()))
    if isinstance(outcome, ClerkError):
        return records_page(request, db, node_of(form), form=form, errors=problems_of(outcome),
                            status_code=outcome.status_code)
    created, matter = outcome
    done = f"matter={matter.id}" if matter is not None else "saved=1"
    return Redirect(f"/reception/records?node_id={created.node_id}&{done}#record-{created.id}", status_code=303)


@post("/reception/records/{reception_id:int}/matter", opt={"permission": WRITE}, sync_to_thread=True,
      include_in_schema=False)
def record_matter(request: Request, db: NamedDependency[ScopedSession], reception_id: FromPath[Id],
                  data: URLEncodedBody[dict[str, Any]]) -> Response:
    """一步登记为信访事项 (来访), then the matter's page."""
    form = form_values(data)
    found = get_or_404(db, ReceptionRecord, reception_id, "接访登记")
    node_id = found.node_id
    matter = committed(db, lambda: register.to_matter(db, current_actor(request), found,
                                                      Options(kind=form.get("kind") or "claim")))
    if isinstance(matter, ClerkError):
        return records_page(request, db, node_id, errors=[matter.message], failed=reception_id,
                            status_code=matter.status_code)
    return Redirect(f"/matters/{matter.id}?saved=1", status_code=303)


@post("/reception/records/{reception_id:int}/ownership", opt={"permission": WRITE}, sync_to_thread=True,
      include_in_schema=False)
def record_ownership(request: Request, db: NamedDependency[ScopedSession], reception_id: FromPath[Id],
                     data: URLEncodedBody[dict[str, Any]]) -> Response:
    """确定包案领导 (registering the matter first when it is not one yet)."""
    form = form_values(data)
    found = get_or_404(db, ReceptionRecord, reception_id, "接访登记")
    node_id = found.node_id
    leader = form.get("leader_user_id", "")
    if not leader.isdigit():
        raise BadRequest("请选择包案领导")
    owned = committed(db, lambda: register.hand_to_ownership(
        db, current_actor(request), found, int(leader), form.get("note", "")[:200], clock.today(),
        Options(kind=form.get("kind") or "claim")))
    if isinstance(owned, ClerkError):
        return records_page(request, db, node_id, errors=[owned.message], failed=reception_id,
                            status_code=owned.status_code)
    return Redirect(f"/reception/records?node_id={node_id}&owned=1#record-{reception_id}", status_code=303)


# --- leaders' 下访 and 约访 --------------------------------------------------------------------

def visits_page(request: Request, db: ScopedSession, node_id: int | None, page: int = 1, *,
                form: dict[str, Any] | None = None, errors: list[str] | None = None,
                status_code: int = 200) -> Response:
    actor = current_actor(request)
    node = unit_in_view(db, request, node_id, rota.ROTA_LEVELS)
    context: dict[str, Any] = {"node": node, "form": form or {}, "errors": errors or [],
                               "may_write": WRITE in actor.permissions(), "kinds": visits.KINDS,
                               "leader_kinds": visits.LEADER_KINDS}
    if node is not None:
        listing = page_of(db, visits.query(db, node, None, None, None, None, None), page, PER_PAGE, lambda r: r)
        listing["items"] = visit_rows(db, listing["items"])
        today = clock.today()
        context |= {"listing": listing, "pages": max(1, -(-listing["total"] // PER_PAGE)),
                    "quotas": visits.quotas(db, node, today, today)}
    return render_page(request, "reception/visits.html", title="领导下访约访", status_code=status_code, **context)


@get("/reception/visits", sync_to_thread=True)
def visit_list(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
               page: FromQuery[PageNumber] = 1) -> Response:
    return visits_page(request, db, node_id, page)


@post("/reception/visits", opt={"permission": WRITE}, sync_to_thread=True, include_in_schema=False)
def visit_add(request: Request, db: NamedDependency[ScopedSession], data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = form_values(data)
    created = committed(db, lambda: visits.create(db, current_actor(request),
                                                  read_form(visits.VisitIn, form, VISIT_LABELS), clock.today()))
    if isinstance(created, ClerkError):
        return visits_page(request, db, node_of(form), form=form, errors=problems_of(created),
                           status_code=created.status_code)
    return Redirect(f"/reception/visits?node_id={created.node_id}&saved=1", status_code=303)


PAGES = [("/reception/records", "领导接访登记", READ, records), ("/reception/visits", "领导下访约访", READ, visit_list)]
FORM_ROUTES = [record_add, record_matter, record_ownership, visit_add]
