"""Jobs in the Redis mode, with real processes: ``xinfang scheduler`` dispatches outbox rows to
``dramatiq`` worker subprocesses; a worker killed mid-job loses nothing and runs nothing twice;
the scheduler runs periodic tasks once per interval. On SQLite (one file shared by all the
processes) and PostgreSQL. Each test has its own Redis key namespace and removes only that.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import REDIS_URL, service_missing
from tests.entry_points import entry_point_folder
from tests.integration.jobs_fixture import EFFECT_JOB, HEARTBEAT_EVERY, effects, metadata, starts, ticks
from xinfang.platform.db import make_engine, read_only
from xinfang.platform.jobs import outbox
from xinfang.platform.sessions import make_session_factory
from xinfang.tenants.scope import Scope

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLAIM_SECONDS = 6  # short, so a dead worker's job is handed out again within the test (time limit 4.8 s)
WORKER = [str(BIN / "dramatiq"), "xinfang.platform.jobs.dramatiq_worker",
          "--processes", "1", "--threads", "1", "--worker-shutdown-timeout", "1000", "--path", str(ROOT)]
SCHEDULER = [str(BIN / "xinfang"), "scheduler", "--tick", "0.5"]
WAIT = 120  # seconds a test waits for the processes: ample on a machine whose cores are all busy


class Processes:
    """Subprocesses in their own sessions, logging to files; all killed at the end."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env, self.workdir = env, workdir
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, args: list[str], plugins: tuple[Path, ...] = ()) -> subprocess.Popen:
        """``plugins``: entry-point folders installing more plugins for this process only."""
        log = open(self.workdir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        env = {**self.env, "PYTHONPATH": os.pathsep.join([*map(str, plugins), self.env["PYTHONPATH"]])}
        proc = subprocess.Popen(args, env=env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        log.close()
        self.running[name] = proc
        return proc

    def check(self) -> None:
        for name, proc in self.running.items():
            if proc.poll() is not None and not getattr(proc, "expected_exit", False):
                pytest.fail(f"{name} exited with {proc.returncode}\n{self.logs()}", pytrace=False)

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ---\n{p.read_text(errors='replace')[-3000:]}"
                         for p in sorted(self.workdir.glob("*.log")))

    def kill_all(self) -> None:
        for proc in self.running.values():
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)

    def wait_for(self, what: str, probe: Callable[[], object], timeout: float) -> object:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if value := probe():
                return value
            self.check()
            time.sleep(0.2)
        pytest.fail(f"timed out after {timeout}s waiting for {what}\n{self.logs()}", pytrace=False)


@pytest.fixture
def namespace() -> Iterator[str]:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        service_missing("Redis at " + REDIS_URL, exc)
    name = f"xinfang-test-{uuid.uuid4().hex[:12]}"

    def flush() -> None:
        keys = list(client.scan_iter(match=f"{name}:*", count=500))
        if keys:
            client.delete(*keys)

    yield name
    flush()
    client.close()


@pytest.fixture
def world(database_url, namespace, tmp_path) -> Iterator[tuple[Processes, object]]:
    """The fixture tables, and a process group pointed at this database and namespace."""
    engine = make_engine(database_url)
    metadata.create_all(engine)
    env = {**os.environ, "XINFANG_DATABASE_URL": database_url, "XINFANG_REDIS_URL": REDIS_URL,
           "XINFANG_QUEUE_NAMESPACE": namespace, "XINFANG_JOB_CLAIM_SECONDS": str(CLAIM_SECONDS),
           "XINFANG_SECRET_KEY": "test-secret",
           # the test job is an installed plugin, found by the workers through its entry point
           "PYTHONPATH": os.pathsep.join(filter(None, [str(entry_point_folder(tmp_path, "test_jobs",
                                                                               "tests.integration.jobs_fixture")),
                                                       str(ROOT), os.environ.get("PYTHONPATH")]))}
    procs = Processes(env, tmp_path)
    try:
        yield procs, engine
    finally:
        procs.kill_all()
        metadata.drop_all(engine)
        engine.dispose()


def _enqueue(engine, *payloads: dict) -> list[int]:
    with make_session_factory(engine)(scope=Scope.system()) as s:
        ids = [outbox.enqueue(s, EFFECT_JOB, p).id for p in payloads]
        s.commit()
    return ids


