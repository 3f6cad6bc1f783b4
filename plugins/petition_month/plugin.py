"""The entry-point module (``xinfang.campaigns``: ``petition_month``): the hooks only."""

from __future__ import annotations

from xinfang.platform.api import PageSpec, PermissionSpec, hookimpl
from xinfang.plugins.petition_month import autoticks, documents, pages, routes
from xinfang.plugins.petition_month.definition import PETITION_MONTH


@hookimpl
def xinfang_campaign_types():
    return [PETITION_MONTH]


@hookimpl
def xinfang_permissions():
    return [
        PermissionSpec(routes.READ, "查看信访月专项活动汇总数据和文书",
                       ("county_admin", "township_admin", "officer", "leader", "community_worker", "grid_worker",
                        "supervisor")),
        PermissionSpec(routes.GENERATE, "生成信访月专项活动文书(实施方案通知、附件1–4、接访公告、总结报告)",
                       ("county_admin", "township_admin", "officer", "leader")),
    ]


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *pages.FORM_ROUTES]


@hookimpl
def xinfang_periodic_tasks():
    return [autoticks.TASK]


@hookimpl
def xinfang_document_templates():
    return list(documents.SPECS)


@hookimpl
def xinfang_pages():
    # offered on the generic campaign page through PETITION_MONTH.links (no menu entry: it is one campaign's)
    return [PageSpec(pages.PAGE, "信访月汇总与文书", routes.READ, pages.month_page)]
