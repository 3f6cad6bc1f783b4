"""The campaign's documents, built from the records and rendered by the core (SHA-256, code):

- the implementation notice (实施方案通知): dates, area, the catalogue, the rules of Art. 47;
- the behaviour catalogue with the clause of each entry (行为目录);
- the written notice to a person about a confirmed incident (告知书): what was recorded, the
  clause, the responses, how to object, that their petitions go on;
- the monthly report (月报) and the closing report (总结报告), every figure from ``metrics``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.platform.api import (
    LEDGER_TEMPLATE,
    NOTICE_TEMPLATE,
    BadRequest,
    Campaign,
    DocumentContext,
    DocumentSpec,
    Node,
    Person,
    campaigns,
    cn_date,
)
from xinfang.plugins.order import metrics
from xinfang.plugins.order.catalogue import behaviours, county_of, retention_days
from xinfang.plugins.order.incidents import READ
from xinfang.plugins.order.models import Behaviour, Incident, IncidentPerson, Response
from xinfang.plugins.order.vocabulary import CLAUSE_SHORT, CLAUSES, KEY, RESPONSES

PREFIX = KEY + "_"
OBJECTION_DAYS = 30


def office(node: Node) -> str:
    """Who signs the campaign's papers for a node: its special working group's office."""
    return f"{node.name}信访秩序集中整治工作专班"


def _md(day: dt.date) -> str:
    return f"{day.year}年{day.month}月"


def _area(session: Session, campaign: Campaign) -> str:
    return "、".join(n.name for n in campaigns.scope_roots(session, campaign))


def _catalogue_lines(session: Session, county_id: int) -> list[str]:
    return [f"{b.number}. {b.name}（依据：《信访工作条例》{CLAUSE_SHORT[b.clause]}）"
            for b in behaviours(session, county_id)]


def build_plan(session: Session, campaign: Campaign, node: Node, params: dict[str, Any]) -> dict:
    county_id = county_of(node)
    lines = _catalogue_lines(session, county_id)
    body = [
        f"为维护信访秩序、保障信访人依法表达诉求，决定于{cn_date(campaign.starts_on)}至{cn_date(campaign.ends_on)}，"
        f"在{_area(session, campaign)}开展“{campaign.title}”。现将有关事项通知如下：",
        "一、依据。本次整治只针对《信访工作条例》第二十条、第二十六条禁止的行为。县行为目录中的每一种行为都注明了"
        "所依据的条款，未注明条款的行为不得登记。",
        "二、登记与审核。工作人员登记的每一条记录须写明时间、地点、经过、所涉行为及条款、涉及人员和证据材料，"
        "经县法制审核员审核确认后方可使用；不予确认的记录，其中的个人信息立即清除。",
        "三、处置。对违反条例第二十条、第二十六条的信访人，工作人员应当进行劝阻、批评或者教育（条例第四十七条第一款），"
        "教育以当事人参加的教育谈话登记，写明内容和时长。信访人滋事扰序、缠访闹访情节严重，构成违反治安管理行为的，"
        "或者违反集会游行示威相关法律法规的，由公安机关依法处置（第四十七条第二款）：移送须有已确认的记录，"
        "并有工作人员先行劝阻、批评或教育的记录，或写明现场紧急情况并由法制审核员事后审查。"
        "不得采取限制人身自由、办“学习班”等条例未规定的措施。",
        "四、信访事项照常办理。登记记录不影响当事人信访事项的受理、办理和答复，办理期限照常计算。",
        "五、告知与异议。每条确认的记录均向当事人送达书面告知书，告知所记录的事实、条款和提出异议的方式；"
        "当事人的异议由法制审核员复核。",
        f"六、不建立监控名单。不跟踪当事人行踪，不对人员打分排名；记录保存{retention_days(session, county_id)}日，"
        "期满匿名化。查阅记录一律记入审计日志。",
        "七、目标。依法处置率（确认、有条款、有证据、按第四十七条顺序处置的记录所占比例）达到100%。",
    ]
    if lines:
        body.append("附：违反信访秩序行为目录")
        body.extend(lines)
    return {"issuer": params.get("issuer") or office(node), "number": params.get("number") or "",
            "title": f"关于开展{campaign.title}的实施方案通知", "addressee": "各有关单位：", "body": body,
            "date": params.get("on") or None}


CATALOGUE_COLUMNS = ["序号", "行为", "说明", "依据条款"]


def build_catalogue(session: Session, campaign: Campaign, node: Node, params: dict[str, Any]) -> dict:
    rows = [[str(b.number), b.name, b.description or "—", "《信访工作条例》" + CLAUSES[b.clause]]
            for b in behaviours(session, county_of(node))]
    if not rows:
        raise BadRequest("本县行为目录还没有条目，请县级管理员先维护行为目录")
    return {"title": f"{campaign.title}违反信访秩序行为目录", "columns": CATALOGUE_COLUMNS, "rows": rows,
            "widths": [1, 4, 6, 8], "issuer": params.get("issuer") or office(node), "number": params.get("number") or "",
            "notes": ["每种行为均依据《信访工作条例》第二十六条第一至六项或第二十条；目录之外的行为不予登记。"]}


def build_person_notice(session: Session, incident: Incident, node: Node, params: dict[str, Any]) -> dict:
    if incident.status != "confirmed":
        raise BadRequest("只有经审核确认的记录才能制作告知书")
    person_id = params.get("person_id")
    linked = session.scalar(select(IncidentPerson.id).where(IncidentPerson.incident_id == incident.id,
                                                            IncidentPerson.person_id == person_id))
    if linked is None:
        raise BadRequest("该人员不是本记录涉及的人员")
    person = session.get(Person, person_id)
    behaviour = session.get(Behaviour, incident.behaviour_id)
    issuer = params.get("issuer") or office(node)
    body = [
        f"{cn_date(incident.occurred_on)}，你在{incident.place}：{incident.account}",
        f"经审核确认，上述行为属于“{behaviour.name if behaviour else ''}”，违反《信访工作条例》{CLAUSE_SHORT[incident.clause]}"
        f"的规定（{CLAUSES[incident.clause].split('：', 1)[1]}）。",
    ]
    responses = session.scalars(select(Response).where(Response.incident_id == incident.id,
                                                       (Response.person_id == person_id) | Response.person_id.is_(None))
                                .order_by(Response.given_at, Response.id)).all()
    for r in responses:
        minutes = f"，时长{r.minutes}分钟" if r.minutes else ""
        body.append(f"工作人员{r.staff}依照《信访工作条例》第四十七条第一款对你进行了{RESPONSES[r.kind]}{minutes}：{r.told}")
    retention = retention_days(session, county_of(node))
    body += [
        "你提出的信访事项不受本记录影响，将继续依法受理、办理和答复，办理期限照常计算。",
        f"你对本告知书所记录的事实或者适用的条款有异议的，可以自收到本告知书之日起{OBJECTION_DAYS}日内，"
        f"向{issuer}当面、书面或者电话提出；工作人员将登记你的异议，由法制审核员复核，并将复核意见告知你。",
        f"本记录自发生之日起保存{retention}日，期满后匿名化处理。",
    ]
    return {"issuer": issuer, "number": params.get("number") or "", "title": "信访秩序告知书",
            "addressee": f"{person.name}:", "body": body}


def _report(session: Session, campaign: Campaign, node: Node, first: dt.date, last: dt.date, what: str) -> list[str]:
    f = metrics.figures(session, campaign, node, first, last)
    clauses = "、".join(f"{k}{n}件" for k, n in f["by_clause"].items()) or "无"
    nodes = "、".join(f"{k}{n}件" for k, n in f["by_node"].items()) or "无"
    responses = "、".join(f"{k}{n}次" for k, n in f["responses"].items()) or "无"
    body = [
        f"{cn_date(first)}至{cn_date(last)}，{what}共登记违反信访秩序行为记录{f['incidents']}件，其中经法制审核员确认"
        f"{f['confirmed']}件，待审核{f['drafts']}件（不予确认的记录已清除，不计入）。按条款：{clauses}；按单位：{nodes}。",
        f"工作人员依照《信访工作条例》第四十七条第一款处置：{responses}；其中教育谈话{f['sessions']}次，"
        f"共{f['session_minutes']}分钟。移送公安机关{f['referrals']}件，其中现场紧急移送{f['emergency_referrals']}件。",
        f"依法处置{f['lawful']}件，依法处置率{f['lawful_text']}（目标100%）。",
    ]
    if f["not_lawful"]:
        body.append("未达依法处置要求的记录：" + ";".join(
            f"第{item['id']}号（{item['occurred_on']}）：{'、'.join(item['problems'])}" for item in f["not_lawful"]) + "。")
    body += [
        f"当事人提出异议{f['objections']}件，异议成立{f['objections_upheld']}件，待复核{f['objections_pending']}件。",
        f"涉及人员的信访事项照常办理：其法定办理期限共{f['matter_clocks']}个，按期{f['matter_clocks_on_time']}个，"
        f"按期办理率{metrics.percent(f['matters_on_time_rate'])}。",
    ]
    return body


def build_monthly(session: Session, campaign: Campaign, node: Node, params: dict[str, Any]) -> dict:
    on = params.get("on") or params["today"]
    month_first = on.replace(day=1)
    month_last = (month_first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    first, last = max(month_first, campaign.starts_on), min(month_last, campaign.closed_on or campaign.ends_on)
    if first > last:
        raise BadRequest("所选月份不在活动期间内")
    return {"issuer": params.get("issuer") or office(node), "number": params.get("number") or "",
            "title": f"{campaign.title}{_md(month_first)}工作月报",
            "body": _report(session, campaign, node, first, last, f"{node.name}本月")}


def build_summary(session: Session, campaign: Campaign, node: Node, params: dict[str, Any]) -> dict:
    first, last = metrics.window(campaign, params["today"])
    body = [f"按照《{campaign.title}实施方案》部署，现将活动开展情况报告如下（数据均由信访工作平台依据登记记录统计）：",
            *_report(session, campaign, node, first, last, f"{node.name}"),
            "整治期间未采取条例规定以外的措施；登记记录未影响当事人信访事项的办理。"]
    return {"issuer": params.get("issuer") or office(node), "number": params.get("number") or "",
            "title": f"关于{campaign.title}开展情况的总结报告", "body": body}


def _campaign_spec(key: str, title: str, layout: Any, build) -> DocumentSpec:
    """A document of a campaign (the context's ``subject``) for the context's node."""
    def run(context: DocumentContext) -> dict:
        session = context.session
        node = session.get(Node, context.node.id)
        params = {**context.params, "today": context.today}
        built = build(session, context.subject, node, params)
        if built.get("date") is None:
            built.pop("date", None)
        return built
    return DocumentSpec(PREFIX + key, title, layout, run, read_permission=READ)


def _notice_spec() -> DocumentSpec:
    def run(context: DocumentContext) -> dict:
        session = context.session
        return build_person_notice(session, context.subject, session.get(Node, context.node.id), context.params)
    return DocumentSpec(PREFIX + "person_notice", "信访秩序告知书", NOTICE_TEMPLATE, run, read_permission=READ)


SPECS: tuple[DocumentSpec, ...] = (
    _campaign_spec("plan", "信访秩序集中整治实施方案通知", NOTICE_TEMPLATE, build_plan),
    _campaign_spec("catalogue", "违反信访秩序行为目录", LEDGER_TEMPLATE, build_catalogue),
    _campaign_spec("monthly", "信访秩序集中整治月报", NOTICE_TEMPLATE, build_monthly),
    _campaign_spec("summary", "信访秩序集中整治总结报告", NOTICE_TEMPLATE, build_summary),
    _notice_spec(),
)
BY_KEY = {spec.key.removeprefix(PREFIX): spec for spec in SPECS if spec.key != PREFIX + "person_notice"}
NOTICE_KIND = PREFIX + "person_notice"


def subject_ref(incident_id: int, person_id: int) -> str:
    return f"{KEY}:incident:{incident_id}:person:{person_id}"

