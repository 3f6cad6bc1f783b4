"""The petition month's own page in the staff UI: the month's figures for a unit's area, its
documents (generate, watch them render, download). Declared through ``xinfang_pages`` and
offered on the generic campaign page through ``CampaignType.links`` — the path every campaign
plugin takes (docs/plugin_hooks.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect

from xinfang.platform.api import (
    BadRequest,
    Campaign,
    Conflict,
    Forbidden,
    Id,
    Node,
    NotFound,
    OptionalId,
    Scope,
    ScopedSession,
    acting_node_id,
    clock,
    current_actor,
    render_page,
)
from xinfang.platform.api import documents as documents_service
from xinfang.plugins.petition_month import documents
from xinfang.plugins.petition_month.routes import (
    GENERATE,
    campaign_node,
    documents_made,
    make_document,
    petition_month,
)

PAGE = "/campaigns/{petition_month_id:int}/petition-month"
REFUSALS = (BadRequest, Conflict, Forbidden, NotFound)
BUSY = ("pending", "rendering")


def _page(request: Request, db: ScopedSession, campaign: Campaign, node_id: int | None, *, error: str = "",
          status_code: int = 200) -> Response:
    actor = current_actor(request)
    node = campaign_node(request, db, campaign, node_id if node_id is not None else acting_node_id(request, actor))
    with db.reading_as(Scope.system()) as whole:
        found = documents.summary_figures(whole, whole.get(Campaign, campaign.id), whole.get(Node, node.id),
                                          clock.today())
    made = [documents_service.to_dict(db, d) for d in documents_made(db, campaign, node)]
    return render_page(
        request, "petition_month/month.html", title=f"{campaign.title} · 汇总与文书", block="documents",
        status_code=status_code, campaign=campaign, node=node, f=found, made=made,
        busy=any(d["status"] in BUSY for d in made), keys=[(k, s.title) for k, s in documents.BY_KEY.items()],
        may_generate=GENERATE in actor.permissions(), error=error, today=clock.today())


@get(PAGE, sync_to_thread=True)
def month_page(request: Request, db: NamedDependency[ScopedSession], petition_month_id: FromPath[Id],
               node_id: FromQuery[OptionalId] = None) -> Response:
    return _page(request, db, petition_month(db, petition_month_id), node_id)


@post(PAGE + "/documents", opt={"permission": GENERATE}, sync_to_thread=True, include_in_schema=False)
def generate_submit(request: Request, db: NamedDependency[ScopedSession], petition_month_id: FromPath[Id],
                    data: URLEncodedBody[dict[str, Any]]) -> Response:
    campaign = petition_month(db, petition_month_id)
    raw_node = str(data.get("node_id", "")).strip()
    node_id = int(raw_node) if raw_node.isdigit() and len(raw_node) < 10 else None
    try:
        on = str(data.get("on", "")).strip()
        try:
            day = dt.date.fromisoformat(on) if on else None
        except ValueError as exc:
            raise BadRequest(f"日期“{on[:20]}”格式不正确,应为年-月-日") from exc
        make_document(request, db, campaign, str(data.get("key", ""))[:32], node_id,
                      {"number": str(data.get("number", "")).strip()[:200], "issuer": "", "on": day})
    except REFUSALS as exc:
        db.rollback()
        return _page(request, db, petition_month(db, petition_month_id), node_id, error=exc.message,
                     status_code=exc.status_code)
    query = f"?node_id={node_id}" if node_id else ""
    return Redirect(f"/campaigns/{petition_month_id}/petition-month{query}#documents", status_code=303)


FORM_ROUTES = [generate_submit]
