"""月排队讲评 over HTTP and in the browser: the county's weights, the ranking as it stands
(preview), publishing a frozen version, and every published version with its hash check."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, URLEncodedBody
from litestar.response import Redirect

from xinfang.platform import clock
from xinfang.platform.documents import routes as document_routes
from xinfang.platform.documents import service as documents
from xinfang.platform.errors import BadRequest, ClerkError, NotFound
from xinfang.platform.statistics import assessment, periods, ranking
from xinfang.platform.statistics.models import Ranking
from xinfang.platform.statistics.routes import READ
from xinfang.platform.ui.frame import acting_node_id
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Code, Id, Note
from xinfang.platform.web.subtree import visible_node
from xinfang.tenants.levels import Level
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession

PUBLISH = "statistics:publish"


def county_node(db: ScopedSession, county_id: int | None, what: str = "月排队讲评") -> Node:
    """The county named, which the viewer must see whole (a township's staff get 404)."""
    node = visible_node(db, county_id, "县级单位")
    if node.level != Level.COUNTY:
        raise BadRequest(f"{what}由县级信访部门设置和发布：请选择县（市、区）")
    return node


def _units(value: str) -> str:
    if value not in ranking.UNITS:
        raise BadRequest(f"排名对象应为：{'、'.join(f'{k}（{v}）' for k, v in ranking.UNITS.items())}")
    return value


def standing(db: ScopedSession, county: Node, units: str, period: periods.Period) -> dict:
    settings = ranking.rules(db, county)
    rows = ranking.compute(db, county, units, period, clock.today(), settings["weights"], settings["volume_bounds"])
    return {"county_id": county.id, "units": units, "units_label": ranking.UNITS[units], "period": period.key,
            "period_label": period.label, "rules": settings, "rows": rows,
            "versions": [ranking.to_dict(r) for r in ranking.versions(db, county, units, period)]}


@dataclasses.dataclass
class RulesIn:
    weights: dict[str, int]
    volume_bounds: list[int]


@dataclasses.dataclass
class PublishIn:
    period: Code
    units: Code = "township"
    reason: Note = ""


@get("/api/statistics/counties/{county_id:int}/ranking-rules", opt={"permission": READ}, sync_to_thread=True,
     summary="月排队讲评的计分权重和分组界限")
def read_rules(db: NamedDependency[ScopedSession], county_id: FromPath[Id]) -> dict:
    return ranking.rules(db, county_node(db, county_id))


@put("/api/statistics/counties/{county_id:int}/ranking-rules", opt={"permission": PUBLISH}, sync_to_thread=True,
     summary="设置月排队讲评的计分权重和分组界限")
def write_rules(request: Request, db: NamedDependency[ScopedSession], county_id: FromPath[Id],
                data: JSONBody[RulesIn]) -> dict:
    county = county_node(db, county_id)
    saved = ranking.save_rules(db, county, data.weights, data.volume_bounds, current_actor(request).display_name)
    db.commit()
    return saved


@get("/api/statistics/counties/{county_id:int}/rankings", opt={"permission": READ}, sync_to_thread=True,
     summary="某月排名的当前计算结果和已发布的各版本")
def read_standing(db: NamedDependency[ScopedSession], county_id: FromPath[Id], period: FromQuery[Code],
                  units: FromQuery[Code] = "township") -> dict:
    return standing(db, county_node(db, county_id), _units(units), periods.parse(period))


@post("/api/statistics/counties/{county_id:int}/rankings", opt={"permission": PUBLISH}, sync_to_thread=True,
      summary="发布（冻结）某月排名；已发布的，更正发布新版本并说明原因")
def publish(request: Request, db: NamedDependency[ScopedSession], county_id: FromPath[Id],
            data: JSONBody[PublishIn]) -> Response:
    county = county_node(db, county_id)
    made = ranking.publish(db, county, _units(data.units), periods.parse(data.period), clock.today(), data.reason,
                           current_actor(request).display_name)
    db.commit()
    return Response(ranking.to_dict(made), status_code=201)


@get("/api/statistics/rankings/{ranking_id:int}", opt={"permission": READ}, sync_to_thread=True,
     summary="已发布的一个排名版本（含哈希校验结果）")
def read_ranking(db: NamedDependency[ScopedSession], ranking_id: FromPath[Id]) -> dict:
    return ranking.to_dict(get_or_404(db, Ranking, ranking_id, "排名"))


def _page_county(request: Request, db: ScopedSession) -> Node:
    raw = request.query_params.get("county_id")
    node_id = int(raw) if raw and raw.isdigit() and len(raw) < 10 else acting_node_id(request, current_actor(request))
    node = visible_node(db, node_id, "县级单位")
    return node if node.level == Level.COUNTY else county_node(db, node.county_id)


def _page(request: Request, db: ScopedSession, error: ClerkError | None = None) -> Response:
    try:
        county = _page_county(request, db)
    except NotFound:  # a township's or department's staff: the county's ranking compares them with others
        return render_page(request, "statistics/ranking.html", title="月排队讲评", data=None, county=None, error=None)
    today = clock.today()
    previous = periods.month(today.year, today.month).before()
    period = periods.parse(request.query_params.get("period") or previous.key)
    units = _units(request.query_params.get("units") or "township")
    actor = current_actor(request)
    return render_page(request, "statistics/ranking.html", title=f"月排队讲评 · {county.name}",
                       status_code=error.status_code if error else 200, error=error.message if error else None,
                       data=standing(db, county, units, period), county=county, unit_choices=ranking.UNITS,
                       rate_labels={k: r.label for k, r in ranking.RATE_BY_KEY.items()},
                       may_publish=any(a.node_id == county.id for a in actor.holding(PUBLISH)))


@get("/statistics/ranking", sync_to_thread=True)
def ranking_page(request: Request, db: NamedDependency[ScopedSession]) -> Response:
    return _page(request, db)


@post("/statistics/ranking", opt={"permission": PUBLISH}, sync_to_thread=True, include_in_schema=False)
def publish_form(request: Request, db: NamedDependency[ScopedSession],
                 data: URLEncodedBody[dict[str, Any]]) -> Response:
    county = _page_county(request, db)
    try:
        reason = str(data.get("reason", ""))[:2000]
        made = ranking.publish(db, county, _units(str(data.get("units", "township"))),
                               periods.parse(str(data.get("period", ""))), clock.today(), reason,
                               current_actor(request).display_name)
        db.commit()
    except ClerkError as error:
        db.rollback()
        return _page(request, db, error)
    return Redirect(f"/statistics/ranking?{urlencode({'county_id': county.id, 'period': made.period, 'units': made.units})}",
                    status_code=303)


@dataclasses.dataclass
class AssessmentIn:
    period: Code
    units: Code = "township"
    number: Code = ""


@post("/api/statistics/counties/{county_id:int}/quarterly-assessment", opt={"permission": "documents:create"},
      sync_to_thread=True, status_code=202, summary="生成季考核通报（公文PDF，按月排队讲评的计分规则计算该季度）")
def quarterly_assessment(request: Request, db: NamedDependency[ScopedSession], county_id: FromPath[Id],
                         data: JSONBody[AssessmentIn]) -> Response:
    county = county_node(db, county_id)
    period = periods.parse(data.period)
    if period.kind != "quarter":
        raise BadRequest("季考核通报的统计期间应为季度，如 2026-Q1")
    settings = ranking.rules(db, county)
    units = _units(data.units)
    rows = ranking.compute(db, county, units, period, clock.today(), settings["weights"], settings["volume_bounds"])
    subject = assessment.Assessment(county, units, period, rows, settings["weights"], settings["volume_bounds"],
                                    data.number.strip())
    document = documents.generate(db, current_actor(request), assessment.KEY, county.id, subject=subject,
                                  subject_ref=f"assessment:{period.key}:{units}")
    db.commit()
    return document_routes.accepted(request, db, document)


route_handlers = [read_rules, write_rules, read_standing, publish, read_ranking, publish_form, quarterly_assessment]
PAGES = [("/statistics/ranking", "月排队讲评", READ, ranking_page)]
