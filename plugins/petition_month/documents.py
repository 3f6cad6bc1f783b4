"""The campaign's documents, built from the campaign and the area's records, rendered by
platform/documents (a template per kind, the render job, the stored SHA-256).

- the implementation-plan notice (印发实施方案的通知): the campaign's title, the 文号 the
  office gives it, the phases with the campaign's actual dates, every level's duties, the
  annex list;
- annexes 1–4 in the annexes' column layouts (the same layouts the ledgers export),
  filled with the area's rows of the campaign's days; personal data masked;
- the daily reception notice (接访公告) from the published rota of one day;
- the closing summary report (总结报告), every figure computed from the records.

A builder takes a system-scoped session, the campaign, the node the document is for and
``Options``; it reads only the node's area (``areas.areas``) and returns the template's
inputs. Each is declared as a ``DocumentSpec`` whose ``build`` the documents service calls
(``SPECS``, by the route's short key in ``BY_KEY``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.platform.api import (
    BACKLOG,
    LABELS,
    REGISTER,
    ROTA,
    SCREENING,
    TEMPLATE_DIR,
    WEEKDAYS,
    Actor,
    BacklogEntry,
    BadRequest,
    Campaign,
    CampaignPhase,
    DocumentContext,
    DocumentSpec,
    Field,
    Layout,
    Level,
    Matter,
    Node,
    ReceptionRecord,
    RotaDuty,
    ScreeningEntry,
    backlog,
    campaign_type,
    campaigns,
    clock,
    cn_date,
    matter_numbers,
    node_names,
    plugins_of,
    register,
    rota,
    screening,
    template,
)
from xinfang.plugins.petition_month import figures, metrics
from xinfang.plugins.petition_month.areas import areas, name_of, window, within
from xinfang.plugins.petition_month.duties import ANNEXES, CHECKLISTS, IMPLEMENT, KEY, PHASE_TEXT
from xinfang.plugins.petition_month.references import (
    ANNEX_KIND,
    NOTICE_KIND,
    PLAN_KIND,
    PREFIX,
    SUMMARY_KIND,
    campaign_ref,
)

HERE = Path(__file__).resolve().parent / "templates"
NUMERALS = "一二三四五六七八九十"
MAX_ROWS = 20000


def _ref_field() -> Field:
    return Field("campaign_ref", "所属专项活动", required=False, max_length=64)


def _check_rows(columns: str, rows: str) -> Callable[[dict[str, Any]], list[dict[str, str]]]:
    def check(inputs: dict[str, Any]) -> list[dict[str, str]]:
        width = len(inputs.get(columns) or [])
        return [{"field": rows, "message": f"第{n}行有{len(row)}个单元格，应为{width}个"}
                for n, row in enumerate(inputs.get(rows) or [], start=1) if len(row) != width][:20]
    return check


def _check_sections(inputs: dict[str, Any]) -> list[dict[str, str]]:
    found = []
    for name in ("plan", "sections"):
        for n, row in enumerate(inputs.get(name) or [], start=1):
            if len(row) != 2 or row[0] not in ("h1", "h2", "p", "table"):
                found.append({"field": name, "message": f"第{n}段应为[样式，文字]，样式为 h1、h2、p 或 table"})
    return found[:20] + _check_rows("metric_columns", "metrics")(inputs) + _check_rows("unit_columns", "units")(inputs)


PLAN = template(PLAN_KIND, "信访月专项活动实施方案通知", HERE / "plan.html", [
    Field("issuer", "发文机关", max_length=100),
    Field("number", "发文字号", required=False, default="", max_length=64),
    Field("title", "标题", max_length=300),
    Field("addressee", "主送机关", required=False, default="", max_length=500),
    Field("body", "通知正文", kind="paragraphs", max_length=5000, max_items=50),
    Field("plan_title", "方案标题", max_length=300),
    Field("plan", "方案正文（[样式，文字]）", kind="rows", max_length=5000, max_items=500),
    Field("attachments", "附件名称", kind="texts", required=False, max_length=200, max_items=20),
    Field("date", "成文日期", kind="date", required=False, default=lambda: clock.today().isoformat()),
    Field("printed_by", "印发机关", required=False, max_length=100),
    Field("printed_on", "印发日期", kind="date", required=False),
    _ref_field(),
], check=_check_sections)

ANNEX = template(ANNEX_KIND, "信访月专项活动附件台账", TEMPLATE_DIR / "ledger.html", [
    Field("title", "表名", max_length=300),
    Field("columns", "列名", kind="columns", max_length=100, max_items=40),
    Field("rows", "表格内容", kind="rows", required=False, default=list, max_length=2000, max_items=MAX_ROWS),
    Field("widths", "列宽比例", kind="numbers", required=False, max_items=40),
    Field("annex", "附件标注", required=False, max_length=20),
    Field("issuer", "填报单位", required=False, default="", max_length=100),
    Field("number", "编号", required=False, default="", max_length=64),
    Field("date", "填报日期", kind="date", required=False, default=lambda: clock.today().isoformat()),
    Field("notes", "表注", kind="texts", required=False, max_length=1000, max_items=20),
    _ref_field(),
], check=_check_rows("columns", "rows"))

NOTICE = template(NOTICE_KIND, "领导干部接访公告", HERE / "reception_notice.html", [
    Field("issuer", "发布单位", max_length=100),
    Field("title", "标题", max_length=300),
    Field("body", "公告正文", kind="paragraphs", max_length=2000, max_items=20),
    Field("columns", "列名", kind="columns", max_length=100, max_items=20),
    Field("rows", "接访安排", kind="rows", max_length=500, max_items=500),
    Field("notes", "说明", kind="texts", required=False, max_length=500, max_items=10),
    Field("date", "发布日期", kind="date", required=False, default=lambda: clock.today().isoformat()),
    _ref_field(),
], check=_check_rows("columns", "rows"))

SUMMARY = template(SUMMARY_KIND, "信访月专项活动总结报告", HERE / "summary.html", [
    Field("issuer", "报告单位", max_length=100),
    Field("number", "文号", required=False, default="", max_length=64),
    Field("title", "标题", max_length=300),
    Field("addressee", "主送机关", required=False, default="", max_length=200),
    Field("sections", "报告正文（[样式，文字]）", kind="rows", max_length=5000, max_items=500),
    Field("metric_columns", "指标表列名", kind="columns", max_length=40, max_items=10),
    Field("metrics", "指标完成情况", kind="rows", required=False, default=list, max_length=500, max_items=50),
    Field("unit_columns", "单位表列名", kind="columns", max_length=40, max_items=10),
    Field("units", "各单位任务完成情况", kind="rows", required=False, default=list, max_length=500, max_items=2000),
    Field("date", "成文日期", kind="date", required=False, default=lambda: clock.today().isoformat()),
    _ref_field(),
], check=_check_sections)


@dataclass(frozen=True)
class Options:
    """What the person asking may set; everything else comes from the records."""

    today: dt.date
    number: str = ""  # 文号, given by the office
    issuer: str = ""  # default: from the node's name and level
    on: dt.date | None = None  # the document's date (the notice: the day announced)
    actor: Actor | None = None  # for Art. 30 in annex 2 (whose names an accused unit never sees)


# --- shared pieces -----------------------------------------------------------------------------


def issuer_of(node: Node) -> str:
    """The office that issues for a node: 街道 → 办事处, 乡镇 → 人民政府 (seed 001: 青阳街道办事处)."""
    if node.level == Level.TOWNSHIP:
        return node.name + ("办事处" if node.name.endswith("街道") else "人民政府")
    if node.level == Level.COUNTY:
        return node.name + "信访工作联席会议办公室"
    if node.level == Level.VILLAGE:
        return node.name + ("居民委员会" if node.name.endswith("社区") else "村民委员会")
    return node.name


def _addressee(node: Node) -> str:
    if node.level == Level.COUNTY:
        return "各乡镇人民政府、街道办事处，县直各相关单位："
    if node.level == Level.TOWNSHIP:
        return "各社区居委会、村委会，各相关单位："
    return "各网格，各相关单位："


def _roots(session: Session, campaign: Campaign, node: Node) -> list[Node]:
    roots = areas(session, campaign, node)
    if not roots:
        raise BadRequest(f"{node.name}不在本次活动范围内")
    return roots


def _md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def _phases(session: Session, campaign: Campaign) -> list[CampaignPhase]:
    return list(session.scalars(select(CampaignPhase).where(CampaignPhase.campaign_id == campaign.id)
                                .order_by(CampaignPhase.starts_on, CampaignPhase.id)))


def _span(first: dt.date, last: dt.date) -> str:
    return _md(first) if first == last else f"{_md(first)}—{_md(last)}"


# --- the implementation-plan notice ----------------------------------------------------------------


def build_plan(session: Session, campaign: Campaign, node: Node, options: Options) -> dict:
    roots = _roots(session, campaign, node)
    issuer = options.issuer or issuer_of(node)
    area = name_of(node, roots)
    plan_title = f"{campaign.title}实施方案"
    base = "街道" if node.level != Level.COUNTY else "乡镇（街道）"
    target = metrics.METRICS[0].target
    plan: list[list[str]] = [
        ["p", (f"为切实把矛盾纠纷排查在源头、把信访问题化解在基层，决定在{area}范围内开展“大排查”“大接访”“大化解”"
              "信访月专项活动。具体实施方案如下：")],
        ["h1", "一、目标任务"],
        ["p", ("以治理中心为单位，网格为基础，通过全面排查、领导接访、集中攻坚，实现信访总量、进京到省越级上访、"
              "集体上访下降，确保“三个不发生”（不发生大规模集体上访、不发生因信访问题处理不当引发个人极端事件、"
              "不发生因信访问题处理不当引发负面舆论炒作问题）。")],
        ["p", (f"严格按照“三到位一处理”要求，推动群众初信初访一次性化解率达{target * 100:.0f}%以上，辖区内不发生越级上访"
              f"或越级上访量下降，实现小事不出网格、大事不出{base}、矛盾不上交，信访积案化解取得显著成效。")],
        ["h1", "二、实施步骤"],
        ["p", (f"活动自{cn_date(campaign.starts_on)}启动，{cn_date(campaign.ends_on)}结束，"
              "分动员部署、活动实施、总结巩固三个阶段。")],
    ]
    phases = _phases(session, campaign)
    for n, phase in enumerate(phases):
        plan.append(["h2", f"（{NUMERALS[n]}）{phase.name}阶段（{_span(phase.starts_on, phase.ends_on)}）"])
        plan.append(["p", PHASE_TEXT.get(phase.key, "")])
    plan.append(["h1", "三、工作任务"])
    levels = [lv for lv in (Level.TOWNSHIP, Level.VILLAGE, Level.GRID)
              if any(r.level == lv or _deeper(r.level, lv) for r in roots)]
    for n, level in enumerate(levels):
        plan.append(["h2", f"({NUMERALS[n]}){LABELS[level]}"])
        items = [(c, i) for c in CHECKLISTS if c.level == level for i in c.items]
        for k, (checklist, item) in enumerate(items, start=1):
            phase = next((p for p in phases if p.key == checklist.phase), None)
            when = f"（{phase.name}阶段）" if phase is not None and phase.key != IMPLEMENT else ""
            plan.append(["p", f"{k}.{item.text}{when}。"])
    plan += [
        ["p", ("对排查出来的问题，按照“一案一策”“一人一档”逐一建立工作台账（格式详见附件1、2），落实责任部门、责任领导、"
              "责任人员和化解措施、化解时限，实行动态管理。接访情况按要求填写《领导干部接待群众来访登记表》（附件3），"
              "接访安排提前公布告知（附件4）。")],
        ["p", ("对未按期办结、重复投诉的信访事项，特别是进京到省越级上访等信访事项，全部列入积案排查范围，做到"
              "“应列尽列”，逐案落实“五个一”措施（一个领导包案、一个工作专班、一套化解方案、一份会议纪要、一套稳控措施）。"
              "接访中当场不能解决的疑难复杂信访事项，确定包案领导，落实包掌握情况、包思想教育、包解决化解、包息诉息访的"
              "“四包”责任制。")],
        ["h1", "四、工作要求"],
        ["p", ("（一）加强组织领导。党政主要领导负总责、亲自抓，分管领导具体抓，信访办发挥职能优势，形成齐抓共管、"
              "合力推进的工作格局。")],
        ["p", "（二）全程督导检查。纪工委牵头组成联合督查组，督导检查活动开展情况，及时发现问题，落实整改。"],
        ["p", "（三）强化奖惩措施。专项活动开展情况作为信访工作年度考核、综治和政府绩效考评的重要内容。"],
    ]
    day = options.on or options.today
    title = f"{issuer}关于印发《{plan_title}》的通知"
    return {
        "issuer": issuer, "number": options.number, "title": title, "addressee": _addressee(node),
        "body": [f"现将《{plan_title}》印发给你们，请按照工作方案要求，认真抓好贯彻落实。"],
        "plan_title": plan_title, "plan": plan, "attachments": list(_annex_titles(area)), "date": day.isoformat(),
        "printed_by": issuer, "printed_on": day.isoformat(), "campaign_ref": campaign_ref(campaign.id)}


def _deeper(root_level: str, level: Level) -> bool:
    order = [Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE, Level.GRID]
    return root_level in order and order.index(Level(root_level)) < order.index(level)


def _annex_titles(area: str) -> tuple[str, ...]:
    return (*ANNEXES[:3], f"{area}{ANNEXES[3]}")


# --- annexes 1–4 ---------------------------------------------------------------------------------

# Relative column widths: the long texts get room, the sequence number little.
_WIDE = {"summary": 3, "measures": 2.4, "plan": 2.4, "progress": 2, "demands": 2, "decision": 2, "result": 2,
         "cause": 2, "task_team": 1.6, "minutes": 1.6, "stabilising": 1.6, "duties": 1.6, "place": 1.8,
         "seq": 0.7, "visitor_address": 1.4, "party_id_number": 1.6, "visitor_id_number": 1.6, "node_name": 1.3,
         "found_on": 1.4, "received_on": 1.4, "on": 1.4, "deadline": 1.4, "risk_labels": 1.3, "matter_number": 1.8,
         "party_phone": 1.3, "visitor_phone": 1.3}


def _table(layout: Layout, rows: list[dict]) -> tuple[list[str], list[list[str]], list[float]]:
    columns = [c.header for c in layout.columns]
    body = []
    for n, row in enumerate(rows, start=1):
        cells = []
        for column in layout.columns:
            value = n if column.key == "seq" else row.get(column.key)
            cells.append("" if value is None else str(value))
        body.append(cells)
    return columns, body, [_WIDE.get(c.key, 1.0) for c in layout.columns]


def _names(session: Session, ids) -> dict[int, str]:
    return node_names(session, list(ids))


def _annex_rows(session: Session, campaign: Campaign, roots: list[Node], number: int, options: Options) -> list[dict]:
    first, last = window(campaign)
    if number == 1:
        entries = session.scalars(select(ScreeningEntry).where(
            within(ScreeningEntry, roots), ScreeningEntry.found_on >= first, ScreeningEntry.found_on <= last)
            .order_by(ScreeningEntry.found_on, ScreeningEntry.id)).all()
        names = _names(session, {e.node_id for e in entries})
        numbers = matter_numbers(session, [e.matter_id for e in entries])
        return [screening.to_dict(e, names, options.today, None, numbers) for e in entries]
    if number == 2:
        # listed during the campaign, or still open when it began
        entries = session.scalars(select(BacklogEntry).where(
            within(BacklogEntry, roots), BacklogEntry.listed_on <= last,
            (BacklogEntry.status != "resolved") | (BacklogEntry.resolved_on >= first))
            .order_by(BacklogEntry.deadline, BacklogEntry.id)).all()
        matters = {m.id: m for m in session.scalars(select(Matter).where(Matter.id.in_([e.matter_id for e in entries])))}
        petitioners = backlog.petitioner_names(session, options.actor, list(matters.values()))
        names = _names(session, {e.node_id for e in entries})
        return [backlog.to_dict(e, matters.get(e.matter_id), petitioners.get(e.matter_id, ""),
                                names.get(e.node_id, ""), options.today) for e in entries]
    if number == 3:
        records = session.scalars(select(ReceptionRecord).where(
            within(ReceptionRecord, roots), ReceptionRecord.received_on >= first, ReceptionRecord.received_on <= last)
            .order_by(ReceptionRecord.received_on, ReceptionRecord.id)).all()
        names = _names(session, {r.node_id for r in records})
        numbers = matter_numbers(session, [r.matter_id for r in records])
        return [register.to_dict(r, names, numbers) for r in records]
    duties = session.scalars(select(RotaDuty).where(within(RotaDuty, roots), RotaDuty.on >= first,
                                                    RotaDuty.on <= last)
                             .order_by(RotaDuty.on, RotaDuty.slot, RotaDuty.id)).all()
    names = _names(session, {d.node_id for d in duties})
    return [rota.to_dict(d, names) for d in duties]


_LAYOUTS = {1: SCREENING, 2: BACKLOG, 3: REGISTER, 4: ROTA}


def build_annex(number: int) -> Callable[[Session, Campaign, Node, Options], dict]:
    def build(session: Session, campaign: Campaign, node: Node, options: Options) -> dict:
        roots = _roots(session, campaign, node)
        area = name_of(node, roots)
        title = _annex_titles(area)[number - 1]
        columns, rows, widths = _table(_LAYOUTS[number], _annex_rows(session, campaign, roots, number, options))
        first, last = window(campaign)
        notes = [f"统计期间：{cn_date(first)}至{cn_date(last)}（“{campaign.title}”），共{len(rows)}条。"]
        if number in (1, 3):
            notes.append("身份证号、联系电话已按规定脱敏。")
        return {
            "title": title, "columns": columns, "rows": rows, "widths": widths, "annex": f"附件{number}",
            "issuer": options.issuer or issuer_of(node), "number": options.number,
            "date": (options.on or options.today).isoformat(), "notes": notes, "campaign_ref": campaign_ref(campaign.id)}
    return build


# --- the daily reception notice ----------------------------------------------------------------------

NOTICE_COLUMNS = ["接访单位", "时段", "接访领导", "职务", "分管工作", "接访地点"]


def build_notice(session: Session, campaign: Campaign, node: Node, options: Options) -> dict:
    roots = _roots(session, campaign, node)
    day = options.on or options.today
    duties = session.scalars(select(RotaDuty).where(within(RotaDuty, roots), RotaDuty.on == day,
                                                    RotaDuty.published_at.is_not(None))
                             .order_by(RotaDuty.township_id, RotaDuty.village_id, RotaDuty.slot, RotaDuty.id)).all()
    if not duties:
        raise BadRequest(f"{cn_date(day)}没有已发布的接访安排，请先安排并发布领导接访")
    names = _names(session, {d.node_id for d in duties})
    area = name_of(node, roots)
    issuer = options.issuer or issuer_of(node)
    title = f"{area}领导干部接访公告（{cn_date(day)}）"
    rows = [[names.get(d.node_id, ""), rota.SLOTS.get(d.slot, d.slot), d.leader_name, d.leader_position, d.duties,
             d.place] for d in duties]
    return {
        "issuer": issuer, "title": title, "columns": NOTICE_COLUMNS, "rows": rows, "date": day.isoformat(),
        "body": [f"为方便群众反映诉求，现将{cn_date(day)}（星期{WEEKDAYS[day.weekday()]}）{area}领导干部接访安排公告如下："],
        "notes": ["群众可在上述时间到接访地点当面反映诉求；接访领导当场不能解决的，将确定包案领导，限期办理答复。",
                  "接访安排如有调整，以当日公告为准。"],
        "campaign_ref": campaign_ref(campaign.id)}


# --- the closing summary report ------------------------------------------------------------------------

METRIC_COLUMNS = ["指标", "目标", "完成情况", "是否达标"]
UNIT_COLUMNS = ["单位", "应完成（项次）", "已完成（项次）", "完成率", "本级滞后任务"]
MET = {True: "达标", False: "未达标", None: "—"}


def summary_figures(session: Session, campaign: Campaign, node: Node, today: dt.date) -> dict[str, Any]:
    """Every figure of the closing report for ``node``'s area, as of ``today``."""
    roots = _roots(session, campaign, node)
    first, last = window(campaign, today)
    where = metrics.span(session, campaign, node, today)
    reported_to = min(last, today - dt.timedelta(days=1))
    return {
        "area": name_of(node, roots), "first": first.isoformat(), "last": last.isoformat(),
        "screening": figures.screening_counts(session, roots, first, last),
        "reception": figures.reception_counts(session, roots, first, last),
        "ownership": figures.ownership(session, roots, first, last).to_dict(),
        "backlog": figures.backlog_counts(session, roots, first, last),
        "listing": figures.backlog_listing(session, roots, last).to_dict(),
        "matters": figures.matter_counts(session, roots, first, last),
        "previous": figures.previous_counts(session, roots, first, last),
        "first_resolution": figures.first_resolution(session, roots, first, last),
        "punctuality": figures.punctuality(session, roots, first, reported_to, where.calendar),
        "reported_to": reported_to.isoformat(),
        "metrics": metrics.evaluate(session, campaign, node, today),
        "progress": campaigns.progress(session, campaign_type(plugins_of(session), KEY), campaign, node, today),
    }


