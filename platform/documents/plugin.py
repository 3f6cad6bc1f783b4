"""The core's official documents, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.documents import registry, routes, service
from xinfang.platform.documents.models import STATUSES
from xinfang.platform.extensions.hookspecs import JobSpec, hookimpl


@hookimpl
def xinfang_permissions():
    return permission_specs("documents")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers]


@hookimpl
def xinfang_document_templates():
    return [registry.NOTICE, registry.LEDGER]


@hookimpl
def xinfang_jobs():
    return [JobSpec(service.RENDER_JOB, service.render_job)]


@hookimpl
def xinfang_code_labels():
    return {"status": STATUSES}
