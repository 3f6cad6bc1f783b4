"""The core's the tenant tree, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import NavItem, PageSpec, hookimpl
from xinfang.tenants import pages, routes
from xinfang.tenants.levels import LABELS


@hookimpl
def xinfang_permissions():
    return permission_specs("tenants", "platform")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *pages.FORM_ROUTES]


@hookimpl
def xinfang_code_labels():
    return {"level": {level.value: label for level, label in LABELS.items()}}


@hookimpl
def xinfang_pages():
    return [PageSpec(path, title, permission, handler) for path, title, permission, handler in pages.PAGES]


@hookimpl
def xinfang_navigation():
    return [NavItem("组织架构", "/admin/tree", "tenants:manage", order=700)]
