"""`make production-check`: the production topology on this machine, exercised and measured.

Brings up what deploy/README.md describes — Debian's nginx in front (the same proxy settings,
deploy/nginx/xinfang-proxy.conf), two uvicorn web processes, two dramatiq worker processes,
one scheduler — on the machine's PostgreSQL (a database of its own, dropped afterwards) and
Redis (a queue namespace of its own). Then, all through nginx:

1. a scenario: log in, register a matter received 13 days ago and assign it; start the
   scheduler, whose first deadline scan finds the unit's 告知 duty due soon and reminds the
   unit (delivered by a worker); the unit accepts and its 受理告知书 is rendered by a worker;
2. a load phase: clerks register matters concurrently; one web process and one worker are
   killed with SIGKILL part-way and restarted three seconds later (as systemd would);
3. the checks: every acknowledged registration is in the database (0 lost), every job ran to
   the end and no notice was delivered twice, the audit chains verify.

Prints what it measured and exits non-zero when a check fails. Bounded in time (about two
minutes); kills everything it started and drops what it created, whatever happens.
Options: ``--seconds N`` (load phase, default 30), ``--clients N`` (default 12).
"""

from __future__ import annotations

import collections
import datetime as dt
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import psycopg
import redis

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("XINFANG_CHECK_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("XINFANG_CHECK_REDIS_URL", "redis://127.0.0.1:6379/13")
NGINX_PORT, WEB_PORTS = 18480, (18481, 18482)
TOWNSHIP, VILLAGE = "411323001", "411323001001"  # demo: 白羽街道 and its 城东社区
PETITIONER = {"name": "王五", "id_number": "11010519491231002X", "phone": "13912345678"}


def _option(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


class Topology:
    """The processes, each with its own log file; restartable by name."""

    def __init__(self, workdir: Path, env: dict[str, str]) -> None:
        self.workdir, self.env = workdir, env
        self.commands: dict[str, list[str]] = {}
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str]) -> None:
        self.commands[name] = command
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the process's life
        self.procs[name] = subprocess.Popen(command, env=self.env, cwd=self.workdir, stdout=log, stderr=log,
                                            start_new_session=True)

    def kill(self, name: str) -> int:
        """SIGKILL the whole process group (a dramatiq parent and its forked worker alike)."""
        proc = self.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return proc.pid

    def stop_all(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        deadline = time.monotonic() + 15
        for proc in self.procs.values():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)

    def tail(self, name: str, lines: int = 30) -> str:
        path = self.workdir / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def _nginx_conf(workdir: Path) -> Path:
    upstream = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in WEB_PORTS)
    conf = workdir / "nginx.conf"
    conf.write_text(f"""
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/nginx-body;
    proxy_temp_path {workdir}/nginx-proxy;
    fastcgi_temp_path {workdir}/nginx-fastcgi;
    uwsgi_temp_path {workdir}/nginx-uwsgi;
    scgi_temp_path {workdir}/nginx-scgi;
    upstream xinfang_web {{
{upstream}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{NGINX_PORT};
        include {ROOT}/deploy/nginx/xinfang-proxy.conf;
    }}
}}
""")
    return conf


def _processes(workdir: Path, env: dict[str, str]) -> Topology:
    topology = Topology(workdir, env)
    for i, port in enumerate(WEB_PORTS, start=1):
        topology.start(f"web{i}", [str(BIN / "uvicorn"), "xinfang.platform.asgi:app", "--host", "127.0.0.1",
                                   "--port", str(port), "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1",
                                   "--log-level", "warning"])
    for i in (1, 2):
        topology.start(f"worker{i}", [str(BIN / "dramatiq"), "xinfang.platform.jobs.dramatiq_worker",
                                      "--processes", "1", "--threads", "2"])
    topology.start("nginx", ["/usr/sbin/nginx", "-p", str(workdir), "-c", str(_nginx_conf(workdir)),
                             "-g", "daemon off;"])
    return topology


def _wait(what: str, probe, timeout: float) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = probe()
        except (httpx.HTTPError, psycopg.Error):
            found = None
        if found:
            return found
        time.sleep(0.3)
    raise SystemExit(f"timed out waiting for {what}")


class Office:
    """A clerk's HTTP client through nginx."""

    def __init__(self, username: str) -> None:
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{NGINX_PORT}", timeout=60)
        resp = self.http.post("/api/auth/login", json={"username": username, "password": "Xinfang-2026"})
        assert resp.status_code in (200, 201), resp.text
        self.http.headers["Authorization"] = f"Bearer {resp.json()['token']}"

    def ok(self, method: str, url: str, expect: int = 200, **kwargs) -> dict:
        resp = self.http.request(method, url, **kwargs)
        assert resp.status_code == expect, (url, resp.status_code, resp.text[:300])
        return resp.json()


