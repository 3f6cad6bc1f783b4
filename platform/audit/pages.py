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

from xinfang.platform.accounts.models import User
from xinfang.platform.audit.log import chain_node, verify
from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.audit.refusals import REFUSED_ACTION
from xinfang.platform.audit.routes import filtered, visible_chains
from xinfang.platform.audit.vocabulary import ACTIONS, OBJECTS
from xinfang.platform.clock import CHINA
from xinfang.platform.errors import BadRequest
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import INT4_MAX, PageNumber, check_day
from xinfang.platform.web.paging import page_of
from xinfang.tenants.lookup import node_names
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope, ScopedSession

PER_PAGE = 50


def _moment(day: dt.date | None, *, end: bool = False) -> dt.datetime | None:
    """A day of the form as the start of that day in Beijing (``end``: the start of the next)."""
    if day is None:
        return None
    return dt.datetime.combine(day + dt.timedelta(days=1 if end else 0), dt.time(), tzinfo=CHINA)


def _filters(request: Request) -> dict:
    """The filter form's query string, where a field left empty (全部) filters nothing; a value
    that is not what the field takes is a 400 in Chinese."""
    given = {k: v.strip()[:40] for k, v in request.query_params.items() if v.strip()}
    out: dict = {}
    for key, what in (("since", "起始日期"), ("until", "截止日期")):
        if key in given:
            try:
                out[key] = check_day(what, dt.date.fromisoformat(given[key]))
            except ValueError as exc:
                raise BadRequest(f"{what}“{given[key]}”格式不正确,应为年-月-日") from exc
    for key, what in (("actor_id", "操作人"), ("node_id", "单位")):
        if key in given:
            if not given[key].isdigit() or not 1 <= int(given[key]) <= INT4_MAX:
                raise BadRequest(f"{what}应从列表中选择")
            out[key] = int(given[key])
    for key in ("object_type", "action"):
        if key in given:
            out[key] = given[key]
    return out


@get("/audit", sync_to_thread=True)
def audit_desk(request: Request, db: NamedDependency[ScopedSession], page: FromQuery[PageNumber] = 1) -> Response:
    chosen = _filters(request)
    since, until = chosen.get("since"), chosen.get("until")
    actor_id, node_id = chosen.get("actor_id"), chosen.get("node_id")
    object_type, action = chosen.get("object_type"), chosen.get("action")
    if since and until and until < since:
        raise BadRequest("截止日期不能早于起始日期")
    start, end = _moment(since), _moment(until, end=True)
    listing = page_of(db, filtered(action, object_type, actor_id, node_id, start, end), page, PER_PAGE,
                      lambda r: {**r.to_dict(), "at": r.at})  # the page shows the time in Beijing
    names = node_names(db, [r["node_id"] for r in listing["items"]])
    people = _people(db, [r["actor_id"] for r in listing["items"]])
    export = {k: v for k, v in (("action", action), ("object_type", object_type), ("actor_id", actor_id),
                                ("node_id", node_id), ("since", start and start.isoformat()),
                                ("until", end and end.isoformat())) if v}
    pages = max(1, -(-listing["total"] // PER_PAGE))
    return render_page(
        request, "audit/desk.html", title="审计日志", block="results", listing=listing, names=names, people=people,
        chosen=chosen, actions=ACTIONS, objects=OBJECTS, refused=REFUSED_ACTION, pages=pages,
        actors=_actors(db), units=db.scalars(select(Node).order_by(Node.level, Node.code).limit(1000)).all(),
        may_export="audit:export" in current_actor(request).permissions(),
        export_query=urlencode({"format": "xlsx", **export}),
        page_link=lambda n: "?" + urlencode({**{k: str(v) for k, v in chosen.items()}, "page": n}))


def _people(db: ScopedSession, ids: list[int | None]) -> dict[int, str]:
    """user id → "姓名(用户名)": a record keeps the username; the desk shows who that is."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    rows = db.execute(select(User.id, User.display_name, User.username).where(User.id.in_(wanted)),
                      execution_options={"skip_scope": True}).all()
    return {i: f"{name}({username})" for i, name, username in rows}


def _actors(db: ScopedSession) -> list[tuple[int, str]]:
    """The people who appear in the records the viewer sees (for the 操作人 filter)."""
    ids = db.scalars(select(AuditRecord.actor_id).where(AuditRecord.actor_id.is_not(None)).distinct().limit(2000)).all()
    return sorted(_people(db, list(ids)).items(), key=lambda r: r[1])


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
