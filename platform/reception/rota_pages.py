"""The reception rota in the browser: a week or month calendar of one unit's duties that a
township officer fills by clicking a day, a warning of clashes while the form is typed in
(``/reception/rota/check``, asked by HTMX), publication refused with the clashes listed, and
the link to the public notice. Every write goes through ``rota`` like the API's.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect

from xinfang.platform import clock
from xinfang.platform.calendar.service import WEEKDAYS, load_calendar
from xinfang.platform.errors import BadRequest, ClerkError
from xinfang.platform.reception import rota
from xinfang.platform.reception.models import RotaDuty
from xinfang.platform.ui.forms import committed, day_of, form_values, node_of, problems_of, read_form
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.ui.units import unit_in_view
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Id, OptionalId
from xinfang.tenants.levels import Level
from xinfang.tenants.lookup import get_or_404, node_names
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession

READ, WRITE = "reception:read", "reception:write"
VIEWS = {"week": "周", "month": "月"}
LABELS = {"on": "接访日期", "slot": "时段", "leader_name": "接访领导", "leader_position": "职务", "duties": "分管工作",
          "place": "接访地点", "leader_kind": "领导类别", "note": "备注", "node_id": "单位"}


def span(view: str, on: dt.date) -> tuple[dt.date, dt.date]:
    """The days a view shows: Monday to Sunday, or the whole weeks that hold the month."""
    if view == "month":
        first = on.replace(day=1)
        last = on.replace(day=calendar.monthrange(on.year, on.month)[1])
        return first - dt.timedelta(days=first.weekday()), last + dt.timedelta(days=6 - last.weekday())
    monday = on - dt.timedelta(days=on.weekday())
    return monday, monday + dt.timedelta(days=6)


def public_code(node: Node, db: ScopedSession) -> str | None:
    """The code of the notice that shows this unit's duties (a community's are on its township's)."""
    if node.level in (Level.COUNTY, Level.TOWNSHIP):
        return node.code
    owner = db.get(Node, node.township_id) if node.township_id else None
    return owner.code if owner is not None else None


