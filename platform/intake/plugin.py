"""The core's the intake room, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import hookimpl
from xinfang.platform.intake import routes


@hookimpl
def xinfang_permissions():
    return permission_specs("intake")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers]
