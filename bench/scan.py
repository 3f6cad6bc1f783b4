"""The periodic deadline scan over a county-sized database: a first scan, then the same
scan again with nothing changed (it is idempotent, so it must also be cheap when it is).

The matters come from ``bench/matters.py``'s loader (200,000 by default on PostgreSQL, the
same realistic mix of ages, states and units); every matter with an open statutory duty
then gets its clock, made the way the service makes it (the county's counting rule on the
current working-day calendar) and stored with its state as of the previous day. A catch-up scan for yesterday
then sends every reminder and first 督办 step this database never sent (printed, not the
goal: it happens once, when the platform takes over a county's open matters). The first
scan is a day's real work: today's scan after yesterday's — clocks that cross into 即将到期
or 已超期 today, their reminders, the next 督办 steps now due. The second scan, with the
clock unchanged, must find nothing to do.

PostgreSQL by default; ``--sqlite`` runs on a temp SQLite file with 20,000 matters.
``--matters N`` changes the count. Prints what each scan did and, last,
``first=<seconds> again=<seconds>`` (goals: < 10 s and < 2 s at 200,000 on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _benchdb import database  # noqa: E402
from matters import PG_MATTERS, SQLITE_MATTERS, SYSTEM, _copy, _option, load  # noqa: E402
from sqlalchemy import bindparam, func, insert, select, update  # noqa: E402

from xinfang.platform import clock  # noqa: E402
from xinfang.platform.calendar.service import load_calendar  # noqa: E402
from xinfang.platform.db import make_engine  # noqa: E402
from xinfang.platform.extensions.manager import build_plugin_manager  # noqa: E402
from xinfang.platform.matters import clocks, scan  # noqa: E402
from xinfang.platform.matters.models import Matter, MatterClock, MatterUnit  # noqa: E402
from xinfang.platform.matters.rules import rules_for  # noqa: E402
from xinfang.platform.sessions import make_session_factory  # noqa: E402
from xinfang.platform.settings import Settings  # noqa: E402
from xinfang.tenants.scope import Scope  # noqa: E402

# The duty a matter's state leaves open, and whose unit must meet it.
DUTY_BY_STATE = {"registered": "dispose", "assigned": "acknowledge", "handling": "handling",
                 "reviewing": "review", "rereviewing": "rereview"}
CHUNK = 10_000


def add_clocks(settings: Settings) -> int:
    """One open clock per matter with an open duty, due where the generator put the matter's
    due date (started that many days before, then through the real calendar)."""
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine, settings, plugins=build_plugin_manager())
    yesterday = clock.today() - dt.timedelta(days=1)
    made = 0
    with factory(scope=Scope.system()) as s:
        calendar = load_calendar(s)
        rules = {}
        lead = dict(s.execute(select(MatterUnit.matter_id, MatterUnit.unit_id).where(MatterUnit.role == "lead"),
                              execution_options=SYSTEM).all())
        rows = s.execute(select(Matter.id, Matter.state, Matter.node_id, Matter.county_id, Matter.due_on)
                         .where(Matter.due_on.is_not(None), Matter.state.in_(DUTY_BY_STATE))
                         .order_by(Matter.id), execution_options=SYSTEM).all()
        clock_rows, summaries = [], []
        for matter_id, state, owner, county_id, due in rows:
            if county_id not in rules:
                rules[county_id] = rules_for(s, county_id)
            kind = DUTY_BY_STATE[state]
            spec = clocks.RULES[kind]
            started = due - dt.timedelta(days=spec.amount)
            deadline = calendar.deadline(started, spec.amount, spec.unit, rules[county_id].counting_rule)
            row = MatterClock(started_on=started, due_on=deadline.due, stopped_on=None, paused_since=None)
            state_then = clocks.state_on(row, yesterday, rules[county_id].due_soon_days)
            clock_rows.append({"matter_id": matter_id, "kind": kind,
                               "node_id": owner if kind in ("dispose",) else lead.get(matter_id, owner),
                               "started_on": started, "amount": spec.amount, "unit": spec.unit,
                               "rule": rules[county_id].counting_rule, "due_on": deadline.due,
                               "calendar_version": deadline.calendar_version, "provisional": deadline.provisional,
                               "extension_days": 0, "paused_days": 0, "state": state_then, "escalation_level": 0})
            summaries.append({"b_id": matter_id, "b_due": deadline.due, "b_state": state_then})
        for i in range(0, len(clock_rows), CHUNK):
            batch = clock_rows[i:i + CHUNK]
            if engine.dialect.name == "postgresql":
                _copy(s, MatterClock.__table__, batch)
            else:
                s.execute(insert(MatterClock.__table__), batch, execution_options=SYSTEM)
            made += len(batch)
        table = Matter.__table__
        s.execute(update(table).where(table.c.id == bindparam("b_id"))
                  .values(due_on=bindparam("b_due"), deadline_state=bindparam("b_state")), summaries,
                  execution_options=SYSTEM)
        s.commit()
        assert s.scalar(select(func.count()).select_from(MatterClock), execution_options=SYSTEM) == made
    engine.dispose()
    return made


def timed_scan(settings: Settings, today: dt.date) -> tuple[float, scan.ScanReport]:
    engine = make_engine(settings.database_url)
    factory = make_session_factory(engine, settings, plugins=build_plugin_manager())
    started = time.perf_counter()
    report = scan.scan(factory, today)
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed, report


def main() -> None:
    postgres = "--sqlite" not in sys.argv
    total = _option("--matters", PG_MATTERS if postgres else SQLITE_MATTERS)
    logging.getLogger("xinfang").setLevel(logging.WARNING)
    with database(postgres, "xinfang_bench_scan", "--keep" in sys.argv) as url:
        settings = replace(Settings(), database_url=url, run_background=False)
        _, summary = load(settings, total)
        made = add_clocks(settings)
        today = clock.today()
        catch_up, caught = timed_scan(settings, today - dt.timedelta(days=1))
        first, report = timed_scan(settings, today)
        again, second = timed_scan(settings, today)
    print(f"database: {'postgresql' if postgres else 'sqlite'}; {summary}; {made} open clocks")
    print(f"catch-up    {catch_up:7.2f} s: {caught}")
    print(f"first scan  {first:7.2f} s: {report}")
    print(f"second scan {again:7.2f} s: {second}")
    assert second.matters == 0, "the second scan wrote something: the scan is not idempotent"
    print(f"first={first:.2f} again={again:.2f}")


if __name__ == "__main__":
    main()
