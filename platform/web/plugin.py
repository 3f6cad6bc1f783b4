"""The web layer's own routes (health checks, metrics), registered like any plugin's."""

from __future__ import annotations

from xinfang.platform.extensions.hookspecs import hookimpl
from xinfang.platform.web.health import health
from xinfang.platform.web.operations import health_detail, metrics


@hookimpl
def xinfang_route_handlers():
    return [health, health_detail, metrics]
