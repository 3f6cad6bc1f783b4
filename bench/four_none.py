"""四无乡镇's links at county size: p50/p99 of the matter list each count links to (by 问题所在地,
``place_id``, or by late clocks, ``late_clock_*``) against the dashboard's older kind of link
(``node_id`` of the township, received in the year), and of the year's 四无乡镇 list itself
(every criterion chosen), interleaved in one run so noise hits all alike.

The data is bench/matters.py's (the demo counties grown to county size, matters bulk-loaded).
PostgreSQL by default; ``--sqlite`` runs on a temp SQLite file with 20,000 matters. Options:
``--matters N``, ``--requests N``. Prints the process CPU seconds of the measured rounds too.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _benchdb import database  # noqa: E402
from litestar.testing import TestClient
from matters import PG_MATTERS, SQLITE_MATTERS, load, percentile
from sqlalchemy import select

from xinfang.platform import clock
from xinfang.platform.app import create_app
from xinfang.platform.settings import Settings
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope

REQUESTS, WARM_UP = 100, 10
USER = "xx_officer"
EVERY = [{"key": "beijing", "limit": 0}, {"key": "province_collective", "limit": 0},
         {"key": "repeat_overreach", "limit": 0}, {"key": "large_collective", "limit": 0, "people": 10},
         {"key": "overreach", "limit": 0}, {"key": "overdue", "limit": 0}]


def _option(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def urls(client: TestClient, headers: dict[str, str], county_id: int) -> dict[str, str]:
    """The year's list and, for the township with the most counted, each count's link and the
    ``node_id`` list of the same township and year."""
    assert client.put(f"/api/statistics/counties/{county_id}/four-none-rules", headers=headers,
                      json={"criteria": EVERY}).status_code == 200
    year = clock.today().year
    year_list = f"/api/statistics/counties/{county_id}/four-none-townships?year={year}"
    towns = client.get(year_list, headers=headers).json()["townships"]
    town = max(towns, key=lambda t: sum(t["counts"].values()))
    out = {"四无乡镇 list": year_list,
           "node_id list": f"/api/matters?node_id={town['id']}&received_from={year}-01-01&received_to={year}-12-31"}
    out.update({f"link {key}": "/api/matters?" + urlsplit(link).query for key, link in town["links"].items()})
    print(f"township {town['name']}: counts {town['counts']}")
    return out


def measure(client: TestClient, headers: dict[str, str], measured: dict[str, str], requests: int):
    names = list(measured)
    timings: dict[str, list[float]] = {name: [] for name in names}
    cpu = 0.0
    for i in range(WARM_UP + requests):
        cpu_start = time.process_time()
        for k in range(len(names)):
            name = names[(i + k) % len(names)]
            start = time.perf_counter()
            resp = client.get(measured[name], headers=headers)
            elapsed = (time.perf_counter() - start) * 1000
            assert resp.status_code == 200, (name, resp.status_code, resp.text[:300])
            if i >= WARM_UP:
                timings[name].append(elapsed)
        if i >= WARM_UP:
            cpu += time.process_time() - cpu_start
    return timings, cpu


def main() -> None:
    postgres = "--sqlite" not in sys.argv
    total = _option("--matters", PG_MATTERS if postgres else SQLITE_MATTERS)
    requests = _option("--requests", REQUESTS)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    with database(postgres, "xinfang_bench_four_none") as url:
        settings = replace(Settings(), database_url=url, run_background=False)
        tokens, summary = load(settings, total)
        app = create_app(settings)
        headers = {"Authorization": f"Bearer {tokens[USER]}", "Accept": "application/json"}
        with TestClient(app) as client:
            with app.state.session_factory(scope=Scope.system()) as s:
                county_id = s.scalar(select(Node.id).where(Node.code == "411323"))
            measured = urls(client, headers, county_id)
            timings, cpu = measure(client, headers, measured, requests)
        app.state.engine.dispose()
    print(f"database: {app.state.engine.dialect.name}; {summary}")
    print(f"{requests} rounds after {WARM_UP} warm-up rounds, interleaved, as {USER}; CPU {cpu:.1f} s")
    for name, path in measured.items():
        print(f"{name:26} p50 {percentile(timings[name], 0.5):8.2f} ms  p99 {percentile(timings[name], 0.99):8.2f} ms"
              f"   GET {path}")


if __name__ == "__main__":
    main()
