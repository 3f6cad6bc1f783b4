"""The core's the working-day calendar, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.calendar import routes
from xinfang.platform.extensions.hookspecs import hookimpl


@hookimpl
def xinfang_permissions():
    return permission_specs("calendar")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers]
