"""The core's petition matters, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import NavItem, PageSpec, hookimpl
from xinfang.platform.matters import joint_routes, pages, routes, scan, spreadsheet_routes


@hookimpl
def xinfang_permissions():
    return permission_specs("matters")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *joint_routes.route_handlers, *spreadsheet_routes.route_handlers,
            *pages.FORM_ROUTES]


@hookimpl
def xinfang_periodic_tasks():
    return [scan.TASK]


@hookimpl
def xinfang_pages():
    return [PageSpec(path, title, permission, handler) for path, title, permission, handler in pages.PAGES]


@hookimpl
def xinfang_navigation():
    return [NavItem("信访事项", "/matters", "matters:read", order=10),
            NavItem("登记信访事项", "/matters/new", "matters:register", order=11),
            NavItem("信访人查询", "/people", "people:read", order=20)]
