"""The core's the campaign engine, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.campaigns import pages, phases, routes
from xinfang.platform.extensions.hookspecs import NavItem, PageSpec, hookimpl


@hookimpl
def xinfang_permissions():
    return permission_specs("campaigns")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *pages.FORM_ROUTES]


@hookimpl
def xinfang_periodic_tasks():
    return [phases.TASK]


@hookimpl
def xinfang_pages():
    return [PageSpec(path, title, permission, handler) for path, title, permission, handler in pages.PAGES]


@hookimpl
def xinfang_navigation():
    return [NavItem("专项活动", "/campaigns", "campaigns:read", order=40)]