def _scenario(topology: Topology, db: psycopg.Connection, nodes: dict[str, int]) -> list[str]:
    township = village = Office("xx_by_officer")  # the 街道 office acts for its 社区 too
    received = (dt.date.today() - dt.timedelta(days=13)).isoformat()
    matter = township.ok("POST", "/api/matters", 201, json={
        "node_id": nodes[TOWNSHIP], "channel": "visit", "form": "individual", "kind": "claim", "category": "欠薪",
        "summary": "反映工地欠薪(上线检查)", "petitioners": [PETITIONER], "received_on": received})
    township.ok("POST", f"/api/matters/{matter['id']}/actions/assign", json={"on": received,
                                                                             "lead_unit_id": nodes[VILLAGE]})
    # the scheduler hands jobs to the workers; its first deadline scan finds the 15-day 告知
    # duty started on assignment 13 days ago due within three days, and reminds the unit
    topology.start("scheduler", [str(BIN / "xinfang"), "scheduler", "--tick", "0.5"])
    reminder = _wait("the scheduler's reminder", lambda: db.execute(
        "SELECT id FROM notifications WHERE matter_id = %s AND kind = 'due_soon'", (matter["id"],)).fetchone(), 60)
    village.ok("POST", f"/api/matters/{matter['id']}/actions/accept", json={"on": dt.date.today().isoformat()})
    asked = village.ok("POST", f"/api/matters/{matter['id']}/documents/acceptance", 202, json={})
    doc = _wait("the worker to render the 受理告知书",
                lambda: (d := village.ok("GET", asked["status_url"]))["status"] == "done" and d, 90)
    pdf = village.http.get(doc["file_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), pdf.status_code
    _wait("the reminder's delivery", lambda: db.execute(
        "SELECT 1 FROM outbox_jobs WHERE name = 'notifications.deliver' AND status = 'done' "
        "AND (payload->>'notification_id')::int = %s", (reminder[0],)).fetchone(), 60)
    return [f"scenario: matter {matter['number']} registered, assigned, accepted; 受理告知书 rendered "
            f"({len(pdf.content)} bytes, code {doc['code']}); reminder {reminder[0]} sent by the scheduler, delivered"]


def _load(topology: Topology, nodes: dict[str, int], seconds: int, clients: int) -> dict:
    acknowledged: list[int] = []
    latencies: list[float] = []
    failures: collections.Counter[str] = collections.Counter()
    lock, stop = threading.Lock(), threading.Event()
    offices = [Office("xx_by_officer") for _ in range(clients)]

    def clerk(office: Office, n: int) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            body = {"node_id": nodes[TOWNSHIP], "channel": "visit", "form": "individual", "kind": "claim",
                    "category": "欠薪", "summary": f"压测登记 {n}-{i}", "petitioners": [PETITIONER],
                    "received_on": dt.date.today().isoformat()}
            started = time.perf_counter()
            try:
                resp = office.http.post("/api/matters", json=body)
            except httpx.HTTPError as exc:
                with lock:
                    failures[type(exc).__name__] += 1
                continue
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if resp.status_code == 201:
                    acknowledged.append(resp.json()["id"])
                    latencies.append(elapsed)
                else:
                    failures[str(resp.status_code)] += 1

    threads = [threading.Thread(target=clerk, args=(office, n)) for n, office in enumerate(offices)]
    started = time.monotonic()
    for t in threads:
        t.start()
    events = []
    for at, name in ((seconds / 3, "web1"), (2 * seconds / 3, "worker1")):
        time.sleep(max(0.0, started + at - time.monotonic()))
        pid = topology.kill(name)
        events.append(f"SIGKILL {name} (pid {pid}) at {time.monotonic() - started:.0f} s")
        time.sleep(3)  # systemd's RestartSec
        topology.start(name, topology.commands[name])
    time.sleep(max(0.0, started + seconds - time.monotonic()))
    stop.set()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan")
    return {"acknowledged": acknowledged, "elapsed": elapsed, "p99": p99, "failures": failures, "events": events,
            "p50": latencies[len(latencies) // 2] if latencies else float("nan")}


def _checks(db: psycopg.Connection, env: dict[str, str], load: dict, deliveries: Path) -> tuple[list[str], bool]:
    ids = load["acknowledged"]
    stored = {row[0] for row in db.execute("SELECT id FROM matters WHERE id = ANY(%s)", (ids,))}
    lost = len(set(ids) - stored)

    def drained() -> bool:
        return db.execute("SELECT count(*) FROM outbox_jobs WHERE status <> 'done'").fetchone()[0] == 0

    try:  # a job the killed worker held is sent again once its claim expires
        _wait("every job to finish", drained, 120)
    except SystemExit:
        pass
    jobs = dict(db.execute("SELECT status, count(*) FROM outbox_jobs GROUP BY status").fetchall())
    undone = sum(n for status, n in jobs.items() if status != "done")
    retried = db.execute("SELECT count(*) FROM outbox_jobs WHERE attempts > 1").fetchone()[0]
    delivered = collections.Counter(deliveries.read_text().split()) if deliveries.exists() else collections.Counter()
    twice = sum(1 for n in delivered.values() if n > 1)
    notices = db.execute("SELECT count(*) FROM notifications").fetchone()[0]
    verify = subprocess.run([str(BIN / "xinfang"), "audit", "verify"], env=env, capture_output=True, text=True,
                            timeout=300)
    lines = [f"writes: {len(ids)} acknowledged, {len(ids) - lost} in the database, {lost} lost",
             f"jobs: {sum(jobs.values())} ({', '.join(f'{k} {v}' for k, v in sorted(jobs.items()))}); "
             f"{retried} re-sent after the kill; notices {notices}, delivered {len(delivered)}, "
             f"delivered twice {twice}",
             f"audit: {(verify.stdout or verify.stderr).strip().splitlines()[-1] if (verify.stdout or verify.stderr) else verify.returncode}"]
    ok = lost == 0 and undone == 0 and twice == 0 and verify.returncode == 0 and len(delivered) == notices
    return lines, ok


def main() -> int:
    seconds, clients = _option("--seconds", 30), _option("--clients", 12)
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        print("nginx is not installed: run `bash deploy/system-packages.sh nginx` as root", file=sys.stderr)
        return 2
    name = f"xinfang_production_check_{os.getpid()}"
    namespace = f"prodcheck{os.getpid()}"
    admin = psycopg.connect(PG_SERVER, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    workdir = Path(tempfile.mkdtemp(prefix="xinfang-production-check-"))
    db_url = PG_SERVER.rsplit("/", 1)[0] + f"/{name}"
    deliveries = workdir / "deliveries.txt"
    env = {**os.environ, "XINFANG_DATABASE_URL": db_url.replace("postgresql://", "postgresql+psycopg://"),
           "XINFANG_REDIS_URL": REDIS_URL, "XINFANG_QUEUE_NAMESPACE": namespace,
           "XINFANG_SECRET_KEY": secrets.token_hex(32), "XINFANG_STORAGE_DIR": str(workdir / "storage"),
           "XINFANG_AUDIT_SIGNING_KEY_FILE": str(workdir / "checkpoint.key"),
           "XINFANG_TRUSTED_PROXIES": "127.0.0.1", "XINFANG_JOB_CLAIM_SECONDS": "20",
           "XINFANG_NOTIFICATION_SENDER": "production_check_sender:FileSender",
           "XINFANG_CHECK_DELIVERIES": str(deliveries),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "deploy"), os.environ.get("PYTHONPATH")]))}
    topology = None
    try:
        subprocess.run([str(BIN / "xinfang"), "demo"], env=env, check=True, capture_output=True, timeout=300)
        db = psycopg.connect(db_url, autocommit=True)
        nodes = dict(db.execute("SELECT code, id FROM nodes").fetchall())
        topology = _processes(workdir, env)
        _wait("nginx and both web processes", lambda: all(
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
            for port in (NGINX_PORT, *WEB_PORTS)), 60)
        report = _scenario(topology, db, nodes)
        load = _load(topology, nodes, seconds, clients)
        lines, ok = _checks(db, env, load, deliveries)
        failures = ", ".join(f"{k}×{v}" for k, v in load["failures"].most_common()) or "none"
        print("\n".join(report))
        print(f"load: {clients} clerks for {load['elapsed']:.0f} s through nginx; " + "; ".join(load["events"]))
        print(f"registrations: {len(load['acknowledged'])} acknowledged, "
              f"{len(load['acknowledged']) / load['elapsed']:.1f}/s, p50 {load['p50']:.0f} ms, "
              f"p99 {load['p99']:.0f} ms; refused or cut off: {failures}")
        print("\n".join(lines))
        print("production check:", "passed" if ok else "FAILED")
        if not ok:
            for proc in topology.procs:
                print(f"--- {proc} ---\n{topology.tail(proc)}", file=sys.stderr)
        return 0 if ok else 1
    finally:
        if topology is not None:
            topology.stop_all()
        try:
            db.close()
        except NameError:
            pass
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        broker = redis.Redis.from_url(REDIS_URL)
        for key in broker.scan_iter(f"*{namespace}*"):
            broker.delete(key)
        if "--keep-logs" not in sys.argv:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"logs kept in {workdir}")


if __name__ == "__main__":
    sys.exit(main())
