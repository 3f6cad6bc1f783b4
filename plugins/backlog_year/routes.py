"""The plugin's JSON API, under ``/api/campaigns/{id}/backlog-year``: settings, candidates,
the 积案 ledger and each step of a 积案, inspections, figures, and the documents.

Reads need ``backlog_year:read`` (supervisors too); every change ``backlog_year:manage``,
checked again at the 积案's node by the service. A campaign of another type, or out of the
caller's scope, is a 404.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from litestar import Request, Response, get, post, put
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody

from xinfang.platform.api import (
    COLUMN,
    BadRequest,
    Bounded,
    Campaign,
    Code,
    Document,
    Id,
    Level,
    Line,
    Matter,
    Name,
    Node,
    Note,
    NotFound,
    OptionalId,
    Scope,
    ScopedSession,
    campaign_type,
    campaigns,
    clock,
    current_actor,
    evidence_of,
    get_or_404,
    node_names,
    visible_node,
)
from xinfang.platform.api import documents as documents_service
from xinfang.plugins.backlog_year import cases, documents, figures, inspections
from xinfang.plugins.backlog_year.models import Inspection
from xinfang.plugins.backlog_year.vocabulary import KEY

READ, MANAGE = "backlog_year:read", "backlog_year:manage"
BASE = "/api/campaigns/{backlog_year_id:int}/backlog-year"


def get_campaign(db: ScopedSession, campaign_id: int) -> Campaign:
    return get_or_404(db, Campaign, campaign_id, "信访积案化解年活动", accept=lambda c: c.type_key == KEY,
                      message="信访积案化解年活动不存在或不在您的范围内")


def ctype_of(request: Request) -> Any:
    return campaign_type(request.app.state.plugins, KEY)




def loaded(db: ScopedSession, campaign_id: int, case_id: int) -> tuple[Campaign, Any, Matter]:
    """The campaign, one of its 积案 and its matter, each as the caller's scope sees it (or 404)."""
    campaign = get_campaign(db, campaign_id)
    case = cases.get_case(db, campaign, case_id)
    return campaign, case, get_or_404(db, Matter, case.matter_id, "信访事项")


def case_detail(request: Request, db: ScopedSession, campaign: Campaign, case_id: int) -> dict:
    case = cases.get_case(db, campaign, case_id)
    matter = get_or_404(db, Matter, case.matter_id, "信访事项")
    nine = cases.nine_ones(db, ctype_of(request), campaign, matter)
    files = cases.files_of(db, [case.id]).get(case.id, [])
    return cases.to_dict(db, case, matter, clock.today(), files=files, nine=nine)


# --- settings, candidates, ledger ---------------------------------------------------------------------


@dataclasses.dataclass
class SettingsBody(Bounded):
    cutoff: dt.date | None = None  # a 积案 arose on or before it (seed: 2008-12-31)
    dossier_due_on: dt.date | None = None  # 六有 dossiers due (seed: 10-15)


def settings_dict(row: Any) -> dict:
    return {"cutoff": row.cutoff.isoformat(), "dossier_due_on": row.dossier_due_on.isoformat()}


@get(BASE + "/settings", opt={"permission": READ}, sync_to_thread=True, summary="积案范围的截止日期和“六有”案卷报送时限")
def read_settings(db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id]) -> dict:
    return settings_dict(cases.settings_of(db, get_campaign(db, backlog_year_id)))


@put(BASE + "/settings", opt={"permission": MANAGE}, sync_to_thread=True, summary="设置积案范围的截止日期和案卷报送时限")
def write_settings(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
                   data: JSONBody[SettingsBody]) -> dict:
    campaign = get_campaign(db, backlog_year_id)
    row = cases.set_settings(db, current_actor(request), campaign, data.cutoff, data.dossier_due_on)
    db.commit()
    return settings_dict(row)


@get(BASE + "/candidates", opt={"permission": READ}, sync_to_thread=True,
     summary="系统提出的积案候选(截止日期前发生、仍在重复信访、尚未息诉、未列入台账)")
def read_candidates(db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id]) -> list[dict]:
    return cases.candidates(db, get_campaign(db, backlog_year_id))


def ledger_rows(db: ScopedSession, campaign: Campaign, today: dt.date) -> list[dict]:
    rows = cases.ledger(db, campaign)
    names = node_names(db, list({c.node_id for c, _ in rows}))
    return [{**cases.to_dict(db, c, m, today), "node_name": names.get(c.node_id, "")} for c, m in rows]


