"""The core's notifications (reminders, 督办 notices), registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import JobSpec, NavItem, PageSpec, hookimpl
from xinfang.platform.notifications import pages, routes, service
from xinfang.platform.notifications.kinds import FIELD
from xinfang.platform.notifications.models import KINDS


@hookimpl
def xinfang_permissions():
    return permission_specs("notifications")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *pages.FORM_ROUTES]


@hookimpl
def xinfang_jobs():
    return [JobSpec(service.DELIVER_JOB, service.deliver_job)]


@hookimpl
def xinfang_code_labels():
    return {"kind": KINDS, FIELD: KINDS}


@hookimpl
def xinfang_pages():
    return [PageSpec(path, title, permission, handler) for path, title, permission, handler in pages.PAGES]


@hookimpl
def xinfang_navigation():
    return [NavItem("提醒", pages.PATH, routes.READ, order=5)]
