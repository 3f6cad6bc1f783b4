"""The working-day calendar in the browser: the years covered (from the installed package or
entered here), a year's holidays and make-up workdays, and the form to enter a year's State
Council notice — one line per day or range — stored by the API's own ``enter_notice``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect

from xinfang.platform import clock
from xinfang.platform.calendar.routes import enter_notice
from xinfang.platform.calendar.service import MAX_YEAR, MIN_YEAR, Notice, NoticeDay, load_calendar
from xinfang.platform.errors import BadRequest, ClerkError
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Year
from xinfang.tenants.scope import ScopedSession

FIELD_LIMIT = 4_000
MAX_RANGE = 31  # a holiday range longer than a month is a typing mistake


def parse_days(text: str, what: str) -> list[NoticeDay]:
    """Lines of ``2027-02-10 春节`` or ``2027-02-10至2027-02-17 春节`` (also ``~``, ``－``)."""
    days: list[NoticeDay] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        when, _, name = line.partition(" ")
        if not name.strip():
            when, _, name = line.partition("\u3000")
        first, sep, last = when.replace("~", "至").replace("－", "至").partition("至")
        try:
            start = dt.date.fromisoformat(first.strip())
            end = dt.date.fromisoformat(last.strip()) if sep else start
        except ValueError as exc:
            raise BadRequest(f"{what}第{number}行“{line[:40]}”:日期应写成 2027-02-10 或 2027-02-10至2027-02-17,"
                             "后接空格和节日名称") from exc
        if end < start or (end - start).days > MAX_RANGE:
            raise BadRequest(f"{what}第{number}行:日期范围不正确")
        days += [NoticeDay(start + dt.timedelta(days=n), name.strip()) for n in range((end - start).days + 1)]
    return days


def _page(request: Request, db: ScopedSession, year: int | None, *, form: dict[str, str] | None = None,
          error: str = "", problems: list[str] | None = None, status_code: int = 200) -> Response:
    calendar = load_calendar(db)
    years = calendar.years()
    shown = year or clock.today().year
    data = calendar.year(shown)
    return render_page(
        request, "admin/calendar.html", title="工作日历", status_code=status_code, years=[y.summary() for y in years],
        shown=shown, data=data.to_dict() if data else None, form=form or {}, error=error, problems=problems or [],
        may_manage="calendar:manage" in current_actor(request).permissions(), min_year=MIN_YEAR, max_year=MAX_YEAR,
        saved=request.query_params.get("saved"))


@get("/admin/calendar", sync_to_thread=True)
def calendar_page(request: Request, db: NamedDependency[ScopedSession], year: FromQuery[Year | None] = None) -> Response:
    return _page(request, db, year)


@post("/admin/calendar", opt={"permission": "calendar:manage"}, sync_to_thread=True, include_in_schema=False)
def notice_submit(request: Request, db: NamedDependency[ScopedSession], data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = {k: str(v)[:FIELD_LIMIT] for k, v in data.items()}
    raw_year = form.get("year", "").strip()
    year = int(raw_year) if raw_year.isdigit() and len(raw_year) == 4 else None
    try:
        if year is None:
            raise BadRequest("请填写年份(四位数字)")
        notice = Notice(title=form.get("title", "").strip()[:200], document_number=form.get("document_number", "").strip()[:64],
                        holidays=parse_days(form.get("holidays", ""), "放假日期"),
                        workdays=parse_days(form.get("workdays", ""), "调休上班日"))
        enter_notice(request, db, year, notice)
    except ClerkError as exc:
        db.rollback()
        problems = [d["message"] for d in exc.details if d.get("message")]
        return _page(request, db, year, form=form, error=exc.message, problems=problems, status_code=exc.status_code)
    return Redirect(f"/admin/calendar?year={year}&saved=1", status_code=303)


PAGES = [("/admin/calendar", "工作日历", "calendar:read", calendar_page)]
FORM_ROUTES = [notice_submit]
