"""The role catalogue and the default role → permission templates.

Permissions are ``object:action`` strings. Templates are shared by every tenant (roles
are not per node); where a role applies is decided by the node it is held at. The core
declares them through the plugin hooks like any plugin (``xinfang_roles`` in
permissions/plugin.py, ``xinfang_permissions`` in each domain's plugin.py), and plugins add
roles and permissions the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.platform.extensions.hookspecs import PermissionSpec, RoleSpec


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    description: str


ROLES: dict[str, Role] = {
    r.key: r
    for r in (
        Role("operator", "平台运维", "创建县级租户及其管理员;不查看信访内容和个人信息"),
        Role("county_admin", "县级管理员", "管理本县组织架构、账号和专项活动"),
        Role("township_admin", "乡镇管理员", "管理本乡镇(街道)组织架构和账号"),
        Role("officer", "信访干部", "登记、交办、转送、跟踪信访事项"),
        Role("handler", "承办人", "办理交办给本单位的信访事项并答复"),
        Role("leader", "领导", "接访值班、包案、审批延期"),
        Role("grid_worker", "网格员", "在本网格排查矛盾纠纷、走访群众"),
        Role("supervisor", "纪工委督查", "只读查看辖区内的全部数据、文书和审计日志"),
    )
}

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
    "campaigns:read": "查看专项活动",
    "campaigns:manage": "启用、调整、结束专项活动",
    "campaigns:tick": "登记专项活动任务完成情况",
    "matters:read": "查看信访事项",
    "matters:register": "登记信访事项",
    "matters:act": "办理信访事项(操作入口)",
    "matters:assign": "转送、交办信访事项",
    "matters:handle": "受理、办理、答复信访事项",
    "matters:approve": "审批延期、领导包案",
    "matters:review": "复查、复核",
    "matters:configure": "设置本县信访事项规则",
    "matters:export": "导出信访事项",
    "matters:import": "导入历史信访事项",
    "notifications:read": "查看发给本人和本单位的提醒、督办通知",
    "notifications:write": "将提醒标记为已读",
    "documents:read": "查看和下载文书",
    "documents:create": "生成文书",
    "documents:verify": "核验文书文件是否为本平台生成且未被改动",
    "ledgers:read": "查看矛盾纠纷排查化解清单和信访积案化解清单",
    "ledgers:write": "填报矛盾纠纷排查化解清单和信访积案化解清单",
    "reception:read": "查看领导接访安排和接访登记",
    "reception:write": "安排、发布领导接访,登记接访情况",
    "reporting:read": "查看周三、周五报送情况",
    "reporting:submit": "向乡镇(街道)报送排查清单和接访情况",
    "intake:read": "查看矛盾纠纷受理室登记和分流指派通知单",
    "intake:write": "受理室登记、分流、归档",
    "intake:reply": "办理分流指派事项并回报",
    "supervision:read": "查看督办事项",
    "supervision:write": "发起督办(立案、发函、现场、专项),记录督办结果,中止、恢复、终止督办",
    "supervision:report": "回报本单位被督办事项的办理情况",
}

# Every tenant role reads the tree around it, the national working-day calendar, the notices
# addressed to it, the documents and campaigns of its subtree.
_EVERYONE = {
    "calendar:read",
    "campaigns:read",
    "documents:read",
    "documents:verify",
    "notifications:read",
    "tenants:read",
}

# One place for who may do what. Where is decided by the node each role is held at.
DEFAULT_POLICY: dict[str, set[str]] = {
    # The operator runs the platform and enters each year's State Council holiday notice;
    # never petition content or personal data.
    "operator": {
        "calendar:manage",
        "calendar:read",
        "notifications:read",
        "notifications:write",
        "platform:operate",
        "roles:grant",
        "tenants:manage",
        "tenants:read",
        "users:manage",
        "users:read",
    },
    "county_admin": _EVERYONE
    | {
        "audit:read",
        "campaigns:manage",
        "documents:create",
        "intake:read",
        "ledgers:read",
        "matters:configure",
        "matters:export",
        "matters:read",
        "notifications:write",
        "people:read",
        "reception:read",
        "reporting:read",
        "roles:grant",
        "tenants:manage",
        "users:manage",
        "users:read",
    },
    "township_admin": _EVERYONE
    | {
        "campaigns:manage",
        "documents:create",
        "ledgers:read",
        "notifications:write",
        "people:read",
        "reception:read",
        "reporting:read",
        "roles:grant",
        "tenants:manage",
        "users:manage",
        "users:read",
    },
    "officer": _EVERYONE
    | {
        "campaigns:tick",
        "documents:create",
        "intake:read",
        "intake:reply",
        "intake:write",
        "ledgers:read",
        "ledgers:write",
        "matters:act",
        "matters:assign",
        "matters:export",
        "matters:handle",
        "matters:import",
        "matters:read",
        "matters:register",
        "matters:review",
        "notifications:write",
        "people:read",
        "people:write",
        "pii:read",
        "reception:read",
        "reception:write",
        "reporting:read",
        "reporting:submit",
        "users:read",
    },
    "handler": _EVERYONE
    | {
        "intake:read",
        "intake:reply",
        "matters:act",
        "matters:handle",
        "matters:read",
        "notifications:write",
        "people:read",
    },
    "leader": _EVERYONE
    | {
        "campaigns:tick",
        "documents:create",
        "intake:read",
        "ledgers:read",
        "matters:act",
        "matters:approve",
        "matters:export",
        "matters:read",
        "matters:register",
        "notifications:write",
        "people:read",
        "pii:read",
        "reception:read",
        "reception:write",
        "reporting:read",
        "users:read",
    },
    "grid_worker": _EVERYONE
    | {"campaigns:tick", "ledgers:read", "ledgers:write", "notifications:write", "people:read", "people:write"},
    # 纪工委: read-only over its scope, the audit log and personal data included.
    "supervisor": _EVERYONE
    | {
        "audit:export",
        "audit:read",
        "intake:read",
        "ledgers:read",
        "matters:export",
        "matters:read",
        "people:read",
        "pii:read",
        "reception:read",
        "reporting:read",
        "users:read",
    },
}

# 督办 (platform/supervision): the offices' officers and leaders issue and close it, the
# handled unit's staff report back, admins and 纪工委 read it (never write).
_SUPERVISION: dict[str, set[str]] = {
    "county_admin": {"supervision:read"},
    "township_admin": {"supervision:read"},
    "officer": {"supervision:read", "supervision:write", "supervision:report"},
    "leader": {"supervision:read", "supervision:write", "supervision:report"},
    "handler": {"supervision:read", "supervision:report"},
    "supervisor": {"supervision:read"},
}
for _role, _granted in _SUPERVISION.items():
    DEFAULT_POLICY[_role] |= _granted

READ_ACTIONS = frozenset({"read", "export", "verify"})


def is_read_only(permission: str) -> bool:
    return permission.split(":", 1)[1] in READ_ACTIONS


def permission_specs(*objects: str) -> list[PermissionSpec]:
    """The core's permissions on ``objects`` (``matters`` …) with the roles holding them:
    what a domain declares through ``xinfang_permissions``."""
    return [PermissionSpec(permission, label,
                           tuple(sorted(role for role, perms in DEFAULT_POLICY.items() if permission in perms)))
            for permission, label in PERMISSION_LABELS.items() if permission.split(":", 1)[0] in objects]


def role_specs() -> list[RoleSpec]:
    """The core's roles (their permissions come with each domain's permission specs)."""
    return [RoleSpec(r.key, r.label, r.description, read_only=r.key == "supervisor",
                     granted_by=tuple(sorted(g for g, keys in GRANTABLE.items() if r.key in keys)))
            for r in ROLES.values()]
