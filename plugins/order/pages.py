"""The campaign's pages (its own menu entry): the county's catalogue and retention period, a
campaign with its figures, incidents and documents, and one incident with every step Art. 47
allows. They call the same services as the API; each form answers with a redirect, or the
page again with the clerk's error. Opening a campaign's list or an incident is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, MultipartBody, URLEncodedBody
from litestar.response import Redirect
from sqlalchemy import select

from xinfang.platform.api import (
    COLUMN,
    BadRequest,
    Campaign,
    ClerkError,
    Document,
    Id,
    Level,
    Node,
    PageSpec,
    Person,
    Scope,
    ScopedSession,
    campaigns,
    clock,
    current_actor,
    documents,
    render_page,
    visible_node,
)
from xinfang.plugins.order import catalogue, incidents, metrics, routes, waiting
from xinfang.plugins.order import documents as order_documents
from xinfang.plugins.order.vocabulary import CLAUSE_SHORT, CLAUSES, GROUNDS, KEY, RESPONSES

FIELD_LIMIT = 2000
STYLE = "petition_order"


def _form(data: dict[str, Any]) -> dict[str, str]:
    return {k: str(v)[:FIELD_LIMIT] for k, v in data.items() if not hasattr(v, "filename")}


def _day(text: str, what: str) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise BadRequest(f"{what}应为日期,如 2026-03-05") from exc


def _moment(text: str, what: str) -> dt.datetime:
    text = (text or "").strip()
    if not text:
        return clock.now()
    try:
        return routes.aware(dt.datetime.fromisoformat(text))
    except ValueError as exc:
        raise BadRequest(f"{what}应为日期和时间") from exc


def _number(text: str, what: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) <= 100_000:
        raise BadRequest(f"{what}应为正整数")
    return int(text)


# --- the county's catalogue ---------------------------------------------------------------------


def _home(request: Request, db: ScopedSession, *, error: str = "", form: dict | None = None,
          status_code: int = 200) -> Response:
    actor = current_actor(request)
    county_id = routes.home_county(db, actor)
    listed = routes.catalogue_dict(db, county_id)
    active = db.scalars(select(Campaign).where(Campaign.type_key == KEY)
                        .order_by(Campaign.starts_on.desc(), Campaign.id.desc())).all()
    return render_page(request, "petition_order/home.html", status_code=status_code, listed=listed,
                       campaigns=active, clauses=CLAUSES, perms=actor.permissions(), error=error, form=form or {},
                       saved=request.query_params.get("saved"))


@get("/petition-order", sync_to_thread=True)
def home_page(request: Request, db: NamedDependency[ScopedSession]) -> Response:
    return _home(request, db)


def _county_form(request: Request, db: ScopedSession, data: dict[str, Any], act, saved: str) -> Response:
    """A county admin's form: ``act(actor, county, form)`` saves, or the page comes back with the error."""
    actor, form = current_actor(request), _form(data)
    try:
        act(actor, visible_node(db, routes.home_county(db, actor), "县"), form)
        db.commit()
    except ClerkError as exc:
        db.rollback()
        return _home(request, db, error=exc.message, form=form, status_code=exc.status_code)
    return Redirect(f"/petition-order?saved={saved}", status_code=303)


@post("/petition-order/behaviours", opt={"permission": routes.CATALOGUE_MANAGE}, sync_to_thread=True,
      include_in_schema=False)
def behaviour_submit(request: Request, db: NamedDependency[ScopedSession],
                     data: URLEncodedBody[dict[str, Any]]) -> Response:
    return _county_form(request, db, data, lambda actor, county, form: catalogue.add_behaviour(
        db, actor, county, form.get("name", "")[:100], form.get("clause", ""), form.get("description", "")),
        "behaviour")


@post("/petition-order/retention", opt={"permission": routes.CATALOGUE_MANAGE}, sync_to_thread=True,
      include_in_schema=False)