@get(BASE + "/cases", opt={"permission": READ}, sync_to_thread=True, summary="积案台账")
def read_cases(db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id]) -> list[dict]:
    return ledger_rows(db, get_campaign(db, backlog_year_id), clock.today())


@dataclasses.dataclass
class ConfirmBody(Bounded):
    matter_id: Id
    source: Code = "proposed"  # proposed | screening | above
    note: Note = ""  # for 上级交办: the body and its letter


@post(BASE + "/cases", opt={"permission": MANAGE}, sync_to_thread=True, status_code=201,
      summary="确认积案(系统候选、排查发现或上级交办)")
def confirm(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
            data: JSONBody[ConfirmBody]) -> dict:
    campaign = get_campaign(db, backlog_year_id)
    matter = get_or_404(db, Matter, data.matter_id, "信访事项")
    case = cases.confirm(db, current_actor(request), campaign, matter, data.source, data.note, clock.today())
    db.commit()
    return case_detail(request, db, campaign, case.id)


@get(BASE + "/cases/{case_id:int}", opt={"permission": READ}, sync_to_thread=True,
     summary="一件积案:六清楚、分类、交办与期限、五包、九个一、六有案卷")
def read_case(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
              case_id: FromPath[Id]) -> dict:
    return case_detail(request, db, get_campaign(db, backlog_year_id), case_id)


@dataclasses.dataclass
class ReasonBody(Bounded):
    reason: Note


@post(BASE + "/cases/{case_id:int}/remove", opt={"permission": MANAGE}, sync_to_thread=True, status_code=200,
      summary="移出积案台账(须说明理由)")
def remove(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
           case_id: FromPath[Id], data: JSONBody[ReasonBody]) -> dict:
    campaign = get_campaign(db, backlog_year_id)
    cases.remove(db, current_actor(request), campaign, cases.get_case(db, campaign, case_id), data.reason)
    db.commit()
    return case_detail(request, db, campaign, case_id)


@dataclasses.dataclass
class FindingsBody(Bounded):
    background: Note = ""
    mindset: Note = ""
    handlers: Note = ""
    relatives: Note = ""
    notables: Note = ""
    policies: Note = ""


@put(BASE + "/cases/{case_id:int}/findings", opt={"permission": MANAGE}, sync_to_thread=True,
     summary="记录“六清楚”(逐项写明查清的情况;未填的项目不变)")
def record_findings(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
                    case_id: FromPath[Id], data: JSONBody[FindingsBody]) -> dict:
    campaign = get_campaign(db, backlog_year_id)
    given = {k: v for k, v in dataclasses.asdict(data).items() if v.strip()}
    cases.record_findings(db, current_actor(request), campaign, cases.get_case(db, campaign, case_id), given,
                          clock.today())
    db.commit()
    return case_detail(request, db, campaign, case_id)


@dataclasses.dataclass
class ClassBody(Bounded):
    class_key: Code
    note: Note


@put(BASE + "/cases/{case_id:int}/class", opt={"permission": MANAGE}, sync_to_thread=True, summary="分类化解:确定类别和办法")
def classify(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
             case_id: FromPath[Id], data: JSONBody[ClassBody]) -> dict:
    campaign = get_campaign(db, backlog_year_id)
    cases.classify(db, current_actor(request), campaign, cases.get_case(db, campaign, case_id), data.class_key,
                   data.note)
    db.commit()
    return case_detail(request, db, campaign, case_id)


@dataclasses.dataclass
class AssignBody(Bounded):
    leader_user_id: Id
    unit: Name
    on: dt.date | None = None


@post(BASE + "/cases/{case_id:int}/assign", opt={"permission": MANAGE}, sync_to_thread=True, status_code=200,
      summary="交办:确定包案领导(五包)和责任单位,开始计算60个工作日")
def assign(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
           case_id: FromPath[Id], data: JSONBody[AssignBody]) -> dict:
    campaign, case, matter = loaded(db, backlog_year_id, case_id)
    cases.assign(db, current_actor(request), campaign, case, matter, data.leader_user_id, data.unit,
                 data.on or clock.today())
    db.commit()
    return case_detail(request, db, campaign, case_id)


@dataclasses.dataclass
class ReportBody(Bounded):
    text: Note


