"""What one registration does inside its write transaction, on SQLite and PostgreSQL.

In-process (the app over Litestar's TestClient, on a database of the bench's own with the demo
data): ``--requests`` registrations (default 60) as ``xx_officer``, one after another, the
first five as warm-up. Counted at the driver: statements per request and inside the write
transaction (from its BEGIN to its COMMIT: on SQLite the one writer's lock), and the
transaction's duration, and the CPU time per registration: the process's, and the app's
threads' alone (the test client's thread left out). ``--verbose`` lists the statements inside the transaction; ``--profile N``
runs the app's threads under cProfile, timed by each thread's CPU clock (from the end of the
warm-up; slower, so its times are not the CPU figure's) and prints their N costliest functions by own time and by cumulative time.
Prints, last, ``ratio=<x>``: statements inside the write transaction ÷ statements of the
request (SQLite). Results: docs/benchmarks.md, "Shorter write transaction" and "A
registration's own CPU".
"""

from __future__ import annotations

import argparse
import collections
import cProfile
import io
import logging
import pstats
import statistics
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _benchdb import database
from _writers import COUNTY_CODE, OFFICER, registration
from litestar.testing import TestClient
from sqlalchemy import event

from xinfang.platform import demo
from xinfang.platform.app import create_app
from xinfang.platform.db import READ_ONLY_OPTION, make_engine
from xinfang.platform.extensions.manager import build_plugin_manager
from xinfang.platform.migrate import upgrade
from xinfang.platform.sessions import make_session_factory
from xinfang.platform.settings import Settings
from xinfang.tenants.scope import Scope

WARM_UP = 5


class ThreadProfiles:
    """One cProfile profiler per thread started after ``install()`` (the test client's event loop
    and the handlers' worker threads): cProfile sees only the thread it was enabled in."""

    def __init__(self) -> None:
        self.profilers: list[cProfile.Profile] = []

    def install(self) -> None:
        def start(*_args: object) -> None:
            profiler = cProfile.Profile(time.thread_time_ns, 1e-9)  # CPU time: waits cost nothing
            self.profilers.append(profiler)
            profiler.enable()  # replaces this hook for the thread

        threading.setprofile(start)

    def clear(self) -> None:
        """Forget what the warm-up cost (the threads are idle between requests)."""
        for profiler in self.profilers:
            profiler.clear()

    def report(self, top: int, path: str | None) -> str:
        threading.setprofile(None)  # type: ignore[arg-type]
        out = io.StringIO()
        stats = pstats.Stats(*self.profilers, stream=out) if self.profilers else None
        if stats is not None:
            if path:
                stats.dump_stats(path)
            for order in ("tottime", "cumulative"):
                stats.sort_stats(order).print_stats(top)
        return out.getvalue()


def app_threads_cpu() -> dict[tuple[int, bool], float]:
    """CPU seconds used so far by each thread but this one (the test client's): the app's event
    loop, and (``True`` in the key) the worker threads running its sync handlers."""
    return {(t.ident, t.name.startswith("asyncio_")): time.clock_gettime(time.pthread_getcpuclockid(t.ident))
            for t in threading.enumerate() if t.ident is not None and t is not threading.current_thread()}


def one(postgres: bool, requests: int, verbose: bool, profile: int = 0, profile_file: str | None = None) -> float:
    with database(postgres, "xinfang_bench_write_path") as url, tempfile.TemporaryDirectory() as tmp:
        settings = replace(Settings(), database_url=url, secret_key="bench-secret", storage_dir=Path(tmp),
                           run_background=False)
        plugins = build_plugin_manager()
        upgrade(url, plugins)
        engine = make_engine(url)
        with make_session_factory(engine, settings, plugins=plugins)(scope=Scope.system()) as session:
            session.info["actor"] = {"id": None, "name": "bench", "address": ""}
            demo.load(session)
            session.commit()
        engine.dispose()
        app = create_app(settings, plugins=plugins)
        seen = {"all": 0, "inside": 0, "begun": None, "held": [], "lines": collections.Counter()}

        @event.listens_for(app.state.engine, "begin")
        def _begin(conn):
            if not conn.get_execution_options().get(READ_ONLY_OPTION):
                seen["begun"] = time.perf_counter()

        @event.listens_for(app.state.engine, "commit")
        def _commit(_conn):
            if seen["begun"] is not None:
                seen["held"].append(time.perf_counter() - seen["begun"])
                seen["begun"] = None

        @event.listens_for(app.state.engine, "before_cursor_execute")
        def _statement(_conn, _cursor, statement, *_args):
            seen["all"] += 1
            if seen["begun"] is not None:
                seen["inside"] += 1
                seen["lines"][" ".join(statement.split())[:100]] += 1

        profiles = ThreadProfiles()
        if profile:
            profiles.install()
        with TestClient(app) as client:
            login = client.post("/api/auth/login", json={"username": OFFICER, "password": demo.DEMO_PASSWORD})
            headers = {"Authorization": f"Bearer {login.json()['token']}"}
            me = client.get("/api/auth/me", headers=headers).json()
            node_id = next(a["node_id"] for a in me["assignments"] if a["node"] == COUNTY_CODE)
            took = []
            cpu = 0.0
            app_cpu: dict[tuple[int, bool], float] = {}
            for n in range(requests):
                if n == WARM_UP:
                    seen.update(all=0, inside=0, held=[], lines=collections.Counter())
                    profiles.clear()
                    cpu, app_cpu = time.process_time(), app_threads_cpu()
                started = time.perf_counter()
                resp = client.post("/api/matters", json=registration(uuid.uuid4().hex, node_id, n), headers=headers)
                resp.raise_for_status()
                if n >= WARM_UP:
                    took.append(time.perf_counter() - started)
            cpu = time.process_time() - cpu
            used = {key: spent - app_cpu.get(key, 0.0) for key, spent in app_threads_cpu().items()}
            app, workers = sum(used.values()), sum(spent for (_, worker), spent in used.items() if worker)
        counted = requests - WARM_UP
        print(f"{'postgresql' if postgres else 'sqlite':10} request median {statistics.median(took) * 1000:.1f} ms; "
              f"write transaction median {statistics.median(seen['held']) * 1000:.1f} ms, "
              f"max {max(seen['held']) * 1000:.1f} ms; statements per request {seen['all'] / counted:.1f}, "
              f"inside the write transaction {seen['inside'] / counted:.1f}; "
              f"CPU a registration: process {cpu / counted * 1000:.1f} ms, app threads {app / counted * 1000:.1f} ms, "
              f"of which handler threads {workers / counted * 1000:.1f} ms")
        if verbose:
            for line, count in seen["lines"].most_common():
                print(f"{'':10} {count / counted:5.1f} × {line}")
        if profile:
            print(profiles.report(profile, profile_file and f"{profile_file}.{'postgresql' if postgres else 'sqlite'}"))
        return seen["inside"] / seen["all"]


def main() -> None:
    for noisy in ("httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="profile the app's threads; print the N costliest functions")
    parser.add_argument("--profile-file", metavar="PATH",
                        help="with --profile: also save the statistics (pstats) to PATH.sqlite / PATH.postgresql")
    args = parser.parse_args()
    ratio = None
    if not args.postgres_only:
        ratio = one(False, args.requests, args.verbose, args.profile, args.profile_file)
    if not args.sqlite_only:
        one(True, args.requests, args.verbose, args.profile, args.profile_file)
    if ratio is None:
        return
    print(f"ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
