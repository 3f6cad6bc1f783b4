"""Petitioners' files over HTTP: personal data masked unless a ``pii:read`` holder opens it,
and every full-value read is itself audited."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy import select

from xinfang.permissions.actor import authorize
from xinfang.platform.audit.log import record
from xinfang.platform.errors import BadRequest, Conflict, Forbidden
from xinfang.platform.people.files import Party, find_file, person_file
from xinfang.platform.people.models import PERSON_FIELDS, Person
from xinfang.platform.privacy.fields import Viewer
from xinfang.platform.privacy.identity import (
    id_number_problem,
    normalize_id_number,
    phone_problem,
)
from xinfang.platform.spreadsheets.writing import check_format, spreadsheet_response
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Id, IdNumber, Line, Name, PageNumber, PerPage, Phone
from xinfang.platform.web.openapi import SPREADSHEET
from xinfang.platform.web.paging import Page, page_of
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession

EXPORT_COLUMNS = [("name", "姓名"), ("id_number", "身份证号"), ("phone", "联系电话"), ("address", "住址"),
                  ("node_id", "建档单位")]


@dataclass
class PersonIn:
    node_id: Id
    name: Name
    id_number: IdNumber
    phone: Phone = ""
    address: Line = ""


def _viewer(request: Request, node_id: int | None, db: ScopedSession, unmask: bool = False) -> Viewer:
    node = db.get(Node, node_id) if node_id else None
    return Viewer(may_read_pii=node is not None and authorize(current_actor(request), node, "pii", "read"),
                  unmask=unmask)


def _person(db: ScopedSession, person_id: int) -> Person:
    return get_or_404(db, Person, person_id, "人员档案")


@get("/api/people", opt={"permission": "people:read"}, sync_to_thread=True, summary="信访人档案列表(个人信息已脱敏)")
def list_people(request: Request, db: NamedDependency[ScopedSession], q: FromQuery[str | None] = None,
                id_number: FromQuery[str | None] = None, page: FromQuery[PageNumber] = 1,
                per_page: FromQuery[PerPage] = 50) -> Page:
    query = select(Person).order_by(Person.id)
    if q:
        query = query.where(Person.name.contains(q.strip()))
    if id_number:
        query = query.where(Person.id_number == normalize_id_number(id_number))
    return page_of(db, query, page, per_page, lambda p: PERSON_FIELDS.redact(p.to_dict(), Viewer()))


@post("/api/people", opt={"permission": "people:write"}, sync_to_thread=True, summary="建立信访人档案")
def create_person(db: NamedDependency[ScopedSession], data: JSONBody[PersonIn]) -> dict:
    node = get_or_404(db, Node, data.node_id, "节点")
    problems = [p for p in (id_number_problem(data.id_number),
                            phone_problem(data.phone) if data.phone else None) if p]
    if not data.name.strip():
        problems.append("姓名不能为空")
    if problems:
        raise BadRequest(";".join(problems))
    existing = find_file(db, node.id, data.id_number)
    if existing is not None:
        raise Conflict(f"该身份证号在本单位已有档案(编号{existing.id})")
    person = person_file(db, node.id, Party(data.name, data.id_number, data.phone, data.address))
    db.commit()
    return PERSON_FIELDS.redact(person.to_dict(), Viewer())


@get("/api/people/{person_id:int}", opt={"permission": "people:read"}, sync_to_thread=True,
     summary="信访人档案(一人一档:同一身份证号在您可见范围内的全部档案)")
def read_person(request: Request, db: NamedDependency[ScopedSession], person_id: FromPath[Id]) -> dict:
    person = _person(db, person_id)
    files = db.scalars(select(Person).where(Person.id_number == person.id_number).order_by(Person.id)).all()
    viewer = _viewer(request, person.node_id, db)
    return {**PERSON_FIELDS.redact(person.to_dict(), viewer), "may_reveal": viewer.may_read_pii,
            "files": [PERSON_FIELDS.redact(f.to_dict(), Viewer()) for f in files]}


@get("/api/people/{person_id:int}/pii", opt={"permission": "people:read", "writes": True}, sync_to_thread=True,
     summary="查看完整个人信息(记入审计日志)")
def reveal_person(request: Request, db: NamedDependency[ScopedSession], person_id: FromPath[Id]) -> dict:
    person = _person(db, person_id)
    viewer = _viewer(request, person.node_id, db, unmask=True)
    if not viewer.sees_full_pii:
        raise Forbidden("您没有查看完整个人信息的权限")
    row = person.to_dict()
    record(db, action="pii_read", object_type="people", object_id=person.id, node_id=person.node_id,
           after={"fields": PERSON_FIELDS.revealed(row)})
    db.commit()
    return PERSON_FIELDS.redact(row, viewer)


@get("/api/people/export", opt={"permission": "people:read", "writes": True, "produces": SPREADSHEET}, sync_to_thread=True,
     summary="导出信访人档案(默认脱敏;有权限者可选择完整导出,记入审计日志)")
def export_people(request: Request, db: NamedDependency[ScopedSession], format: FromQuery[str] = "xlsx",
                  unmask: FromQuery[bool] = False) -> Response:
    check_format(format)
    actor = current_actor(request)
    people = db.scalars(select(Person).order_by(Person.id)).all()
    viewers: dict[int, Viewer] = {}
    rows = []
    for p in people:
        if p.node_id not in viewers:
            viewers[p.node_id] = _viewer(request, p.node_id, db, unmask=unmask) if unmask else Viewer()
        viewer = viewers[p.node_id]
        if unmask and not viewer.sees_full_pii:
            raise Forbidden("导出范围内有您无权查看完整个人信息的档案,请取消“完整导出”")
        rows.append(PERSON_FIELDS.redact(p.to_dict(), viewer))
    record(db, action="export", object_type="people", node_id=actor.home_node_id,
           after={"format": format, "rows": len(rows), "unmasked": bool(unmask)})
    db.commit()
    return spreadsheet_response("信访人档案", EXPORT_COLUMNS, rows, format, "people")


route_handlers = [list_people, create_person, read_person, reveal_person, export_people]