@post(BASE + "/cases/{case_id:int}/report", opt={"permission": MANAGE}, sync_to_thread=True, status_code=200,
      summary="包案领导签署查办报告(本人在系统中签字)")
def sign_report(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
                case_id: FromPath[Id], data: JSONBody[ReportBody]) -> dict:
    campaign, case, matter = loaded(db, backlog_year_id, case_id)
    cases.sign_report(db, current_actor(request), campaign, case, matter, data.text, clock.today())
    db.commit()
    return case_detail(request, db, campaign, case_id)


@dataclasses.dataclass
class FileForm(Bounded):
    note: Note = ""
    files: list[UploadFile] = dataclasses.field(default_factory=list)


@post(BASE + "/cases/{case_id:int}/dossier/{part:str}", opt={"permission": MANAGE}, sync_to_thread=True,
      status_code=201, summary="向“六有”案卷的一部分归档文件")
def add_files(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
              case_id: FromPath[Id], part: FromPath[str], data: MultipartBody[FileForm]) -> dict:
    campaign = get_campaign(db, backlog_year_id)
    case = cases.get_case(db, campaign, case_id)
    stored = [campaigns.store_evidence(db, e) for e in evidence_of(request, data.files)]
    cases.add_file(db, current_actor(request), campaign, case, part, stored, data.note, clock.today())
    db.commit()
    return case_detail(request, db, campaign, case_id)


@dataclasses.dataclass
class ReviewBody(Bounded):
    note: Note = ""


@post(BASE + "/cases/{case_id:int}/review", opt={"permission": MANAGE}, sync_to_thread=True, status_code=200,
      summary="信访办审理“六有”案卷")
def review(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
           case_id: FromPath[Id], data: JSONBody[ReviewBody]) -> dict:
    campaign, case, matter = loaded(db, backlog_year_id, case_id)
    nine = cases.nine_ones(db, ctype_of(request), campaign, matter)
    cases.review(db, current_actor(request), campaign, case, matter, data.note, clock.today(), nine)
    db.commit()
    return case_detail(request, db, campaign, case_id)


@dataclasses.dataclass
class CloseBody(Bounded):
    on: dt.date | None = None


@post(BASE + "/cases/{case_id:int}/close", opt={"permission": MANAGE}, sync_to_thread=True, status_code=200,
      summary="结案销号(“六有”案卷齐全并经审理)")
def close(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
          case_id: FromPath[Id], data: JSONBody[CloseBody]) -> dict:
    campaign, case, matter = loaded(db, backlog_year_id, case_id)
    nine = cases.nine_ones(db, ctype_of(request), campaign, matter)
    cases.close(db, current_actor(request), campaign, case, matter, data.on or clock.today(), nine)
    db.commit()
    return case_detail(request, db, campaign, case_id)


# --- 督导检查 ------------------------------------------------------------------------------------------------


@dataclasses.dataclass
class InspectionBody(Bounded):
    node_id: Id
    inspectors: Line
    findings: Note
    corrections: Note = ""
    visited_on: dt.date | None = None


@get(BASE + "/inspections", opt={"permission": READ}, sync_to_thread=True, summary="督导检查记录")
def read_inspections(db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id]) -> list[dict]:
    rows = inspections.listing(db, get_campaign(db, backlog_year_id))
    names = node_names(db, list({r.node_id for r in rows if r.node_id}))
    return [inspections.to_dict(r, names) for r in rows]


@post(BASE + "/inspections", opt={"permission": MANAGE}, sync_to_thread=True, status_code=201,
      summary="登记一次督导检查(发现的问题和整改要求)")
def add_inspection(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
                   data: JSONBody[InspectionBody]) -> dict:
    campaign = get_campaign(db, backlog_year_id)
    node = visible_node(db, data.node_id)
    row = inspections.record(db, current_actor(request), campaign, node, data.visited_on or clock.today(),
                             data.inspectors, data.findings, data.corrections)
    db.commit()
    return inspections.to_dict(row, {node.id: node.name})


@dataclasses.dataclass
class FollowUpBody(Bounded):
    note: Note
    on: dt.date | None = None


@post(BASE + "/inspections/{inspection_id:int}/follow-up", opt={"permission": MANAGE}, sync_to_thread=True, status_code=200,
      summary="登记督导检查的整改落实情况")
