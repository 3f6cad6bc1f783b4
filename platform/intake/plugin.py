"""The core's the intake room, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import NavItem, PageSpec, hookimpl
from xinfang.platform.intake import documents, room_pages, routes
from xinfang.platform.intake.service import NOTICE_STATUSES, OUTCOMES, STATUSES, TRIAGE


@hookimpl
def xinfang_permissions():
    return permission_specs("intake")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *room_pages.FORM_ROUTES]


@hookimpl
def xinfang_pages():
    return [PageSpec(path, title, permission, handler) for path, title, permission, handler in room_pages.PAGES]


@hookimpl
def xinfang_navigation():
    return [NavItem("矛盾纠纷受理室", "/intake", "intake:write", order=35),
            NavItem("分流指派事项", "/intake/notices", "intake:read", order=36)]


@hookimpl
def xinfang_code_labels():
    return {"triage": TRIAGE, "status": {**STATUSES, **NOTICE_STATUSES}, "outcome": OUTCOMES}


@hookimpl
def xinfang_document_templates():
    return [documents.SPEC]
