"""The core's the Wednesday/Friday reporting cycle, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import NavItem, PageSpec, hookimpl
from xinfang.platform.reporting import pages, reminders, routes


@hookimpl
def xinfang_permissions():
    return permission_specs("reporting")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *pages.FORM_ROUTES]


@hookimpl
def xinfang_pages():
    return [PageSpec(path, title, permission, handler) for path, title, permission, handler in pages.PAGES]


@hookimpl
def xinfang_navigation():
    return [NavItem("报送情况", "/reporting", "reporting:read", order=40),
            NavItem("报送清单", "/reporting/submit", "reporting:submit", order=41)]


@hookimpl
def xinfang_periodic_tasks():
    return [reminders.TASK]
