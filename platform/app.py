"""The Litestar app factory. Everything a request needs hangs off ``app.state``."""

from __future__ import annotations

import logging

from litestar import Litestar
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from xinfang.permissions.store import PolicyStore
from xinfang.platform import models  # noqa: F401  (registers every table and the audit listeners)
from xinfang.platform.accounts.routes import router as accounts_router
from xinfang.platform.audit.routes import router as audit_router
from xinfang.platform.db import make_engine, make_session_factory, read_only
from xinfang.platform.errors import EXCEPTION_HANDLERS
from xinfang.platform.settings import Settings
from xinfang.platform.web.guards import permission_guard, provide_db
from xinfang.platform.web.health import health
from xinfang.tenants.routes import router as tenants_router

log = logging.getLogger("xinfang")


def create_app(settings: Settings | None = None, *, authz_enabled: bool = True) -> Litestar:
    settings = settings or Settings.from_env()
    engine = make_engine(settings.database_url)
    state = State({
        "settings": settings,
        "engine": engine,
        "read_engine": read_only(engine),
        "session_factory": make_session_factory(engine),
        "policy": PolicyStore(engine),
        "authz_enabled": authz_enabled,
        "redis": _redis(settings),
    })
    return Litestar(
        route_handlers=[health, accounts_router, tenants_router, audit_router],
        guards=[permission_guard],
        dependencies={"db": Provide(provide_db)},
        exception_handlers=EXCEPTION_HANDLERS,
        state=state,
        openapi_config=OpenAPIConfig(title="信访工作平台 API", version="0.1.0", path="/schema",
                                     render_plugins=[SwaggerRenderPlugin()]),
        on_shutdown=[lambda: engine.dispose()],
        debug=False,
        request_max_body_size=20 * 1024 * 1024,
    )


def _redis(settings: Settings):
    if not settings.redis_url:
        return None
    import redis

    return redis.Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=2)
