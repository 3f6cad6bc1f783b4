"""The core's the people's files (一人一档) and personal data, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import hookimpl
from xinfang.platform.people import routes


@hookimpl
def xinfang_permissions():
    return permission_specs("people", "pii")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers]
