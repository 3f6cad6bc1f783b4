"""The matter list as a page against the same list as JSON: p50/p99 of ``GET /matters`` (the
HTML page, frame and filters included) and ``GET /api/matters`` at 200,000 matters, same run,
same user, same filters, interleaved so noise hits both alike.

The data is bench/matters.py's (the demo counties grown to county size, matters bulk-loaded).
PostgreSQL by default; ``--sqlite`` runs on a temp SQLite file with 20,000 matters. Options:
``--matters N``, ``--requests N``. Each request's CPU time (the process's: client, app and
handler threads; PostgreSQL's own is not counted) is printed beside its wall time, a figure a
loaded machine disturbs less. Last line: ``ratio=<html p99 / json p99>`` (goal ≤ 1.5).
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _benchdb import database  # noqa: E402
from litestar.testing import TestClient
from matters import PG_MATTERS, SQLITE_MATTERS, load, percentile

from xinfang.platform.app import create_app
from xinfang.platform.settings import Settings

REQUESTS, WARM_UP = 200, 20
USER = "xx_officer"
FILTERS = "open=true&sort=due_on&descending=false&per_page=20"
MEASURED = {"html list": (f"/matters?{FILTERS}", "text/html"), "json list": (f"/api/matters?{FILTERS}", "application/json")}


def measure(client: TestClient, token: str, requests: int) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    names = list(MEASURED)
    timings: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for i in range(WARM_UP + requests):
        for k in range(len(names)):
            name = names[(i + k) % len(names)]
            url, accept = MEASURED[name]
            start, start_cpu = time.perf_counter(), time.process_time()
            resp = client.get(url, headers={"Authorization": f"Bearer {token}", "Accept": accept})
            elapsed, used = (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000
            assert resp.status_code == 200, (name, resp.status_code, resp.text[:300])
            if i >= WARM_UP:
                timings[name].append(elapsed)
                cpu[name].append(used)
    return timings, cpu


def _option(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def main() -> None:
    postgres = "--sqlite" not in sys.argv
    total = _option("--matters", PG_MATTERS if postgres else SQLITE_MATTERS)
    requests = _option("--requests", REQUESTS)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with database(postgres, "xinfang_bench_pages") as url:
        settings = replace(Settings(), database_url=url, run_background=False)
        tokens, summary = load(settings, total)
        app = create_app(settings)
        with TestClient(app) as client:
            timings, cpu = measure(client, tokens[USER], requests)
        app.state.engine.dispose()
    print(f"database: {app.state.engine.dialect.name}; {summary}")
    print(f"{requests} requests each after {WARM_UP} warm-up rounds, interleaved, as {USER}")
    for name, (path, _) in MEASURED.items():
        print(f"{name:10} p50 {percentile(timings[name], 0.5):7.2f} ms  p99 {percentile(timings[name], 0.99):7.2f} ms"
              f"  cpu p50 {percentile(cpu[name], 0.5):6.2f} ms   GET {path}")
    print(f"ratio={percentile(timings['html list'], 0.99) / percentile(timings['json list'], 0.99):.2f}")


if __name__ == "__main__":
    main()
