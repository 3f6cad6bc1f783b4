"""The supervisor's audit desk: the audit log filtered by time, person, unit, object and action,
in Chinese (times Asia/Shanghai, refused attempts included), its export, and the chain check
explained in plain words. Read-only: every page is a GET over the same queries as the API."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from sqlalchemy import select

from xinfang.platform.audit.log import chain_node, verify
from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.audit.refusals import REFUSED_ACTION
from xinfang.platform.audit.routes import filtered, visible_chains
from xinfang.platform.audit.vocabulary import ACTIONS, OBJECTS
from xinfang.platform.clock import CHINA
from xinfang.platform.errors import BadRequest
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Code, OptionalId, PageNumber, check_day
from xinfang.platform.web.paging import page_of
from xinfang.tenants.lookup import node_names
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope, ScopedSession

PER_PAGE = 50


def _moment(day: dt.date | None, name: str, *, end: bool = False) -> dt.datetime | None:
    """A day of the form as the start of that day in Beijing (``end``: the start of the next)."""
    if day is None:
        return None
    check_day(name, day)
    return dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time(), tzinfo=CHINA)


@get("/audit", sync_to_thread=True)
def audit_desk(request: Request, db: NamedDependency[ScopedSession], since: FromQuery[dt.date | None] = None,
               until: FromQuery[dt.date | None] = None, actor_id: FromQuery[OptionalId] = None,
               node_id: FromQuery[OptionalId] = None, object_type: FromQuery[Code | None] = None,
               action: FromQuery[Code | None] = None, page: FromQuery[PageNumber] = 1) -> Response:
    if since and until and until < since:
        raise BadRequest("截止日期不能早于起始日期")
    start, end = _moment(since, "since"), _moment(until, "until", end=True)
    action, object_type = action or None, object_type or None
    listing = page_of(db, filtered(action, object_type, actor_id, node_id, start, end), page, PER_PAGE,
                      lambda r: {**r.to_dict(), "at": r.at})  # the page shows the time in Beijing
    names = node_names(db, [r["node_id"] for r in listing["items"]])
    chosen = {k: v for k, v in (("since", since), ("until", until), ("actor_id", actor_id), ("node_id", node_id),
                                ("object_type", object_type), ("action", action)) if v}
    export = {k: v for k, v in (("action", action), ("object_type", object_type), ("actor_id", actor_id),
                                ("node_id", node_id), ("since", start and start.isoformat()),
                                ("until", end and end.isoformat())) if v}
    pages = max(1, -(-listing["total"] // PER_PAGE))
    return render_page(
        request, "audit/desk.html", title="审计日志", block="results", listing=listing, names=names,
        chosen=chosen, actions=ACTIONS, objects=OBJECTS, refused=REFUSED_ACTION, pages=pages,
        actors=_actors(db), units=db.scalars(select(Node).order_by(Node.level, Node.code).limit(1000)).all(),
        may_export="audit:export" in current_actor(request).permissions(),
        export_query=urlencode({"format": "xlsx", **export}),
        page_link=lambda n: "?" + urlencode({**{k: str(v) for k, v in chosen.items()}, "page": n}))


def _actors(db: ScopedSession) -> list[tuple[int, str]]:
    """The people who appear in the records the viewer sees (for the 操作人 filter)."""
    rows = db.execute(select(AuditRecord.actor_id, AuditRecord.actor_name)
                      .where(AuditRecord.actor_id.is_not(None)).distinct().limit(2000)).all()
    return sorted({(i, n) for i, n in rows}, key=lambda r: r[1])


@get("/audit/verify", sync_to_thread=True)
def audit_verify(request: Request, db: NamedDependency[ScopedSession]) -> Response:
    """Each county chain the viewer sees, walked whole (as ``GET /api/audit/verify``)."""
    chains = visible_chains(db)
    with db.reading_as(Scope.system()) as whole:
        reports = [verify(whole, chain).to_dict() for chain in chains]
        ids = {c: chain_node(c) for c in chains}
        names = node_names(whole, list(ids.values()))
    for report in reports:
        node = ids.get(report["chain"])
        report["name"] = names.get(node, "平台") if node else "平台(不属于任何县)"
    return render_page(request, "audit/verify.html", title="审计日志完整性校验", reports=reports,
                       ok=all(r["ok"] for r in reports))


PAGES = [("/audit", "审计日志", "audit:read", audit_desk),
         ("/audit/verify", "审计日志完整性校验", "audit:read", audit_verify)]
