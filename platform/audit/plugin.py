"""The core's the audit log, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.audit import checkpoints, erasure, pages, routes
from xinfang.platform.extensions.hookspecs import NavItem, PageSpec, PermissionSpec, hookimpl


@hookimpl
def xinfang_permissions():
    return [*permission_specs("audit"),
            PermissionSpec(routes.ERASE, "清除审计明细中的个人信息", ("county_admin",))]


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers]


@hookimpl
def xinfang_periodic_tasks():
    return [checkpoints.TASK, erasure.RETENTION_TASK]


@hookimpl
def xinfang_pages():
    return [PageSpec(path, title, permission, handler) for path, title, permission, handler in pages.PAGES]


@hookimpl
def xinfang_navigation():
    return [NavItem("审计日志", "/audit", "audit:read", order=80)]
