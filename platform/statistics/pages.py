"""The statistics dashboard in the browser: one node (the acting one by default, or one of its
units below), one period, every figure with its definition, charts and links to the matters
behind each number, and the XLSX of the same tables."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.di import NamedDependency
from sqlalchemy import select

from xinfang.platform import clock
from xinfang.platform.errors import BadRequest
from xinfang.platform.reception import visits
from xinfang.platform.statistics import four_none, four_none_routes, periods, report, villages
from xinfang.platform.statistics.figures import Frame
from xinfang.platform.statistics.ranking_routes import PUBLISH
from xinfang.platform.statistics.routes import READ, node_figures
from xinfang.platform.ui.frame import acting_node_id
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web import charts
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.subtree import visible_node
from xinfang.tenants.levels import Level
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession

UNIT_LEVELS = (Level.TOWNSHIP, Level.DEPARTMENT, Level.VILLAGE)


def day_param(raw: str | None, what: str) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise BadRequest(f"{what}“{raw}”格式不正确，应为YYYY-MM-DD") from exc


def _node_id(raw: str | None, fallback: int | None) -> int | None:
    if not raw:
        return fallback
    if not raw.isdigit() or len(raw) > 10:
        raise BadRequest("单位应为单位编号")
    return int(raw)


def _units_below(db: ScopedSession, node: Node) -> list[Node]:
    """The node's direct units (townships and departments under a county, villages under a
    township) that the viewer may see, to pick from."""
    return list(db.scalars(select(Node).where(Node.parent_id == node.id, Node.level.in_(UNIT_LEVELS))
                           .order_by(Node.level, Node.code)))


def _quick_periods(today: dt.date) -> list[tuple[str, str]]:
    return [(f"{today.year}-{today.month:02d}", "本月"), (f"{today.year}-Q{(today.month - 1) // 3 + 1}", "本季度"),
            (f"{today.year}", "本年"), (f"{today.year - 1}", "上年")]


@get("/statistics", sync_to_thread=True, opt={"replica": True})
def dashboard(request: Request, db: NamedDependency[ScopedSession]) -> Response:
    actor = current_actor(request)
    query = request.query_params
    node_id = _node_id(query.get("node_id"), acting_node_id(request, actor))
    if node_id is None:
        raise BadRequest("请先选择工作单位")
    period, start, end = query.get("period") or None, day_param(query.get("start"), "起始日期"), \
        day_param(query.get("end"), "截止日期")
    if period and len(period) > 32:
        raise BadRequest(periods.PERIOD_HELP)
    figures = node_figures(request, db, node_id, period, start, end)
    node = visible_node(db, node_id)
    chosen_period = periods.parse(period, start, end)
    split, closed = report.counts(Frame(db, node, chosen_period, clock.today()))
    draft = report.overview(report.WorkReport(node, figures, split, closed))
    village_rows = (villages.village_counts(Frame(db, node, chosen_period, clock.today()))
                    if chosen_period.kind == "year" else None)
    award = (four_none_routes.year_list(db, node, chosen_period.start.year)
             if chosen_period.kind == "year" and node.level == Level.COUNTY else None)
    # leaders' quotas as the reception domain counts them, for the month and year of the period's end
    quotas = (visits.quotas(db, node, min(chosen_period.end, clock.today()), clock.today())
              if "reception:read" in actor.permissions() else None)
    parent = node.parent_id if node.parent_id and db.get(Node, node.parent_id) is not None else None
    own = {"node_id": str(node.id)}
    chosen = ({"period": figures["period"]["key"]} if figures["period"]["kind"] != "range"
              else {"start": figures["period"]["start"], "end": figures["period"]["end"]})
    return render_page(
        request, "statistics/dashboard.html", title=f"统计分析 · {node.name}", figures=figures, node=node,
        parent_id=parent, units=_units_below(db, node), quick=_quick_periods(clock.today()),
        period_query=urlencode(chosen), node_query=urlencode(own),
        export_query=urlencode({**chosen}), chosen=chosen, draft=draft, quotas=quotas, village_rows=village_rows,
        four_none=award, may_issue="documents:create" in actor.permissions(),
        criteria_choices=four_none.CRITERIA.values(), criteria_set={c["key"]: c for c in (award or {}).get("criteria", [])},
        may_set_four_none=award is not None and any(a.node_id == node.id for a in actor.holding(PUBLISH)),
        rate_chart=charts.rates("考核指标", figures["rates"]),
        charts={b["key"]: charts.bars(b["label"], b["rows"]) for b in figures["breakdowns"]})


PAGES = [("/statistics", "统计分析", READ, dashboard)]
