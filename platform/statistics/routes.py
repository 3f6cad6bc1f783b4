"""Statistics over HTTP: a node's figures for a period, and the same tables as one XLSX."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from xinfang.platform import clock
from xinfang.platform.spreadsheets.writing import XLSX_TYPE, workbook_bytes
from xinfang.platform.statistics import cache, overview, periods, villages
from xinfang.platform.statistics.figures import Frame
from xinfang.platform.statistics.tables import tables
from xinfang.platform.web.inputs import Code, Id, Year
from xinfang.platform.web.subtree import visible_node
from xinfang.tenants.scope import ScopedSession

READ = "matters:read"  # figures are counts of the matters the viewer may read


def node_figures(request: Request, db: ScopedSession, node_id: int, period: str | None, start: dt.date | None,
                 end: dt.date | None) -> dict:
    """The node's figures, from the process's cache when nothing has changed since (cache.py)."""
    node = visible_node(db, node_id)
    chosen, today = periods.parse(period, start, end), clock.today()
    return cache.of(request.app.state).get_or_compute(cache.key(db, node, chosen, today),
                                                       lambda: overview.figures(db, node, chosen, today))


@get("/api/statistics/nodes/{node_id:int}/figures", opt={"permission": READ, "replica": True}, sync_to_thread=True,
     summary="单位（含下级）某期间的信访总量、分类统计和考核指标，含同比、环比")
def read_figures(request: Request, db: NamedDependency[ScopedSession], node_id: FromPath[Id], period: FromQuery[Code | None] = None,
                 start: FromQuery[dt.date | None] = None, end: FromQuery[dt.date | None] = None) -> dict:
    return node_figures(request, db, node_id, period, start, end)


@get("/api/statistics/nodes/{node_id:int}/figures.xlsx", opt={"permission": READ, "produces": XLSX_TYPE, "replica": True}, sync_to_thread=True,
     summary="导出统计表（XLSX，每张表一个工作表）")
def export_figures(request: Request, db: NamedDependency[ScopedSession], node_id: FromPath[Id], period: FromQuery[Code | None] = None,
                   start: FromQuery[dt.date | None] = None, end: FromQuery[dt.date | None] = None) -> Response:
    figures = node_figures(request, db, node_id, period, start, end)
    name = quote(f"{figures['node']['name']}{figures['period']['label']}信访统计.xlsx")
    return Response(workbook_bytes(tables(figures)), media_type=XLSX_TYPE,
                    headers={"Content-Disposition": f"attachment; filename=\"statistics.xlsx\"; filename*=UTF-8''{name}"})


@get("/api/statistics/nodes/{node_id:int}/no-petition-villages", opt={"permission": READ, "replica": True}, sync_to_thread=True,
     summary="无访村：全年没有到县以上上访的村（社区），及其余各村到县以上信访件数")
def no_petition_villages(db: NamedDependency[ScopedSession], node_id: FromPath[Id], year: FromQuery[Year]) -> dict:
    node = visible_node(db, node_id)
    rows = villages.village_counts(Frame(db, node, periods.parse(str(year)), clock.today()))
    return {"year": year, "no_petition": [r for r in rows if not r["matters"]],
            "others": [r for r in rows if r["matters"]]}


route_handlers = [read_figures, export_figures, no_petition_villages]
