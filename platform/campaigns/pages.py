"""Campaigns in the browser: the catalogue of installed types and the campaigns in scope, the
enable form (type, title, dates, the scope picked from the tree, each phase's dates), a
campaign's page (phases, progress rolled up with who is behind, metrics against targets, the
plugin's own pages), and a node's duties of this week with tick and evidence (a phone's camera).

Every page calls the same services as ``routes.py``; a refusal is shown on the page in its
Chinese words with its status, and nothing of the refused write is kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect
from sqlalchemy import func, select

from xinfang.permissions.actor import authorize
from xinfang.platform import clock
from xinfang.platform.campaigns import service
from xinfang.platform.campaigns.models import Campaign
from xinfang.platform.campaigns.registry import campaign_type, campaign_types, describe
from xinfang.platform.campaigns.routes import evidence_of, get_campaign, manage_check
from xinfang.platform.errors import BadRequest, ClerkError
from xinfang.platform.extensions.hookspecs import CampaignType
from xinfang.platform.ui.frame import acting_node_id
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Id, OptionalId
from xinfang.tenants.levels import Level
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope, ScopedSession

FIELD_LIMIT = 2_000
RECURRENCE = {"once": "全程一次", "week": "每周", "day": "每天"}


def _ctypes(request: Request) -> dict[str, CampaignType]:
    return campaign_types(request.app.state.plugins)


def _acting(request: Request, db: ScopedSession) -> Node | None:
    node_id = acting_node_id(request, current_actor(request))
    return db.execute(select(Node).where(Node.id == node_id), execution_options={"skip_scope": True}).scalar_one_or_none() \
        if node_id is not None else None


# --- the list and the catalogue ------------------------------------------------------------

@get("/campaigns", sync_to_thread=True)
def campaign_list(request: Request, db: NamedDependency[ScopedSession]) -> Response:
    types = _ctypes(request)
    rows = db.scalars(select(Campaign).order_by(Campaign.starts_on.desc(), Campaign.id.desc()).limit(200)).all()
    today = clock.today()
    campaigns = [service.to_dict(db, c, types.get(c.type_key), today) for c in rows]
    return render_page(request, "campaigns/list.html", title="专项活动", campaigns=campaigns,
                       types=[describe(t) for t in types.values()],
                       may_manage="campaigns:manage" in current_actor(request).permissions())


# --- enabling -------------------------------------------------------------------------------

def _scope_choices(db: ScopedSession, request: Request) -> list[dict]:
    """The roots one may enable a campaign for, as a tree: the acting county (whole county) with
    its townships, or the acting township alone — each with how many villages and grids it holds."""
    actor = current_actor(request)
    acting = _acting(request, db)
    if acting is None or acting.level not in (Level.COUNTY, Level.TOWNSHIP):
        return []
    if not authorize(actor, acting, "campaigns", "manage"):
        return []
    townships = [acting] if acting.level == Level.TOWNSHIP else db.scalars(
        select(Node).where(Node.county_id == acting.id, Node.level == Level.TOWNSHIP).order_by(Node.code)).all()
    counts = dict(db.execute(select(Node.township_id, func.count()).where(
        Node.township_id.in_([t.id for t in townships]), Node.level == Level.VILLAGE)
        .group_by(Node.township_id)).all()) if townships else {}
    children = [{"id": t.id, "name": t.name, "villages": counts.get(t.id, 0)} for t in townships]
    if acting.level == Level.COUNTY:
        return [{"id": acting.id, "name": acting.name, "county": True, "children": children}]
    return [{"id": acting.id, "name": acting.name, "county": False, "villages": counts.get(acting.id, 0),
             "children": []}]


def _enable_form(request: Request, db: ScopedSession, form: dict[str, Any], *, error: str = "",
                 status_code: int = 200) -> Response:
    types = _ctypes(request)
    chosen = types.get(str(form.get("type") or "")) or next(iter(types.values()), None)
    return render_page(request, "campaigns/enable.html", title="启用专项活动", status_code=status_code,
                       types=types, chosen=chosen, form=form, error=error, choices=_scope_choices(db, request),
                       picked={str(v) for v in _many(form.get("scope"))},
                       may_manage="campaigns:manage" in current_actor(request).permissions())


def _many(value: Any) -> list:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


@get("/campaigns/new", sync_to_thread=True)
def enable_page(request: Request, db: NamedDependency[ScopedSession]) -> Response:
    """A GET reads (the supervisor's walk opens it too); the form is drawn for managers only."""
    form = {k: v for k, v in request.query_params.items() if k == "type"}
    return _enable_form(request, db, form)


def _day(form: dict[str, Any], key: str, what: str, required: bool = True) -> dt.date | None:
    raw = str(form.get(key) or "").strip()
    if not raw:
        if required:
            raise BadRequest(f"请填写{what}")
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise BadRequest(f"{what}“{raw}”格式不正确,应为年-月-日") from exc


@post("/campaigns/new", opt={"permission": "campaigns:manage"}, sync_to_thread=True, include_in_schema=False)
def enable_submit(request: Request, db: NamedDependency[ScopedSession],
                  data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = {k: (v if isinstance(v, list) else str(v)[:FIELD_LIMIT]) for k, v in data.items()}
    try:
        ctype = campaign_type(request.app.state.plugins, str(form.get("type", "")))
        starts_on = _day(form, "starts_on", "开始日期")
        ends_on = _day(form, "ends_on", "结束日期", required=False)
        phases = {}
        for phase in ctype.phases:
            start = _day(form, f"phase_{phase.key}_starts_on", f"“{phase.name}”开始日期", required=False)
            end = _day(form, f"phase_{phase.key}_ends_on", f"“{phase.name}”结束日期", required=False)
            if (start is None) != (end is None):
                raise BadRequest(f"“{phase.name}”阶段请同时填写开始和结束日期,或都留空(按默认天数)")
            if start and end:
                phases[phase.key] = (start, end)
        try:
            scope_ids = [int(v) for v in _many(form.get("scope"))]
        except ValueError as exc:
            raise BadRequest("活动范围应从列表中选择") from exc
        assert starts_on is not None
        campaign = service.enable(db, current_actor(request), ctype, str(form.get("title", "")), scope_ids,
                                  starts_on, ends_on, phases)
        db.commit()
    except ClerkError as exc:
        db.rollback()
        return _enable_form(request, db, form, error=exc.message, status_code=exc.status_code)
    return Redirect(f"/campaigns/{campaign.id}?enabled=1", status_code=303)


# --- a campaign -----------------------------------------------------------------------------

def _root(request: Request, db: ScopedSession, node_id: int | None) -> Node:
    if node_id is not None:
        return get_or_404(db, Node, node_id, "单位")
    acting = _acting(request, db)
    if acting is None:
        raise BadRequest("请先在页面顶部选择工作单位")
    return acting


def _campaign_page(request: Request, db: ScopedSession, campaign: Campaign, node: Node, *, error: str = "",
                   form: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    actor = current_actor(request)
    ctype = campaign_type(request.app.state.plugins, campaign.type_key)
    today = clock.today()
    summary = service.to_dict(db, campaign, ctype, today)
    progress = service.progress(db, ctype, campaign, node, today)
    with db.reading_as(Scope.system()) as whole:  # a metric counts over the campaign's whole area
        metrics = service.metrics(whole, ctype, campaign, whole.get(Node, node.id))
    owner = db.execute(select(Node).where(Node.id == campaign.node_id), execution_options={"skip_scope": True}).scalar_one()
    permissions = actor.permissions()
    acting = _acting(request, db)
    return render_page(
        request, "campaigns/campaign.html", title=campaign.title, status_code=status_code, c=summary,
        ctype=describe(ctype), node=node, progress=progress, metrics=metrics, owner=owner,
        may_manage=campaign.status == "active" and authorize(actor, owner, "campaigns", "manage"),
        own_duties=acting is not None and service.in_scope(db, campaign, acting),
        links=[(link.label, link.for_campaign(campaign.id), link.description) for link in ctype.links
               if link.permission in permissions],
        recurrence=RECURRENCE, error=error, form=form or {}, enabled=request.query_params.get("enabled"))


@post("/campaigns/{campaign_id:int}/phases", opt={"permission": "campaigns:manage"}, sync_to_thread=True,
      include_in_schema=False)
def phases_submit(request: Request, db: NamedDependency[ScopedSession], campaign_id: FromPath[Id],
                  data: URLEncodedBody[dict[str, Any]]) -> Response:
    campaign = get_campaign(db, campaign_id)
    form = {k: str(v)[:FIELD_LIMIT] for k, v in data.items()}
    try:
        manage_check(request, db, campaign)
        ctype = campaign_type(request.app.state.plugins, campaign.type_key)
        dates = {}
        for phase in ctype.phases:
            start = _day(form, f"phase_{phase.key}_starts_on", f"“{phase.name}”开始日期")
            end = _day(form, f"phase_{phase.key}_ends_on", f"“{phase.name}”结束日期")
            assert start is not None and end is not None
            dates[phase.key] = (start, end)
        service.move_phases(db, campaign, dates)
        db.commit()
    except ClerkError as exc:
        db.rollback()
        campaign = get_campaign(db, campaign_id)
        return _campaign_page(request, db, campaign, _root(request, db, None), error=exc.message, form=form,
                              status_code=exc.status_code)
    return Redirect(f"/campaigns/{campaign_id}#phases", status_code=303)


# --- a node's duties of this week -----------------------------------------------------------

def current_period(recurrence: str, today: dt.date) -> str:
    """The key of the period ``today`` falls in (service.periods' keys)."""
    if recurrence == "once":
        return ""
    if recurrence == "day":
        return today.isoformat()
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def this_week(duties: list[dict], today: dt.date) -> list[dict]:
    """Each duty with its current period (done / required, the ticks) and what earlier periods
    left undone; duties whose window has not begun are left out."""
    out = []
    for duty in duties:
        key = current_period(duty["recurrence"], today)
        now = next((p for p in duty["periods"] if p["period"] == key), None)
        earlier = sum(p["required"] - p["done"] for p in duty["periods"] if p["period"] != key)
        if now is None and not duty["periods"]:
            continue
        out.append({**duty, "now": now, "missed": earlier})
    return out


def _duties_page(request: Request, db: ScopedSession, campaign: Campaign, node: Node, *, error: str = "",
                 failed: str = "", status_code: int = 200) -> Response:
    actor = current_actor(request)
    ctype = campaign_type(request.app.state.plugins, campaign.type_key)
    today = clock.today()
    inside = service.in_scope(db, campaign, node)
    duties = this_week(service.duties(db, ctype, campaign, node, today), today) if inside else []
    # the units below the node inside the scope, to open theirs (a township looks at a village's)
    below = [n for n in db.scalars(select(Node).where(Node.parent_id == node.id, Node.level != Level.DEPARTMENT)
                                   .order_by(Node.code)) if service.in_scope(db, campaign, n)] if inside else []
    year, week, _ = today.isocalendar()
    return render_page(
        request, "campaigns/duties.html", title=f"{node.name} · 本周任务", status_code=status_code,
        c=service.to_dict(db, campaign, ctype, today), node=node, inside=inside, duties=duties, below=below,
        may_tick=campaign.status == "active" and authorize(actor, node, "campaigns", "tick"),
        week_label=f"{year}年第{week}周", recurrence=RECURRENCE, error=error, failed=failed,
        ticked=request.query_params.get("ticked"))


@post("/campaigns/{campaign_id:int}/duties/{node_id:int}", opt={"permission": "campaigns:tick"}, sync_to_thread=True,
      include_in_schema=False)
def tick_submit(request: Request, db: NamedDependency[ScopedSession], campaign_id: FromPath[Id],
                node_id: FromPath[Id],
                data: MultipartBody[dict[str, Any]]) -> Response:
    campaign = get_campaign(db, campaign_id)
    node = get_or_404(db, Node, node_id, "单位")
    checklist, item = str(data.get("checklist", ""))[:64], str(data.get("item", ""))[:64]
    try:
        ctype = campaign_type(request.app.state.plugins, campaign.type_key)
        done_on = _day({k: v for k, v in data.items() if isinstance(v, str)}, "done_on", "完成日期", required=False)
        files = [f for f in _many(data.get("files")) if isinstance(f, UploadFile) and f.filename]
        note = str(data.get("note", ""))[:FIELD_LIMIT] if not isinstance(data.get("note"), UploadFile) else ""
        service.tick(db, current_actor(request), ctype, campaign, node, checklist, item, done_on or clock.today(),
                     note, evidence_of(request, files))
        db.commit()
    except ClerkError as exc:
        db.rollback()
        return _duties_page(request, db, get_campaign(db, campaign_id), get_or_404(db, Node, node_id, "单位"),
                            error=exc.message, failed=f"{checklist}/{item}", status_code=exc.status_code)
    return Redirect(f"/campaigns/{campaign_id}/duties?node_id={node_id}&ticked={item}#duty-{checklist}-{item}",
                    status_code=303)


# --- the two pages of one campaign, for a node (default: the one the user acts for) ---------

def _opened(request: Request, db: ScopedSession, campaign_id: int, node_id: int | None) -> tuple[Campaign, Node]:
    return get_campaign(db, campaign_id), _root(request, db, node_id)


@get("/campaigns/{campaign_id:int}", sync_to_thread=True)
def campaign_page(request: Request, db: NamedDependency[ScopedSession], campaign_id: FromPath[Id],
                  node_id: FromQuery[OptionalId] = None) -> Response:
    return _campaign_page(request, db, *_opened(request, db, campaign_id, node_id))


@get("/campaigns/{campaign_id:int}/duties", sync_to_thread=True)
def duties_page(request: Request, db: NamedDependency[ScopedSession], campaign_id: FromPath[Id],
                node_id: FromQuery[OptionalId] = None) -> Response:
    return _duties_page(request, db, *_opened(request, db, campaign_id, node_id))


PAGES = [("/campaigns", "专项活动", "campaigns:read", campaign_list),
         ("/campaigns/new", "启用专项活动", "campaigns:read", enable_page),
         ("/campaigns/{campaign_id:int}", "专项活动", "campaigns:read", campaign_page),
         ("/campaigns/{campaign_id:int}/duties", "本周任务", "campaigns:read", duties_page)]
FORM_ROUTES = [enable_submit, phases_submit, tick_submit]
