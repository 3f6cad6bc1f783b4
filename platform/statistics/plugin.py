"""The core's statistics, registered through the plugin hooks like any plugin."""

from __future__ import annotations

from xinfang.permissions.roles import permission_specs
from xinfang.platform.extensions.hookspecs import NavItem, PageSpec, hookimpl
from xinfang.platform.statistics import (
    assessment,
    four_none_routes,
    pages,
    ranking_routes,
    report,
    report_routes,
    routes,
)


@hookimpl
def xinfang_permissions():
    return permission_specs("statistics")


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *ranking_routes.route_handlers, *report_routes.route_handlers,
            *four_none_routes.route_handlers]


@hookimpl
def xinfang_pages():
    return [PageSpec(path, title, permission, handler)
            for path, title, permission, handler in (*pages.PAGES, *ranking_routes.PAGES)]


@hookimpl
def xinfang_navigation():
    return [NavItem("统计分析", "/statistics", routes.READ, order=40),
            NavItem("月排队讲评", "/statistics/ranking", routes.READ, order=41)]


@hookimpl
def xinfang_document_templates():
    return [report.SPEC, assessment.SPEC]
