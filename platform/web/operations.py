"""What operations need from every web process: a request id on every request and log line,
request latency for Prometheus, ``GET /health/detail`` for monitors and ``GET /metrics`` for
the platform operator.

``/health`` stays the load balancer's cheap probe (one database round trip). ``/health/detail``
adds the queue (jobs waiting, the oldest one's age, failed jobs) and the scheduler (its last
heartbeat, each periodic task's last duration) and answers 503 when a monitor should wake
someone: the database or Redis away, the scheduler silent, a job waiting over ten minutes.
It shows no tenant data, so it is public like ``/health`` (put it behind nginx's allow-list
if the monitor allows).

Metrics: with several web processes (``uvicorn --workers N``) set ``PROMETHEUS_MULTIPROC_DIR``
to an empty directory of their own (prometheus_client's multiprocess mode) so ``/metrics``
adds up every process; without it each process reports its own requests.
"""

from __future__ import annotations

import contextvars
import os
import re
import time
import uuid
from typing import cast

from litestar import Request, Response, get
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest, multiprocess
from sqlalchemy import func, select

from xinfang.platform.db import request_arrival
from xinfang.platform.jobs.heartbeat import HEARTBEAT_TTL, Heartbeat
from xinfang.platform.jobs.outbox import FAILED, PENDING, OutboxJob
from xinfang.platform.web.guards import PUBLIC
from xinfang.platform.web.health import answer, basic_checks

REQUEST_ID = contextvars.ContextVar("request_id", default="-")
_SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
STALE_JOB_SECONDS = 600
REQUEST_SECONDS = Histogram("xinfang_request_seconds", "请求耗时(秒),按方法、路由模板和状态类别",
                            ["method", "route", "status"],
                            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30))


def request_context(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: take nginx's ``X-Request-ID`` (or make one), answer with it, and time
    the request under its route template (never the raw path: ids would explode the series)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        http = cast(HTTPScope, scope)
        given = next((v.decode("latin-1") for k, v in http["headers"] if k == b"x-request-id"), "")
        request_id = given if _SAFE_ID.fullmatch(given) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        arrived = request_arrival.set(time.monotonic())  # the write gates' admission counts from here
        status = 500
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await app(scope, receive, sending)
        finally:
            route = http.get("path_template") or "unmatched"
            REQUEST_SECONDS.labels(http["method"], route, f"{status // 100}xx").observe(time.perf_counter() - started)
            REQUEST_ID.reset(token)
            request_arrival.reset(arrived)

    return middleware


def _queue(request: Request) -> dict:
    with request.app.state.read_engine.connect() as conn:
        counts = dict(conn.execute(select(OutboxJob.status, func.count()).group_by(OutboxJob.status)).all())
        oldest = conn.execute(select(func.min(OutboxJob.created_at)).where(OutboxJob.status == PENDING)).scalar()
    age = None
    if oldest is not None:
        from xinfang.platform import clock

        oldest = oldest if oldest.tzinfo else oldest.replace(tzinfo=clock.now().tzinfo)
        age = max(0.0, (clock.now() - oldest).total_seconds())
    return {"ok": age is None or age < STALE_JOB_SECONDS, "pending": counts.get(PENDING, 0),
            "failed": counts.get(FAILED, 0), "oldest_pending_seconds": None if age is None else round(age, 1)}


def _scheduler(request: Request) -> dict:
    state = request.app.state
    if not state.settings.redis_url:
        return {"ok": True, "mode": "未配置 Redis:后台任务和定时任务在网站进程内运行"}
    beats = Heartbeat(state.redis, state.settings.queue_namespace)
    age = beats.last_beat_age()
    tasks = {name: {"seconds": t["seconds"], "finished_seconds_ago": round(time.time() - t["finished"], 1),
                    "report": t["report"]} for name, t in sorted(beats.tasks().items())}
    return {"ok": age is not None, "heartbeat_seconds_ago": None if age is None else round(age, 1),
            "missing_after_seconds": HEARTBEAT_TTL, "tasks": tasks}


@get("/health/detail", opt={"permission": PUBLIC}, sync_to_thread=True, summary="运行状态(监控用)")
def health_detail(request: Request) -> Response:
    checks = basic_checks(request.app.state)
    for name, probe in (("jobs", _queue), ("scheduler", _scheduler)):
        try:
            checks[name] = probe(request)
        except Exception as exc:  # report, never raise: this is what monitoring reads
            checks[name] = {"ok": False, "error": type(exc).__name__}
    return answer(checks)


@get("/metrics", opt={"permission": "platform:operate", "produces": CONTENT_TYPE_LATEST}, sync_to_thread=True,
     summary="Prometheus 指标(平台运维)")
def metrics(request: Request) -> Response:
    """Request latency (all processes in multiprocess mode), the queue, periodic task durations."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        from prometheus_client import REGISTRY

        body = generate_latest(REGISTRY)
    lines = []
    queue = _queue(request)
    lines += ["# HELP xinfang_jobs_pending 等待执行的后台任务数", "# TYPE xinfang_jobs_pending gauge",
              f"xinfang_jobs_pending {queue['pending']}",
              "# HELP xinfang_jobs_failed 已放弃的后台任务数", "# TYPE xinfang_jobs_failed gauge",
              f"xinfang_jobs_failed {queue['failed']}",
              "# HELP xinfang_jobs_oldest_pending_seconds 最早一项等待中任务的等待时间", "# TYPE xinfang_jobs_oldest_pending_seconds gauge",
              f"xinfang_jobs_oldest_pending_seconds {queue['oldest_pending_seconds'] or 0}"]
    scheduler = _scheduler(request)
    if "tasks" in scheduler:
        lines += ["# HELP xinfang_periodic_task_seconds 各定时任务最近一次的耗时(含期限巡检 matter_deadlines)",
                  "# TYPE xinfang_periodic_task_seconds gauge"]
        lines += [f'xinfang_periodic_task_seconds{{task="{name}"}} {t["seconds"]}'
                  for name, t in scheduler["tasks"].items()]
        age = scheduler["heartbeat_seconds_ago"]
        lines += ["# HELP xinfang_scheduler_up 调度进程心跳是否在有效期内", "# TYPE xinfang_scheduler_up gauge",
                  f"xinfang_scheduler_up {0 if age is None else 1}"]
    return Response(body + ("\n".join(lines) + "\n").encode(), media_type=CONTENT_TYPE_LATEST)
