"""The Wednesday/Friday reporting cycle in the browser: the township's board of who has
submitted (on time / late / missing, ``cycle.overview`` as the API answers it), a
submission's content, and a community's submit page. Services are the API's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect

from xinfang.platform import clock
from xinfang.platform.calendar.service import WorkCalendar, load_calendar
from xinfang.platform.errors import ClerkError
from xinfang.platform.reporting import cycle
from xinfang.platform.reporting.models import Submission
from xinfang.platform.reporting.routes import submission_detail
from xinfang.platform.ui.forms import committed, day_of, form_values, node_of
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.ui.units import unit_in_view
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Id, OptionalId
from xinfang.tenants.levels import Level
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession

READ, SUBMIT = "reporting:read", "reporting:submit"
BOARD_LEVELS = (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)
RECENT_DAYS = 28  # the reporting days offered for choosing: four weeks back and the next one


def _recent(calendar: WorkCalendar, today: dt.date) -> list[dt.date]:
    return list(reversed(cycle.due_dates(calendar, today - dt.timedelta(days=RECENT_DAYS),
                                         cycle.next_due(calendar, today))))


@get("/reporting", sync_to_thread=True)
def board(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
          due_on: FromQuery[str | None] = None) -> Response:
    """The reporting day is the API's default (the next one) unless chosen."""
    node = unit_in_view(db, request, node_id, BOARD_LEVELS)
    calendar = load_calendar(db)
    today = clock.today()
    due = day_of(due_on, "due_on") or cycle.next_due(calendar, today)
    view = cycle.overview(db, node, due, clock.now(), calendar) if node is not None else None
    return render_page(request, "reporting/board.html", title="周三、周五报送情况", node=node, view=view, due=due,
                       recent=_recent(calendar, today), kinds=cycle.KINDS,
                       may_submit=SUBMIT in current_actor(request).permissions())


@get("/reporting/submissions/{submission_id:int}", sync_to_thread=True)
def submission_page(request: Request, db: NamedDependency[ScopedSession], submission_id: FromPath[Id]) -> Response:
    found = submission_detail(db, get_or_404(db, Submission, submission_id, "报送记录"))
    return render_page(request, "reporting/submission.html", title=f"{found['node_name']}{found['kind_label']}",
                       s=found)


def submit_page(request: Request, db: ScopedSession, node_id: int | None, due: dt.date | None, *,
                error: str = "", status_code: int = 200) -> Response:
    node = unit_in_view(db, request, node_id, (Level.VILLAGE,))
    calendar = load_calendar(db)
    today = clock.today()
    due = due or cycle.next_due(calendar, today)
    context: dict[str, Any] = {"node": node, "due": due, "error": error, "kinds": cycle.KINDS,
                               "recent": [d for d in _recent(calendar, today) if cycle.period_of(calendar, d)[0] <= today],
                               "may_submit": SUBMIT in current_actor(request).permissions()}
    if node is not None:
        start, end = cycle.period_of(calendar, due)
        row = cycle.overview(db, node, due, clock.now(), calendar)
        context |= {"row": row["communities"][0], "view": row, "period": (start, end), "open": today >= start,
                    "counts": {k: len(cycle.items_of(db, node, k, start, end)) for k in cycle.KINDS}}
    return render_page(request, "reporting/submit.html", title="向乡镇（街道）报送", status_code=status_code,
                       **context)


@get("/reporting/submit", sync_to_thread=True)
def submit_form(request: Request, db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
                due_on: FromQuery[str | None] = None) -> Response:
    return submit_page(request, db, node_id, day_of(due_on, "due_on"))


@post("/reporting/submit", opt={"permission": SUBMIT}, sync_to_thread=True, include_in_schema=False)
def submit(request: Request, db: NamedDependency[ScopedSession], data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = form_values(data)
    node_id = node_of(form)
    due = day_of(form.get("due_on"), "due_on")
    node = get_or_404(db, Node, node_id, "单位")
    done = committed(db, lambda: cycle.submit(db, current_actor(request), node, form.get("kind", ""), due,
                                              form.get("note", "")[:500], clock.now(), load_calendar(db)))
    if isinstance(done, ClerkError):
        return submit_page(request, db, node_id, due, error=done.message, status_code=done.status_code)
    return Redirect(f"/reporting/submit?node_id={node.id}&due_on={due.isoformat() if due else ''}&done="
                    f"{form.get('kind')}", status_code=303)


PAGES = [("/reporting", "周三、周五报送情况", READ, board),
         ("/reporting/submissions/{submission_id:int}", "报送详情", READ, submission_page),
         ("/reporting/submit", "报送清单", READ, submit_form)]
FORM_ROUTES = [submit]
