"""The web layer's own routes (the health check), registered like any plugin's."""

from __future__ import annotations

from xinfang.platform.extensions.hookspecs import hookimpl
from xinfang.platform.web.health import health


@hookimpl
def xinfang_route_handlers():
    return [health]