def follow_up(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
              inspection_id: FromPath[Id], data: JSONBody[FollowUpBody]) -> dict:
    campaign = get_campaign(db, backlog_year_id)
    row = get_or_404(db, Inspection, inspection_id, "督导检查记录", accept=lambda r: r.campaign_id == campaign.id)
    inspections.follow_up(db, current_actor(request), campaign, row, data.note, data.on or clock.today())
    db.commit()
    return inspections.to_dict(row, node_names(db, [row.node_id] if row.node_id else []))


# --- figures and documents ---------------------------------------------------------------------------------


def area_node(request: Request, db: ScopedSession, campaign: Campaign, node_id: int | None) -> Node:
    node = visible_node(db, node_id if node_id is not None else current_actor(request).home_node_id)
    with db.reading_as(Scope.system()) as whole:
        roots = campaigns.scope_roots(whole, campaign)
        ancestry = node.ancestry_with_self()
        inside = any(ancestry.get(COLUMN[Level(r.level)]) == r.id for r in roots)
        above = any(r.ancestry_with_self().get(COLUMN[Level(node.level)]) == node.id for r in roots)
    if not (inside or above):
        raise BadRequest(f"{node.name}不在本次活动范围内")
    return node


@get(BASE + "/figures", opt={"permission": READ}, sync_to_thread=True,
     summary="积案化解率、稳控率、重访率,分类、分阶段、逾期和滞后积案,逐级汇总")
def read_figures(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
                 node_id: FromQuery[OptionalId] = None) -> dict:
    campaign = get_campaign(db, backlog_year_id)
    node = area_node(request, db, campaign, node_id)
    today = clock.today()
    with db.reading_as(Scope.system()) as whole:
        found = figures.figures(whole, whole.get(Campaign, campaign.id), whole.get(Node, node.id), today)
        units = figures.rollup(whole, whole.get(Campaign, campaign.id), whole.get(Node, node.id), today)
    return {**found, "node_id": node.id, "node_name": node.name, "units": units}


@dataclasses.dataclass
class GenerateBody(Bounded):
    node_id: Id | None = None
    case_id: Id | None = None  # the 积案 of a 六有 dossier
    number: Line = ""
    issuer: Name = ""
    on: dt.date | None = None  # the document's date; for the 交办通知, the day of the 交办 listed


def generate_document(request: Request, db: ScopedSession, campaign: Campaign, key: str,
                      data: GenerateBody) -> Document:
    spec = documents.BY_KEY.get(key)
    if spec is None:
        raise NotFound(f"没有“{key}”这种文书,可选:" + "、".join(f"{k}({s.title})" for k, s in documents.BY_KEY.items()))
    if key == "dossier":
        if data.case_id is None:
            raise BadRequest("请选择要生成“六有”案卷的积案")
        case = cases.get_case(db, campaign, data.case_id)
        node_id: int = case.node_id
    else:
        node_id = area_node(request, db, campaign, data.node_id).id
    campaign_id = campaign.id
    actor = current_actor(request)
    params = {"number": data.number.strip(), "issuer": data.issuer.strip(), "on": data.on, "case_id": data.case_id}
    db.rollback()
    with db.reading_as(Scope.system(), read_engine=request.app.state.read_engine) as whole:
        built = documents_service.build_inputs(whole, actor, spec.key, node_id, params,
                                               subject=whole.get(Campaign, campaign_id))
    document = documents_service.generate(db, actor, spec.key, node_id, built=built,
                                          subject_ref=documents.campaign_ref(campaign_id))
    db.commit()
    executor = getattr(request.app.state, "executor", None)
    if executor is not None:
        executor.wake()
    return document


@post(BASE + "/documents/{document_key:str}", opt={"permission": MANAGE}, sync_to_thread=True, status_code=202,
      summary="生成文书(opinion 实施意见、assignment 交办通知、ledger 积案台账、dossier 六有案卷、closing 总结报告)")
def generate(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
             document_key: FromPath[str], data: JSONBody[GenerateBody]) -> Response:
    document = generate_document(request, db, get_campaign(db, backlog_year_id), document_key, data)
    body = {**documents_service.to_dict(db, document), "document_key": document_key}
    return Response(body, status_code=202, headers={"Location": body["status_url"]})


route_handlers = [read_settings, write_settings, read_candidates, read_cases, confirm, read_case, remove,
                  record_findings, classify, assign, sign_report, add_files, review, close, read_inspections,
                  add_inspection, follow_up, read_figures, generate]
