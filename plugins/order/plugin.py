"""The entry-point module (``xinfang.campaigns``: ``petition_order``): the hooks only."""

from __future__ import annotations

from pathlib import Path

from xinfang.platform.api import MigrationSpec, NavItem, PermissionSpec, RoleSpec, hookimpl
from xinfang.plugins.order import pages, reminders, retention, routes, waiting
from xinfang.plugins.order.definition import PETITION_ORDER
from xinfang.plugins.order.documents import SPECS
from xinfang.plugins.order.vocabulary import REVIEWER


@hookimpl
def xinfang_campaign_types():
    return [PETITION_ORDER]


@hookimpl
def xinfang_permissions():
    return [
        PermissionSpec(routes.READ, "查看信访秩序整治记录(每次查阅记入审计日志)", ("officer", "leader", "supervisor")),
        PermissionSpec(routes.RECORD, "登记信访秩序整治记录、证据、劝阻批评教育、移送、异议,生成告知书和活动文书",
                       ("officer",)),
        PermissionSpec(routes.REVIEW, "审核确认或不予确认信访秩序整治记录,审查紧急移送,复核异议", ()),
        PermissionSpec(routes.DRAFTS, "查看待审核的信访秩序整治记录", ("supervisor",)),
        PermissionSpec(routes.EXPORT, "导出信访秩序整治记录台账及审核全过程", ("supervisor",)),
        PermissionSpec(routes.CATALOGUE_READ, "查看违反信访秩序行为目录",
                       ("county_admin", "officer", "leader", "supervisor")),
        PermissionSpec(routes.CATALOGUE_MANAGE, "维护违反信访秩序行为目录和记录保存期限", ("county_admin",)),
    ]


@hookimpl
def xinfang_roles():
    return [RoleSpec(REVIEWER, "法制审核员",
                     "县级法制审核:审核确认信访秩序整治记录的事实和条款,审查紧急移送,复核当事人异议",
                     permissions=(routes.READ, routes.REVIEW, routes.DRAFTS, routes.EXPORT, routes.CATALOGUE_READ,
                                  "campaigns:read", "people:read", "tenants:read", "notifications:read",
                                  "notifications:write"))]


@hookimpl
def xinfang_code_labels():
    return {"notice_kind": waiting.KINDS}


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *pages.form_handlers]


@hookimpl
def xinfang_periodic_tasks():
    return [retention.TASK, reminders.TASK]


@hookimpl
def xinfang_document_templates():
    return list(SPECS)


@hookimpl
def xinfang_migrations():
    return [MigrationSpec("petition_order", str(Path(__file__).resolve().parent / "migrations"))]


@hookimpl
def xinfang_pages():
    return pages.PAGES


@hookimpl
def xinfang_navigation():
    return [NavItem("信访秩序整治", "/petition-order", routes.CATALOGUE_READ, order=520)]
