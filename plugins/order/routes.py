"""The campaign's API: the county's catalogue and retention period, incidents and the steps
Art. 47 allows, the person's notice and objections, figures, documents and the supervisors'
export. Every read of an incident appends an audit record (``opt={"writes": True}``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from litestar import Request, Response, get, post, put
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody
from sqlalchemy import select

from xinfang.platform.api import (
    Actor,
    BadRequest,
    Bounded,
    Campaign,
    Id,
    Line,
    Name,
    Node,
    Note,
    NotFound,
    OptionalId,
    Scope,
    ScopedSession,
    check_format,
    clock,
    current_actor,
    read_limited,
    record,
    spreadsheet_response,
    visible_node,
)
from xinfang.platform.api import documents as documents_service
from xinfang.plugins.order import catalogue, incidents, metrics
from xinfang.plugins.order import documents as order_documents
from xinfang.plugins.order.models import Behaviour, Incident
from xinfang.plugins.order.vocabulary import KEY

READ, RECORD, REVIEW, DRAFTS = incidents.READ, incidents.RECORD, incidents.REVIEW, incidents.DRAFTS
CATALOGUE_READ, CATALOGUE_MANAGE = "petition_order_catalogue:read", "petition_order_catalogue:manage"
EXPORT = "petition_order:export"
CAMPAIGN = "/api/campaigns/{petition_order_id:int}/petition-order"
INCIDENT = "/api/petition-order/incidents/{incident_id:int}"
MAX_LISTED = 1000


def aware(moment: dt.datetime | None) -> dt.datetime:
    """A time as given (a time without zone is Asia/Shanghai); none given: now."""
    if moment is None:
        return clock.now()
    return moment if moment.tzinfo else moment.replace(tzinfo=clock.CHINA)


def home_county(db: ScopedSession, actor: Actor) -> int:
    if actor.home_node_id is None:
        raise NotFound("您不属于任何县")
    with db.reading_as(Scope.system()) as whole:
        return catalogue.county_of(whole.get(Node, actor.home_node_id))


# --- catalogue and retention -----------------------------------------------------------------------


def catalogue_dict(db: ScopedSession, county_id: int) -> dict:
    with db.reading_as(Scope.system()) as whole:
        rows = catalogue.behaviours(whole, county_id)
        days = catalogue.retention_days(whole, county_id)
    return {"county_id": county_id, "retention_days": days, "behaviours": [catalogue.behaviour_to_dict(b) for b in rows]}


@get("/api/petition-order/behaviours", opt={"permission": CATALOGUE_READ}, sync_to_thread=True,
     summary="本县违反信访秩序行为目录(每种行为及其所依据的条例条款)和记录保存期限")
def list_behaviours(request: Request, db: NamedDependency[ScopedSession]) -> dict:
    return catalogue_dict(db, home_county(db, current_actor(request)))


@dataclasses.dataclass
class BehaviourIn(Bounded):
    name: Line
    clause: Name = ""  # art26_1 … art26_6, art20
    description: Note = ""
    county_id: Id | None = None


@post("/api/petition-order/behaviours", opt={"permission": CATALOGUE_MANAGE}, sync_to_thread=True, status_code=201,
      summary="增加一种违反信访秩序的行为(必须注明条例第二十六条第一至六项或第二十条)")
def add_behaviour(request: Request, db: NamedDependency[ScopedSession], data: JSONBody[BehaviourIn]) -> dict:
    actor = current_actor(request)
    county = visible_node(db, data.county_id or home_county(db, actor), "县")
    row = catalogue.add_behaviour(db, actor, county, data.name, data.clause, data.description)
    db.commit()
    return catalogue.behaviour_to_dict(row)


@dataclasses.dataclass
class RetentionIn(Bounded):
    days: Id


@put("/api/petition-order/counties/{county_id:int}/retention", opt={"permission": CATALOGUE_MANAGE},
     sync_to_thread=True, summary="设置本县信访秩序整治记录的保存期限(天),期满自动匿名化")
def set_retention(request: Request, db: NamedDependency[ScopedSession], county_id: FromPath[Id],
                  data: JSONBody[RetentionIn]) -> dict:
    county = visible_node(db, county_id, "县")
    catalogue.set_retention(db, current_actor(request), county, data.days)
    db.commit()
    return catalogue_dict(db, county.id)


# --- incidents --------------------------------------------------------------------------------------


def behaviours_by_id(db: ScopedSession, rows: list[Incident]) -> dict[int, Behaviour]:
    ids = {i.behaviour_id for i in rows}
    with db.reading_as(Scope.system()) as whole:
        return {b.id: b for b in whole.scalars(select(Behaviour).where(Behaviour.id.in_(ids)))}


def incident_dict(db: ScopedSession, incident: Incident, detail: bool = True) -> dict:
    people = incidents.people_of(db, [incident.id]).get(incident.id, [])
    return incidents.to_dict(db, incident, behaviours_by_id(db, [incident]), people, detail=detail)


@dataclasses.dataclass
class IncidentBody(Bounded):
    node_id: Id
    behaviour_id: Id
    occurred_on: dt.date
    place: Line
    account: Note
    person_ids: list[Id]


@post(CAMPAIGN + "/incidents", opt={"permission": RECORD}, sync_to_thread=True, status_code=201,
      summary="登记一条违反信访秩序的记录(待法制审核员审核确认)")
def create_incident(request: Request, db: NamedDependency[ScopedSession], petition_order_id: FromPath[Id],
                    data: JSONBody[IncidentBody]) -> dict:
    actor = current_actor(request)
    campaign = incidents.campaign_of(db, petition_order_id)
    incident = incidents.record_incident(db, actor, campaign, incidents.IncidentIn(
        data.node_id, data.behaviour_id, data.occurred_on, data.place, data.account, tuple(data.person_ids)))
    db.commit()
    return incident_dict(db, incident)


def visible_incidents(db: ScopedSession, actor: Actor, campaign: Campaign, status: str | None = None) -> list[Incident]:
    query = select(Incident).where(Incident.campaign_id == campaign.id)
    if status:
        query = query.where(Incident.status == status)
    rows = db.scalars(query.order_by(Incident.occurred_on.desc(), Incident.id.desc()).limit(MAX_LISTED)).all()
    return [i for i in rows if incidents.sees(actor, i)]


def listing(db: ScopedSession, rows: list[Incident]) -> list[dict]:
    people = incidents.people_of(db, [i.id for i in rows])
    names = behaviours_by_id(db, rows)
    return [incidents.to_dict(db, i, names, people.get(i.id, [])) for i in rows]


@get(CAMPAIGN + "/incidents", opt={"permission": READ, "writes": True}, sync_to_thread=True,
     summary="本活动的记录(待审核的只对登记人、法制审核员和纪检监察可见;每次查阅记入审计日志)")
def list_incidents(request: Request, db: NamedDependency[ScopedSession], petition_order_id: FromPath[Id],
                   status: FromQuery[str | None] = None) -> list[dict]:
    actor = current_actor(request)
    rows = visible_incidents(db, actor, incidents.campaign_of(db, petition_order_id), status)
    body = listing(db, rows)
    incidents.audit_reads(db, rows, "list")
    db.commit()
    return body


def _incident(request: Request, db: ScopedSession, incident_id: int) -> Incident:
    return incidents.get_incident(db, current_actor(request), incident_id)


def _step(request: Request, db: ScopedSession, incident_id: int, act: Callable[[Actor, Incident], object]) -> dict:
    """One step on an incident the caller sees: ``act`` does it, then the record as it now stands."""
    incident = _incident(request, db, incident_id)
    act(current_actor(request), incident)
    db.commit()
    return incident_dict(db, incident)


@get(INCIDENT, opt={"permission": READ, "writes": True}, sync_to_thread=True,
     summary="一条记录:经过、条款、证据、处置、移送、异议,以及涉及人员信访事项的办理状态(查阅记入审计日志)")
def read_incident(request: Request, db: NamedDependency[ScopedSession], incident_id: FromPath[Id]) -> dict:
    incident = _incident(request, db, incident_id)
    body = incident_dict(db, incident)
    incidents.audit_reads(db, [incident], "detail")
    db.commit()
    return body


@dataclasses.dataclass
class EvidenceForm(Bounded):
    files: list[UploadFile] = dataclasses.field(default_factory=list)


def uploads(request: Request, files: list[UploadFile] | UploadFile) -> list[tuple[str, bytes]]:
    files = files if isinstance(files, list) else [files]
    return [(f.filename, read_limited(request, f, "单个证据文件不能超过{mb}MB")) for f in files if f]


@post(INCIDENT + "/evidence", opt={"permission": RECORD}, sync_to_thread=True, status_code=201,
      summary="上传证据材料(保存其 SHA-256)")
def add_evidence(request: Request, db: NamedDependency[ScopedSession], incident_id: FromPath[Id],
                 data: MultipartBody[EvidenceForm]) -> dict:
    return _step(request, db, incident_id, lambda actor, incident: incidents.add_evidence(
        db, actor, incident, uploads(request, data.files)))


@dataclasses.dataclass
class ReviewBody(Bounded):
    decision: Name  # confirm | reject
    note: Note = ""


@post(INCIDENT + "/review", opt={"permission": REVIEW}, sync_to_thread=True, status_code=200,
      summary="法制审核员审核记录:confirm 确认事实和条款;reject 不予确认(记录及其中的个人信息立即清除,仅审计日志保留决定)")
def review_incident(request: Request, db: NamedDependency[ScopedSession], incident_id: FromPath[Id],
                    data: JSONBody[ReviewBody]) -> dict:
    if data.decision not in ("confirm", "reject"):
        raise BadRequest("审核结论应为 confirm(确认)或 reject(不予确认)")
    incident = _incident(request, db, incident_id)
    kept = incidents.review(db, current_actor(request), incident, data.decision == "confirm", data.note)
    db.commit()
    return incident_dict(db, kept) if kept is not None else {"id": incident_id, "status": "rejected",
                                                              "message": "记录不予确认,其中的个人信息已清除"}


@dataclasses.dataclass
class ResponseBody(Bounded):
    kind: Name  # dissuade 劝阻 | criticise 批评 | educate 教育
    told: Note
    person_id: Id | None = None
    given_at: dt.datetime | None = None
    staff: Name = ""
    minutes: Id | None = None  # an education session's duration


@post(INCIDENT + "/responses", opt={"permission": RECORD}, sync_to_thread=True, status_code=201,
      summary="登记工作人员的劝阻、批评或教育(条例第四十七条第一款;教育须写明内容和时长)")
def add_response(request: Request, db: NamedDependency[ScopedSession], incident_id: FromPath[Id],
                 data: JSONBody[ResponseBody]) -> dict:
    return _step(request, db, incident_id, lambda actor, incident: incidents.respond(
        db, actor, incident, data.kind, data.person_id, aware(data.given_at), data.staff, data.told, data.minutes))


@dataclasses.dataclass
class ReferralBody(Bounded):
    ground: Name  # public_order | assembly (条例第四十七条第二款)
    referred_at: dt.datetime | None = None
    emergency_reason: Note = ""


@post(INCIDENT + "/referral", opt={"permission": RECORD}, sync_to_thread=True, status_code=201,
      summary="移送公安机关(条例第四十七条第二款):须已确认,且有工作人员先行处置的记录或现场紧急情况")
def add_referral(request: Request, db: NamedDependency[ScopedSession], incident_id: FromPath[Id],
                 data: JSONBody[ReferralBody]) -> dict:
    return _step(request, db, incident_id, lambda actor, incident: incidents.refer(
        db, actor, incident, data.ground, aware(data.referred_at), data.emergency_reason))


@dataclasses.dataclass
class DecisionBody(Bounded):
    upheld: bool
    note: Note


@post(INCIDENT + "/referral/review", opt={"permission": REVIEW}, sync_to_thread=True, status_code=200,
      summary="法制审核员对现场紧急移送的事后审查")
def review_referral(request: Request, db: NamedDependency[ScopedSession], incident_id: FromPath[Id],
                    data: JSONBody[DecisionBody]) -> dict:
    return _step(request, db, incident_id, lambda actor, incident: incidents.review_referral(
        db, actor, incident, data.upheld, data.note))


@dataclasses.dataclass
class OutcomeBody(Bounded):
    outcome: Note
    on: dt.date | None = None


@post(INCIDENT + "/referral/outcome", opt={"permission": RECORD}, sync_to_thread=True, status_code=200,
      summary="登记公安机关反馈的处理结果")
def add_outcome(request: Request, db: NamedDependency[ScopedSession], incident_id: FromPath[Id],
                data: JSONBody[OutcomeBody]) -> dict:
    return _step(request, db, incident_id, lambda actor, incident: incidents.referral_outcome(
        db, actor, incident, data.outcome, data.on or clock.today()))


@dataclasses.dataclass
class ObjectionBody(Bounded):
    person_id: Id
    text: Note
    received_on: dt.date | None = None


@post(INCIDENT + "/objections", opt={"permission": RECORD}, sync_to_thread=True, status_code=201,
      summary="登记当事人对记录的异议(交法制审核员复核)")
def add_objection(request: Request, db: NamedDependency[ScopedSession], incident_id: FromPath[Id],
                  data: JSONBody[ObjectionBody]) -> dict:
    return _step(request, db, incident_id, lambda actor, incident: incidents.object_to(
        db, actor, incident, data.person_id, data.received_on or clock.today(), data.text))


@dataclasses.dataclass
class ObjectionReviewBody(Bounded):
    objection_id: Id
    upheld: bool
    note: Note


@post(INCIDENT + "/objection-reviews", opt={"permission": REVIEW}, sync_to_thread=True, status_code=200,
      summary="法制审核员复核当事人的异议")
def review_objection(request: Request, db: NamedDependency[ScopedSession], incident_id: FromPath[Id],
                     data: JSONBody[ObjectionReviewBody]) -> dict:
    return _step(request, db, incident_id, lambda actor, incident: incidents.review_objection(
        db, actor, incident, data.objection_id, data.upheld, data.note))


def _accepted(request: Request, db: ScopedSession, document, key: str) -> Response:
    db.commit()
    executor = getattr(request.app.state, "executor", None)
    if executor is not None:  # embedded mode: start now rather than at the next poll
        executor.wake()
    body = {**documents_service.to_dict(db, document), "document_key": key}
    return Response(body, status_code=202, headers={"Location": body["status_url"]})


@dataclasses.dataclass
class NoticeBody(Bounded):
    person_id: Id
    number: Line = ""


@post(INCIDENT + "/notices", opt={"permission": RECORD}, sync_to_thread=True, status_code=202,
      summary="制作给当事人的信访秩序告知书(PDF:记录的事实、条款、处置和异议方式)")
def make_notice(request: Request, db: NamedDependency[ScopedSession], incident_id: FromPath[Id],
                data: JSONBody[NoticeBody]) -> Response:
    incident = _incident(request, db, incident_id)
    document = documents_service.generate(
        db, current_actor(request), order_documents.NOTICE_KIND, incident.node_id,
        {"person_id": data.person_id, "number": data.number.strip()}, subject=incident,
        subject_ref=order_documents.subject_ref(incident.id, data.person_id))
    return _accepted(request, db, document, "person_notice")


# --- figures, documents, export ----------------------------------------------------------------------


def _node(request: Request, db: ScopedSession, node_id: int | None) -> Node:
    return visible_node(db, node_id if node_id is not None else current_actor(request).home_node_id)


@get(CAMPAIGN + "/summary", opt={"permission": READ}, sync_to_thread=True,
     summary="活动汇总:依法处置率、按条款和单位的件数、处置、移送、异议、涉及人员信访事项按期办理情况")
def read_summary(request: Request, db: NamedDependency[ScopedSession], petition_order_id: FromPath[Id],
                 node_id: FromQuery[OptionalId] = None, first: FromQuery[dt.date | None] = None,
                 last: FromQuery[dt.date | None] = None) -> dict:
    campaign = incidents.campaign_of(db, petition_order_id)
    node = _node(request, db, node_id)
    start, end = metrics.window(campaign, clock.today())
    with db.reading_as(Scope.system()) as whole:
        found = metrics.figures(whole, whole.get(Campaign, campaign.id), whole.get(Node, node.id),
                                first or start, last or end)
    return {**found, "node_id": node.id, "node_name": node.name, "campaign_id": campaign.id,
            "document_keys": [{"key": k, "title": s.title} for k, s in order_documents.BY_KEY.items()]}


@dataclasses.dataclass
class GenerateBody(Bounded):
    node_id: Id | None = None
    number: Line = ""
    issuer: Name = ""
    on: dt.date | None = None  # the monthly report: any day of its month


@post(CAMPAIGN + "/documents/{document_key:str}", opt={"permission": RECORD}, sync_to_thread=True, status_code=202,
      summary="生成活动文书(plan 实施方案通知、catalogue 行为目录、monthly 月报、summary 总结报告):返回 202 和状态查询地址")
def generate(request: Request, db: NamedDependency[ScopedSession], petition_order_id: FromPath[Id],
             document_key: FromPath[str], data: JSONBody[GenerateBody]) -> Response:
    campaign = incidents.campaign_of(db, petition_order_id)
    spec = order_documents.BY_KEY.get(document_key)
    if spec is None:
        raise NotFound(f"没有“{document_key}”这种文书,可选:"
                       + "、".join(f"{k}({s.title})" for k, s in order_documents.BY_KEY.items()))
    campaign_id, node_id = campaign.id, _node(request, db, data.node_id).id
    db.rollback()
    actor = current_actor(request)
    params = {"number": data.number.strip(), "issuer": data.issuer.strip(), "on": data.on}
    with db.reading_as(Scope.system(), read_engine=request.app.state.read_engine) as whole:
        built = documents_service.build_inputs(whole, actor, spec.key, node_id, params,
                                               subject=whole.get(Campaign, campaign_id))
    document = documents_service.generate(db, actor, spec.key, node_id, built=built,
                                          subject_ref=f"{KEY}:{campaign_id}")
    return _accepted(request, db, document, document_key)


EXPORT_COLUMNS = [("id", "编号"), ("status_text", "状态"), ("occurred_on", "发生日期"), ("place", "地点"),
                  ("behaviour", "行为"), ("clause_short", "依据条款"), ("account", "经过"), ("people", "涉及人员"),
                  ("evidence", "证据(SHA-256)"), ("recorded_by", "登记人"), ("recorded_at", "登记时间"),
                  ("reviewed_by", "审核人"), ("reviewed_at", "审核时间"), ("review_note", "审核意见"),
                  ("responses", "处置(第四十七条第一款)"), ("referral", "移送公安机关及事后审查"),
                  ("objections", "异议及复核"), ("lawful", "依法处置")]


def _trail(row: dict, problems: list[str]) -> dict:
    referral = row["referral"]
    return {**row,
            "people": "、".join(f"{p['name']}({p['id_number']})" for p in row["people"]),
            "evidence": ";".join(f"{e['filename']} {e['sha256']}" for e in row["evidence"]),
            "responses": ";".join(f"{r['given_at']} {r['staff']}{r['kind_text']}:{r['told']}"
                                  + (f"({r['minutes']}分钟)" if r["minutes"] else "") for r in row["responses"]),
            "referral": "" if referral is None else (
                f"{referral['referred_at']} {referral['ground_text']};"
                + ("先行处置后移送" if referral["after_response"] else f"现场紧急:{referral['emergency_reason']}")
                + (f";事后审查:{referral['review_text']} {referral['review_note']}({referral['reviewed_by']})"
                   if referral["review"] else "") + (f";公安机关反馈:{referral['outcome']}" if referral["outcome"] else "")),
            "objections": ";".join(f"{o['received_on']} {o['text']}→{o['status_text']} {o['review_note']}"
                                   for o in row["objections"]),
            "lawful": "是" if not problems else "否:" + "、".join(problems)}


@get(CAMPAIGN + "/export", opt={"permission": EXPORT, "writes": True, "produces": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
     sync_to_thread=True, summary="导出记录台账及其审核、处置、移送、异议全过程(记入审计日志)")
def export_incidents(request: Request, db: NamedDependency[ScopedSession], petition_order_id: FromPath[Id],
                     format: FromQuery[str] = "xlsx") -> Response:
    check_format(format)
    actor = current_actor(request)
    campaign = incidents.campaign_of(db, petition_order_id)
    rows = visible_incidents(db, actor, campaign)
    found = metrics.assessed(db, rows)
    names = behaviours_by_id(db, rows)
    people = incidents.people_of(db, [i.id for i in rows])
    body = [_trail(incidents.to_dict(db, i, names, people.get(i.id, []), detail=True), found[i.id]) for i in rows]
    incidents.audit_reads(db, rows, "export")
    record(db, action="export", object_type="po_incidents", node_id=actor.home_node_id,
           after={"campaign_id": campaign.id, "format": format, "rows": len(body)})
    db.commit()
    return spreadsheet_response(f"{campaign.title}记录台账", EXPORT_COLUMNS, body, format, "petition_order_incidents")


route_handlers = [list_behaviours, add_behaviour, set_retention, create_incident, list_incidents, read_incident,
                  add_evidence, review_incident, add_response, add_referral, review_referral, add_outcome,
                  add_objection, review_objection, make_notice, read_summary, generate, export_incidents]