def _units(progress: dict) -> list[list[str]]:
    rows = []

    def walk(item: dict) -> None:
        if item["level"] in (Level.TOWNSHIP, Level.VILLAGE) and item["total_required"]:
            behind = item["behind"]
            rows.append([item["name"], str(item["total_required"]), str(item["total_done"]),
                         figures.percent(item["rate"]),
                         f"{len(behind)}项，差{sum(b['missing'] for b in behind)}次" if behind else "无"])
        for child in item["children"]:
            walk(child)

    walk(progress)
    return rows


def build_summary(session: Session, campaign: Campaign, node: Node, options: Options) -> dict:
    f = summary_figures(session, campaign, node, options.today)
    s, r, o, b, lst, m = f["screening"], f["reception"], f["ownership"], f["backlog"], f["listing"], f["matters"]
    fr, p, prev = f["first_resolution"], f["punctuality"], f["previous"]
    area, first, last = f["area"], dt.date.fromisoformat(f["first"]), dt.date.fromisoformat(f["last"])
    opened = len(set(s["matter_ids"]) | set(r["matter_ids"]))
    days = (last - first).days + 1
    sections = [
        ["p", (f"按照《{campaign.title}实施方案》部署，{area}于{cn_date(first)}至{cn_date(last)}开展“大排查”“大接访”"
              "“大化解”信访月专项活动。现将活动开展情况报告如下（以下数据均由信访工作平台依据登记记录统计）：")],
        ["h1", "一、活动开展情况"],
        ["h2", "（一）矛盾纠纷大排查"],
        ["p", (f"活动期间共排查发现矛盾纠纷和信访突出问题{s['entries']}件，其中可能引发越级上访、集体上访、个人极端事件"
              f"或负面舆论炒作的{s['major']}件；已化解{s['resolved']}件，化解率{figures.percent(figures.rate(s['resolved'], s['entries']))}；"
              f"转为信访事项登记办理{s['matters']}件。")],
        ["p", (f"各社区（村）每周三、五报送排查清单和接访情况，截至{cn_date(dt.date.fromisoformat(f['reported_to']))}应报送"
              f"{p['expected']}次，按时报送{p['on_time']}次，逾期报送{p['late']}次，未报送{p['missing']}次，"
              f"按时报送率{figures.percent(p['rate'])}。")],
        ["h2", "（二）领导干部大接访"],
        ["p", (f"共安排领导干部接访{r['duties']}人次，提前公布{r['published']}人次；接待群众来访{r['records']}批"
              f"{r['people']}人次，当场化解{r['resolved']}批，转领导包案{r['ownership']}批，登记为信访事项{r['matters']}件。"
              f"接访中未化解的疑难复杂事项{o['hard']}件，已落实“四包”责任{o['done']}件。")],
        ["h2", "（三）信访积案大化解"],
        ["p", (f"活动期间列入信访积案和突出问题化解清单{b['listed']}件，已化解{b['resolved']}件，落实“五个一”措施"
              f"{b['complete']}件。截至{cn_date(last)}，超期、重复和进京到省的在办信访事项{lst['due']}件，"
              f"已列入清单并落实“五个一”{lst['complete']}件，已列入但“五个一”未落实完毕{lst['incomplete']}件，"
              f"尚未列入{lst['unlisted']}件。")],
        ["p", f"由排查和接访登记为信访事项共{opened}件。"],
        ["h1", "二、目标任务完成情况"],
        ["p", (f"活动期间共登记信访事项{m['total']}件（活动前同期{days}日{prev['total']}件），其中进京到省越级上访"
              f"{m['overreach']}件（活动前同期{prev['overreach']}件）、集体上访{m['collective']}批{m['collective_people']}"
              f"人次（活动前同期{prev['collective']}批）；初信初访{fr['first']}件，一次性化解{fr['resolved']}件，"
              f"一次性化解率{figures.percent(fr['rate'])}（目标{metrics.METRICS[0].target_text}）。")],
        ["table", "metrics"],
        ["h1", "三、各单位任务完成情况"],
        ["p", (f"活动任务共{f['progress']['total_required']}项次，已完成{f['progress']['total_done']}项次，"
              f"完成率{figures.percent(f['progress']['rate'])}。")],
        ["table", "units"],
        ["h1", "四、存在的问题和下一步打算"],
    ]
    problems = [item["name"] + f"未达到目标（{item['target_text']}）" for item in f["metrics"] if item["met"] is False]
    if problems:
        sections.append(["p", "存在的问题：" + ";".join(problems) + "。"])
    else:
        sections.append(["p", "各项指标均达到活动目标。"])
    sections.append(["p", ("下一步，将认真总结活动中行之有效的做法，把定期排查、领导接访、积案化解和周三、周五报送等机制"
                          "固化为长效机制，持续推动信访问题源头治理。")])
    metric_rows = [[item["name"], item["target_text"] or "—", metrics.shown(item), MET[item["met"]]]
                   for item in f["metrics"]]
    issuer = options.issuer or issuer_of(node)
    title = f"关于{campaign.title}开展情况的总结报告"
    return {
        "issuer": issuer, "number": options.number, "title": title, "sections": sections,
        "metric_columns": METRIC_COLUMNS, "metrics": metric_rows, "unit_columns": UNIT_COLUMNS,
        "units": _units(f["progress"]), "date": (options.on or options.today).isoformat(),
        "campaign_ref": campaign_ref(campaign.id)}


