"""A county's year dashboard at county size: p99 of ``GET /api/statistics/nodes/{county}/figures
?period=<year>`` (every total, breakdown and rate with 同比 and 环比) against p99 of the county
matter list, in the same run, over 200,000 matters.

The matters come from bench/matters.py's loader (same tree, same generator); on top of it
each matter gets the statistical clocks the figures read (a 15-day 受理告知 clock for every
matter, met or late by its id; a 60-day 办理 clock for every accepted one, stopped on its
closing day) and a third of the closed ones a 回访, all with INSERT … SELECT. Then the two
requests are interleaved as in bench/matters.py. The dashboard answers from the figures cache
(platform/statistics/cache.py) after its first computation, as it does for an office whose data
has not changed since; the script also prints the time of the dashboard computed afresh.

PostgreSQL by default (a database of its own at XINFANG_TEST_PG_URL, dropped afterwards);
``--sqlite`` on a temp file with 20,000 matters; ``--matters N``, ``--requests N``, ``--keep``.
Last line: ``ratio=<p99 dashboard / p99 county list>`` (goal ≤ 2). Results: docs/benchmarks.md.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import matters as matter_bench  # noqa: E402
from _benchdb import database  # noqa: E402
from litestar.testing import TestClient
from sqlalchemy import select, text

from xinfang.platform import clock
from xinfang.platform.app import create_app
from xinfang.platform.db import make_engine
from xinfang.tenants.models import Node

REQUESTS = 200
COLD = 5


def _bearer(tokens: dict[str, str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[matter_bench.COUNTY_USER]}"}


def _plus(dialect: str, column: str, days: str) -> str:
    return f"({column} + ({days}))" if dialect == "postgresql" else f"date({column}, '+' || ({days}) || ' days')"


def add_clocks(url: str) -> str:
    """The clocks and follow-ups the rates count, written set-wise from the matters."""
    engine = make_engine(url)
    dialect = engine.dialect.name
    true, false = ("true", "false") if dialect == "postgresql" else ("1", "0")
    columns = ("matter_id, kind, node_id, started_on, amount, unit, rule, due_on, calendar_version, provisional, "
               "extension_days, paused_days, stopped_on, state, escalation_level")
    acknowledge = (
        f"INSERT INTO matter_clocks ({columns}) SELECT id, 'acknowledge', node_id, received_on, 15, 'calendar_days', "
        f"'civil_code', {_plus(dialect, 'received_on', '15')}, 'bench', {false}, 0, 0, "
        f"CASE WHEN state IN ('registered', 'assigned') THEN NULL ELSE {_plus(dialect, 'received_on', 'id % 20')} END, "
        "CASE WHEN state IN ('registered', 'assigned') THEN 'on_time' WHEN id % 20 <= 15 THEN 'met' ELSE 'late' END, 0 "
        "FROM matters")
    handling = (
        f"INSERT INTO matter_clocks ({columns}) SELECT id, 'handling', node_id, received_on, 60, 'calendar_days', "
        f"'civil_code', {_plus(dialect, 'received_on', '65')}, 'bench', {false}, 0, 0, closed_on, "
        f"CASE WHEN closed_on IS NULL THEN 'on_time' WHEN closed_on <= {_plus(dialect, 'received_on', '65')} "
        "THEN 'met' ELSE 'late' END, 0 FROM matters WHERE state NOT IN ('registered', 'assigned', 'not_accepted')")
    follow_ups = (
        'INSERT INTO matter_follow_ups (matter_id, "on", by, satisfaction, stopped_petitioning, note) '
        "SELECT id, closed_on, 'bench', CASE WHEN id % 4 = 0 THEN 'dissatisfied' ELSE 'satisfied' END, "
        f"CASE WHEN id % 5 = 0 THEN {false} ELSE {true} END, '' FROM matters "
        "WHERE closed_on IS NOT NULL AND id % 3 = 0")
    with engine.begin() as conn:
        counts = [conn.execute(text(sql)).rowcount for sql in (acknowledge, handling, follow_ups)]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if dialect == "postgresql" else "ANALYZE"))
    engine.dispose()
    return f"added {counts[0] + counts[1]} clocks and {counts[2]} follow-ups"


def run(postgres: bool, total: int, requests: int) -> tuple[list[str], float]:
    """Load, measure; the lines to print and the ratio."""
    with database(postgres, "xinfang_bench_stats", "--keep" in sys.argv) as url:
        settings = replace(matter_bench.Settings(), database_url=url, run_background=False)
        tokens, summary = matter_bench.load(settings, total)
        extra = add_clocks(url)
        app = create_app(settings)
        with app.state.session_factory(scope=matter_bench.Scope.system()) as s:
            county = s.scalar(select(Node.id).where(Node.code == "411323"))
        measured = {"county dashboard": (matter_bench.COUNTY_USER,
                                         f"/api/statistics/nodes/{county}/figures?period={clock.today().year}"),
                    "county list": matter_bench.REQUESTS_MEASURED["county list"]}
        with TestClient(app) as client:
            timings, totals = matter_bench.measure(client, tokens, requests, measured)
            cold = []  # the same request computed afresh each time: the cache emptied before each
            for _ in range(COLD):
                app.state.statistics_cache = None
                start = time.perf_counter()
                assert client.get(measured["county dashboard"][1], headers=_bearer(tokens)).status_code == 200
                cold.append((time.perf_counter() - start) * 1000)
        dialect = app.state.engine.dialect.name
        app.state.engine.dispose()
    p99 = {name: matter_bench.percentile(values, 0.99) for name, values in timings.items()}
    lines = [f"database: {dialect}; {summary}; {extra}",
             f"{requests} requests each after {matter_bench.WARM_UP} warm-up rounds, interleaved"]
    lines += [f"{name:16} p50 {matter_bench.percentile(timings[name], 0.5):8.2f} ms  p99 {p99[name]:8.2f} ms   "
              f"GET {path} as {user}, total={totals[name]}" for name, (user, path) in measured.items()]
    lines.append(f"county dashboard computed afresh (cache emptied), {COLD} times: "
                 f"median {sorted(cold)[len(cold) // 2]:.0f} ms, slowest {max(cold):.0f} ms")
    return lines, p99["county dashboard"] / p99["county list"]


def main() -> None:
    postgres = "--sqlite" not in sys.argv
    total = matter_bench._option("--matters", matter_bench.PG_MATTERS if postgres else matter_bench.SQLITE_MATTERS)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    lines, ratio = run(postgres, total, matter_bench._option("--requests", REQUESTS))
    print("\n".join(lines))
    print(f"ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
