"""The core's petition matters, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import NavItem, PageSpec, hookimpl
from xinfang.platform.matters import (
    attachment_routes,
    bulk_assign,
    clocks,
    document_routes,
    documents,
    joint_routes,
    pages,
    routes,
    rules_page,
    scan,
    spreadsheet_routes,
    states,
    supervision_letter,
    vocabulary,
)


@hookimpl
def xinfang_permissions():
    return permission_specs("matters")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *joint_routes.route_handlers, *spreadsheet_routes.route_handlers,
            *document_routes.route_handlers, *attachment_routes.route_handlers, *bulk_assign.route_handlers,
            *pages.FORM_ROUTES, *rules_page.FORM_ROUTES]


@hookimpl
def xinfang_periodic_tasks():
    return [scan.TASK]


@hookimpl
def xinfang_jobs():
    return [scan.RECOMPUTE]


@hookimpl
def xinfang_pages():
    return [PageSpec(path, title, permission, handler)
            for path, title, permission, handler in (*pages.PAGES, *rules_page.PAGES)]


@hookimpl
def xinfang_navigation():
    return [NavItem("信访事项", "/matters", "matters:read", order=10),
            NavItem("登记信访事项", "/matters/new", "matters:register", order=11),
            NavItem("信访人查询", "/people", "people:read", order=20),
            NavItem("信访事项规则", "/admin/rules", "matters:configure", order=730)]


@hookimpl
def xinfang_code_labels():
    return {"state": {**states.STATES, **clocks.STATES}, "deadline_state": clocks.STATES,
            "channel": vocabulary.CHANNELS, "form": vocabulary.FORMS, "kind": vocabulary.KINDS,
            "matter_kind": vocabulary.KINDS, "overreach": vocabulary.OVERREACH, "result": vocabulary.OPINION_RESULTS,
            "decision": vocabulary.SUGGESTION_DECISIONS, "method": vocabulary.DELIVERY_METHODS,
            "mode": {**vocabulary.AGREEMENT_MODES, **vocabulary.JOINT_MODES}, "side": vocabulary.AGREEMENT_SIDES,
            "matter_state": states.STATES}


@hookimpl
def xinfang_document_templates():
    return [*documents.SPECS, supervision_letter.SPEC]
