"""The written documents of a matter's steps, built from what the step recorded.

Each kind is a ``DocumentSpec`` whose ``build`` reads the matter, the step's timeline entry
and its own rows (the Art. 32 opinion by part, the Art. 33 agreement, the assignment's
units) and returns the template's inputs; the documents service renders, stores and
hashes. Documents are made **on demand** from a recorded step
(``POST /api/matters/{id}/documents/{kind}``): the step is the legal fact, the document its
written form, so a document never precedes its step and a clerk can add the 文号 the
office assigns. ``due(...)`` tells which steps of a matter call for which document, and
which have one. Every document prints the matter number and its verification code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.platform.documents.registry import TEMPLATE_DIR, Field, template
from xinfang.platform.errors import Conflict
from xinfang.platform.extensions.hookspecs import DocumentContext, DocumentSpec
from xinfang.platform.matters import opinions, review, vocabulary
from xinfang.platform.matters.models import Matter, MatterAgreement, MatterEvent, MatterOpinion, MatterPetitioner
from xinfang.platform.templating import cn_date
from xinfang.tenants.levels import Level
from xinfang.tenants.models import Node

HERE = Path(__file__).resolve().parent / "templates"
NOTICE_HTML = TEMPLATE_DIR / "notice.html"  # the core's notice: 告知书 are notices to a petitioner
LAW = "《信访工作条例》"
# how the petitioner reached us, as the notice says it ("你于2026年1月5日来访反映的……")
CHANNEL_PHRASES = {"letter": "来信", "visit": "来访", "online": "通过网上信访渠道", "phone": "来电",
                   "transfer": "经上级机关转送"}


def _common(*extra: Field, matter: bool = True) -> list[Field]:
    """The fields every matter document has; ``matter``: the matter number is required."""
    return [
        Field("issuer", "发文机关", max_length=100),
        Field("number", "发文字号", required=False, default="", max_length=64),
        Field("title", "标题", max_length=100),
        Field("matter_number", "事项编号", required=matter, default="", max_length=48),
        *extra,
        Field("date", "成文日期", kind="date"),
        Field("copy_to", "抄送", required=False, default="", max_length=300),
        Field("printed_by", "印发机关", required=False, max_length=100),
        Field("printed_on", "印发日期", kind="date", required=False),
    ]


_NOTICE_PARTS = (Field("addressee", "主送", max_length=300),
                 Field("body", "正文", kind="paragraphs", max_length=5000, max_items=50),
                 Field("attachments", "附件名称", kind="texts", required=False, max_length=200, max_items=10))
NOTICE_FIELDS = _common(*_NOTICE_PARTS)
LETTER_FIELDS = _common(*_NOTICE_PARTS, matter=False)  # a letter about a unit may name no matter
OPINION_FIELDS = _common(
    Field("addressee", "主送（信访人）", max_length=300),
    Field("intro", "开头", max_length=2000),
    Field("request", "信访人投诉请求", kind="paragraphs", max_length=8000, max_items=50),
    Field("facts", "事实和理由", kind="paragraphs", max_length=8000, max_items=50),
    Field("result_label", "处理意见（予以支持、解释说明或不予支持）", max_length=20),
    Field("opinion", "处理意见", kind="paragraphs", required=False, default=list, max_length=8000, max_items=50),
    Field("basis", "法律法规依据", kind="paragraphs", max_length=8000, max_items=50),
    Field("rights", "救济途径", kind="paragraphs", max_length=2000, max_items=5),
)
_FORM_PARTS = (
    Field("addressee", "主送", required=False, default="", max_length=300),
    Field("rows", "表格内容（[项目，内容]）", kind="rows", max_length=5000, max_items=40),
    Field("body", "正文", kind="paragraphs", required=False, default=list, max_length=5000, max_items=20),
)
FORM_FIELDS = _common(*_FORM_PARTS)
SLIP_FIELDS = _common(*_FORM_PARTS, matter=False)  # a slip that may concern no matter (intake room)
AGREEMENT_FIELDS = _common(
    Field("parties", "当事人（[一方，姓名（名称）]）", kind="rows", max_length=200, max_items=20),
    Field("body", "争议事项和经过", kind="paragraphs", max_length=5000, max_items=20),
    Field("terms", "协议内容", kind="paragraphs", max_length=8000, max_items=50),
    Field("closing", "协议效力", kind="paragraphs", max_length=2000, max_items=5),
    Field("signatures", "当事人签字（[一方，姓名（名称），同意日期]）", kind="rows", max_length=200, max_items=20),
)


def _check_pairs(width: int, name: str):
    def check(inputs: dict[str, Any]) -> list[dict[str, str]]:
        return [{"field": name, "message": f"第{n}行应有{width}项"}
                for n, row in enumerate(inputs.get(name) or [], start=1) if len(row) != width][:20]
    return check


def _check_agreement(inputs: dict[str, Any]) -> list[dict[str, str]]:
    return _check_pairs(2, "parties")(inputs) + _check_pairs(3, "signatures")(inputs)


# --- shared pieces -------------------------------------------------------------------------------


def _node(session: Session, node_id: int | None) -> Node | None:
    if node_id is None:
        return None
    return session.execute(select(Node).where(Node.id == node_id), execution_options={"skip_scope": True}).scalar_one()


def issuer_name(node: Node) -> str:
    """The body that signs: a township's 人民政府 (a 街道's 办事处), a county's 人民政府, a
    village's 村民委员会 (a 社区's 居民委员会); a department signs with its own name."""
    if node.level == Level.TOWNSHIP:
        return node.name + ("办事处" if node.name.endswith("街道") else "人民政府")
    if node.level == Level.COUNTY:
        return node.name + "人民政府"
    if node.level == Level.VILLAGE:
        return node.name + ("居民委员会" if node.name.endswith("社区") else "村民委员会")
    return node.name


def _addressee(session: Session, matter: Matter) -> str:
    """The petitioners by name; an accuser is addressed without a name (Art. 30: the papers of an
    accusation pass through many hands, the accuser's identity must not)."""
    if matter.kind == "accusation":
        return "检举控告人："
    names = session.scalars(select(MatterPetitioner.name).where(MatterPetitioner.matter_id == matter.id)
                            .order_by(MatterPetitioner.id)).all()
    return "、".join(names) + "："


def _petitioners(session: Session, matter: Matter) -> str:
    if matter.kind == "accusation":
        return "（检举控告人信息依规保密）"
    names = session.scalars(select(MatterPetitioner.name).where(MatterPetitioner.matter_id == matter.id)
                            .order_by(MatterPetitioner.id)).all()
    return "、".join(names)


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "……"


def _sentence(text: str) -> str:
    """A clerk's text as the end of a sentence: one full stop, never two."""
    text = text.strip().rstrip("。.;；，,")
    return text + "。" if text else ""


def _reported(matter: Matter) -> str:
    """你于2026年1月5日来访反映的“……”问题（事项编号：…）"""
    return (f"你于{cn_date(matter.received_on)}{CHANNEL_PHRASES.get(matter.channel, '')}反映的"
            f"“{_short(matter.summary)}”问题（事项编号：{matter.number}）")


def _event(session: Session, matter: Matter, actions: tuple[str, ...], event_id: Any, what: str) -> MatterEvent:
    """The step the document is the written form of: the one named, else the latest."""
    query = select(MatterEvent).where(MatterEvent.matter_id == matter.id, MatterEvent.action.in_(actions))
    if event_id not in (None, ""):
        query = query.where(MatterEvent.id == (int(event_id) if str(event_id).isdigit() else -1))
    event = session.scalar(query.order_by(MatterEvent.id.desc()).limit(1))
    if event is None:
        raise Conflict(f"该事项没有可生成{what}的办理记录")
    return event


def _issued_by(session: Session, event: MatterEvent) -> Node:
    node = _node(session, event.node_id)
    if node is None:
        raise Conflict("该办理记录没有办理单位，不能生成文书")
    return node


def _base(ctx: DocumentContext, matter: Matter, node: Node, title: str, on: dt.date) -> dict[str, Any]:
    issuer = str(ctx.params.get("issuer") or "").strip() or issuer_name(node)
    return {"issuer": issuer, "number": str(ctx.params.get("number") or "").strip(), "title": title,
            "matter_number": matter.number, "date": on.isoformat(),
            "copy_to": str(ctx.params.get("copy_to") or "").strip(), "printed_by": issuer,
            "printed_on": on.isoformat()}


# --- the kinds -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A matter document: its short key (the route's), the steps it is the written form of, and
    how to build it from one of them."""

    key: str
    title: str
    actions: tuple[str, ...]
    spec: DocumentSpec


def _acceptance(ctx: DocumentContext) -> dict[str, Any]:
    matter, session = ctx.subject, ctx.session
    event = _event(session, matter, ("accept",), ctx.params.get("event_id"), "受理告知书")
    node = _issued_by(session, event)
    if matter.kind == "claim":
        then = ("本机关将自受理之日起60日内办结，并出具书面处理意见；情况复杂的，经本机关负责人批准，可以适当延长"
                "办理期限，延长期限不超过30日，届时将告知你延期理由。")
    elif matter.kind == "suggestion":
        then = "本机关将认真研究论证你提出的建议意见，并将研究结果书面答复你。"
    else:
        then = "本机关将依照有关规定办理，并对检举控告人的信息严格保密。"
    return {**_base(ctx, matter, node, "信访事项受理告知书", event.on), "addressee": _addressee(session, matter),
            "body": [f"{_reported(matter)}，本机关已于{cn_date(event.on)}依法受理。", then, *query_note(matter),
                     f"根据{LAW}第二十三条的规定，特此告知。"]}


def query_note(matter: Matter) -> list[str]:
    """The sentence that hands the petitioner their 查询码 (条例第二十一条: query and evaluate)."""
    if not matter.query_code:
        return []
    return [f"你可以凭事项编号{matter.number}和查询码{matter.query_code}在网上信访平台（信访事项查询页面）"
            "查询办理进展、下载有关文书，并在收到处理意见后进行评价。请妥善保管查询码，不要告诉他人。"]


def _receipt(ctx: DocumentContext) -> dict[str, Any]:
    """网上信访事项登记回执: made at once for an online submission (platform/public), from its
    registration — the number, the 查询码 and what happens next under Arts. 21–22."""
    matter, session = ctx.subject, ctx.session
    event = _event(session, matter, ("register",), ctx.params.get("event_id"), "登记回执")
    node = _issued_by(session, event)
    return {**_base(ctx, matter, node, "网上信访事项登记回执", event.on), "addressee": _addressee(session, matter),
            "body": [f"{_reported(matter)}，本机关已于{cn_date(event.on)}登记。",
                     "本机关将自收到之日起15日内按规定转送、交办有权处理的机关、单位，或者依法受理并告知你；"
                     "不属于信访受理范围的，将告知你向有关机关、单位提出。",
                     *query_note(matter), f"根据{LAW}第二十一条、第二十二条的规定，特此告知。"]}


def _non_acceptance(ctx: DocumentContext) -> dict[str, Any]:
    matter, session = ctx.subject, ctx.session
    event = _event(session, matter, ("not_accept",), ctx.params.get("event_id"), "不予受理告知书")
    node = _issued_by(session, event)
    return {**_base(ctx, matter, node, "信访事项不予受理告知书", event.on), "addressee": _addressee(session, matter),
            "body": [f"{_reported(matter)}，经审查，本机关决定不予受理。", f"不予受理的理由：{_sentence(event.note)}",
                     f"根据{LAW}第二十三条的规定，特此告知。"]}


def _extension(ctx: DocumentContext) -> dict[str, Any]:
    matter, session = ctx.subject, ctx.session
    event = _event(session, matter, ("extend",), ctx.params.get("event_id"), "延期告知书")
    node = _issued_by(session, event)
    data = event.data or {}
    accepted = _event(session, matter, ("accept",), None, "延期告知书")
    return {**_base(ctx, matter, node, "信访事项延期办理告知书", event.on), "addressee": _addressee(session, matter),
            "body": [f"{_reported(matter)}，本机关已于{cn_date(accepted.on)}依法受理。",
                     f"因{_sentence(event.note).rstrip('。')}，经本机关负责人批准，办理期限延长{data.get('days')}日，"
                     f"由{cn_date(data.get('from'))}延长至{cn_date(data.get('to'))}。",
                     f"根据{LAW}第三十四条的规定，特此告知。"]}


def _assignment(ctx: DocumentContext) -> dict[str, Any]:
    matter, session = ctx.subject, ctx.session
    event = _event(session, matter, ("assign",), ctx.params.get("event_id"), "转送交办单")
    node = _issued_by(session, event)
    data = event.data or {}
    lead = _node(session, data.get("lead_unit_id"))
    co = [f"{_node(session, c['unit_id']).name}（{vocabulary.label(vocabulary.JOINT_MODES, c['mode'])}）"
          for c in data.get("co_units") or []]
    place = _node(session, matter.place_node_id)
    handling = ("自受理之日起60日内办结（《信访工作条例》第三十四条）" if matter.kind == "claim"
                else "依照有关规定办理并答复")
    rows = [
        ["事项编号", matter.number],
        ["登记日期", cn_date(matter.received_on)],
        ["信访人", _petitioners(session, matter)],
        ["信访渠道、形式", f"{vocabulary.label(vocabulary.CHANNELS, matter.channel)}、"
                        f"{vocabulary.label(vocabulary.FORMS, matter.form)}（{matter.headcount}人）"],
        ["事项类别、问题分类", f"{vocabulary.label(vocabulary.KINDS, matter.kind)}、{matter.category}"],
        ["问题所在地", place.name if place else ""],
        ["事项摘要", matter.summary],
        ["信访诉求", matter.demands or "—"],
        ["承办单位", lead.name if lead else ""],
        ["协办单位", "、".join(co) or "—"],
        ["交办日期", cn_date(event.on)],
        ["办理期限", handling],
        ["反馈期限", cn_date(data.get("report_due_on")) if data.get("report_due_on") else "—"],
        ["交办要求", event.note.strip() or "—"],
    ]
    body = ["请承办单位自收到本单之日起按规定受理办理：不属于本单位职权范围的，于5个工作日内说明理由退回；"
            "属于本单位职权范围的，依法受理并书面告知信访人"
            + ("；在反馈期限前将办理结果和办结报告反馈本机关" if data.get("report_due_on") else "") + "。",
            f"根据{LAW}第二十二条、第二十三条的规定，特此转送交办。"]
    return {**_base(ctx, matter, node, "信访事项转送交办单", event.on),
            "addressee": (lead.name + "：") if lead else "", "rows": rows, "body": body}


def _one_level_up(session: Session, opinion: MatterOpinion, issuer: str) -> str:
    """Where the petitioner takes the next request (Arts. 35–36): the body one level up, by name
    inside the platform; above a county (outside it) in the statute's words."""
    node = _node(session, opinion.node_id)
    if node is not None:
        body, outside = review.one_level_up(session, node)
        if not outside:
            return issuer_name(body)
    return f"{issuer}的上一级机关、单位"


def _opinion_texts(session: Session, matter: Matter, stage: str, opinion: MatterOpinion, issuer: str) -> tuple[str, list[str]]:
    """The opening paragraph and the paragraph on what the petitioner may do next."""
    if stage == "opinion":
        accepted = session.scalar(select(MatterEvent.on).where(MatterEvent.matter_id == matter.id,
                                                               MatterEvent.action == "accept")
                                  .order_by(MatterEvent.id.desc()).limit(1))
        intro = (f"{_reported(matter)}，本机关已于{cn_date(accepted or matter.received_on)}依法受理。"
                 "经调查核实，现出具处理意见如下：")
        above = _one_level_up(session, opinion, issuer)
        return intro, [f"如不服本处理意见，可以自收到本意见书之日起30日内向{above}请求复查（{LAW}第三十五条）。"]
    earlier_stage = "opinion" if stage == "review" else "review"
    earlier = session.scalar(select(MatterOpinion).where(MatterOpinion.matter_id == matter.id,
                                                         MatterOpinion.stage == earlier_stage,
                                                         MatterOpinion.id < opinion.id)
                             .order_by(MatterOpinion.id.desc()).limit(1))
    asked = "request_review" if stage == "review" else "request_rereview"
    requested = session.scalar(select(MatterEvent.on).where(MatterEvent.matter_id == matter.id,
                                                            MatterEvent.action == asked)
                               .order_by(MatterEvent.id.desc()).limit(1))
    before = ""
    if earlier is not None:
        who = earlier.outside_body or issuer_name(_node(session, earlier.node_id))
        before = f"{who}于{cn_date(earlier.issued_on)}出具的{opinions.STAGES[earlier_stage]}"
    what = "复查" if stage == "review" else "复核"
    intro = (f"你不服{before or opinions.STAGES[earlier_stage]}（事项编号：{matter.number}），于"
             f"{cn_date(requested)}请求{what}。本机关依法进行了{what}，现出具{what}意见如下：")
    if stage == "review":
        above = _one_level_up(session, opinion, issuer)
        return intro, [f"如不服本复查意见，可以自收到本意见书之日起30日内向{above}请求复核（{LAW}第三十六条）。"]
    return intro, [f"本复核意见为终结意见。信访人对复核意见不服，仍以同一事实和理由提出投诉请求的，"
                   f"不再受理（{LAW}第三十六条）。"]


def _opinion(stage: str) -> Callable[[DocumentContext], dict[str, Any]]:
    action = {"opinion": "reply", "review": "review_reply", "rereview": "rereview_reply"}[stage]

    def build(ctx: DocumentContext) -> dict[str, Any]:
        matter, session = ctx.subject, ctx.session
        event = _event(session, matter, (action,), ctx.params.get("event_id"), opinions.STAGES[stage])
        opinion = session.scalar(select(MatterOpinion).where(MatterOpinion.event_id == event.id))
        if opinion is None:
            raise Conflict(f"该办理记录没有按条例第三十二条分项记载的意见，不能生成{opinions.STAGES[stage]}")
        node = _issued_by(session, event)
        base = _base(ctx, matter, node, opinions.STAGES[stage], opinion.issued_on)
        if opinion.outside_body:  # answered outside the platform: entered here, the original is theirs
            base["issuer"] = base["printed_by"] = opinion.outside_body
        intro, rights = _opinion_texts(session, matter, stage, opinion, base["issuer"])
        if opinion.outside_body:
            rights = [*rights, f"（本意见书依据{opinion.outside_body}出具的书面意见录入，由{issuer_name(node)}存档；"
                               "以原件为准。）"]
        return {**base, "addressee": _addressee(session, matter), "intro": intro,
                "request": opinion.request.splitlines(), "facts": opinion.facts.splitlines(),
                "result_label": vocabulary.label(vocabulary.OPINION_RESULTS, opinion.result),
                "opinion": opinion.text.splitlines(), "basis": opinion.basis.splitlines(), "rights": rights}
    return build


def _agreement(ctx: DocumentContext) -> dict[str, Any]:
    matter, session = ctx.subject, ctx.session
    event = _event(session, matter, ("mediate",), ctx.params.get("event_id"), "调解（和解）协议书")
    agreement = session.scalar(select(MatterAgreement).where(MatterAgreement.matter_id == matter.id)
                               .order_by(MatterAgreement.id.desc()).limit(1))
    if agreement is None:
        raise Conflict("该事项没有调解、和解协议记录")
    node = _issued_by(session, event)
    mode = vocabulary.label(vocabulary.AGREEMENT_MODES, agreement.mode)
    sides = [[vocabulary.label(vocabulary.AGREEMENT_SIDES, p["side"]), p["name"]] for p in agreement.parties]
    how = (f"经{issuer_name(node)}主持调解，双方当事人自愿达成如下协议：" if agreement.mode == "mediation"
           else "经双方当事人自愿协商和解，达成如下协议：")
    return {**_base(ctx, matter, node, f"{mode}协议书", agreement.concluded_on), "parties": sides,
            "body": [f"争议事项：{_sentence(matter.summary)}（事项编号：{matter.number}）", how],
            "terms": agreement.terms.splitlines(),
            "closing": [f"本协议经双方当事人同意，自双方签字之日起生效。根据{LAW}第三十三条制作，"
                        "双方当事人各执一份，本机关存档一份。"],
            "signatures": [[side, name, cn_date(p["agreed_on"])]
                           for (side, name), p in zip(sides, agreement.parties, strict=True)]}


def _spec(key: str, title: str, path: str | Path, fields: list[Field], build, check=None) -> DocumentSpec:
    return DocumentSpec(key, title, template(key, title, HERE / path, fields, check=check), build)


KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("acceptance", "受理告知书", ("accept",),
         _spec("matter_acceptance", "信访事项受理告知书", NOTICE_HTML, NOTICE_FIELDS, _acceptance)),
    Kind("non_acceptance", "不予受理告知书", ("not_accept",),
         _spec("matter_non_acceptance", "信访事项不予受理告知书", NOTICE_HTML, NOTICE_FIELDS, _non_acceptance)),
    Kind("assignment", "转送交办单", ("assign",),
         _spec("matter_assignment", "信访事项转送交办单", "matter_form.html", FORM_FIELDS, _assignment,
               _check_pairs(2, "rows"))),
    Kind("extension", "延期告知书", ("extend",),
         _spec("matter_extension", "信访事项延期办理告知书", NOTICE_HTML, NOTICE_FIELDS, _extension)),
    Kind("opinion", "信访处理意见书", ("reply",),
         _spec("matter_opinion", "信访处理意见书", "matter_opinion.html", OPINION_FIELDS, _opinion("opinion"))),
    Kind("review_opinion", "复查意见书", ("review_reply",),
         _spec("matter_review_opinion", "复查意见书", "matter_opinion.html", OPINION_FIELDS, _opinion("review"))),
    Kind("rereview_opinion", "复核意见书", ("rereview_reply",),
         _spec("matter_rereview_opinion", "复核意见书", "matter_opinion.html", OPINION_FIELDS, _opinion("rereview"))),
    Kind("agreement", "调解（和解）协议书", ("mediate",),
         _spec("matter_agreement", "调解（和解）协议书", "matter_agreement.html", AGREEMENT_FIELDS, _agreement,
               _check_agreement)),
)}
BY_ACTION = {action: kind for kind in KINDS.values() for action in kind.actions}
# the online submission's receipt is made by the 网上信访 desk, never asked for at a step
RECEIPT = _spec("matter_receipt", "网上信访事项登记回执", NOTICE_HTML, NOTICE_FIELDS, _receipt)
SPECS = (*(kind.spec for kind in KINDS.values()), RECEIPT)


def subject_ref(matter: Matter, event: MatterEvent | None = None) -> str:
    """What a matter's document records as its subject: the matter, and the step it writes down."""
    return f"matter:{matter.id}" + (f"/{event.id}" if event is not None else "")


def step(session: Session, matter: Matter, kind: Kind, event_id: Any = None) -> MatterEvent:
    """The recorded step a document of ``kind`` is made of (409 when there is none)."""
    event = _event(session, matter, kind.actions, event_id, kind.title)
    _issued_by(session, event)
    return event
