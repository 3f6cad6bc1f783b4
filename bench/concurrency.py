"""Concurrent writes: 50 clerks registering matters at once against a real server process,
on SQLite and then on PostgreSQL.

For each database a server (``xinfang serve --demo``, uvicorn on a free loopback port) is
started on a database of the bench's own (a temp SQLite file; a database created and
dropped in the server at XINFANG_TEST_PG_URL, default
postgresql+psycopg://postgres@127.0.0.1:5432/test), then ``--writers`` clients (default 50)
post registrations as a demo officer back to back for ``--seconds`` (default 30). Each
registration is then looked up in the database: a 2xx one must be saved, any other must
not be. Before the clerks start, the bench waits for the server's start-up jobs (the demo's
reminder notices) to finish. Options: ``--workers N`` (web processes, as ``serve --workers``;
production runs at least two), ``--sqlite-only``, ``--postgres-only``. Prints a line per database and,
last, ``errors=<n> p99_ms=<x>`` over both (an answer other than 2xx — a 503 included — or
no answer counts as an error). Results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _benchdb import database
from _writers import Run, drive, saved_markers, server, settle


def one(postgres: bool, writers: int, seconds: float, workers: int) -> Run:
    with database(postgres, "xinfang_bench_concurrency") as url, tempfile.TemporaryDirectory() as tmp:
        with server(url, Path(tmp), workers=workers) as base:
            waited = settle(url)
            run = drive(base, writers, seconds)
        saved = saved_markers(url)
    name = "postgresql" if postgres else "sqlite"
    statuses = Counter(o.status for o in run.outcomes)
    lost = [o for o in run.ok if o.marker not in saved]
    ghosts = [o for o in run.errors if o.marker in saved]
    print(f"{name:10} {workers} web process(es); start-up jobs done after {waited:.1f} s; load average "
          f"{open('/proc/loadavg').read().split()[0]}")
    print(f"{'':10} {len(run.outcomes)} registrations by {writers} writers in {run.seconds:.1f} s "
          f"({len(run.outcomes) / run.seconds:.1f}/s): p50 {run.p(0.5):.0f} ms, p99 {run.p(0.99):.0f} ms, "
          f"max {run.p(1.0):.0f} ms; statuses {dict(sorted(statuses.items()))}")
    if run.errors:
        print(f"{'':10} errors: p99 {run.p(0.99, run.errors):.0f} ms, max {run.p(1.0, run.errors):.0f} ms; "
              f"first: {run.errors[0].status} {run.errors[0].message[:200]}")
    print(f"{'':10} acknowledged but not saved: {len(lost)}; refused but saved: {len(ghosts)}")
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=1, help="web processes of the server (serve --workers)")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    args = parser.parse_args()
    runs = [one(postgres, args.writers, args.seconds, args.workers)
            for postgres in (False, True)
            if not (postgres and args.sqlite_only) and not (not postgres and args.postgres_only)]
    everything = Run([o for r in runs for o in r.outcomes])
    print(f"errors={len(everything.errors)} p99_ms={everything.p(0.99):.0f}")


if __name__ == "__main__":
    main()
