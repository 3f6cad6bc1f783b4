"""The plugin's pages (standalone: its own menu entry): the campaigns of this type, one
campaign's ledger with candidates, figures, inspections and documents, and one 积案 with a
form for every step. Forms post to ``…/act/{action}``, which calls the same routes' services
and answers 303 back to the page, or the page again with the Chinese message."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, MultipartBody
from litestar.response import Redirect
from sqlalchemy import select

from xinfang.platform.api import (
    BadRequest,
    Campaign,
    ClerkError,
    Document,
    Id,
    Matter,
    Node,
    Scope,
    ScopedSession,
    campaign_matters,
    campaigns,
    clock,
    current_actor,
    evidence_of,
    get_or_404,
    matter_ownership,
    node_names,
    render_page,
    visible_node,
)
from xinfang.platform.api import documents as documents_service
from xinfang.plugins.backlog_year import cases, documents, figures, inspections, routes
from xinfang.plugins.backlog_year.models import Inspection
from xinfang.plugins.backlog_year.vocabulary import CLASSES, KEY, NINE_ONES, SIX_CLEAR, SIX_HAVE, SOURCES

HOME = "/campaigns/backlog-year"
FIELD_LIMIT = 5000


def _date(text: str | None) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"日期“{text[:20]}”格式不对,应为 2026-07-01") from None


def _int(text: str | None, what: str) -> int:
    text = (text or "").strip()
    if not text.isdigit() or len(text) > 12:
        raise BadRequest(f"请选择{what}")
    return int(text)


@get(HOME, sync_to_thread=True)
def home(request: Request, db: NamedDependency[ScopedSession]) -> Response:
    rows = db.scalars(select(Campaign).where(Campaign.type_key == KEY).order_by(Campaign.starts_on.desc())).all()
    return render_page(request, "backlog_year/home.html", title="信访积案化解年", campaigns=rows)


def _documents(db: ScopedSession, campaign: Campaign) -> list[dict]:
    ref = documents.campaign_ref(campaign.id)
    kinds = [s.key for s in documents.SPECS]
    made = db.scalars(select(Document).where(Document.kind.in_(kinds)).order_by(Document.id.desc()).limit(200))
    return [documents_service.to_dict(db, d) for d in made if (d.inputs or {}).get("campaign_ref") == ref][:30]


def _campaign_page(request: Request, db: ScopedSession, campaign_id: int, *, error: str = "",
                   status_code: int = 200) -> Response:
    campaign = routes.get_campaign(db, campaign_id)
    actor = current_actor(request)
    today = clock.today()
    node = visible_node(db, actor.home_node_id) if actor.home_node_id else None
    found, units = None, []
    if node is not None:
        with db.reading_as(Scope.system()) as whole:
            c, n = whole.get(Campaign, campaign.id), whole.get(Node, node.id)
            if campaigns.in_scope(whole, c, n) or n.id == c.node_id:
                found, units = figures.figures(whole, c, n, today), figures.rollup(whole, c, n, today)
    summary = campaigns.to_dict(db, campaign, None, today)
    inspected = inspections.listing(db, campaign)
    roots = campaigns.scope_roots(db, campaign)
    area = [n for r in roots for n in campaigns.subtree(db, r) if n.level in ("county", "township", "village")]
    return render_page(
        request, "backlog_year/campaign.html", title=campaign.title, status_code=status_code, campaign=summary,
        settings=cases.settings_of(db, campaign), ledger=routes.ledger_rows(db, campaign, today),
        candidates=cases.candidates(db, campaign), figures=found, units=units, sources=SOURCES,
        inspections=[inspections.to_dict(r, node_names(db, [r.node_id or 0])) for r in inspected], area=area,
        document_keys=[(k, s.title) for k, s in documents.BY_KEY.items() if k != "dossier"],
        made=_documents(db, campaign), may_manage=routes.MANAGE in actor.permissions(), error=error,
        base=f"{HOME}/{campaign.id}")


@get(HOME + "/{backlog_year_id:int}", sync_to_thread=True)
def campaign_page(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id]) -> Response:
    return _campaign_page(request, db, backlog_year_id)


def _case_page(request: Request, db: ScopedSession, campaign_id: int, case_id: int, *, error: str = "",
               status_code: int = 200) -> Response:
    campaign = routes.get_campaign(db, campaign_id)
    detail = routes.case_detail(request, db, campaign, case_id)
    actor = current_actor(request)
    owner = detail["ownership"]
    return render_page(
        request, "backlog_year/case.html", title=f"积案 {detail['number']}", status_code=status_code, case=detail,
        campaign=campaign, six_clear=SIX_CLEAR, classes=CLASSES, nine=NINE_ONES, six_have=SIX_HAVE,
        leaders=_leaders(db, detail["node_id"]), may_manage=routes.MANAGE in actor.permissions(),
        is_leader=owner is not None and owner["leader_user_id"] == actor.user_id, error=error,
        base=f"{HOME}/{campaign.id}", made=[d for d in _documents(db, campaign)
                                           if d.get("kind") == documents.PREFIX + "dossier"
                                           and f"({detail['number']})" in (d.get("title") or "")])


def _leaders(db: ScopedSession, node_id: int) -> list[dict]:
    owner = db.execute(select(Node).where(Node.id == node_id)).scalar_one()
    return [{"user_id": r.id, "name": r.display_name, "position": r.position, "node_name": r.node_name}
            for r in matter_ownership.leaders_for(db, owner)]


@get(HOME + "/{backlog_year_id:int}/cases/{case_id:int}", sync_to_thread=True)
def case_page(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
              case_id: FromPath[Id]) -> Response:
    return _case_page(request, db, backlog_year_id, case_id)


def _form(data: dict[str, Any]) -> dict[str, Any]:
    """Text fields cut to a sane length; ``files`` always a list of uploads."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if key == "files":
            values = value if isinstance(value, list) else [value]
            out[key] = [v for v in values if getattr(v, "filename", "")]
        elif not hasattr(value, "filename"):
            out[key] = str(value[0] if isinstance(value, list) else value)[:FIELD_LIMIT]
    return out