Builder = Callable[[Session, Campaign, Node, Options], dict]


def _spec(key: str, title: str, layout, build: Builder) -> DocumentSpec:
    """The document ``key`` of a campaign (the context's ``subject``) for the context's node;
    ``params``: the 文号, issuer and date the person asking may set."""
    def run(context: DocumentContext) -> dict:
        session, params = context.session, context.params
        options = Options(today=context.today, number=str(params.get("number") or ""),
                          issuer=str(params.get("issuer") or ""), on=params.get("on"), actor=context.actor)
        return build(session, context.subject, session.get(Node, context.node.id), options)
    return DocumentSpec(PREFIX + key, title, layout, run)


SPECS: tuple[DocumentSpec, ...] = (
    _spec("plan", "实施方案通知", PLAN, build_plan),
    *(_spec(f"annex{n}", title, ANNEX, build_annex(n)) for n, title in enumerate((
        "附件1 矛盾纠纷排查化解清单", "附件2 信访积案和突出问题化解清单", "附件3 领导干部接待群众来访登记表",
        "附件4 领导接访安排表"), start=1)),
    _spec("reception_notice", "领导干部接访公告（每日）", NOTICE, build_notice),
    _spec("summary", "总结报告", SUMMARY, build_summary),
)
BY_KEY = {spec.key.removeprefix(PREFIX): spec for spec in SPECS}
