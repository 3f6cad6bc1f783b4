"""Importing a county's tree from a spreadsheet: all rows or none.

Columns (Chinese or English headers): 层级/level, 代码/code, 名称/name, 上级代码/parent_code.
Every row is checked before anything is written; any bad row rejects the whole file with
a list of row-numbered errors. A row whose code already exists at the same place only
renames the node, so the same file can be imported twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.platform.errors import BadRequest
from xinfang.platform.spreadsheets.reading import Row, read_table
from xinfang.tenants.levels import (
    COLUMN,
    LABELS,
    PARENT_LEVEL,
    Level,
    code_problem,
    parse_level,
)
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope
from xinfang.tenants.tree import NAME_MAX, create_node

ALIASES = {
    "层级": "level", "级别": "level", "level": "level",
    "代码": "code", "编码": "code", "区划代码": "code", "code": "code",
    "名称": "name", "name": "name",
    "上级代码": "parent_code", "上级编码": "parent_code", "parent_code": "parent_code",
}
DEPTH = {Level.COUNTY: 0, Level.TOWNSHIP: 1, Level.DEPARTMENT: 1, Level.VILLAGE: 2, Level.GRID: 3}


@dataclass
class ImportResult:
    created: int
    renamed: int
    unchanged: int

    def to_dict(self) -> dict:
        return {"created": self.created, "renamed": self.renamed, "unchanged": self.unchanged}


def import_tree(session: Session, filename: str, data: bytes) -> ImportResult:
    rows = read_table(filename, data, ALIASES)
    plan, errors = _check(session, rows)
    if errors:
        raise BadRequest(f"导入失败:{len(errors)}行有错误,未导入任何数据", details=errors)
    result = ImportResult(0, 0, 0)
    by_code: dict[str, Node] = {}
    for row, level, existing in sorted(plan, key=lambda p: DEPTH[p[1]]):
        v = row.values
        if existing is not None:
            if existing.name != v["name"]:
                existing.name = v["name"]
                result.renamed += 1
            else:
                result.unchanged += 1
            by_code[existing.code] = existing
            continue
        parent = by_code.get(v["parent_code"]) or _existing(session, v["parent_code"]) if v["parent_code"] else None
        by_code[v["code"]] = create_node(session, level, v["code"], v["name"], parent)
        result.created += 1
    session.flush()
    return result


def _existing(session: Session, code: str) -> Node | None:
    return session.scalar(select(Node).where(Node.code == code))


def _check(session: Session, rows: list[Row]) -> tuple[list[tuple[Row, Level, Node | None]], list[dict]]:
    """Validate every row against the file and the database; nothing is written."""
    errors: list[dict] = []
    levels: dict[str, Level] = {}
    seen: dict[str, int] = {}
    parsed: list[tuple[Row, Level]] = []

    def bad(row: Row, message: str) -> None:
        errors.append({"row": row.number, "message": f"第{row.number}行:{message}"})

    for row in rows:
        v = row.values
        for field, label in (("level", "层级"), ("code", "代码"), ("name", "名称")):
            if not v.get(field):
                bad(row, f"缺少{label}")
        if not all(v.get(f) for f in ("level", "code", "name")):
            continue
        v.setdefault("parent_code", "")
        try:
            level = parse_level(v["level"])
        except ValueError as exc:
            bad(row, str(exc))
            continue
        if len(v["name"]) > NAME_MAX:
            bad(row, f"名称超过{NAME_MAX}个字符")
        if v["code"] in seen:
            bad(row, f"代码 {v['code']} 与第{seen[v['code']]}行重复")
            continue
        seen[v["code"]] = row.number
        levels[v["code"]] = level
        parsed.append((row, level))

    plan = []
    scope: Scope = session.info["scope"]
    for row, level in parsed:
        v = row.values
        parent_code = v["parent_code"] or None
        expected = PARENT_LEVEL[level]
        if expected is None and parent_code:
            bad(row, "县级节点不应填写上级代码")
            continue
        if expected is not None and not parent_code:
            bad(row, f"{LABELS[level]}必须填写上级代码")
            continue
        problem = code_problem(level, v["code"], parent_code)
        if problem:
            bad(row, problem)
            continue
        if parent_code:
            parent_level = levels.get(parent_code)
            parent_node = None
            if parent_level is None:
                parent_node = _existing(session, parent_code)
                parent_level = Level(parent_node.level) if parent_node else None
            if parent_level is None:
                bad(row, f"上级代码 {parent_code} 既不在文件中,也不在系统中(或不在您的管辖范围内)")
                continue
            if parent_level != expected:
                bad(row, f"{LABELS[level]}的上级应为{LABELS[expected]},而 {parent_code} 是{LABELS[parent_level]}")
                continue
            if parent_node is not None and not scope.covers(parent_node.ancestry_with_self(), True):
                bad(row, f"上级节点 {parent_code} 不在您的管辖范围内")
                continue
        existing = session.execute(select(Node).where(Node.code == v["code"]),
                                   execution_options={"skip_scope": True}).scalar_one_or_none()
        if existing is not None:
            if existing.level != level.value or (existing.parent_id or None) != _parent_id(session, parent_code):
                bad(row, f"代码 {v['code']} 已被其他位置的节点使用")
                continue
            if not scope.covers(existing.ancestry_with_self(), True):
                bad(row, f"代码 {v['code']} 已被使用")
                continue
            # a rename is managed from above, as PATCH /api/nodes/{id}: never by the node's own admin
            placement = {**existing.ancestry_with_self(), COLUMN[level]: None}
            if existing.name != v["name"] and not scope.covers(placement, True):
                bad(row, f"{existing.name}({v['code']})只能由上级管理员重命名")
                continue
        elif level == Level.COUNTY and scope.mode == "nodes":
            bad(row, "只有平台运维人员可以新建县级节点")
            continue
        plan.append((row, level, existing))
    return plan, errors


def _parent_id(session: Session, code: str | None) -> int | None:
    if not code:
        return None
    return session.execute(select(Node.id).where(Node.code == code),
                           execution_options={"skip_scope": True}).scalar_one_or_none()
