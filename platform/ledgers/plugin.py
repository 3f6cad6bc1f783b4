"""The core's the screening and backlog ledgers, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import NavItem, PageSpec, hookimpl
from xinfang.platform.ledgers import ledger_pages, routes
from xinfang.platform.ledgers.vocabulary import STATUSES


@hookimpl
def xinfang_permissions():
    return permission_specs("ledgers")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *ledger_pages.FORM_ROUTES]


@hookimpl
def xinfang_pages():
    return [PageSpec(path, title, permission, handler) for path, title, permission, handler in ledger_pages.PAGES]


@hookimpl
def xinfang_navigation():
    return [NavItem("矛盾纠纷排查清单", "/ledgers/screening", "ledgers:read", order=25),
            NavItem("信访积案化解清单", "/ledgers/backlog", "ledgers:read", order=26)]


@hookimpl
def xinfang_code_labels():
    return {"status": STATUSES}
