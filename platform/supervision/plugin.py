"""The core's 督办 by hand, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import hookimpl
from xinfang.platform.supervision import routes, service


@hookimpl
def xinfang_permissions():
    return permission_specs("supervision")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers]


@hookimpl
def xinfang_periodic_tasks():
    return [service.TASK]
