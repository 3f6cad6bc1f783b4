"""季考核通报: the county's quarterly assessment of its townships (or departments) as a
公文-style notice (PDF through ``DocumentSpec``), from the same scoring as the monthly ranking
(``ranking.compute`` over the quarter), group by group."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xinfang.platform.documents.registry import template
from xinfang.platform.errors import BadRequest
from xinfang.platform.extensions.hookspecs import DocumentContext, DocumentSpec
from xinfang.platform.matters.documents import NOTICE_HTML, issuer_name
from xinfang.platform.statistics import ranking
from xinfang.platform.statistics.definitions import RATE_BY_KEY
from xinfang.platform.statistics.report import CHART_FIELDS
from xinfang.platform.web import charts

KEY = "statistics_quarterly_assessment"
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Assessment:
    county: Any
    units: str
    period: Any  # a quarter (periods.Period)
    rows: list[dict]
    weights: dict[str, int]
    bounds: list[int]
    number: str = ""


def body(a: Assessment) -> list[str]:
    what = ranking.UNITS[a.units]
    weights = "、".join(f"{RATE_BY_KEY[k].label}{w}" for k, w in sorted(a.weights.items(), key=lambda i: -i[1]))
    out = [f"根据县信访工作考核办法，现将{a.period.label}各{what}信访工作考核情况通报如下：",
           f"考核按{weights}的权重计分（满分100分，只计有应计事项的指标），并按本季度信访量分组排名。"]
    groups = sorted({row["group"] for row in a.rows}, reverse=True)
    for number, group in enumerate(groups):
        members = [row for row in a.rows if row["group"] == group]
        label = ranking.group_label(group, a.bounds)
        ranked = "；".join(f"第{row['rank']}名{row['name']}（"
                          + (f"{row['score']:.1f}分" if row["score"] is not None else "无应计事项")
                          + f"，信访量{row['volume']}件次）" for row in members)
        out.append(f"（{NUMERALS[number] if number < 10 else number + 1}）本季度信访量{label}的{what}：{ranked}。")
    out.append(f"请各{what}对照通报查找差距，落实信访工作责任，持续提升信访事项办理质效。")
    return out


def score_chart(a: Assessment) -> charts.Chart:
    """Every scored unit's score, group by group as ranked (the page's bar chart, drawn in the PDF)."""
    scored = [row for row in sorted(a.rows, key=lambda r: (-r["group"], r["rank"])) if row["score"] is not None]
    return (f"各{ranking.UNITS[a.units]}考核得分", "bars",
            [{"label": row["name"], "count": row["score"], "text": f"{row['score']:.1f}分"} for row in scored])


def build(ctx: DocumentContext) -> dict[str, Any]:
    a = ctx.subject
    if not isinstance(a, Assessment):
        raise BadRequest("季考核通报须由考核数据生成")
    issuer = issuer_name(a.county)
    return {"issuer": issuer, "number": a.number, "title": f"关于{a.period.label}{ranking.UNITS[a.units]}信访工作考核情况的通报",
            "matter_number": "", "addressee": f"各{ranking.UNITS[a.units]}：", "body": body(a),
            "charts": charts.as_rows([score_chart(a)]), "chart_at": str(len(body(a)) - 1),
            "date": ctx.today.isoformat(), "copy_to": "", "printed_by": issuer, "printed_on": ctx.today.isoformat()}


SPEC = DocumentSpec(KEY, "季考核通报", template(KEY, "季考核通报", NOTICE_HTML, CHART_FIELDS), build)