def rota_page(request: Request, db: ScopedSession, node_id: int | None, *, view: str = "week",
              on: dt.date | None = None, form: dict[str, Any] | None = None, errors: list[str] | None = None,
              refused: list[dict] | None = None, status_code: int = 200) -> Response:
    if view not in VIEWS:
        raise BadRequest("视图应为 week(周)或 month(月)")
    actor = current_actor(request)
    node = unit_in_view(db, request, node_id, rota.ROTA_LEVELS)
    on = on or clock.today()
    start, end = span(view, on)
    context: dict[str, Any] = {"node": node, "view": view, "views": VIEWS, "on": on, "start": start, "end": end,
                               "form": form or {}, "errors": errors or [], "refused": refused or [],
                               "may_write": WRITE in actor.permissions(), "slots": rota.SLOTS,
                               "kinds": rota.LEADER_KINDS, "weekdays": WEEKDAYS}
    if node is not None:
        duties = rota.duties_under(db, node, start, end)
        names = node_names(db, [d.node_id for d in duties])
        rows = [rota.to_dict(d, names) for d in duties]
        clashes = rota.clashes(db, node, start, end, load_calendar(db))
        clash_ids = {i for c in clashes for i in c["duty_ids"]}
        weeks = [[start + dt.timedelta(days=7 * w + d) for d in range(7)] for w in range((end - start).days // 7 + 1)]
        step = dt.timedelta(days=7) if view == "week" else dt.timedelta(days=31)
        month_step = (on.replace(day=1) - dt.timedelta(days=1)) if view == "month" else on - step
        context |= {"weeks": weeks, "by_day": {day: [r for r in rows if r["on"] == day.isoformat()]
                                               for week in weeks for day in week},
                    "clashes": clashes, "clash_ids": clash_ids, "public_code": public_code(node, db),
                    "default_place": rows[-1]["place"] if rows else "",
                    "unpublished": sum(not r["published"] and r["node_id"] == node.id for r in rows),
                    "previous": month_step, "next": (on.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
                    if view == "month" else on + step,
                    "link": lambda **changes: "?" + urlencode({"node_id": node.id, "view": view,
                                                              "on": on.isoformat()} | changes)}
    return render_page(request, "reception/rota.html", title="领导接访安排", status_code=status_code, **context)


@get("/reception/rota", sync_to_thread=True)
def rota_calendar(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
                  view: FromQuery[str] = "week", on: FromQuery[str | None] = None,
                  day: FromQuery[str | None] = None) -> Response:
    """``day``: the day clicked, whose date the form below is filled with."""
    picked = day_of(day, "day")
    return rota_page(request, db, node_id, view=view, on=day_of(on, "on") or picked,
                     form={"on": picked.isoformat()} if picked else None)


@get("/reception/rota/check", sync_to_thread=True)
def rota_check(request: Request, db: NamedDependency[ScopedSession]) -> Response:
    """The form's warnings while it is filled in (nothing is saved): the duty's own problems
    and the clashes it would make. An incomplete form is not an error yet: no warning."""
    form = form_values(request.query_params)
    warnings: list[str] = []
    if form.get("node_id") and form.get("on") and form.get("leader_name"):
        try:
            data = read_form(rota.DutyIn, {**form, "place": form.get("place") or "待定"}, LABELS)  # not typed yet
            node = get_or_404(db, Node, data.node_id, "单位")
            warnings = [p for p in rota.duty_problems(db, node, data) if "不能为空" not in p]
            warnings += rota.clashes_of(db, node, data)
        except ClerkError as exc:
            warnings = [exc.message]
    return render_page(request, "reception/rota_check.html", warnings=warnings)


def _back(node_id: int, on: str, view: str, **extra: Any) -> Redirect:
    query = urlencode({"node_id": node_id, "view": view if view in VIEWS else "week", "on": on} | extra)
    return Redirect(f"/reception/rota?{query}", status_code=303)


@post("/reception/rota", opt={"permission": WRITE}, sync_to_thread=True, include_in_schema=False)
def rota_add(request: Request, db: NamedDependency[ScopedSession], data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = form_values(data)
    view = form.get("view", "week")
    duty = committed(db, lambda: rota.create_duty(db, current_actor(request), read_form(rota.DutyIn, form, LABELS)))
    if isinstance(duty, ClerkError):
        return rota_page(request, db, node_of(form), view=view if view in VIEWS else "week",
                         on=day_of(form.get("on"), "on"), form=form, errors=problems_of(duty),
                         status_code=duty.status_code)
    return _back(duty.node_id, duty.on.isoformat(), view, saved=duty.id)


@post("/reception/rota/{duty_id:int}/delete", opt={"permission": WRITE}, sync_to_thread=True,
      include_in_schema=False)
def rota_delete(request: Request, db: NamedDependency[ScopedSession], duty_id: FromPath[Id],
                data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = form_values(data)
    duty = get_or_404(db, RotaDuty, duty_id, "接访安排")
    node_id, on = duty.node_id, duty.on
    refused = committed(db, lambda: rota.delete_duty(db, duty))
    if isinstance(refused, ClerkError):
        return rota_page(request, db, node_id, view=form.get("view", "week"), on=on, errors=[refused.message],
                         status_code=refused.status_code)
    return _back(int(form.get("node_id") or node_id), form.get("on") or on.isoformat(), form.get("view", "week"))


@post("/reception/rota/publish", opt={"permission": WRITE}, sync_to_thread=True, include_in_schema=False)
def rota_publish(request: Request, db: NamedDependency[ScopedSession],
                 data: URLEncodedBody[dict[str, Any]]) -> Response:
    """Publishes the unit's duties of the days shown; refused (409) with the clashes listed."""
    form = form_values(data)
    view = form.get("view", "week")
    node_id = node_of(form)
    start, end, on = day_of(form.get("start"), "start"), day_of(form.get("end"), "end"), day_of(form.get("on"), "on")
    if node_id is None or start is None or end is None:
        raise BadRequest("请指定要发布的单位和日期范围")
    node = get_or_404(db, Node, node_id, "单位")
    count = committed(db, lambda: rota.publish(db, current_actor(request), node, start, end, load_calendar(db),
                                               clock.now()))
    if isinstance(count, ClerkError):
        return rota_page(request, db, node_id, view=view if view in VIEWS else "week", on=on,
                         errors=[] if count.details else [count.message], refused=count.details,
                         status_code=count.status_code)
    return _back(node_id, (on or start).isoformat(), view, published=count)


PAGES = [("/reception/rota", "领导接访安排", READ, rota_calendar),
         ("/reception/rota/check", "接访安排检查", READ, rota_check)]
FORM_ROUTES = [rota_add, rota_delete, rota_publish]