def _campaign_act(request: Request, db: ScopedSession, campaign: Campaign, action: str, form: dict[str, Any]) -> str:
    actor, today = current_actor(request), clock.today()
    if action == "confirm":
        number = form.get("number", "").strip()
        found = db.scalar(select(Matter.id).where(Matter.number == number)) if number else None
        if number and found is None:
            raise BadRequest(f"没有编号为“{number[:32]}”的信访事项,或不在您的管辖范围内")
        matter = get_or_404(db, Matter, found or _int(form.get("matter_id"), "信访事项"), "信访事项")
        case = cases.confirm(db, actor, campaign, matter, form.get("source", "proposed"), form.get("note", ""), today)
        db.commit()
        return f"{HOME}/{campaign.id}/cases/{case.id}"
    if action == "settings":
        cases.set_settings(db, actor, campaign, _date(form.get("cutoff")), _date(form.get("dossier_due_on")))
    elif action == "inspection":
        node = visible_node(db, _int(form.get("node_id"), "被检查单位"))
        inspections.record(db, actor, campaign, node, _date(form.get("visited_on")) or today,
                           form.get("inspectors", ""), form.get("findings", ""), form.get("corrections", ""))
    elif action == "follow_up":
        row = get_or_404(db, Inspection, _int(form.get("inspection_id"), "检查记录"), "督导检查记录",
                         accept=lambda r: r.campaign_id == campaign.id)
        inspections.follow_up(db, actor, campaign, row, form.get("note", ""), _date(form.get("on")) or today)
    elif action == "document":
        body = routes.GenerateBody(number=form.get("number", "")[:64])
        routes.generate_document(request, db, campaign, form.get("key", ""), body)
    else:
        raise BadRequest("未知的操作")
    db.commit()
    return f"{HOME}/{campaign.id}"


