"""The Litestar app factory. Everything a request needs hangs off ``app.state``."""

from __future__ import annotations

import logging

import pluggy
from anyio import CapacityLimiter, to_thread
from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from sqlalchemy.exc import IntegrityError, OperationalError

from xinfang.permissions.store import PolicyStore, announce_change, sync_policy
from xinfang.platform import models  # noqa: F401  (registers every table and the audit listeners)
from xinfang.platform.accounts.service import authenticate
from xinfang.platform.audit.refusals import RefusalLimiter
from xinfang.platform.db import make_engine, read_only, single_reads
from xinfang.platform.errors import EXCEPTION_HANDLERS
from xinfang.platform.extensions.manager import (
    build_plugin_manager,
    plugin_code_labels,
    plugin_navigation,
    plugin_roles,
    plugin_route_handlers,
)
from xinfang.platform.jobs.embedded import EmbeddedExecutor
from xinfang.platform.jobs.periodic import EmbeddedRunner
from xinfang.platform.sessions import make_session_factory
from xinfang.platform.settings import Settings
from xinfang.platform.ui.errors import html_or_json
from xinfang.platform.ui.labels import make_label
from xinfang.platform.ui.pages import page_route_handlers
from xinfang.platform.ui.rendering import template_config
from xinfang.platform.ui.schema_docs import LocalSwagger
from xinfang.platform.web.addresses import check_trusted_proxies
from xinfang.platform.web.body_policy import body_policy
from xinfang.platform.web.guards import permission_guard, provide_db
from xinfang.platform.web.headers import add_security_headers
from xinfang.platform.web.openapi import declare_responses
from xinfang.platform.web.operations import request_context
from xinfang.platform.web.presenting import make_presenter
from xinfang.platform.web.query_params import query_guard
from xinfang.tenants.scope import Scope

log = logging.getLogger("xinfang")


def create_app(settings: Settings | None = None, *, authz_enabled: bool = True,
               plugins: pluggy.PluginManager | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    check_trusted_proxies(settings.trusted_proxies)
    plugins = plugins or build_plugin_manager()
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size,
                         max_overflow=settings.db_max_overflow, pool_timeout=settings.db_pool_timeout,
                         lock_timeout=settings.db_lock_timeout, admit_wait=settings.db_admit_wait)
    replica = (make_engine(settings.replica_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow,
                           pool_timeout=settings.db_pool_timeout) if settings.replica_url else engine)
    redis_client = _redis(settings)
    state = State({
        "settings": settings,
        "engine": engine,
        "read_engine": read_only(engine),
        "auth_engine": single_reads(engine),
        "replica_engine": read_only(replica),
        "session_factory": make_session_factory(engine, settings, plugins=plugins),
        "policy": PolicyStore(engine, check_seconds=settings.policy_check_seconds, redis_client=redis_client),
        "authz_enabled": authz_enabled,
        "redis": redis_client,
        "plugins": plugins,
        "authenticate": authenticate,
        "ui_label": make_label(plugins),
        # the menu's entries, declared once at start-up (read by every page's frame)
        "navigation": tuple(plugin_navigation(plugins)),
        "refusal_limiter": RefusalLimiter(),
    })
    # the core's domains are plugins too; pages (xinfang_pages) are routes with a permission like any other
    handlers = [*plugin_route_handlers(plugins), *page_route_handlers(plugins)]
    declare_responses(handlers)
    return Litestar(
        # one registration for all: Litestar re-registers the handlers already on a path when it
        # registers another method of it, wrapping a sync handler's thread call twice (a GET
        # beside a POST then answered with an un-awaited coroutine)
        route_handlers=[Router(path="/", route_handlers=handlers)],
        guards=[permission_guard, query_guard],
        before_send=[add_security_headers],
        after_request=make_presenter(_code_labels(plugins)),
        middleware=[request_context, body_policy],
        dependencies={"db": Provide(provide_db)},
        exception_handlers={exc: html_or_json(handler) for exc, handler in EXCEPTION_HANDLERS.items()},
        template_config=template_config(plugins),
        state=state,
        openapi_config=OpenAPIConfig(title="信访工作平台 API", version="0.1.0", path="/schema",
                                     render_plugins=[LocalSwagger()]),
        on_startup=[_size_threads, _sync_policy, _start_background],
        on_shutdown=[_stop_background, lambda: state.policy.close(), lambda: engine.dispose(),
                     lambda: replica.dispose()],
        debug=False,
        request_max_body_size=settings.upload_max_bytes + 1024 * 1024,  # the file plus its form
    )


def _code_labels(plugins: pluggy.PluginManager) -> dict[str, dict[str, str]]:
    """The plugins' code labels, and every declared role's (``role``)."""
    labels = plugin_code_labels(plugins)
    labels["role"] = {**labels.get("role", {}), **{key: r.label for key, r in plugin_roles(plugins).items()}}
    return labels


def _size_threads(app: Litestar) -> None:
    """Handlers (and the guard's token check) run in anyio's default thread pool: give it the
    configured size. Sessions still holding a connection after their handler are closed in
    threads of their own limiter (web/guards.py), as many as the pool has connections."""
    settings = app.state.settings
    to_thread.current_default_thread_limiter().total_tokens = settings.handler_threads
    app.state.cleanup_limiter = CapacityLimiter(settings.db_pool_size + settings.db_max_overflow)


def _sync_policy(app: Litestar) -> None:
    """Store the roles' permissions the plugins declare (the core's included); another
    process starting at once may win the race."""
    state = app.state
    try:
        with state.session_factory(scope=Scope.system()) as session:
            session.info["actor"] = {"id": None, "name": "系统启动", "address": ""}
            changed = sync_policy(session, state.plugins)
            session.commit()
        if changed:
            announce_change(state.redis)
    except IntegrityError:
        log.info("policy already synchronised by another process")
    except OperationalError as exc:
        log.error("cannot store role templates (has `xinfang db upgrade` run?): %s", exc)


def _start_background(app: Litestar) -> None:
    """Embedded mode only: with Redis, workers and the scheduler process run them (deploy/)."""
    state = app.state
    if state.settings.redis_url or not state.settings.run_background:
        return
    state.periodic = EmbeddedRunner(state.session_factory)
    state.executor = EmbeddedExecutor(state.session_factory)
    state.periodic.start()
    state.executor.start()


def _stop_background(app: Litestar) -> None:
    for name in ("periodic", "executor"):
        runner = getattr(app.state, name, None)
        if runner is not None:
            runner.stop()


def _redis(settings: Settings):
    if not settings.redis_url:
        return None
    import redis

    return redis.Redis.from_url(settings.redis_url, socket_connect_timeout=2, health_check_interval=30)
