"""The core's accounts: logins, users and role grants, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.accounts import routes
from xinfang.platform.extensions.hookspecs import hookimpl


@hookimpl
def xinfang_permissions():
    return permission_specs("users", "roles")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers]
