"""The screening and backlog ledgers over HTTP: list, read, add, update, turn into a
matter, export (annex layout) and import (all rows or none)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import partial
from typing import Any

from litestar import Request, Response, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody
from sqlalchemy import and_, not_, select

from xinfang.platform import clock
from xinfang.platform.ledgers import backlog, screening, sheets
from xinfang.platform.ledgers import vocabulary as v
from xinfang.platform.ledgers.backlog import BacklogIn
from xinfang.platform.ledgers.models import BacklogEntry, ScreeningEntry
from xinfang.platform.ledgers.screening import ScreeningIn
from xinfang.platform.matters import views as matter_views
from xinfang.platform.matters.conversion import Options
from xinfang.platform.matters.models import Matter
from xinfang.platform.matters.views import matter_numbers
from xinfang.platform.privacy.exports import export_viewer
from xinfang.platform.spreadsheets.places import check_target
from xinfang.platform.spreadsheets.writing import check_format
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Code, Id, OptionalId, PageNumber, PerPage, Upload, coerce
from xinfang.platform.web.openapi import SPREADSHEET
from xinfang.platform.web.paging import Page, page_of
from xinfang.platform.web.sheets import export_answer, import_answer
from xinfang.platform.web.subtree import within
from xinfang.tenants.lookup import get_or_404, node_names
from xinfang.tenants.scope import ScopedSession

READ, WRITE = "ledgers:read", "ledgers:write"


def _entry(db: ScopedSession, entry_id: int) -> ScreeningEntry:
    return get_or_404(db, ScreeningEntry, entry_id, "排查记录")


def screening_rows(db: ScopedSession, entries: list[ScreeningEntry], today: dt.date, viewer=None) -> list[dict]:
    names = node_names(db, [e.node_id for e in entries])
    numbers = matter_numbers(db, [e.matter_id for e in entries])
    return [screening.to_dict(e, names, today, viewer, numbers) for e in entries]


def screening_query(db: ScopedSession, node_id: int | None, status: str | None, category: str | None,
                     overdue: bool | None, found_from: dt.date | None, found_to: dt.date | None, q: str | None,
                     today: dt.date):
    query = within(db, ScreeningEntry, node_id, select(ScreeningEntry))
    if status is not None:
        v.check(v.STATUSES, status, "化解状态")
        query = query.where(ScreeningEntry.status == status)
    if category:
        query = query.where(ScreeningEntry.category == category)
    if overdue is not None:
        late = (ScreeningEntry.status != "resolved") & (ScreeningEntry.deadline < today)
        query = query.where(late if overdue else ~late | ScreeningEntry.deadline.is_(None))
    if found_from is not None:
        query = query.where(ScreeningEntry.found_on >= found_from)
    if found_to is not None:
        query = query.where(ScreeningEntry.found_on <= found_to)
    if q:
        query = query.where(ScreeningEntry.summary.contains(q.strip()) | (ScreeningEntry.party_name == q.strip()))
    return query.order_by(ScreeningEntry.found_on, ScreeningEntry.id)


@get("/api/ledgers/screening", opt={"permission": READ}, sync_to_thread=True, summary="矛盾纠纷排查化解清单")
def list_screening(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
                   status: FromQuery[str | None] = None, category: FromQuery[str | None] = None,
                   overdue: FromQuery[bool | None] = None, found_from: FromQuery[dt.date | None] = None,
                   found_to: FromQuery[dt.date | None] = None, q: FromQuery[str | None] = None,
                   page: FromQuery[PageNumber] = 1, per_page: FromQuery[PerPage] = 50) -> Page:
    today = clock.today()
    query = screening_query(db, node_id, status, category, overdue, found_from, found_to, q, today)
    listing = page_of(db, query, page, per_page, lambda e: e)
    listing["items"] = screening_rows(db, listing["items"], today)
    return listing


@post("/api/ledgers/screening", opt={"permission": WRITE}, sync_to_thread=True, summary="登记排查发现的矛盾纠纷")
def create_screening(request: Request, db: NamedDependency[ScopedSession], data: JSONBody[ScreeningIn]) -> dict:
    today = clock.today()
    entry = screening.create(db, current_actor(request), data, today)
    db.commit()
    return screening_rows(db, [entry], today)[0]


@get("/api/ledgers/screening/{entry_id:int}", opt={"permission": READ}, sync_to_thread=True, summary="排查记录详情")
def read_screening(request: Request, db: NamedDependency[ScopedSession], entry_id: FromPath[Id]) -> dict:
    return screening_rows(db, [_entry(db, entry_id)], clock.today())[0]


@patch("/api/ledgers/screening/{entry_id:int}", opt={"permission": WRITE}, sync_to_thread=True,
       summary="更新排查记录(化解措施、方案、进展、状态等)")
def update_screening(request: Request, db: NamedDependency[ScopedSession], entry_id: FromPath[Id],
                     data: JSONBody[dict[str, Any]]) -> dict:
    today = clock.today()
    entry = _entry(db, entry_id)
    screening.update(db, entry, coerce(data, dates=("deadline",), ints=("headcount",), lists=("risks",)), today)
    db.commit()
    return screening_rows(db, [entry], today)[0]


@dataclasses.dataclass
class ConvertBody:
    kind: Code = "claim"
    channel: Code = "visit"
    form: Code | None = None
    node_id: Id | None = None


@post("/api/ledgers/screening/{entry_id:int}/matter", opt={"permission": WRITE}, sync_to_thread=True,
      summary="一步转为信访事项(登记事项并互相关联)")
def screening_to_matter(request: Request, db: NamedDependency[ScopedSession], entry_id: FromPath[Id],
                        data: JSONBody[ConvertBody]) -> dict:
    actor = current_actor(request)
    entry = _entry(db, entry_id)
    matter = screening.to_matter(db, actor, entry, Options(**dataclasses.asdict(data)))
    db.commit()
    return {"entry": screening_rows(db, [entry], clock.today())[0],
            "matter": matter_views.detail(db, actor, matter)}


@get("/api/ledgers/screening/export", opt={"permission": READ, "writes": True, "produces": SPREADSHEET}, sync_to_thread=True,
     summary="导出矛盾纠纷排查化解清单(附件1格式;默认脱敏,完整导出记入审计日志)")
def export_screening(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
                     status: FromQuery[str | None] = None, found_from: FromQuery[dt.date | None] = None,
                     found_to: FromQuery[dt.date | None] = None, format: FromQuery[str] = "xlsx",
                     unmask: FromQuery[bool] = False) -> Response:
    check_format(format)
    actor, today = current_actor(request), clock.today()
    entries = db.scalars(screening_query(db, node_id, status, None, None, found_from, found_to, None, today)).all()
    viewer = export_viewer(db, actor, {e.node_id for e in entries}, unmask)
    return export_answer(db, actor, sheets.SCREENING, screening_rows(db, list(entries), today, viewer), format,
                         "screening_entries", node_id, unmasked=unmask)


@post("/api/ledgers/screening/import", opt={"permission": WRITE}, sync_to_thread=True, status_code=200,
      summary="从 XLSX/CSV 导入矛盾纠纷排查化解清单(有任何错误则全部不导入)")
def import_screening(request: Request, db: NamedDependency[ScopedSession], data: MultipartBody[Upload],
                     node_id: FromQuery[OptionalId] = None) -> dict:
    return import_answer(request, db, data, check_target(db, node_id),
                         partial(sheets.import_screening, today=clock.today()))


# --- backlog ------------------------------------------------------------------------------


def _backlog(db: ScopedSession, backlog_id: int) -> BacklogEntry:
    return get_or_404(db, BacklogEntry, backlog_id, "积案化解记录")


def backlog_rows(request: Request, db: ScopedSession, entries: list[BacklogEntry]) -> list[dict]:
    today, actor = clock.today(), current_actor(request)
    matters = {m.id: m for m in db.scalars(select(Matter).where(Matter.id.in_([e.matter_id for e in entries])))}
    names = backlog.petitioner_names(db, actor, list(matters.values()))
    nodes = node_names(db, [e.node_id for e in entries])
    return [backlog.to_dict(e, matters.get(e.matter_id), names.get(e.matter_id, ""), nodes.get(e.node_id, ""), today)
            for e in entries]


def backlog_query(db: ScopedSession, node_id: int | None, status: str | None, overdue: bool | None,
                   complete: bool | None, today: dt.date):
    query = within(db, BacklogEntry, node_id, select(BacklogEntry))
    if status is not None:
        v.check(v.STATUSES, status, "化解状态")
        query = query.where(BacklogEntry.status == status)
    if overdue is not None:
        late = (BacklogEntry.status != "resolved") & (BacklogEntry.deadline < today)
        query = query.where(late if overdue else ~late)
    if complete is not None:
        filled = [getattr(BacklogEntry, key) != "" for key in v.FIVE_ONES]
        query = query.where(and_(*filled) if complete else not_(and_(*filled)))
    return query.order_by(BacklogEntry.deadline, BacklogEntry.id)


@get("/api/ledgers/backlog", opt={"permission": READ}, sync_to_thread=True,
     summary="信访积案和突出问题化解清单(含“五个一”落实情况)")
def list_backlog(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
                 status: FromQuery[str | None] = None, overdue: FromQuery[bool | None] = None,
                 complete: FromQuery[bool | None] = None, page: FromQuery[PageNumber] = 1,
                 per_page: FromQuery[PerPage] = 50) -> Page:
    query = backlog_query(db, node_id, status, overdue, complete, clock.today())
    listing = page_of(db, query, page, per_page, lambda e: e)
    listing["items"] = backlog_rows(request, db, listing["items"])
    return listing


@get("/api/ledgers/backlog/candidates", opt={"permission": READ}, sync_to_thread=True,
     summary="应列入积案化解清单而尚未列入的信访事项(超期、重复信访、进京到省)")
def backlog_candidates(db: NamedDependency[ScopedSession]) -> dict:
    items = backlog.candidates(db)
    return {"items": items, "total": len(items)}


@post("/api/ledgers/backlog", opt={"permission": WRITE}, sync_to_thread=True, summary="将信访事项列入积案化解清单")
def create_backlog(request: Request, db: NamedDependency[ScopedSession], data: JSONBody[BacklogIn]) -> dict:
    entry = backlog.create(db, current_actor(request), data, clock.today())
    db.commit()
    return backlog_rows(request, db, [entry])[0]


@get("/api/ledgers/backlog/{backlog_id:int}", opt={"permission": READ}, sync_to_thread=True, summary="积案化解记录详情")
def read_backlog(request: Request, db: NamedDependency[ScopedSession], backlog_id: FromPath[Id]) -> dict:
    return backlog_rows(request, db, [_backlog(db, backlog_id)])[0]


@patch("/api/ledgers/backlog/{backlog_id:int}", opt={"permission": WRITE}, sync_to_thread=True,
       summary="更新积案化解记录(“五个一”、进展、状态)")
def update_backlog(request: Request, db: NamedDependency[ScopedSession], backlog_id: FromPath[Id],
                   data: JSONBody[dict[str, Any]]) -> dict:
    entry = _backlog(db, backlog_id)
    backlog.update(db, entry, coerce(data, dates=("deadline",), lists=("reasons",)), clock.today())
    db.commit()
    return backlog_rows(request, db, [entry])[0]


@get("/api/ledgers/backlog/export", opt={"permission": READ, "writes": True, "produces": SPREADSHEET}, sync_to_thread=True,
     summary="导出信访积案和突出问题化解清单(附件2格式)")
def export_backlog(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
                   status: FromQuery[str | None] = None, format: FromQuery[str] = "xlsx") -> Response:
    check_format(format)
    actor = current_actor(request)
    entries = db.scalars(backlog_query(db, node_id, status, None, None, clock.today())).all()
    return export_answer(db, actor, sheets.BACKLOG, backlog_rows(request, db, list(entries)), format,
                         "backlog_entries", node_id)


@post("/api/ledgers/backlog/import", opt={"permission": WRITE}, sync_to_thread=True, status_code=200,
      summary="从 XLSX/CSV 导入信访积案和突出问题化解清单(有任何错误则全部不导入)")
def import_backlog(request: Request, db: NamedDependency[ScopedSession], data: MultipartBody[Upload],
                   node_id: FromQuery[OptionalId] = None) -> dict:
    return import_answer(request, db, data, check_target(db, node_id),
                         partial(sheets.import_backlog, today=clock.today()))


route_handlers = [list_screening, create_screening, read_screening, update_screening, screening_to_matter,
                  export_screening, import_screening, list_backlog, backlog_candidates, create_backlog,
                  read_backlog, update_backlog, export_backlog, import_backlog]
