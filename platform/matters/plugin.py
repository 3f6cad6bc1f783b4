"""The core's petition matters, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import hookimpl
from xinfang.platform.matters import joint_routes, routes, scan, spreadsheet_routes


@hookimpl
def xinfang_permissions():
    return permission_specs("matters")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *joint_routes.route_handlers, *spreadsheet_routes.route_handlers]


@hookimpl
def xinfang_periodic_tasks():
    return [scan.TASK]
