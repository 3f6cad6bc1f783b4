"""The core's the campaign engine, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.campaigns import phases, routes
from xinfang.platform.extensions.hookspecs import hookimpl


@hookimpl
def xinfang_permissions():
    return permission_specs("campaigns")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers]


@hookimpl
def xinfang_periodic_tasks():
    return [phases.TASK]