@post(HOME + "/{backlog_year_id:int}/act/{action:str}", opt={"permission": routes.MANAGE}, sync_to_thread=True,
      include_in_schema=False)
def campaign_act(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
                 action: FromPath[str], data: MultipartBody[dict[str, Any]]) -> Response:
    form = _form(data)
    return _run(request, db, lambda: _campaign_act(request, db, routes.get_campaign(db, backlog_year_id), action,
                                                         form),
                      lambda message, status: _campaign_page(request, db, backlog_year_id, error=message,
                                                             status_code=status))


def _case_act(request: Request, db: ScopedSession, campaign: Campaign, case_id: int, action: str,
              form: dict[str, Any]) -> str:
    actor, today = current_actor(request), clock.today()
    campaign, case, matter = routes.loaded(db, campaign.id, case_id)
    ctype = routes.ctype_of(request)
    if action == "findings":
        cases.record_findings(db, actor, campaign, case, {k: form[k] for k in SIX_CLEAR if form.get(k, "").strip()},
                              today)
    elif action == "class":
        cases.classify(db, actor, campaign, case, form.get("class_key", ""), form.get("note", ""))
    elif action == "assign":
        cases.assign(db, actor, campaign, case, matter, _int(form.get("leader_user_id"), "包案领导"),
                     form.get("unit", "")[:100], _date(form.get("on")) or today)
    elif action == "report":
        cases.sign_report(db, actor, campaign, case, matter, form.get("text", ""), today)
    elif action == "remove":
        cases.remove(db, actor, campaign, case, form.get("reason", ""))
    elif action == "nine":
        campaign_matters.tick_matter(db, actor, ctype, campaign, matter, form.get("item", ""),
                                     _date(form.get("done_on")) or today, form.get("note", ""),
                                     evidence_of(request, form.get("files", [])))
    elif action == "file":
        stored = [campaigns.store_evidence(db, e) for e in evidence_of(request, form.get("files", []))]
        cases.add_file(db, actor, campaign, case, form.get("part", ""), stored, form.get("note", ""), today)
    elif action == "review":
        cases.review(db, actor, campaign, case, matter, form.get("note", ""), today,
                     cases.nine_ones(db, ctype, campaign, matter))
    elif action == "close":
        cases.close(db, actor, campaign, case, matter, today, cases.nine_ones(db, ctype, campaign, matter))
    elif action == "dossier":
        routes.generate_document(request, db, campaign, "dossier", routes.GenerateBody(case_id=case_id))
    else:
        raise BadRequest("未知的操作")
    db.commit()
    return f"{HOME}/{campaign.id}/cases/{case_id}"


@post(HOME + "/{backlog_year_id:int}/cases/{case_id:int}/act/{action:str}", opt={"permission": routes.MANAGE},
      sync_to_thread=True, include_in_schema=False)
def case_act(request: Request, db: NamedDependency[ScopedSession], backlog_year_id: FromPath[Id],
             case_id: FromPath[Id], action: FromPath[str], data: MultipartBody[dict[str, Any]]) -> Response:
    form = _form(data)
    return _run(request, db, lambda: _case_act(request, db, routes.get_campaign(db, backlog_year_id), case_id,
                                                     action, form),
                      lambda message, status: _case_page(request, db, backlog_year_id, case_id, error=message,
                                                         status_code=status))


def _run(request: Request, db: ScopedSession, act: Any, page: Any) -> Response:
    """Do the action, then go back to the page (303), or show the page with the Chinese message."""
    try:
        return Redirect(act(), status_code=303)
    except ClerkError as exc:
        db.rollback()
        return page(exc.message, exc.status_code)


PAGES = [(HOME, "信访积案化解年", routes.READ, home),
         (HOME + "/{backlog_year_id:int}", "信访积案化解年活动", routes.READ, campaign_page),
         (HOME + "/{backlog_year_id:int}/cases/{case_id:int}", "积案", routes.READ, case_page)]
route_handlers = [campaign_act, case_act]