def retention_submit(request: Request, db: NamedDependency[ScopedSession],
                     data: URLEncodedBody[dict[str, Any]]) -> Response:
    return _county_form(request, db, data, lambda actor, county, form: catalogue.set_retention(
        db, actor, county, _number(form.get("days", ""), "保存期限") or 0), "retention")


# --- one campaign ---------------------------------------------------------------------------------


def _recording_nodes(db: ScopedSession, campaign: Campaign) -> list[Node]:
    """Where the clerk may record: the campaign's townships and their villages, within the clerk's scope."""
    with db.reading_as(Scope.system()) as whole:
        roots = campaigns.scope_roots(whole, campaign)
    found = []
    for root in roots:
        column = getattr(Node, COLUMN[Level(root.level)])
        found += db.scalars(select(Node).where(column == root.id, Node.level.in_(("township", "village")))
                            .order_by(Node.code)).all()
    return found


def _campaign_page(request: Request, db: ScopedSession, campaign_id: int, *, error: str = "",
                   form: dict | None = None, status_code: int = 200) -> Response:
    actor = current_actor(request)
    campaign = incidents.campaign_of(db, campaign_id)
    node = visible_node(db, actor.home_node_id)
    first, last = metrics.window(campaign, clock.today())
    with db.reading_as(Scope.system()) as whole:
        figures = metrics.figures(whole, whole.get(Campaign, campaign.id), whole.get(Node, node.id), first, last)
        behaviours = catalogue.behaviours(whole, catalogue.county_of(whole.get(Node, node.id)))
    rows = routes.visible_incidents(db, actor, campaign)
    listed = routes.listing(db, rows)
    made = db.scalars(select(Document).where(Document.subject == f"{KEY}:{campaign.id}")
                      .order_by(Document.created_at.desc(), Document.id.desc()).limit(50)).all()
    perms = actor.permissions()
    nodes = _recording_nodes(db, campaign) if routes.RECORD in perms else []
    to_review = [w for w in waiting.waiting(db, campaign_id=campaign.id) if incidents.reviews(actor, w.incident)]
    incidents.audit_reads(db, rows, "page")
    db.commit()
    return render_page(request, "petition_order/campaign.html", title=campaign.title, status_code=status_code,
                       campaign=campaign, node=node, f=figures, incidents=listed, behaviours=behaviours,
                       nodes=nodes, made=made, perms=perms, to_review=to_review, keys=order_documents.BY_KEY, error=error,
                       form=form or {}, clause_short=CLAUSE_SHORT, today=clock.today(),
                       rejected=request.query_params.get("rejected"))


@get("/petition-order/{petition_order_id:int}", opt={"writes": True}, sync_to_thread=True)
def campaign_page(request: Request, db: NamedDependency[ScopedSession], petition_order_id: FromPath[Id]) -> Response:
    return _campaign_page(request, db, petition_order_id)


def _people(db: ScopedSession, text: str) -> tuple[int, ...]:
    """The person files of the identity numbers typed (one per line), within the clerk's scope."""
    numbers = [n.strip().upper() for n in text.replace(",", "\n").replace(",", "\n").splitlines() if n.strip()]
    if not numbers:
        raise BadRequest("请填写涉及人员的身份证号(每行一个);没有档案的,请先在“一人一档”中建立")
    found = []
    for number in numbers:
        person = db.scalar(select(Person).where(Person.id_number == number).order_by(Person.id).limit(1))
        if person is None:
            raise BadRequest(f"没有找到身份证号为{number}的信访人档案,请先建立档案")
        found.append(person.id)
    return tuple(found)


@post("/petition-order/{petition_order_id:int}/incidents", opt={"permission": routes.RECORD}, sync_to_thread=True,
      include_in_schema=False)
