"""The core's the tenant tree, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import hookimpl
from xinfang.tenants import routes
from xinfang.tenants.levels import LABELS


@hookimpl
def xinfang_permissions():
    return permission_specs("tenants", "platform")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers]


@hookimpl
def xinfang_code_labels():
    return {"level": {level.value: label for level, label in LABELS.items()}}
