"""The entry-point module (``xinfang.campaigns``: ``backlog_year``): the hooks only."""

from __future__ import annotations

from pathlib import Path

from xinfang.platform.api import MigrationSpec, NavItem, PageSpec, PermissionSpec, hookimpl
from xinfang.plugins.backlog_year import cases, documents, pages, routes
from xinfang.plugins.backlog_year.definition import BACKLOG_YEAR
from xinfang.plugins.backlog_year.vocabulary import KEY


@hookimpl
def xinfang_campaign_types():
    return [BACKLOG_YEAR]


@hookimpl
def xinfang_permissions():
    return [
        PermissionSpec(routes.READ, "查看信访积案化解年的积案台账、案卷、督导检查、指标和文书",
                       ("county_admin", "township_admin", "officer", "leader", "supervisor")),
        PermissionSpec(routes.MANAGE, "办理信访积案化解年:确认积案、六清楚、分类、交办、查办报告、六有案卷、审理销号、督导检查",
                       ("county_admin", "township_admin", "officer", "leader")),
    ]


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *pages.route_handlers]


@hookimpl
def xinfang_document_templates():
    return list(documents.SPECS)


@hookimpl
def xinfang_migrations():
    return [MigrationSpec(KEY, str(Path(__file__).resolve().parent / "migrations"))]


@hookimpl
def xinfang_campaign_matters(campaign, session):
    """The 积案 not removed: the matters of the campaign's 九个一."""
    return cases.taken_on(session, campaign) if campaign.type_key == KEY else None


@hookimpl
def xinfang_on_campaign_enabled(campaign, session):
    if campaign.type_key == KEY:  # the seed's cutoff and dossier date, which the office may change
        session.add(cases.default_settings(campaign))


@hookimpl
def xinfang_pages():
    return [PageSpec(path, title, permission, handler) for path, title, permission, handler in pages.PAGES]


@hookimpl
def xinfang_navigation():
    return [NavItem("信访积案化解年", pages.HOME, routes.READ, order=520)]