def _jobs(engine, ids: list[int]) -> dict[int, outbox.OutboxJob]:
    with make_session_factory(read_only(engine))(scope=Scope.system()) as s:
        return {row.id: row for row in s.scalars(select(outbox.OutboxJob).where(outbox.OutboxJob.id.in_(ids)))}


def _count(engine, table, key: str) -> int:
    with read_only(engine).connect() as conn:
        return conn.scalar(select(func.count()).select_from(table).where(table.c.key == key))


def _all_done(engine, ids: list[int]) -> bool:
    return all(row.status == outbox.DONE for row in _jobs(engine, ids).values())


def test_a_job_reaches_a_dramatiq_worker_through_the_scheduler(world):
    procs, engine = world
    procs.start("scheduler", SCHEDULER)
    procs.start("worker", WORKER)
    with make_session_factory(engine)(scope=Scope.system()) as s:
        outbox.enqueue(s, EFFECT_JOB, {"key": "rolled-back"})
        s.rollback()
    ids = _enqueue(engine, *({"key": f"quick-{n}"} for n in range(3)))

    procs.wait_for("the jobs to be done", lambda: _all_done(engine, ids), timeout=WAIT)
    rows = _jobs(engine, ids)
    assert [(rows[i].attempts, rows[i].result) for i in ids] == [(1, f"effect quick-{n}") for n in range(3)]
    assert [_count(engine, effects, f"quick-{n}") for n in range(3)] == [1, 1, 1]
    assert _count(engine, starts, "rolled-back") == 0


def test_a_worker_killed_mid_job_loses_nothing_and_runs_nothing_twice(world):
    procs, engine = world
    procs.start("scheduler", SCHEDULER)
    first = procs.start("worker-1", WORKER)
    # One worker thread: the quick jobs are prefetched by the doomed worker and die with it in
    # Redis; only the dispatcher's re-send brings them back.
    slow, *quick = _enqueue(engine, {"key": "slow", "seconds": 3}, *({"key": f"after-{n}"} for n in range(2)))

    pid = procs.wait_for("the slow job to start", lambda: _first_pid(engine, "slow"), timeout=WAIT)
    assert pid != first.pid  # the worker process that dramatiq forked, not its parent
    os.kill(pid, signal.SIGKILL)
    first.expected_exit = True  # dramatiq's parent process shuts down when a worker dies
    killed = _jobs(engine, [slow])[slow]
    assert (killed.status, killed.attempts) == (outbox.RUNNING, 1)
    assert _count(engine, effects, "slow") == 0

    procs.start("worker-2", WORKER)
    procs.wait_for("every job to be done", lambda: _all_done(engine, [slow, *quick]), timeout=WAIT)
    rows = _jobs(engine, [slow, *quick])
    assert rows[slow].attempts == 2 and rows[slow].result == "effect slow"
    assert _count(engine, effects, "slow") == 1  # exactly once
    assert _count(engine, starts, "slow") == 2  # the killed run and the one that finished, no third
    assert [_count(engine, effects, f"after-{n}") for n in range(2)] == [1, 1]


def _first_pid(engine, key: str) -> int | None:
    with read_only(engine).connect() as conn:
        return conn.scalar(select(starts.c.pid).where(starts.c.key == key).order_by(starts.c.id).limit(1))


def test_the_scheduler_runs_a_periodic_task_once_per_interval(world):
    procs, engine = world
    heartbeat = entry_point_folder(procs.workdir, "test_heartbeat", "tests.integration.periodic_fixture")
    procs.start("scheduler", SCHEDULER, plugins=(heartbeat,))

    def moments() -> list[float] | None:
        with read_only(engine).connect() as conn:
            found = list(conn.scalars(select(ticks.c.at).order_by(ticks.c.at)))
        return found if len(found) >= 4 else None

    found = procs.wait_for("four runs of the periodic task", moments, timeout=WAIT)
    gaps = [b - a for a, b in itertools.pairwise(found)]
    every = HEARTBEAT_EVERY.total_seconds()
    # Behaviour, not punctuality: never twice within an interval; that it keeps coming back is the
    # four runs above. No upper bound: on a busy machine the first pass (every task's first run,
    # imports) has taken over 50 s.
    assert all(gap >= every for gap in gaps), gaps
