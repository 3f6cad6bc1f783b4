"""The core's the screening and backlog ledgers, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import hookimpl
from xinfang.platform.ledgers import routes
from xinfang.platform.ledgers.vocabulary import STATUSES


@hookimpl
def xinfang_permissions():
    return permission_specs("ledgers")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers]


@hookimpl
def xinfang_code_labels():
    return {"status": STATUSES}
