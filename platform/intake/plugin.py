"""The core's the intake room, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import hookimpl
from xinfang.platform.intake import documents, routes
from xinfang.platform.intake.service import NOTICE_STATUSES, OUTCOMES, STATUSES, TRIAGE


@hookimpl
def xinfang_permissions():
    return permission_specs("intake")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers]


@hookimpl
def xinfang_code_labels():
    return {"triage": TRIAGE, "status": {**STATUSES, **NOTICE_STATUSES}, "outcome": OUTCOMES}


@hookimpl
def xinfang_document_templates():
    return [documents.SPEC]
