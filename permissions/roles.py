"""The role catalogue and the default role → permission templates.

Permissions are ``object:action`` strings. Templates are shared by every tenant (roles
are not per node); where a role applies is decided by the node it is held at. Plugins
add permissions and grant them to roles through the ``register_permissions`` hook.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    description: str


ROLES: dict[str, Role] = {r.key: r for r in (
    Role("operator", "平台运维", "创建县级租户及其管理员;不查看信访内容和个人信息"),
    Role("county_admin", "县级管理员", "管理本县组织架构、账号和专项活动"),
    Role("township_admin", "乡镇管理员", "管理本乡镇(街道)组织架构和账号"),
    Role("officer", "信访干部", "登记、交办、转送、跟踪信访事项"),
    Role("handler", "承办人", "办理交办给本单位的信访事项并答复"),
    Role("leader", "领导", "接访值班、包案、审批延期"),
    Role("grid_worker", "网格员", "在本网格排查矛盾纠纷、走访群众"),
    Role("supervisor", "纪工委督查", "只读查看辖区内的全部数据、文书和审计日志"),
)}

# Roles an admin holding the key may grant (always within the admin's own subtree).
GRANTABLE: dict[str, frozenset[str]] = {
    "operator": frozenset({"county_admin"}),
    "county_admin": frozenset(ROLES) - {"operator"},
    "township_admin": frozenset({"township_admin", "officer", "handler", "leader", "grid_worker"}),
}

PERMISSION_LABELS: dict[str, str] = {
    "tenants:read": "查看组织架构",
    "tenants:manage": "管理组织架构",
    "users:read": "查看账号",
    "users:manage": "管理账号",
    "roles:grant": "授予和撤销角色",
    "platform:operate": "创建县级租户",
    "audit:read": "查看审计日志",
    "audit:export": "导出审计日志",
    "pii:read": "查看完整身份证号和电话",
    "people:read": "查看信访人档案",
    "people:write": "建立和修改信访人档案",
    "calendar:read": "查看工作日历",
    "calendar:manage": "维护节假日安排",
    "matters:read": "查看信访事项",
    "matters:register": "登记信访事项",
    "matters:act": "办理信访事项(操作入口)",
    "matters:assign": "转送、交办信访事项",
    "matters:handle": "受理、办理、答复信访事项",
    "matters:approve": "审批延期、领导包案",
    "matters:review": "复查、复核",
    "matters:configure": "设置本县信访事项规则",
}

# Everyone reads the tree around them and the national working-day calendar.
_EVERYONE = {"tenants:read", "calendar:read"}
_STAFF = _EVERYONE | {"users:read"}

DEFAULT_POLICY: dict[str, set[str]] = {
    # The operator runs the platform and enters each year's State Council holiday notice;
    # never petition content or personal data.
    "operator": _STAFF | {"platform:operate", "tenants:manage", "users:manage", "roles:grant", "calendar:manage"},
    "county_admin": _STAFF | {"tenants:manage", "users:manage", "roles:grant", "audit:read", "people:read",
                              "matters:read", "matters:configure"},
    "township_admin": _STAFF | {"tenants:manage", "users:manage", "roles:grant", "people:read"},
    "officer": _STAFF | {"people:read", "people:write", "pii:read", "matters:read", "matters:register", "matters:act",
                         "matters:assign", "matters:handle", "matters:review"},
    "handler": _EVERYONE | {"people:read", "matters:read", "matters:act", "matters:handle"},
    "leader": _STAFF | {"people:read", "pii:read", "matters:read", "matters:register", "matters:act",
                        "matters:approve"},
    "grid_worker": _EVERYONE | {"people:read", "people:write"},
    # 纪工委: read-only over its scope, the audit log and personal data included.
    "supervisor": _STAFF | {"audit:read", "audit:export", "people:read", "pii:read", "matters:read"},
}

READ_ACTIONS = frozenset({"read", "export", "verify"})


def is_read_only(permission: str) -> bool:
    return permission.split(":", 1)[1] in READ_ACTIONS
