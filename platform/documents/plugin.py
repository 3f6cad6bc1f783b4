"""The core's official documents, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.documents import pages, registry, routes, service
from xinfang.platform.documents.models import STATUSES
from xinfang.platform.extensions.hookspecs import JobSpec, NavItem, PageSpec, hookimpl


@hookimpl
def xinfang_permissions():
    return permission_specs("documents")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *pages.FORM_ROUTES]


@hookimpl
def xinfang_document_templates():
    return [registry.NOTICE, registry.LEDGER]


@hookimpl
def xinfang_jobs():
    return [JobSpec(service.RENDER_JOB, service.render_job)]


@hookimpl
def xinfang_code_labels():
    return {"status": STATUSES}


@hookimpl
def xinfang_pages():
    return [PageSpec(path, title, permission, handler) for path, title, permission, handler in pages.PAGES]


@hookimpl
def xinfang_navigation():
    return [NavItem("文书", "/documents", routes.READ, order=60),
            NavItem("文书核验", "/documents/verify", routes.VERIFY, order=61)]
