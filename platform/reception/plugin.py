"""The core's leader reception: rota, public page, register, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import hookimpl
from xinfang.platform.reception import public, routes
from xinfang.platform.reception.register import STATUSES
from xinfang.platform.reception.rota import LEADER_KINDS, SLOTS


@hookimpl
def xinfang_permissions():
    return permission_specs("reception")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *public.route_handlers]


@hookimpl
def xinfang_code_labels():
    return {"status": STATUSES, "slot": SLOTS, "leader_kind": LEADER_KINDS}
