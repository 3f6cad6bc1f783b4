"""The core's leader reception: rota, public page, register, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import NavItem, PageSpec, hookimpl
from xinfang.platform.reception import public, register_pages, rota_pages, routes
from xinfang.platform.reception.register import STATUSES
from xinfang.platform.reception.rota import LEADER_KINDS, SLOTS


@hookimpl
def xinfang_permissions():
    return permission_specs("reception")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *public.route_handlers, *rota_pages.FORM_ROUTES, *register_pages.FORM_ROUTES]


@hookimpl
def xinfang_pages():
    return [PageSpec(path, title, permission, handler)
            for path, title, permission, handler in (*rota_pages.PAGES, *register_pages.PAGES)]


@hookimpl
def xinfang_navigation():
    return [NavItem("领导接访安排", "/reception/rota", "reception:read", order=30),
            NavItem("接访登记", "/reception/records", "reception:read", order=31),
            NavItem("下访约访", "/reception/visits", "reception:read", order=32)]


@hookimpl
def xinfang_code_labels():
    return {"status": STATUSES, "slot": SLOTS, "leader_kind": LEADER_KINDS}
