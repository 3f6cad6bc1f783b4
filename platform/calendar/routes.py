"""The working-day calendar over HTTP: covered years, a year's days, entering a notice,
and computing a deadline."""

from __future__ import annotations

import datetime as dt

from litestar import Request, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from xinfang.platform.calendar.service import (
    CALENDAR_DAYS,
    CIVIL_CODE,
    RECOMPUTE_JOB,
    Notice,
    YearData,
    load_calendar,
    store_year,
    year_data,
)
from xinfang.platform.errors import NotFound
from xinfang.platform.jobs.outbox import enqueue
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Days, Year
from xinfang.tenants.scope import ScopedSession


@get("/api/calendar/years", opt={"permission": "calendar:read"}, sync_to_thread=True, summary="工作日历已覆盖的年份")
def list_years(db: NamedDependency[ScopedSession]) -> dict:
    calendar = load_calendar(db)
    return {"version": calendar.version, "package_version": calendar.package_version,
            "years": [y.summary() for y in calendar.years()]}


@get("/api/calendar/years/{year:int}", opt={"permission": "calendar:read"}, sync_to_thread=True,
     summary="某年的放假和调休上班日期")
def read_year(db: NamedDependency[ScopedSession], year: FromPath[Year]) -> dict:
    calendar = load_calendar(db)
    data = calendar.year(year)
    if data is None:
        raise NotFound(f"{year}年的节假日安排尚未录入,该年按周一至周五上班计算,期限为暂定")
    return {**data.to_dict(), "version": calendar.version}


@put("/api/calendar/years/{year:int}", opt={"permission": "calendar:manage"}, sync_to_thread=True,
     summary="录入国务院办公厅节假日安排通知(替换该年已录入的数据)")
def put_year(request: Request, db: NamedDependency[ScopedSession], year: FromPath[Year],
             data: JSONBody[Notice]) -> dict:
    stored = enter_notice(request, db, year, data)
    return {**stored.to_dict(), "version": load_calendar(db).version}


def enter_notice(request: Request, db: ScopedSession, year: int, notice: Notice) -> YearData:
    """Store a year's notice (committed) and have every open deadline recomputed on it at once
    (provisional ones become final) by the deadline job, rather than at the next hourly scan."""
    actor = current_actor(request)
    row = store_year(db, year, notice, entered_by=actor.display_name or actor.username, entered_by_id=actor.user_id)
    stored = year_data(row)
    enqueue(db, RECOMPUTE_JOB, {"year": year})
    db.commit()
    executor = getattr(request.app.state, "executor", None)
    if executor is not None:  # embedded mode: start now
        executor.wake()
    return stored


@get("/api/calendar/deadline", opt={"permission": "calendar:read"}, sync_to_thread=True, summary="计算期限届满日")
def compute_deadline(db: NamedDependency[ScopedSession], start: FromQuery[dt.date], amount: FromQuery[Days],
                     unit: FromQuery[str] = CALENDAR_DAYS, rule: FromQuery[str] = CIVIL_CODE) -> dict:
    return load_calendar(db).deadline(start, amount, unit, rule).to_dict()  # type: ignore[arg-type]


route_handlers = [list_years, read_year, put_year, compute_deadline]
