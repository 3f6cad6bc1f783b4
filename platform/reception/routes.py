"""The reception rota and register over HTTP (the public notice is in ``public``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import partial
from typing import Any

from litestar import Request, Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody
from sqlalchemy import select

from xinfang.platform import clock
from xinfang.platform.calendar.service import load_calendar
from xinfang.platform.errors import BadRequest
from xinfang.platform.matters import views as matter_views
from xinfang.platform.matters.conversion import Options
from xinfang.platform.matters.views import matter_numbers
from xinfang.platform.privacy.exports import export_viewer
from xinfang.platform.reception import register, rota, sheets, visits
from xinfang.platform.reception.models import LeaderVisit, ReceptionRecord, RotaDuty
from xinfang.platform.spreadsheets.places import check_target
from xinfang.platform.spreadsheets.writing import check_format
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import (
    Bounded,
    Code,
    Id,
    Line,
    Name,
    Note,
    OptionalId,
    PageNumber,
    PerPage,
    Upload,
    coerce,
)
from xinfang.platform.web.openapi import SPREADSHEET
from xinfang.platform.web.paging import Page, page_of
from xinfang.platform.web.sheets import export_answer, import_answer
from xinfang.platform.web.subtree import visible_node, within
from xinfang.tenants.lookup import get_or_404, node_names
from xinfang.tenants.scope import ScopedSession

READ, WRITE = "reception:read", "reception:write"
DEFAULT_DAYS = 13


def _range(request: Request, start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    start = start or clock.today()
    end = end or start + dt.timedelta(days=DEFAULT_DAYS)
    rota.check_range(start, end)
    return start, end


def _duty_rows(db: ScopedSession, duties: list[RotaDuty]) -> list[dict]:
    names = node_names(db, [d.node_id for d in duties])
    return [rota.to_dict(d, names) for d in duties]


@get("/api/reception/rota", opt={"permission": READ}, sync_to_thread=True,
     summary="领导接访安排(指定单位时同时列出冲突:同一领导重复安排、工作日无人接访)")
def list_rota(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
              start: FromQuery[dt.date | None] = None, end: FromQuery[dt.date | None] = None) -> dict:
    start, end = _range(request, start, end)
    if node_id is None:
        duties = list(db.scalars(select(RotaDuty).where(RotaDuty.on >= start, RotaDuty.on <= end)
                                 .order_by(RotaDuty.on, RotaDuty.slot, RotaDuty.id)))
        return {"start": start.isoformat(), "end": end.isoformat(), "items": _duty_rows(db, duties), "clashes": []}
    node = visible_node(db, node_id)
    duties = rota.duties_under(db, node, start, end)
    return {"start": start.isoformat(), "end": end.isoformat(), "items": _duty_rows(db, duties),
            "clashes": rota.clashes(db, node, start, end, load_calendar(db))}


@post("/api/reception/rota", opt={"permission": WRITE}, sync_to_thread=True, summary="安排领导接访")
def create_duty(request: Request, db: NamedDependency[ScopedSession], data: JSONBody[rota.DutyIn]) -> dict:
    duty = rota.create_duty(db, current_actor(request), data)
    db.commit()
    node = visible_node(db, duty.node_id)
    clashes = [c for c in rota.clashes(db, node, duty.on, duty.on, load_calendar(db)) if duty.id in c["duty_ids"]]
    return {**_duty_rows(db, [duty])[0], "clashes": clashes}


@delete("/api/reception/rota/{duty_id:int}", opt={"permission": WRITE}, sync_to_thread=True, status_code=200,
        summary="删除接访安排")
def delete_duty(db: NamedDependency[ScopedSession], duty_id: FromPath[Id]) -> dict:
    duty = get_or_404(db, RotaDuty, duty_id, "接访安排")
    rota.delete_duty(db, duty)
    db.commit()
    return {"deleted": duty_id}


@dataclasses.dataclass
class PublishBody(Bounded):
    node_id: Id
    start: dt.date
    end: dt.date


@post("/api/reception/rota/publish", opt={"permission": WRITE}, sync_to_thread=True, status_code=200,
      summary="发布接访安排(向社会公布;有冲突时不能发布)")
def publish_rota(request: Request, db: NamedDependency[ScopedSession], data: JSONBody[PublishBody]) -> dict:
    node = visible_node(db, data.node_id)
    count = rota.publish(db, current_actor(request), node, data.start, data.end, load_calendar(db),
                         clock.now())
    db.commit()
    return {"published": count, "public_url": f"/public/reception/{node.code[:9]}"}


@get("/api/reception/nodes/{node_id:int}/rota-rules", opt={"permission": READ}, sync_to_thread=True,
     summary="检查一周接访安排是否符合要求(主要领导每周接访、每日有领导接访、第一网格长每周接访)")
def rota_rules(request: Request, db: NamedDependency[ScopedSession], node_id: FromPath[Id],
               week_of: FromQuery[dt.date | None] = None, main_leaders: FromQuery[str | None] = None) -> dict:
    node = visible_node(db, node_id)
    day = week_of or clock.today()
    names = [n.strip() for n in (main_leaders or "").replace(",", ",").split(",") if n.strip()] or None
    found = rota.week_violations(db, node, day, names)
    monday = day - dt.timedelta(days=day.weekday())
    return {"week_start": monday.isoformat(), "week_end": (monday + dt.timedelta(days=6)).isoformat(),
            "violations": found, "ok": not found}


@get("/api/reception/rota/export", opt={"permission": READ, "writes": True, "produces": SPREADSHEET}, sync_to_thread=True,
     summary="导出领导接访安排表(附件4格式)")
def export_rota(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
                start: FromQuery[dt.date | None] = None, end: FromQuery[dt.date | None] = None,
                format: FromQuery[str] = "xlsx") -> Response:
    check_format(format)
    start, end = _range(request, start, end)
    query = within(db, RotaDuty, node_id, select(RotaDuty).where(RotaDuty.on >= start, RotaDuty.on <= end))
    rows = _duty_rows(db, list(db.scalars(query.order_by(RotaDuty.on, RotaDuty.slot, RotaDuty.id))))
    return export_answer(db, current_actor(request), sheets.ROTA, rows, format, "rota_duties", node_id)


@post("/api/reception/rota/import", opt={"permission": WRITE}, sync_to_thread=True, status_code=200,
      summary="从 XLSX/CSV 导入领导接访安排(有任何错误则全部不导入;导入后需发布)")
def import_rota(request: Request, db: NamedDependency[ScopedSession], data: MultipartBody[Upload],
                node_id: FromQuery[OptionalId] = None) -> dict:
    return import_answer(request, db, data, check_target(db, node_id), sheets.import_rota)


# --- the register ----------------------------------------------------------------------------


def _record(db: ScopedSession, reception_id: int) -> ReceptionRecord:
    return get_or_404(db, ReceptionRecord, reception_id, "接访登记")


def record_rows(db: ScopedSession, records: list[ReceptionRecord], viewer=None) -> list[dict]:
    names = node_names(db, [r.node_id for r in records])
    numbers = matter_numbers(db, [r.matter_id for r in records])
    owned = register.ownership_views(db, records)
    return [register.to_dict(r, names, numbers, viewer, owned) for r in records]


def records_query(db: ScopedSession, node_id: int | None, status: str | None, received_from: dt.date | None,
                   received_to: dt.date | None):
    query = within(db, ReceptionRecord, node_id, select(ReceptionRecord))
    if status is not None:
        if status not in register.STATUSES:
            raise BadRequest(f"办理状态应为:{'、'.join(register.STATUSES)}")
        query = query.where(ReceptionRecord.status == status)
    if received_from is not None:
        query = query.where(ReceptionRecord.received_on >= received_from)
    if received_to is not None:
        query = query.where(ReceptionRecord.received_on <= received_to)
    return query.order_by(ReceptionRecord.received_on, ReceptionRecord.id)


@get("/api/reception/records", opt={"permission": READ}, sync_to_thread=True, summary="领导干部接待群众来访登记")
def list_records(db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
                 status: FromQuery[str | None] = None, received_from: FromQuery[dt.date | None] = None,
                 received_to: FromQuery[dt.date | None] = None, page: FromQuery[PageNumber] = 1,
                 per_page: FromQuery[PerPage] = 50) -> Page:
    listing = page_of(db, records_query(db, node_id, status, received_from, received_to), page, per_page,
                      lambda r: r)
    listing["items"] = record_rows(db, listing["items"])
    return listing


@post("/api/reception/records", opt={"permission": WRITE}, sync_to_thread=True,
      summary="登记领导接访(open_matter=true 时同时登记为信访事项)")
def create_record(request: Request, db: NamedDependency[ScopedSession], data: JSONBody[register.ReceptionIn]) -> dict:
    actor = current_actor(request)
    created, matter = register.create(db, actor, data, clock.today())
    db.commit()
    row = record_rows(db, [created])[0]
    return {**row, "matter": matter_views.detail(db, actor, matter) if matter is not None else None}


@get("/api/reception/records/{reception_id:int}", opt={"permission": READ}, sync_to_thread=True,
     summary="接访登记详情")
def read_record(db: NamedDependency[ScopedSession], reception_id: FromPath[Id]) -> dict:
    return record_rows(db, [_record(db, reception_id)])[0]


@patch("/api/reception/records/{reception_id:int}", opt={"permission": WRITE}, sync_to_thread=True,
       summary="更新接访登记(处理意见、交办单位、办理结果、状态)")
def update_record(db: NamedDependency[ScopedSession], reception_id: FromPath[Id],
                  data: JSONBody[dict[str, Any]]) -> dict:
    found = _record(db, reception_id)
    register.update(db, found, coerce(data, ints=("headcount",)))
    db.commit()
    return record_rows(db, [found])[0]


@dataclasses.dataclass
class MatterBody:
    kind: Code = "claim"
    form: Code | None = None
    node_id: Id | None = None


@post("/api/reception/records/{reception_id:int}/matter", opt={"permission": WRITE}, sync_to_thread=True,
      summary="一步登记为信访事项(来访;互相关联)")
def record_to_matter(request: Request, db: NamedDependency[ScopedSession], reception_id: FromPath[Id],
                     data: JSONBody[MatterBody]) -> dict:
    actor = current_actor(request)
    found = _record(db, reception_id)
    matter = register.to_matter(db, actor, found, Options(kind=data.kind, form=data.form, node_id=data.node_id))
    db.commit()
    return {"record": record_rows(db, [found])[0], "matter": matter_views.detail(db, actor, matter)}


@dataclasses.dataclass
class OwnershipBody:
    leader_user_id: Id
    note: Note = ""
    kind: Code = "claim"  # if the reception is not a matter yet, it is registered as one of this kind


@post("/api/reception/records/{reception_id:int}/ownership", opt={"permission": WRITE}, sync_to_thread=True,
      status_code=200, summary="当场不能解决的疑难事项确定包案领导,落实“四包”责任(尚未登记为信访事项的同时登记)")
def record_ownership(request: Request, db: NamedDependency[ScopedSession], reception_id: FromPath[Id],
                     data: JSONBody[OwnershipBody]) -> dict:
    found = _record(db, reception_id)
    register.hand_to_ownership(db, current_actor(request), found, data.leader_user_id, data.note,
                               clock.today(), Options(kind=data.kind))
    db.commit()
    return record_rows(db, [found])[0]


@get("/api/reception/records/export", opt={"permission": READ, "writes": True, "produces": SPREADSHEET}, sync_to_thread=True,
     summary="导出领导干部接待群众来访登记表(附件3格式;默认脱敏,完整导出记入审计日志)")
def export_records(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
                   received_from: FromQuery[dt.date | None] = None, received_to: FromQuery[dt.date | None] = None,
                   format: FromQuery[str] = "xlsx", unmask: FromQuery[bool] = False) -> Response:
    check_format(format)
    actor = current_actor(request)
    records = list(db.scalars(records_query(db, node_id, None, received_from, received_to)))
    viewer = export_viewer(db, actor, {r.node_id for r in records}, unmask)
    return export_answer(db, actor, sheets.REGISTER, record_rows(db, records, viewer), format, "reception_records",
                         node_id, unmasked=unmask)


@post("/api/reception/records/import", opt={"permission": WRITE}, sync_to_thread=True, status_code=200,
      summary="从 XLSX/CSV 导入领导干部接待群众来访登记(有任何错误则全部不导入)")
def import_records(request: Request, db: NamedDependency[ScopedSession], data: MultipartBody[Upload],
                   node_id: FromQuery[OptionalId] = None) -> dict:
    return import_answer(request, db, data, check_target(db, node_id),
                         partial(sheets.import_register, today=clock.today()))


# --- leaders' 下访 and 约访, and the quotas ---------------------------------------------------------


def visit_rows(db: ScopedSession, rows: list[LeaderVisit]) -> list[dict]:
    names = node_names(db, [r.node_id for r in rows] + [r.place_node_id for r in rows if r.place_node_id])
    numbers = matter_numbers(db, [m for r in rows for m in r.matter_ids])
    return [visits.to_dict(r, names, numbers) for r in rows]


def _visit(db: ScopedSession, visit_id: int) -> LeaderVisit:
    return get_or_404(db, LeaderVisit, visit_id, "下访、约访记录")


def _main_leaders(text: str | None) -> list[str]:
    return [n.strip() for n in (text or "").replace("，", ",").replace("、", ",").split(",") if n.strip()]


@get("/api/reception/visits", opt={"permission": READ}, sync_to_thread=True,
     summary="领导下访、约访记录（可按单位、类型、日期、领导筛选）")
def list_visits(db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
                kind: FromQuery[Code | None] = None, start: FromQuery[dt.date | None] = None,
                end: FromQuery[dt.date | None] = None, leader_user_id: FromQuery[OptionalId] = None,
                leader_name: FromQuery[Name | None] = None, page: FromQuery[PageNumber] = 1,
                per_page: FromQuery[PerPage] = 50) -> Page:
    node = visible_node(db, node_id) if node_id is not None else None
    listing = page_of(db, visits.query(db, node, kind, start, end, leader_user_id, leader_name), page, per_page,
                      lambda r: r)
    listing["items"] = visit_rows(db, listing["items"])
    return listing


@post("/api/reception/visits", opt={"permission": WRITE}, sync_to_thread=True,
      summary="登记领导下访、约访（日期、地点、接待的群众、反映的问题、解决的实际问题、关联的信访事项）")
def create_visit(request: Request, db: NamedDependency[ScopedSession], data: JSONBody[visits.VisitIn]) -> dict:
    created = visits.create(db, current_actor(request), data, clock.today())
    db.commit()
    return visit_rows(db, [created])[0]


@get("/api/reception/visits/{visit_id:int}", opt={"permission": READ}, sync_to_thread=True,
     summary="下访、约访记录详情")
def read_visit(db: NamedDependency[ScopedSession], visit_id: FromPath[Id]) -> dict:
    return visit_rows(db, [_visit(db, visit_id)])[0]


@patch("/api/reception/visits/{visit_id:int}", opt={"permission": WRITE}, sync_to_thread=True,
       summary="补充下访、约访记录（解决情况、关联的信访事项等；领导、日期和类型不可改）")
def update_visit(db: NamedDependency[ScopedSession], visit_id: FromPath[Id],
                 data: JSONBody[dict[str, Any]]) -> dict:
    found = _visit(db, visit_id)
    visits.update(db, found, visits.changes_from(data))
    db.commit()
    return visit_rows(db, [found])[0]


@get("/api/reception/nodes/{node_id:int}/visit-counts", opt={"permission": READ}, sync_to_thread=True,
     summary="各领导在指定期间的下访、约访、接访次数和解决的实际问题（县级含县直部门和乡镇）")
def visit_counts(db: NamedDependency[ScopedSession], node_id: FromPath[Id], start: FromQuery[dt.date],
                 end: FromQuery[dt.date]) -> dict:
    if end < start:
        raise BadRequest("结束日期不能早于开始日期")
    if (end - start).days > 366:
        raise BadRequest("一次最多统计366天")
    node = visible_node(db, node_id)
    rows = visits.tally(db, visits.units_under(db, node), start, end)
    return {"start": start.isoformat(), "end": end.isoformat(),
            "items": [{"unit_id": t.unit.id, "unit_name": t.unit.name, "leader_user_id": t.user_id,
                       "leader_name": t.name, "leader_position": t.position, **t.counts()} for t in rows]}


@get("/api/reception/nodes/{node_id:int}/quotas", opt={"permission": READ}, sync_to_thread=True,
     summary="领导下访、约访、接访是否达到要求（县级领导每年下访4次、每月接访1次，部门负责人每年4次，"
             "乡镇主要负责人每月8次），按所选日期所在的月、年统计")
def visit_quotas(db: NamedDependency[ScopedSession], node_id: FromPath[Id], on: FromQuery[dt.date | None] = None,
                 main_leaders: FromQuery[Line | None] = None) -> dict:
    node = visible_node(db, node_id)
    return visits.quotas(db, node, on or clock.today(), clock.today(), _main_leaders(main_leaders))


route_handlers = [list_rota, create_duty, delete_duty, publish_rota, rota_rules, export_rota, import_rota,
                  list_records, create_record, read_record, update_record, record_to_matter, record_ownership,
                  export_records, import_records, list_visits, create_visit, read_visit, update_visit, visit_counts,
                  visit_quotas]
