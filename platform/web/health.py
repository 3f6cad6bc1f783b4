"""``GET /health``: is the process up, and can it reach its database (and Redis)?"""

from __future__ import annotations

from litestar import Request, Response, get
from sqlalchemy import text

from xinfang.platform.web.guards import PUBLIC


def basic_checks(state) -> dict[str, dict]:
    """The database (one round trip) and Redis: what the load balancer's probe needs."""
    checks: dict[str, dict] = {}
    try:
        with state.read_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        checks["database"] = {"ok": True, "dialect": state.engine.dialect.name, "revision": revision}
    except Exception as exc:  # report, never raise: this is what monitoring reads
        checks["database"] = {"ok": False, "dialect": state.engine.dialect.name, "error": type(exc).__name__}
    if state.settings.redis_url:
        try:
            state.redis.ping()
            checks["redis"] = {"ok": True}
        except Exception as exc:
            checks["redis"] = {"ok": False, "error": type(exc).__name__}
    else:
        checks["redis"] = {"ok": True, "mode": "未配置(后台任务在进程内运行)"}
    return checks


def answer(checks: dict[str, dict]) -> Response:
    ok = all(c["ok"] for c in checks.values())
    return Response({"status": "ok" if ok else "degraded", **checks}, status_code=200 if ok else 503)


@get("/health", opt={"permission": PUBLIC}, sync_to_thread=True, summary="健康检查")
def health(request: Request) -> Response:
    return answer(basic_checks(request.app.state))
