"""The work report (信访工作情况报告) in seed 004's structure, written from the data: its first
sentence gives the total and splits it — 个访, 集体访, 来信, then 网上信访, 来电 and 上级转送 so
the parts always add up — then what was closed; the rates; and the sections the office
writes itself (主要工作, 存在的问题, 下一步工作打算), which the clerk edits before sending.

One list of paragraphs serves the 公文 PDF (a ``DocumentSpec`` on the notice template) and
the editable DOCX (python-docx)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from xinfang.platform.documents.registry import Field, template
from xinfang.platform.errors import BadRequest
from xinfang.platform.extensions.hookspecs import DocumentContext, DocumentSpec
from xinfang.platform.matters.documents import LETTER_FIELDS, NOTICE_HTML, issuer_name
from xinfang.platform.matters.models import Matter
from xinfang.platform.statistics.figures import Frame, grouped_totals
from xinfang.platform.templating import cn_date
from xinfang.platform.web import charts

KEY = "statistics_work_report"
# a statistics notice: the core notice's fields, the charts (as data) and where they go in the body
CHART_FIELDS = [*LETTER_FIELDS, Field("charts", "附图数据", kind="rows", required=False, default=list, max_length=200,
                                      max_items=400),
                Field("chart_at", "附图位于第几段之前", required=False, default="", max_length=4)]
CHARTED = ("channel", "category", "overreach")  # the breakdowns drawn in the report, after the rates
PENDING = "（待补充）"
SECTIONS = (("main_work", "二、主要工作"), ("problems", "三、存在的问题"), ("next_steps", "四、下一步工作打算"))


@dataclass(frozen=True)
class WorkReport:
    """What the report says: the figures (``overview.figures``) and the office's own text."""

    node: Any
    figures: dict
    split: dict[str, int]
    closed: int
    texts: dict[str, list[str]] = field(default_factory=dict)
    addressee: str = ""
    number: str = ""


def counts(frame: Frame) -> tuple[dict[str, int], int]:
    """件次 by (channel, form) as the first sentence needs them, and how many of the period's
    matters are closed today."""
    split: dict[str, int] = {}
    for channel, form, number, people in grouped_totals(frame, [Matter.channel, Matter.form]):
        key = f"visit_{form}" if channel == "visit" else channel
        split[key] = split.get(key, 0) + int(number)
        if channel == "visit" and form == "collective":
            split["visit_collective_people"] = split.get("visit_collective_people", 0) + int(people)
    closed = frame.session.scalar(select(func.count(Matter.id)).where(
        frame.under(Matter), frame.within(Matter.received_on), Matter.closed_on.is_not(None))) or 0
    return split, int(closed)


def overview(report: WorkReport) -> list[str]:
    f, s = report.figures, report.split
    total, people = f["totals"]["count"]["value"], f["totals"]["people"]["value"]
    as_of = dt.date.fromisoformat(f["as_of"])
    first = (f"{f['period']['label']}，{report.node.name}共受理群众来信来访（含网上信访、来电）{total}件{people}人次。"
             f"其中，受理个访{s.get('visit_individual', 0)}件，集体访{s.get('visit_collective', 0)}件"
             f"{s.get('visit_collective_people', 0)}人次，群众来信{s.get('letter', 0)}件，网上信访{s.get('online', 0)}件，"
             f"来电{s.get('phone', 0)}件，上级转送{s.get('transfer', 0)}件。"
             f"截至{cn_date(as_of)}，已办结信访事项{report.closed}件。")
    year_before = f["totals"]["count"]["year_before"]
    if year_before:
        change = f["totals"]["count"]["year_on_year"]
        first += f"与上年同期（{year_before}件）相比{'上升' if change > 0 else '下降' if change < 0 else '持平'}"
        first += f"{abs(change) * 100:.1f}%。" if change else "。"
    categories = next(b for b in f["breakdowns"] if b["key"] == "category")["rows"]
    top = sorted(categories, key=lambda r: -r["count"])[:3]
    paragraphs = [first]
    if top:
        paragraphs.append("反映的问题主要集中在" + "、".join(f"{r['label']}（{r['count']}件）" for r in top) + "等方面。")
    rates = [r for r in f["rates"] if r["available"] and r["value"] is not None]
    if rates:
        parts = []
        for r in rates:
            target = ""
            if r["target"] is not None:
                target = f"（目标{'不低于' if r['higher_is_better'] else '不高于'}{r['target'] * 100:.0f}%）"
            parts.append(f"{r['label']}{r['value'] * 100:.1f}%{target}")
        paragraphs.append("主要指标：" + "，".join(parts) + "。")
    missing = [r["label"] for r in f["rates"] if not r["available"]]
    if missing:
        paragraphs.append(f"{'、'.join(missing)}暂无可统计的数据。")
    return paragraphs


def body(report: WorkReport) -> list[str]:
    """Every paragraph of the report, the section headings among them."""
    out = ["一、基本情况", *overview(report)]
    for key, heading in SECTIONS:
        out += [heading, *(report.texts.get(key) or [PENDING])]
    return out


def title(report: WorkReport) -> str:
    return f"{report.node.name}{report.figures['period']['label']}信访工作情况报告"


def build(ctx: DocumentContext) -> dict[str, Any]:
    report = ctx.subject
    if not isinstance(report, WorkReport):
        raise BadRequest("信访工作情况报告须由统计数据生成")
    issuer = issuer_name(report.node)
    return {"issuer": issuer, "number": report.number, "title": title(report), "matter_number": "",
            "addressee": report.addressee or f"{report.node.name}党委、政府：", "body": body(report),
            "charts": charts.as_rows(report_charts(report.figures)), "chart_at": str(1 + len(overview(report))),
            "date": ctx.today.isoformat(), "copy_to": "", "printed_by": issuer, "printed_on": ctx.today.isoformat()}


def report_charts(figures: dict) -> list[charts.Chart]:
    """The dashboard's charts the report shows at the end of 基本情况: the rates, then some breakdowns."""
    shown = [("考核指标", "rates", figures["rates"])]
    return shown + [(b["label"], "bars", b["rows"]) for b in figures["breakdowns"] if b["key"] in CHARTED]


SPEC = DocumentSpec(KEY, "信访工作情况报告", template(KEY, "信访工作情况报告", NOTICE_HTML, CHART_FIELDS), build)


def docx_bytes(report: WorkReport, today: dt.date) -> bytes:
    """The same report as an editable Word document (仿宋 body, 黑体 headings, centred title)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()

    def paragraph(text: str, font: str = "仿宋", size: float = 16, bold: bool = False, centred: bool = False,
                  indent: bool = True) -> None:
        p = document.add_paragraph()
        if centred:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        run = p.add_run(text)
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, font
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)

    paragraph(title(report), "方正小标宋简体", 22, centred=True)
    paragraph(report.addressee or f"{report.node.name}党委、政府：", indent=False)
    headings = {"一、基本情况", *(heading for _, heading in SECTIONS)}
    for text in body(report):
        paragraph(text, "黑体" if text in headings else "仿宋")
    issuer = issuer_name(report.node)
    for line in (issuer, cn_date(today)):
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = p.add_run(line)
        run.font.size = Pt(16)
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
