"""The screening and backlog ledgers (annexes 1–2) in the browser.

A list per ledger whose rows are edited in place (HTMX swaps the row for its edit form and
back; without JavaScript the ``edit`` query draws the same row as a form), the plan of each
issue (一案一策) and the 五个一 checklist state in the row, conversion of a screening row
to a petition matter in one click, listing a matter from the candidates (应列尽列), the
XLSX import that shows each refused row with its errors beside it (nothing is imported
while one row is wrong: ``spreadsheets.layouts.import_all``), and the export in the annex
layout (the API's export route). All writes go through the services the API calls.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect

from xinfang.platform import clock
from xinfang.platform.errors import ClerkError
from xinfang.platform.ledgers import backlog, screening, sheets
from xinfang.platform.ledgers import vocabulary as v
from xinfang.platform.ledgers.models import BacklogEntry, ScreeningEntry
from xinfang.platform.ledgers.routes import backlog_query, backlog_rows, screening_query, screening_rows
from xinfang.platform.matters.conversion import Options
from xinfang.platform.matters.rules import rules_for
from xinfang.platform.matters.vocabulary import KINDS as MATTER_KINDS
from xinfang.platform.spreadsheets.places import check_target
from xinfang.platform.spreadsheets.reading import read_table
from xinfang.platform.ui.forms import committed, day_of, form_values, node_of, problems_of, read_form
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.ui.units import unit_in_view
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Id, OptionalId, PageNumber, Upload
from xinfang.platform.web.paging import page_of
from xinfang.platform.web.uploads import upload_bytes
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.scope import ScopedSession

READ, WRITE = "ledgers:read", "ledgers:write"
PER_PAGE = 30
SCREENING_LABELS = {"found_on": "排查日期", "party_name": "当事人姓名", "party_id_number": "身份证号",
                    "party_phone": "联系电话", "category": "问题类别", "summary": "问题简要情况", "headcount": "涉及人数",
                    "responsible_unit": "责任单位", "responsible_leader": "责任领导", "responsible_person": "责任人",
                    "measures": "化解措施", "plan": "化解方案", "deadline": "化解时限", "status": "化解状态"}


@dataclasses.dataclass(frozen=True)
class Ledger:
    """What differs between the two ledgers' pages."""

    key: str
    title: str
    model: type
    what: str
    texts: tuple[str, ...]  # the fields edited in the row, as text
    rows: Callable[[Request, ScopedSession, list], list[dict]]
    query: Callable[[ScopedSession, int, str | None], Any]
    update: Callable[..., Any]
    layout: Any
    load: Callable[..., int]


SCREENING = Ledger(
    "screening", "矛盾纠纷排查化解清单", ScreeningEntry, "排查记录",
    ("responsible_person", "measures", "plan", "progress"),
    lambda request, db, items: screening_rows(db, items, clock.today()),
    lambda db, node_id, status: screening_query(db, node_id, status, None, None, None, None, None, clock.today()),
    screening.update, sheets.SCREENING, sheets.import_screening)
BACKLOG = Ledger(
    "backlog", "信访积案化解清单", BacklogEntry, "积案化解记录", (*v.FIVE_ONES, "progress"),
    backlog_rows, lambda db, node_id, status: backlog_query(db, node_id, status, None, None, clock.today()),
    backlog.update, sheets.BACKLOG, sheets.import_backlog)
LEDGERS = {ledger.key: ledger for ledger in (SCREENING, BACKLOG)}