def incident_submit(request: Request, db: NamedDependency[ScopedSession], petition_order_id: FromPath[Id],
                    data: URLEncodedBody[dict[str, Any]]) -> Response:
    actor, form = current_actor(request), _form(data)
    try:
        campaign = incidents.campaign_of(db, petition_order_id)
        incident = incidents.record_incident(db, actor, campaign, incidents.IncidentIn(
            _number(form.get("node_id", ""), "发生地单位") or 0, _number(form.get("behaviour_id", ""), "行为") or 0,
            _day(form.get("occurred_on", ""), "发生日期") or clock.today(), form.get("place", "")[:200],
            form.get("account", ""), _people(db, form.get("id_numbers", ""))))
        db.commit()
    except ClerkError as exc:
        db.rollback()
        return _campaign_page(request, db, petition_order_id, error=exc.message, form=form,
                              status_code=exc.status_code)
    return Redirect(f"/petition-order/incidents/{incident.id}?saved=1", status_code=303)


@post("/petition-order/{petition_order_id:int}/documents", opt={"permission": routes.RECORD}, sync_to_thread=True,
      include_in_schema=False)
def document_submit(request: Request, db: NamedDependency[ScopedSession], petition_order_id: FromPath[Id],
                    data: URLEncodedBody[dict[str, Any]]) -> Response:
    actor, form = current_actor(request), _form(data)
    try:
        campaign = incidents.campaign_of(db, petition_order_id)
        spec = order_documents.BY_KEY.get(form.get("key", ""))
        if spec is None:
            raise BadRequest("请选择要生成的文书")
        params = {"number": form.get("number", "")[:64].strip(), "issuer": "", "on": _day(form.get("on", ""), "日期")}
        with db.reading_as(Scope.system()) as whole:
            built = documents.build_inputs(whole, actor, spec.key, actor.home_node_id, params,
                                           subject=whole.get(Campaign, campaign.id))
        documents.generate(db, actor, spec.key, actor.home_node_id, built=built, subject_ref=f"{KEY}:{campaign.id}")
        db.commit()
    except ClerkError as exc:
        db.rollback()
        return _campaign_page(request, db, petition_order_id, error=exc.message, form=form,
                              status_code=exc.status_code)
    executor = getattr(request.app.state, "executor", None)
    if executor is not None:
        executor.wake()
    return Redirect(f"/petition-order/{petition_order_id}#documents", status_code=303)


# --- one incident ------------------------------------------------------------------------------------


def _incident_page(request: Request, db: ScopedSession, incident_id: int, *, error: str = "", failed: str = "",
                   form: dict | None = None, status_code: int = 200) -> Response:
    actor = current_actor(request)
    incident = incidents.get_incident(db, actor, incident_id)
    detail = routes.incident_dict(db, incident)
    with db.reading_as(Scope.system()) as whole:
        found = metrics.assessed(whole, [whole.get(type(incident), incident.id)])[incident.id]
    notices = db.scalars(select(Document).where(Document.subject.like(f"{KEY}:incident:{incident.id}:%"))
                         .order_by(Document.id.desc())).all()
    incidents.audit_reads(db, [incident], "page")
    db.commit()
    return render_page(request, "petition_order/incident.html", title=f"信访秩序整治记录 第{incident.id}号",
                       status_code=status_code, i=detail, problems=found, perms=actor.permissions(),
                       responses=RESPONSES, grounds=GROUNDS, notices=notices, error=error, failed=failed,
                       form=form or {}, saved=request.query_params.get("saved"))


@get("/petition-order/incidents/{incident_id:int}", opt={"writes": True}, sync_to_thread=True)
def incident_page(request: Request, db: NamedDependency[ScopedSession], incident_id: FromPath[Id]) -> Response:
    return _incident_page(request, db, incident_id)


