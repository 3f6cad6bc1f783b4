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
        Role("leader", "领导", "接访值班、下访约访、包案,审批本级的延期、复查和复核"),
        Role("community_worker", "村(社区)信访工作人员",
             "本村(社区)接访轮值和接访登记、排查清单、周三周五报送、专项活动任务"),
        Role("grid_worker", "网格员", "在本网格排查矛盾纠纷、走访群众"),
        Role("supervisor", "纪工委督查", "只读查看辖区内的全部数据、文书和审计日志"),
    )
}

# Roles an admin holding the key may grant (always within the admin's own subtree).
GRANTABLE: dict[str, frozenset[str]] = {
    "operator": frozenset({"county_admin"}),
    "county_admin": frozenset(ROLES) - {"operator"},
    "township_admin": frozenset({"township_admin", "officer", "handler", "leader", "community_worker", "grid_worker"}),
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
    "reception:write": "安排、发布领导接访,登记接访情况和领导下访、约访",
    "reporting:read": "查看周三、周五报送情况",
    "reporting:submit": "向乡镇(街道)报送排查清单和接访情况",
    "intake:read": "查看矛盾纠纷受理室登记和分流指派通知单",
    "intake:write": "受理室登记、分流、归档",
    "intake:reply": "办理分流指派事项并回报",
    "supervision:read": "查看督办事项",
    "supervision:write": "发起督办(立案、发函、现场、专项),记录督办结果,中止、恢复、终止督办",
    "supervision:report": "回报本单位被督办事项的办理情况",
    "statistics:publish": "设置并发布月排队讲评(发布后冻结,更正发布新版本)",
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
    # 村(社区): the community's own rota and register, its screening list, the Wednesday/Friday
    # reports to the township (seed 001), the campaign's community duties. What it cannot settle
    # the township registers as a matter (the township's officer, or an officer held at the village).
    "community_worker": _EVERYONE
    | {
        "campaigns:tick",
        "ledgers:read",
        "ledgers:write",
        "notifications:write",
        "people:read",
        "people:write",
        "reception:read",
        "reception:write",
        "reporting:read",
        "reporting:submit",
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
# 月排队讲评 (platform/statistics): the county office's officers and leaders set and publish it
# (the routes accept only a county node); everyone who reads matters reads the published versions.
for _role in ("officer", "leader"):
    DEFAULT_POLICY[_role] |= {"statistics:publish"}


@dataclass(frozen=True)
class Job:
    """A job title at one level and the roles it needs. ``roles`` pairs each role with the
    level of the node it is held at: the job's own node or one of its ancestors (a 网格员
    files the community's Wednesday report, so holds a role at the community too)."""

    key: str
    level: str  # where the person sits: platform | county | department | township | village | grid
    title: str
    roles: tuple[tuple[str, str], ...]
    work: str


LEVEL_TITLES = {"platform": "平台", "county": "县级", "department": "县直部门", "township": "乡镇（街道）",
                "village": "村（社区）", "grid": "网格"}

# Who does what at each level: the README's role table is generated from this (xinfang roles-table)
# and the demo gives each of its users the roles of their job.
JOBS: tuple[Job, ...] = (
    Job("platform_operator", "platform", "平台运维", (("operator", "platform"),),
        "创建县级租户及其管理员，录入国务院节假日安排；不查看信访内容"),
    Job("county_admin", "county", "县信访局系统管理员", (("county_admin", "county"),),
        "管理本县组织架构、账号、信访事项规则和专项活动；不办理信访事项，不查看完整个人信息"),
    Job("county_office_head", "county", "县信访局局长", (("leader", "county"), ("officer", "county")),
        "主持县信访局工作：审批本级的延期、复查和复核，领导包案；登记、转送交办、督办信访事项"),
    Job("county_officer", "county", "县信访局干部", (("officer", "county"),),
        "登记、受理、转送交办、跟踪督办；县级领导接访排班、接访登记、排查清单；办理复查、复核"),
    Job("county_leader", "county", "县级领导（县委书记、县长、副县长）", (("leader", "county"),),
        "每月至少一次接访，每年至少四次下访、约访；包案；审批本级的延期、复查和复核"),
    Job("county_supervisor", "county", "县纪委监委干部", (("supervisor", "county"),),
        "只读查看全县数据、文书和审计日志"),
    Job("department_handler", "department", "县直部门信访专干", (("handler", "department"),),
        "办理交办给本部门的信访事项并答复，回报分流指派事项"),
    Job("department_head", "department", "县直部门负责人", (("leader", "department"),),
        "审批本部门办理事项的延期；每年至少四次下访、约访"),
    Job("township_leader", "township", "乡镇（街道）党政主要领导、班子领导", (("leader", "township"),),
        "接访值班（主要领导每周至少一次），每月至少八次下访、约访（主要负责人）；包案；审批本级的延期、复查和复核"),
    Job("township_office_head", "township", "乡镇（街道）信访办主任",
        (("township_admin", "township"), ("officer", "township")),
        "管理本乡镇（街道）账号；安排和发布接访轮值，填报排查清单和积案清单，登记专项活动任务，办理信访事项"),
    Job("township_officer", "township", "乡镇（街道）信访干部", (("officer", "township"),),
        "登记、受理、转送交办、办理信访事项；接访安排和登记；填报清单"),
    Job("township_supervisor", "township", "乡镇（街道）纪工委书记", (("supervisor", "township"),),
        "只读督导检查本乡镇（街道）的全部数据和审计日志"),
    Job("community_head", "village", "村（社区）主干、信访信息员", (("community_worker", "village"),),
        "社区主干每日轮值接访并登记；排查矛盾纠纷；每周三、五向乡镇（街道）报送排查清单和接访情况；"
        "当场不能化解的由乡镇（街道）登记为信访事项"),
    Job("grid_worker", "grid", "网格员", (("grid_worker", "grid"), ("community_worker", "village")),
        "在本网格排查矛盾纠纷；汇总后代本村（社区）向乡镇（街道）报送周三、周五清单"),
)
JOB_BY_KEY = {j.key: j for j in JOBS}


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
