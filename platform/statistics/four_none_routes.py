"""四无乡镇 over HTTP: the county's criteria (read, set — audited) and the year's list, as JSON
and as XLSX. Like the ranking, the list compares the county's townships with each other, so
it is readable only where the whole county is."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import quote

from litestar import Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect

from xinfang.platform import clock
from xinfang.platform.errors import BadRequest
from xinfang.platform.spreadsheets.writing import XLSX_TYPE, workbook_bytes
from xinfang.platform.statistics import four_none, periods
from xinfang.platform.statistics.figures import Frame
from xinfang.platform.statistics.ranking_routes import PUBLISH, county_node
from xinfang.platform.statistics.routes import READ
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Id, Year
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession

WHAT = "四无乡镇评选条件"


@dataclasses.dataclass
class CriteriaIn:
    criteria: list[dict[str, Any]]


def year_list(db: ScopedSession, county: Node, year: int) -> dict:
    """The county's criteria (described) and every township's verdict for the year."""
    settings = four_none.rules(db, county)
    frame = Frame(db, county, periods.parse(str(year)), clock.today())
    rows = four_none.townships(frame, settings["criteria"])
    return {"county_id": county.id, "year": year, "default": settings["default"],
            "criteria": four_none.describe(settings["criteria"]), "townships": rows,
            "meeting": [r["name"] for r in rows if r["meets"]]}


@get("/api/statistics/counties/{county_id:int}/four-none-rules", opt={"permission": READ}, sync_to_thread=True,
     summary="四无乡镇的评选条件（县里设定；未设定时为默认条件）")
def read_criteria(db: NamedDependency[ScopedSession], county_id: FromPath[Id]) -> dict:
    settings = four_none.rules(db, county_node(db, county_id, WHAT))
    return {**settings, "criteria": four_none.describe(settings["criteria"]),
            "available": [{"key": c.key, "label": c.label, "counted": c.counted, "uses_people": c.uses_people}
                          for c in four_none.CRITERIA.values()]}


@put("/api/statistics/counties/{county_id:int}/four-none-rules", opt={"permission": PUBLISH}, sync_to_thread=True,
     summary="设置四无乡镇的评选条件")
def write_criteria(request: Request, db: NamedDependency[ScopedSession], county_id: FromPath[Id],
                   data: JSONBody[CriteriaIn]) -> dict:
    county = county_node(db, county_id, WHAT)
    saved = four_none.save_rules(db, county, data.criteria, current_actor(request).display_name)
    db.commit()
    return {**saved, "criteria": four_none.describe(saved["criteria"])}


@get("/api/statistics/counties/{county_id:int}/four-none-townships", opt={"permission": READ, "replica": True},
     sync_to_thread=True, summary="某年四无乡镇名单：符合全部评选条件的乡镇（街道），及其余乡镇不符合的原因")
def read_list(db: NamedDependency[ScopedSession], county_id: FromPath[Id], year: FromQuery[Year]) -> dict:
    return year_list(db, county_node(db, county_id, WHAT), year)


@get("/api/statistics/counties/{county_id:int}/four-none-townships.xlsx",
     opt={"permission": READ, "produces": XLSX_TYPE, "replica": True}, sync_to_thread=True,
     summary="导出某年四无乡镇名单（XLSX）")
def export_list(db: NamedDependency[ScopedSession], county_id: FromPath[Id], year: FromQuery[Year]) -> Response:
    county = county_node(db, county_id, WHAT)
    data = year_list(db, county, year)
    sheet = four_none.table(year, data["criteria"], data["townships"])
    name = quote(f"{county.name}{year}年四无乡镇.xlsx")
    return Response(workbook_bytes([sheet]), media_type=XLSX_TYPE,
                    headers={"Content-Disposition": f"attachment; filename=\"four-none.xlsx\"; filename*=UTF-8''{name}"})


def _number(form: dict[str, str], name: str, label: str) -> int:
    raw = form.get(name, "").strip() or "0"
    if not raw.isdigit() or len(raw) > 6:
        raise BadRequest(f"“{label}”应填写整数")
    return int(raw)


def criteria_of(form: dict[str, str]) -> list[dict[str, Any]]:
    """The dashboard form's ticked criteria (``use_<key>``, ``limit_<key>``, ``people_<key>``)."""
    chosen: list[dict[str, Any]] = []
    for key, c in four_none.CRITERIA.items():
        if form.get(f"use_{key}"):
            item: dict[str, Any] = {"key": key, "limit": _number(form, f"limit_{key}", c.label)}
            if c.uses_people:
                item["people"] = _number(form, f"people_{key}", f"{c.label}的人数")
            chosen.append(item)
    return chosen


@post("/statistics/four-none-rules", opt={"permission": PUBLISH}, sync_to_thread=True, include_in_schema=False)
def criteria_form(request: Request, db: NamedDependency[ScopedSession], data: URLEncodedBody[dict[str, Any]]) -> Response:
    """The dashboard's form: the county's criteria, then back to the year's list."""
    form = {k: str(v)[:64] for k, v in data.items()}
    raw = form.get("county_id", "")
    county = county_node(db, int(raw) if raw.isdigit() and len(raw) < 10 else None, WHAT)
    four_none.save_rules(db, county, criteria_of(form), current_actor(request).display_name)
    db.commit()
    year = form.get("year", "") if form.get("year", "").isdigit() else str(clock.today().year)
    return Redirect(f"/statistics?node_id={county.id}&period={year}#four-none", status_code=303)


route_handlers = [read_criteria, write_criteria, read_list, export_list, criteria_form]