def _record_step(db: ScopedSession, request: Request, incident_id: int, form: dict[str, str], files: list) -> None:
    actor = current_actor(request)
    incident = incidents.get_incident(db, actor, incident_id)
    step = form.get("step", "")
    if step == "evidence":
        incidents.add_evidence(db, actor, incident, routes.uploads(request, files))
    elif step == "response":
        incidents.respond(db, actor, incident, form.get("kind", ""), _number(form.get("person_id", ""), "当事人"),
                          _moment(form.get("given_at", ""), "处置时间"), form.get("staff", "")[:64],
                          form.get("told", ""), _number(form.get("minutes", ""), "时长"))
    elif step == "referral":
        incidents.refer(db, actor, incident, form.get("ground", ""), _moment(form.get("referred_at", ""), "移送时间"),
                        form.get("emergency_reason", ""))
    elif step == "outcome":
        incidents.referral_outcome(db, actor, incident, form.get("outcome", ""),
                                   _day(form.get("on", ""), "反馈日期") or clock.today())
    elif step == "objection":
        incidents.object_to(db, actor, incident, _number(form.get("person_id", ""), "当事人") or 0,
                            _day(form.get("received_on", ""), "收到日期") or clock.today(), form.get("text", ""))
    elif step == "notice":
        person_id = _number(form.get("person_id", ""), "当事人") or 0
        documents.generate(db, actor, order_documents.NOTICE_KIND, incident.node_id, {"person_id": person_id},
                           subject=incident, subject_ref=order_documents.subject_ref(incident.id, person_id))
    else:
        raise BadRequest("未知的操作")


@post("/petition-order/incidents/{incident_id:int}/steps", opt={"permission": routes.RECORD}, sync_to_thread=True,
      include_in_schema=False)
def step_submit(request: Request, db: NamedDependency[ScopedSession], incident_id: FromPath[Id],
                data: MultipartBody[dict[str, Any]]) -> Response:
    form = _form(data)
    files = data.get("files") or []
    try:
        _record_step(db, request, incident_id, form, files)
        db.commit()
    except ClerkError as exc:
        db.rollback()
        return _incident_page(request, db, incident_id, error=exc.message, failed=form.get("step", ""), form=form,
                              status_code=exc.status_code)
    return Redirect(f"/petition-order/incidents/{incident_id}?saved={form.get('step', '')}", status_code=303)


@post("/petition-order/incidents/{incident_id:int}/decisions", opt={"permission": routes.REVIEW},
      sync_to_thread=True, include_in_schema=False)
def decision_submit(request: Request, db: NamedDependency[ScopedSession], incident_id: FromPath[Id],
                    data: URLEncodedBody[dict[str, Any]]) -> Response:
    actor, form = current_actor(request), _form(data)
    step, upheld, note = form.get("step", ""), form.get("decision", "") in ("confirm", "upheld"), form.get("note", "")
    try:
        incident = incidents.get_incident(db, actor, incident_id)
        if step == "review":
            kept = incidents.review(db, actor, incident, upheld, note)
        elif step == "referral_review":
            kept = incidents.review_referral(db, actor, incident, upheld, note) and incident
        elif step == "objection_review":
            kept = incidents.review_objection(db, actor, incident, _number(form.get("objection_id", ""), "异议") or 0,
                                              upheld, note) and incident
        else:
            raise BadRequest("未知的操作")
        campaign_id = incident.campaign_id
        db.commit()
    except ClerkError as exc:
        db.rollback()
        return _incident_page(request, db, incident_id, error=exc.message, failed=step, form=form,
                              status_code=exc.status_code)
    if kept is None:  # rejected: the record is gone
        return Redirect(f"/petition-order/{campaign_id}?rejected={incident_id}", status_code=303)
    return Redirect(f"/petition-order/incidents/{incident_id}?saved={step}", status_code=303)


PAGES = [
    PageSpec("/petition-order", "信访秩序集中整治", routes.CATALOGUE_READ, home_page),
    PageSpec("/petition-order/{petition_order_id:int}", "信访秩序集中整治活动", routes.READ, campaign_page),
    PageSpec("/petition-order/incidents/{incident_id:int}", "信访秩序整治记录", routes.READ, incident_page),
]
form_handlers = [behaviour_submit, retention_submit, incident_submit, document_submit, step_submit, decision_submit]