def ledger_page(request: Request, db: ScopedSession, ledger: Ledger, node_id: int | None, *, page: int = 1,
                status: str | None = None, edit: int | None = None, form: dict | None = None,
                errors: list[str] | None = None, refused_rows: list[dict] | None = None,
                status_code: int = 200) -> Response:
    actor = current_actor(request)
    node = unit_in_view(db, request, node_id, screening.SCREENED_LEVELS)
    context: dict[str, Any] = {"node": node, "ledger": ledger, "edit": edit, "form": form or {},
                               "errors": errors or [], "refused_rows": refused_rows or [], "status": status or "",
                               "may_write": WRITE in actor.permissions(), "statuses": v.STATUSES, "risks": v.RISKS,
                               "reasons": v.BACKLOG_REASONS, "five_ones": v.FIVE_ONES, "matter_kinds": MATTER_KINDS}
    if node is not None:
        if status:
            v.check(v.STATUSES, status, "化解状态")
        listing = page_of(db, ledger.query(db, node.id, status or None), page, PER_PAGE, lambda e: e)
        listing["items"] = ledger.rows(request, db, listing["items"])
        context |= {"listing": listing, "pages": max(1, -(-listing["total"] // PER_PAGE)),
                    "categories": rules_for(db, node.county_id or node.id).categories}
        if ledger is BACKLOG and context["may_write"]:
            context["candidates"] = backlog.candidates(db)[:20]
    return render_page(request, f"ledgers/{ledger.key}.html", title=ledger.title, status_code=status_code, **context)


def row_answer(request: Request, db: ScopedSession, ledger: Ledger, entry: Any, *, editing: bool = False,
               error: str = "", form: dict | None = None, status_code: int = 200) -> Response:
    """One row of the list (shown, or as its edit form), for HTMX to swap in place."""
    actor = current_actor(request)
    row = ledger.rows(request, db, [entry])[0]
    return render_page(request, f"ledgers/{ledger.key}_row.html", status_code=status_code, e=row, ledger=ledger,
                       editing=editing and WRITE in actor.permissions(), error=error, form=form or {},
                       may_write=WRITE in actor.permissions(), statuses=v.STATUSES, five_ones=v.FIVE_ONES)


def _changes(ledger: Ledger, form: dict[str, str]) -> dict[str, Any]:
    """The row form's fields as a partial update (the same one the API's PATCH takes)."""
    changes: dict[str, Any] = {k: form[k] for k in (*ledger.texts, "status") if k in form}
    if "deadline" in form:
        changes["deadline"] = day_of(form["deadline"], "deadline")
    return changes


def save_row(request: Request, db: ScopedSession, ledger: Ledger, entry_id: int, data: dict[str, Any]) -> Response:
    form = form_values(data)
    entry = get_or_404(db, ledger.model, entry_id, ledger.what)
    done = committed(db, lambda: ledger.update(db, entry, _changes(ledger, form), clock.today()))
    htmx = request.headers.get("hx-request") == "true"
    if isinstance(done, ClerkError):
        entry = get_or_404(db, ledger.model, entry_id, ledger.what)
        if htmx:
            return row_answer(request, db, ledger, entry, editing=True, error=done.message, form=form,
                              status_code=done.status_code)
        return ledger_page(request, db, ledger, entry.node_id, edit=entry_id, form=form, errors=[done.message],
                           status_code=done.status_code)
    if htmx:
        return row_answer(request, db, ledger, entry)
    return Redirect(f"/ledgers/{ledger.key}?node_id={entry.node_id}&saved=1#entry-{entry_id}", status_code=303)


def import_file(request: Request, db: ScopedSession, ledger: Ledger, node_id: int | None, upload: Upload) -> Response:
    """All rows or none; a refused file is shown row by row, each row's errors beside it."""
    target = check_target(db, node_id)
    filename, content = upload_bytes(request, upload)
    count = committed(db, lambda: ledger.load(db, current_actor(request), target, filename, content,
                                              today=clock.today()))
    if isinstance(count, ClerkError):
        return ledger_page(request, db, ledger, node_id, errors=[count.message],
                           refused_rows=_refused_rows(ledger, filename, content, count), status_code=count.status_code)
    return Redirect(f"/ledgers/{ledger.key}?node_id={target.id}&imported={count}", status_code=303)


def _refused_rows(ledger: Ledger, filename: str, content: bytes, refusal: ClerkError) -> list[dict]:
    by_row: dict[int, list[str]] = {}
    for detail in refusal.details:
        if "row" in detail:
            by_row.setdefault(detail["row"], []).append(detail["message"].split(":", 1)[-1])
    if not by_row:
        return []
    headers = ledger.layout.pairs()
    return [{"number": row.number, "cells": [(title, row.values.get(key, "")) for key, title in headers
                                             if row.values.get(key, "")][:6], "errors": by_row.get(row.number, [])}
            for row in read_table(filename, content, ledger.layout.aliases())]


# --- the screening ledger -----------------------------------------------------------------

@get("/ledgers/screening", sync_to_thread=True)
def screening_list(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
                   page: FromQuery[PageNumber] = 1, status: FromQuery[str | None] = None,
                   edit: FromQuery[OptionalId] = None) -> Response:
    return ledger_page(request, db, SCREENING, node_id, page=page, status=status, edit=edit)


@get("/ledgers/screening/{entry_id:int}/row", sync_to_thread=True)
def screening_row(request: Request, db: NamedDependency[ScopedSession], entry_id: FromPath[Id],
                  edit: FromQuery[bool] = False) -> Response:
    return row_answer(request, db, SCREENING, get_or_404(db, ScreeningEntry, entry_id, "排查记录"), editing=edit)


@post("/ledgers/screening/{entry_id:int}", opt={"permission": WRITE}, sync_to_thread=True, include_in_schema=False)
def screening_save(request: Request, db: NamedDependency[ScopedSession], entry_id: FromPath[Id],
                   data: URLEncodedBody[dict[str, Any]]) -> Response:
    return save_row(request, db, SCREENING, entry_id, data)


@post("/ledgers/screening/{entry_id:int}/matter", opt={"permission": WRITE}, sync_to_thread=True,
      include_in_schema=False)
def screening_matter(request: Request, db: NamedDependency[ScopedSession], entry_id: FromPath[Id],
                     data: URLEncodedBody[dict[str, Any]]) -> Response:
    """一步转为信访事项, then the matter's page."""
    form = form_values(data)
    entry = get_or_404(db, ScreeningEntry, entry_id, "排查记录")
    node_id = entry.node_id
    matter = committed(db, lambda: screening.to_matter(db, current_actor(request), entry,
                                                       Options(kind=form.get("kind") or "claim")))
    if isinstance(matter, ClerkError):
        return ledger_page(request, db, SCREENING, node_id, errors=[matter.message], status_code=matter.status_code)
    return Redirect(f"/matters/{matter.id}?saved=1", status_code=303)


@post("/ledgers/screening", opt={"permission": WRITE}, sync_to_thread=True, include_in_schema=False)
def screening_add(request: Request, db: NamedDependency[ScopedSession], data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = form_values(data)
    picked = data.get("risks") or []
    risks = [str(r) for r in (picked if isinstance(picked, list) else [picked])]
    entry = committed(db, lambda: screening.create(
        db, current_actor(request), read_form(screening.ScreeningIn, form, SCREENING_LABELS, risks=risks),
        clock.today()))
    if isinstance(entry, ClerkError):
        return ledger_page(request, db, SCREENING, node_of(form), form=form, errors=problems_of(entry),
                           status_code=entry.status_code)
    return Redirect(f"/ledgers/screening?node_id={entry.node_id}&saved=1#entry-{entry.id}", status_code=303)


@post("/ledgers/screening/import", opt={"permission": WRITE}, sync_to_thread=True, include_in_schema=False)
def screening_import(request: Request, db: NamedDependency[ScopedSession], data: MultipartBody[Upload],
                     node_id: FromQuery[OptionalId] = None) -> Response:
    return import_file(request, db, SCREENING, node_id, data)


# --- the backlog ledger --------------------------------------------------------------------

@get("/ledgers/backlog", sync_to_thread=True)
def backlog_list(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
                 page: FromQuery[PageNumber] = 1, status: FromQuery[str | None] = None,
                 edit: FromQuery[OptionalId] = None) -> Response:
    return ledger_page(request, db, BACKLOG, node_id, page=page, status=status, edit=edit)


@get("/ledgers/backlog/{backlog_id:int}/row", sync_to_thread=True)
def backlog_row(request: Request, db: NamedDependency[ScopedSession], backlog_id: FromPath[Id],
                edit: FromQuery[bool] = False) -> Response:
    return row_answer(request, db, BACKLOG, get_or_404(db, BacklogEntry, backlog_id, "积案化解记录"), editing=edit)


@post("/ledgers/backlog/{backlog_id:int}", opt={"permission": WRITE}, sync_to_thread=True, include_in_schema=False)
def backlog_save(request: Request, db: NamedDependency[ScopedSession], backlog_id: FromPath[Id],
                 data: URLEncodedBody[dict[str, Any]]) -> Response:
    return save_row(request, db, BACKLOG, backlog_id, data)


@post("/ledgers/backlog", opt={"permission": WRITE}, sync_to_thread=True, include_in_schema=False)
def backlog_add(request: Request, db: NamedDependency[ScopedSession], data: URLEncodedBody[dict[str, Any]]) -> Response:
    """A candidate matter listed (应列尽列) with its reasons and deadline."""
    form = form_values(data)
    picked = data.get("reasons") or []
    reasons = [str(r) for r in (picked if isinstance(picked, list) else [picked])]
    entry = committed(db, lambda: backlog.create(
        db, current_actor(request), read_form(backlog.BacklogIn, form, {"matter_id": "信访事项", "deadline": "化解时限"},
                                              reasons=reasons), clock.today()))
    if isinstance(entry, ClerkError):
        return ledger_page(request, db, BACKLOG, node_of(form), errors=problems_of(entry),
                           status_code=entry.status_code)
    return Redirect(f"/ledgers/backlog?node_id={entry.node_id}&saved=1#entry-{entry.id}", status_code=303)


@post("/ledgers/backlog/import", opt={"permission": WRITE}, sync_to_thread=True, include_in_schema=False)
def backlog_import(request: Request, db: NamedDependency[ScopedSession], data: MultipartBody[Upload],
                   node_id: FromQuery[OptionalId] = None) -> Response:
    return import_file(request, db, BACKLOG, node_id, data)


PAGES = [("/ledgers/screening", "矛盾纠纷排查化解清单", READ, screening_list),
         ("/ledgers/screening/{entry_id:int}/row", "排查记录", READ, screening_row),
         ("/ledgers/backlog", "信访积案化解清单", READ, backlog_list),
         ("/ledgers/backlog/{backlog_id:int}/row", "积案化解记录", READ, backlog_row)]
FORM_ROUTES = [screening_save, screening_matter, screening_add, screening_import, backlog_save, backlog_add,
               backlog_import]
