"""The core's the working-day calendar, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.calendar import pages, routes
from xinfang.platform.extensions.hookspecs import NavItem, PageSpec, hookimpl


@hookimpl
def xinfang_permissions():
    return permission_specs("calendar")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *pages.FORM_ROUTES]


@hookimpl
def xinfang_pages():
    return [PageSpec(path, title, permission, handler) for path, title, permission, handler in pages.PAGES]


@hookimpl
def xinfang_navigation():
    return [NavItem("工作日历", "/admin/calendar", "calendar:manage", order=720)]
