"""The campaign's documents, built from the records through ``DocumentSpec.build``:

- ``opinion``: the implementation opinion (实施意见) in 公文 form, the campaign's own dates;
- ``assignment``: the 交办通知 listing the 积案 with their leaders, units and deadlines (seed
  002's 领导包案督办 notices);
- ``ledger``: the 积案 台账 (landscape);
- ``dossier``: one 积案's 六有 dossier — cover, index, then each part with what the records
  hold and the listing of the files filed under it;
- ``closing``: the closing report, every figure from ``figures.figures``.

The route reads under the campaign's whole area (``reading_as(Scope.system())``); each builder
confines itself to the node the document is for.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import select

from xinfang.platform.api import (
    ANNEXES,
    COLUMN,
    TEMPLATE_DIR,
    BadRequest,
    Campaign,
    CampaignPhase,
    DocumentContext,
    DocumentSpec,
    Field,
    Level,
    Matter,
    Node,
    campaign_type,
    clock,
    cn_date,
    matter_ownership,
    node_names,
    plugins_of,
    template,
)
from xinfang.plugins.backlog_year import cases, figures
from xinfang.plugins.backlog_year.models import BacklogCase
from xinfang.plugins.backlog_year.vocabulary import (
    CLASS_SHORT,
    CLASSES,
    KEY,
    NINE_ONES,
    SIX_CLEAR,
    SIX_HAVE,
    STATUSES,
)

HERE = Path(__file__).resolve().parent / "templates"
PREFIX = KEY + "_"
NUMERALS = "一二三四五六七八九十"


def campaign_ref(campaign_id: int) -> str:
    return f"{KEY}:{campaign_id}"


def _fields(*extra: Field) -> list[Field]:
    return [Field("layout", "版式", max_length=16), Field("issuer", "发文单位", max_length=100),
            Field("number", "文号", required=False, default="", max_length=64),
            Field("title", "标题", max_length=300), Field("addressee", "主送", required=False, default="", max_length=300),
            Field("sections", "正文([样式,文字…])", kind="rows", max_length=5000, max_items=5000),
            Field("date", "成文日期", kind="date", required=False, default=lambda: clock.today().isoformat()),
            Field("campaign_ref", "所属专项活动", required=False, max_length=64),
            # the dossier's filed files, bound in after their part: [part, part title, name, SHA-256, size, path]
            Field(ANNEXES, "并入的归档文件", kind="rows", required=False, max_length=300, max_items=500), *extra]


def _check(inputs: dict[str, Any]) -> list[dict[str, str]]:
    found = []
    if inputs.get("layout") not in ("notice", "report", "dossier"):
        found.append({"field": "layout", "message": "版式应为 notice、report 或 dossier"})
    for n, row in enumerate(inputs.get("sections") or [], start=1):
        if not row or row[0] not in ("h1", "h2", "p", "part", "break", "cover", "th", "td", "file"):
            found.append({"field": "sections", "message": f"第{n}段的样式应为 h1、h2、p、part、break、cover、th、td 或 file"})
        elif row[0] == "file" and not (len(row) > 1 and row[1].isdigit() and int(row[1]) < len(inputs.get(ANNEXES) or [])):
            found.append({"field": "sections", "message": f"第{n}段(file)应指向一件并入的归档文件"})
    return found[:20]


REPORT = template(PREFIX + "report", "信访积案化解年文书", HERE / "report.html", _fields(), check=_check)
LEDGER = template(PREFIX + "ledger", "信访积案台账", TEMPLATE_DIR / "ledger.html", [
    Field("title", "表名", max_length=300),
    Field("columns", "列名", kind="columns", max_length=100, max_items=40),
    Field("rows", "表格内容", kind="rows", required=False, default=list, max_length=2000, max_items=5000),
    Field("widths", "列宽比例", kind="numbers", required=False, max_items=40),
    Field("annex", "附件标注", required=False, default="", max_length=20),
    Field("issuer", "填报单位", required=False, default="", max_length=100),
    Field("number", "编号", required=False, default="", max_length=64),
    Field("date", "填报日期", kind="date", required=False, default=lambda: clock.today().isoformat()),
    Field("notes", "表注", kind="texts", required=False, max_length=1000, max_items=20),
    Field("campaign_ref", "所属专项活动", required=False, max_length=64),
])


def issuer_of(node: Node) -> str:
    if node.level == Level.TOWNSHIP:
        return node.name + ("办事处" if node.name.endswith("街道") else "人民政府")
    if node.level == Level.COUNTY:
        return node.name + "信访工作联席会议办公室"
    return node.name


def _campaign(context: DocumentContext) -> Campaign:
    campaign = context.subject
    if not isinstance(campaign, Campaign) or campaign.type_key != KEY:
        raise BadRequest("请在信访积案化解年活动中生成该文书")
    return campaign


def _cases(context: DocumentContext, campaign: Campaign) -> list[tuple[BacklogCase, Matter]]:
    column = COLUMN[Level(context.node.level)]
    return [(c, m) for c, m in cases.ledger(context.session, campaign) if getattr(c, column) == context.node.id]


def _phases(context: DocumentContext, campaign: Campaign) -> list[CampaignPhase]:
    return list(context.session.scalars(select(CampaignPhase).where(CampaignPhase.campaign_id == campaign.id)
                                        .order_by(CampaignPhase.starts_on)))


def _common(context: DocumentContext, campaign: Campaign, layout: str, title: str) -> dict[str, Any]:
    on = context.params.get("on") or context.today
    return {"layout": layout, "issuer": context.params.get("issuer") or issuer_of(context.node),
            "number": context.params.get("number") or "", "title": title, "date": on.isoformat(),
            "campaign_ref": campaign_ref(campaign.id)}


# --- 实施意见 ----------------------------------------------------------------------------------


def build_opinion(context: DocumentContext) -> dict:
    campaign = _campaign(context)
    settings = cases.settings_of(context.session, campaign)
    node = context.node
    phases = _phases(context, campaign)
    s: list[list[str]] = [
        ["p", (f"为全面摸清{node.name}信访积案底数,采取扎实有效的措施推动信访积案化解,根据上级关于深入开展"
               f"“信访积案化解年”活动的部署,现就开展“{campaign.title}”活动提出如下实施意见。")],
        ["h1", "一、总体目标"],
        ["p", "全面摸清信访积案底数,逐案落实化解措施,推动信访形势持续好转,促进社会和谐稳定。"],
        ["h1", "二、积案范围"],
        ["p", (f"信访积案是指{cn_date(settings.cutoff)}以前发生、信访人就同一事由至今仍在信访、属于《信访工作条例》"
               "规定受理范围、尚未息诉的信访事项。")],
        ["h1", "三、方法步骤"],
        ["p", f"活动自{cn_date(campaign.starts_on)}开始,至{cn_date(campaign.ends_on)}结束,分{len(phases)}个阶段进行:"],
    ]
    text = {
        "prepare": "全面梳理信访积案,确定重点,建立台账;逐案做到“六清楚”:" + ";".join(SIX_CLEAR.values()) + "。",
        "resolve": ("落实领导包案责任制,逐案落实“九个一”:一件信访积案、" + "、".join(NINE_ONES.values())
                    + ";原则上在交办后60个工作日内基本办结;包案领导落实“五包”:包掌握情况、包思想转化、包解决问题、"
                    "包劝返、包息诉罢访。"),
        "inspect": "组织联合督导检查,重点督查积案化解情况和各项措施落实情况,提出整改要求并跟踪落实。",
        "conclude": (f"积案办结后按“六有”标准逐案建档立卷,于{cn_date(settings.dossier_due_on)}前报信访办审理,"
                     "审理合格的结案销号。“六有”即:" + "、".join(SIX_HAVE.values()) + "。"),
    }
    for n, phase in enumerate(phases):
        s.append(["h2", f"({NUMERALS[n]}){phase.name}阶段({cn_date(phase.starts_on)}至{cn_date(phase.ends_on)})"])
        s.append(["p", text.get(phase.key, "")])
    s.append(["h1", "四、分类化解"])
    s += [["p", f"{n}.{text}。"] for n, text in enumerate(CLASSES.values(), start=1)]
    s.append(["p", "对信访人采取的任何处置措施不属于本活动的范围,依照有关规定另行办理。"])
    s.append(["p", "以上意见,请认真贯彻落实。"])
    return {**_common(context, campaign, "notice", f"关于开展“{campaign.title}”活动的实施意见"),
            "addressee": "各村(社区)、各有关单位:" if node.level == Level.TOWNSHIP else "各乡镇(街道)、县直各有关单位:",
            "sections": s}


# --- 交办通知 ----------------------------------------------------------------------------------


def build_assignment(context: DocumentContext) -> dict:
    campaign = _campaign(context)
    on = context.params.get("on")
    listed = [(c, m) for c, m in _cases(context, campaign)
              if c.assigned_on is not None and c.status != "removed" and (on is None or c.assigned_on == on)]
    if not listed:
        raise BadRequest("没有已交办的积案" + (f"({cn_date(on)})" if on else ""))
    names = node_names(context.session, list({c.node_id for c, _ in listed}))
    rows = [["th", "序号", "事项编号", "所属单位", "问题类别", "包案领导", "责任单位", "交办日期", "办结时限"]]
    for n, (case, matter) in enumerate(listed, start=1):
        owner = matter_ownership.current(context.session, matter)
        rows.append(["td", str(n), matter.number, names.get(case.node_id, ""), matter.category,
                     owner.leader_name if owner else "", case.responsible_unit, cn_date(case.assigned_on),
                     cn_date(case.due_on) if case.due_on else ""])
    s = [["p", (f"根据“{campaign.title}”活动安排,经排查梳理,现将{len(listed)}件信访积案实行领导包案,集中交办。"
                "请各包案领导和责任单位按照“九个一”要求逐案落实,包案领导落实“五包”责任,"
                "自交办之日起60个工作日内办结,并按“六有”标准建档立卷报信访办审理。")],
         *rows,
         ["p", "交办案件办理情况将定期督查督办,逾期未办结的,按规定通报。"]]
    return {**_common(context, campaign, "notice", f"关于{campaign.title}信访积案领导包案督办的通知"),
            "addressee": "各包案领导、各责任单位:", "sections": s}


# --- 台账 ----------------------------------------------------------------------------------------------

LEDGER_COLUMNS = ["序号", "事项编号", "所属单位", "发生时间", "来源", "分类", "包案领导", "责任单位", "交办日期",
                  "办结时限", "六清楚", "九个一", "六有", "状态"]


def build_ledger(context: DocumentContext) -> dict:
    campaign = _campaign(context)
    session = context.session
    listed = _cases(context, campaign)
    ctype = campaign_type(plugins_of(session), KEY)
    names = node_names(session, list({c.node_id for c, _ in listed}))
    rows = []
    files = cases.files_of(session, [c.id for c, _ in listed])
    for n, (case, matter) in enumerate(listed, start=1):
        owner = matter_ownership.current(session, matter)
        nine = cases.nine_ones(session, ctype, campaign, matter) if case.status != "removed" else {"items": []}
        parts = cases.dossier(session, case, matter, files.get(case.id, []), nine)
        status = STATUSES[case.status] + ("(逾期)" if cases.overdue(case, context.today) else "")
        rows.append([str(n), matter.number, names.get(case.node_id, ""), cn_date(matter.received_on),
                     {"proposed": "候选确认", "screening": "排查", "above": "上级交办"}[case.source],
                     CLASS_SHORT.get(case.class_key or "", "未分类"), owner.leader_name if owner else "",
                     case.responsible_unit, cn_date(case.assigned_on) if case.assigned_on else "",
                     cn_date(case.due_on) if case.due_on else "",
                     f"{sum(k in (case.findings or {}) for k in SIX_CLEAR)}/6",
                     f"{sum(i['done'] for i in nine['items'])}/{len(NINE_ONES)}",
                     f"{sum(p['complete'] for p in parts)}/6", status])
    return {"title": f"{context.node.name}信访积案台账({campaign.title})", "columns": LEDGER_COLUMNS, "rows": rows,
            "widths": [0.6, 1.8, 1.2, 1.3, 0.9, 1.1, 0.9, 1.2, 1.3, 1.3, 0.7, 0.7, 0.7, 1.0],
            "issuer": context.params.get("issuer") or issuer_of(context.node), "number": context.params.get("number") or "",
            "date": (context.params.get("on") or context.today).isoformat(),
            "notes": [f"共{len(rows)}件;六清楚、九个一、六有为已完成项数。"], "campaign_ref": campaign_ref(campaign.id)}


# --- 六有 dossier -----------------------------------------------------------------------------------------


def build_dossier(context: DocumentContext) -> dict:
    campaign = _campaign(context)
    session = context.session
    case = session.get(BacklogCase, context.params.get("case_id"))
    if case is None or case.campaign_id != campaign.id:
        raise BadRequest("请选择本活动的一件积案")
    matter = session.get(Matter, case.matter_id)
    ctype = campaign_type(plugins_of(session), KEY)
    nine = cases.nine_ones(session, ctype, campaign, matter)
    files = cases.files_of(session, [case.id]).get(case.id, [])
    paths = {f.id: f.path for f in files}
    parts = cases.dossier(session, case, matter, files, nine)
    owner = matter_ownership.current(session, matter)
    unit = node_names(session, [case.node_id]).get(case.node_id, "")
    s: list[list[str]] = [
        ["cover", f"事项编号:{matter.number}"], ["cover", f"所属单位:{unit}"],
        ["cover", f"包案领导:{owner.leader_name if owner else '未确定'}"],
        ["cover", f"责任单位:{case.responsible_unit or '未确定'}"],
        ["cover", f"交办日期:{cn_date(case.assigned_on) if case.assigned_on else '未交办'}"],
        ["cover", f"销号日期:{cn_date(case.closed_on) if case.closed_on else '未销号'}"],
        ["part", "目录"], ["th", "序号", "案卷内容", "是否齐全", "归档文件(件)"],
        *(["td", NUMERALS[n], p["title"], "齐全" if p["complete"] else "缺:" + p["lacks"], str(len(p["files"]))]
          for n, p in enumerate(parts)),
    ]
    data = {
        "case": [["p", f"问题类别:{matter.category};首次信访:{cn_date(matter.received_on)};第{matter.repeat_count}次信访。"],
                 ["p", f"反映问题:{matter.summary}"],
                 *(["p", f"{t}:{(case.findings or {}).get(k, {}).get('text', '(未查清)')}"] for k, t in SIX_CLEAR.items()),
                 ["p", f"分类:{CLASSES.get(case.class_key or '', '未分类')}。{case.class_note}"]],
        "assignment": [["p", (f"{cn_date(case.assigned_on)}交办,60个工作日内办结(时限{cn_date(case.due_on)})。"
                              if case.assigned_on and case.due_on else "尚未交办。")],
                       ["p", f"积案来源:{ {'proposed': '系统候选经确认', 'screening': '排查发现', 'above': '上级交办'}[case.source]}"
                             + (f"({case.source_note})" if case.source_note else "") + "。"]],
        "leader_doc": [["p", (f"包案领导:{owner.leader_name}{('(' + owner.leader_position + ')') if owner.leader_position else ''},"
                              f"落实“五包”责任;责任单位:{case.responsible_unit}。") if owner else "尚未确定包案领导。"],
                       *(["p", f"{'已' if i['done'] else '未'}落实“{i['text']}”"
                               + (f":{i['tick']['note']}" if i["tick"] and i["tick"]["note"] else "") + "。"]
                         for i in nine["items"])],
        "report": [["p", case.report or "(无查办报告)"],
                   ["p", (f"包案领导{case.report_signed_by}于{cn_date(case.report_signed_on)}签字确认。"
                          if case.report_signed_on else "包案领导尚未签字。")],
                   ["p", (f"审理:{case.reviewed_by}于{cn_date(case.reviewed_on)}审理合格。{case.review_note}"
                          if case.reviewed_on else "尚未审理。")]],
        "reply": [],
        "stabilising": [["p", f"“{i['text']}”于{i['tick']['done_on']}落实" + (f":{i['tick']['note']}" if i["tick"]["note"] else "")
                         + "".join(f";附{e['filename']}" for e in i["tick"]["evidence"]) + "。"]
                        for i in nine["items"] if i["item"] == "stabilising" and i["tick"]],
    }
    annexes: list[list[str]] = []
    for n, p in enumerate(parts):
        title = f"{NUMERALS[n]}、{p['title']}"
        s += [["break"], ["part", title, p["part"]], *data[p["part"]]]
        if p["files"]:
            s.append(["th", "归档文件", "SHA-256(前16位)", "大小", "归档人", "日期", "并入情况"])
            for f in p["files"]:
                s.append(["file", str(len(annexes)), f["filename"], f["sha256"][:16], f"{f['size']}字节",
                          f["added_by"], f["added_on"]])
                annexes.append([p["part"], title, f["filename"], f["sha256"], str(f["size"]), paths[f["id"]]])
        else:
            s.append(["p", "(无归档文件)"])
    if annexes:
        s += [["break"], ["part", "备考", "notes"],
              ["p", "本案卷各部分的归档文件,按部分顺序并入该部分之后,每页下端注明核验码和所属文件;"
                    "图片每件一页,按比例缩放。标注“未并入”的文件未装订在内,原件仍在归档中,原因见各部分的文件清单。"]]
    return {**_common(context, campaign, "dossier", f"信访积案“六有”案卷({matter.number})"), "sections": s,
            ANNEXES: annexes}


# --- the closing report ------------------------------------------------------------------------------------


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def build_closing(context: DocumentContext) -> dict:
    campaign = _campaign(context)
    f = figures.figures(context.session, campaign, context.node, context.today)
    units = figures.rollup(context.session, campaign, context.node, context.today)
    ctype = campaign_type(plugins_of(context.session), KEY)
    targets = {m.key: m for m in ctype.metrics}
    s: list[list[str]] = [
        ["p", (f"按照“{campaign.title}”活动部署,{context.node.name}于{cn_date(campaign.starts_on)}至"
               f"{cn_date(campaign.ends_on)}开展信访积案化解工作。现将截至{cn_date(dt.date.fromisoformat(f['as_of']))}的情况报告如下"
               "(数据均由信访工作平台依据登记记录统计):")],
        ["h1", "一、积案化解情况"],
        ["p", (f"共确认信访积案{f['total']}件,已结案销号{f['closed']}件,尚在化解{f['open']}件;"
               f"超过60个工作日未办结{f['overdue']}件。")],
        ["h1", "二、指标完成情况"],
        ["th", "指标", "目标", "完成情况", "是否达标"],
    ]
    for key, label, count in (("resolution_rate", "积案化解率", "closed"), ("stability_rate", "稳控率", "stable"),
                              ("revisit_rate", "重访率", "revisited")):
        metric = targets[key]
        met = metric.met(f[key], {})
        sign = "≥" if metric.higher_is_better else "≤"
        s.append(["td", label, f"{sign}{_percent(metric.target)}", f"{_percent(f[key])}({f[count]}/{f['total']})",
                  {True: "达标", False: "未达标", None: "—"}[met]])
    s += [["h1", "三、分类化解情况"], ["th", "类别", "件数"],
          *(["td", c["name"], str(c["count"])] for c in f["by_class"]),
          ["td", "未分类", str(f["unclassified"])],
          ["h1", "四、各阶段情况"], ["th", "阶段", "确认积案", "结案销号"],
          *(["td", p["name"], str(p["confirmed"]), str(p["closed"])] for p in f["by_phase"]),
          ["h1", "五、各单位情况"], ["th", "单位", "积案", "销号", "化解率", "逾期"],
          *(["td", u["name"], str(u["total"]), str(u["closed"]), _percent(u["resolution_rate"]), str(u["overdue"])]
            for u in units)]
    if f["behind"]:
        s += [["h1", "六、滞后积案"], ["th", "事项编号", "单位", "责任单位", "办结时限", "情况"],
              *(["td", b["number"], b["node_name"], b["unit"], b["due_on"] or "", b["reason"]] for b in f["behind"])]
    s.append(["p", "下一步,将对未化解和逾期的积案继续落实包案责任,跟踪督办,确保案结事了。"])
    return {**_common(context, campaign, "report", f"{context.node.name}{campaign.title}活动总结报告"),
            "sections": s}


SPECS = (
    DocumentSpec(PREFIX + "opinion", "实施意见", REPORT, build_opinion),
    DocumentSpec(PREFIX + "assignment", "积案交办通知", REPORT, build_assignment),
    DocumentSpec(PREFIX + "ledger", "信访积案台账", LEDGER, build_ledger),
    DocumentSpec(PREFIX + "dossier", "“六有”案卷", REPORT, build_dossier),
    DocumentSpec(PREFIX + "closing", "活动总结报告", REPORT, build_closing),
)
BY_KEY = {spec.key.removeprefix(PREFIX): spec for spec in SPECS}
