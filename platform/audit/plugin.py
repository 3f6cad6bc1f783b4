"""The core's the audit log, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.audit import checkpoints, routes
from xinfang.platform.extensions.hookspecs import hookimpl


@hookimpl
def xinfang_permissions():
    return permission_specs("audit")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers]


@hookimpl
def xinfang_periodic_tasks():
    return [checkpoints.TASK]
