"""Shared by bench/concurrency.py and its test: a real server process and a crowd of clerks
registering matters at once.

The server is ``xinfang serve --demo`` in a subprocess on 127.0.0.1 (a free port) with the
given database URL; the clerks are asyncio tasks with one HTTP connection each, logged in
as a demo officer, posting registrations back to back until the time is up. Every
registration carries a unique marker in its summary, so afterwards the database tells
which ones were saved (``saved_markers``).
"""

from __future__ import annotations

import asyncio
import math
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select

from xinfang.platform.demo import DEMO_PASSWORD
from xinfang.platform.privacy.identity import check_digit

XINFANG = str(Path(sys.executable).with_name("xinfang"))
OFFICER = "xx_officer"
COUNTY_CODE = "411323"
MARKER = "并发登记"


@dataclass
class Outcome:
    marker: str
    status: int  # 0: no answer (connection error or client timeout)
    ms: float
    message: str = ""


@dataclass
class Run:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> list[Outcome]:
        return [o for o in self.outcomes if 200 <= o.status < 300]

    @property
    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if not 200 <= o.status < 300]

    def p(self, q: float, outcomes: list[Outcome] | None = None) -> float:
        values = sorted(o.ms for o in (self.outcomes if outcomes is None else outcomes))
        if not values:
            return 0.0
        return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(database_url: str, workdir: Path, env: dict[str, str] | None = None,
           start_timeout: float = 300, workers: int = 1) -> Iterator[str]:
    """``xinfang serve --demo`` (``--workers`` web processes) on a free loopback port; yields its
    base URL, stops it after. Loading the demo data takes seconds on a quiet machine, minutes on
    a loaded one."""
    port = free_port()
    environ = {**os.environ, "XINFANG_DATABASE_URL": database_url, "XINFANG_SECRET_KEY": "bench-secret",
               "XINFANG_STORAGE_DIR": str(workdir / "files"), **(env or {})}
    environ.pop("XINFANG_REDIS_URL", None)
    log_path = workdir / "server.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen([XINFANG, "serve", "--host", "127.0.0.1", "--port", str(port), "--demo",
                                 "--workers", str(workers)],
                                env=environ, cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + start_timeout
            while True:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start:\n{log_path.read_text()[-3000:]}")
                try:
                    if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def login(base: str, username: str = OFFICER) -> tuple[str, int]:
    """A bearer token for ``username`` and the id of the county office it registers at."""
    resp = httpx.post(f"{base}/api/auth/login", json={"username": username, "password": DEMO_PASSWORD}, timeout=30)
    resp.raise_for_status()
    token = resp.json()["token"]
    me = httpx.get(f"{base}/api/auth/me", headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
    node_id = next(a["node_id"] for a in me["assignments"] if a["node"] == COUNTY_CODE)
    return token, node_id


def _id_number(n: int) -> str:
    first = f"{COUNTY_CODE}1970{1 + n // 28 % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return first + check_digit(first)


def registration(marker: str, node_id: int, n: int) -> dict:
    return {"node_id": node_id, "channel": "visit", "form": "individual", "kind": "claim",
            "category": "城镇房屋拆迁", "summary": f"{MARKER} {marker} 反映房屋拆迁补偿未到位",
            "demands": "要求补足补偿款",
            "petitioners": [{"name": "王五", "id_number": _id_number(n), "phone": "13912345678",
                             "address": "城东社区2号"}]}


async def _clerk(base: str, token: str, node_id: int, until: float, run: Run, timeout: float,
                 max_requests: int | None) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=1)
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=timeout, limits=limits) as client:
        sent = 0
        while time.monotonic() < until and (max_requests is None or sent < max_requests):
            marker = uuid.uuid4().hex
            started = time.perf_counter()
            try:
                resp = await client.post("/api/matters", json=registration(marker, node_id, len(run.outcomes)))
                status, message = resp.status_code, "" if resp.is_success else resp.text[:300]
            except httpx.HTTPError as exc:
                status, message = 0, f"{type(exc).__name__}: {exc}"
            run.outcomes.append(Outcome(marker, status, (time.perf_counter() - started) * 1000, message))
            sent += 1


def drive(base: str, writers: int, seconds: float, timeout: float = 60,
          max_requests: int | None = None) -> Run:
    """``writers`` clerks registering back to back for ``seconds`` (each stops after
    ``max_requests`` if given); every request is waited for, up to ``timeout``."""
    token, node_id = login(base)
    run = Run()

    async def main() -> None:
        until = time.monotonic() + seconds
        await asyncio.gather(*(_clerk(base, token, node_id, until, run, timeout, max_requests)
                               for _ in range(writers)))

    started = time.perf_counter()
    asyncio.run(main())
    run.seconds = time.perf_counter() - started
    return run


def settle(database_url: str, timeout: float = 300) -> float:
    """Wait until the server's start-up jobs (the demo scan's ~280 reminder notices) are done, so
    the clerks do not race them for the CPU; returns the seconds waited."""
    from xinfang.platform.jobs.outbox import PENDING, OutboxJob

    engine = create_engine(database_url)
    started = time.monotonic()
    try:
        while time.monotonic() - started < timeout:
            with engine.connect() as conn:
                if not conn.scalar(select(func.count()).select_from(OutboxJob).where(OutboxJob.status == PENDING)):
                    break
            time.sleep(0.5)
    finally:
        engine.dispose()
    return time.monotonic() - started


def saved_markers(database_url: str) -> set[str]:
    """The markers of every matter the database holds."""
    from xinfang.platform.matters.models import Matter

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            summaries = conn.scalars(select(Matter.summary).where(Matter.summary.like(f"{MARKER} %"))).all()
    finally:
        engine.dispose()
    return {s.split()[1] for s in summaries}
