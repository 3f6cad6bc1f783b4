"""The core's the Wednesday/Friday reporting cycle, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import hookimpl
from xinfang.platform.reporting import reminders, routes


@hookimpl
def xinfang_permissions():
    return permission_specs("reporting")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers]


@hookimpl
def xinfang_periodic_tasks():
    return [reminders.TASK]
