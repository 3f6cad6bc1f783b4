"""Creating, renaming and moving nodes of the tenant tree."""

from __future__ import annotations

from sqlalchemy import func, literal, select, update
from sqlalchemy.orm import Session

from xinfang.platform.audit.log import record
from xinfang.platform.db import Base
from xinfang.platform.errors import BadRequest, Conflict
from xinfang.tenants.levels import (
    ANCESTOR_COLUMNS,
    COLUMN,
    LABELS,
    PARENT_LEVEL,
    Level,
    code_problem,
    local_suffix,
)
from xinfang.tenants.models import Ancestry, Node

NAME_MAX = 100


def check_placement(level: Level, parent: Node | None) -> None:
    expected = PARENT_LEVEL[level]
    if expected is None and parent is not None:
        raise BadRequest("县级节点没有上级节点")
    if expected is not None and (parent is None or parent.level != expected):
        raise BadRequest(f"{LABELS[level]}的上级必须是{LABELS[expected]}")


def clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise BadRequest(f"名称不能为空,且不超过{NAME_MAX}个字符")
    return name


def code_taken(session: Session, code: str) -> bool:
    return session.execute(select(Node.id).where(Node.code == code),
                           execution_options={"skip_scope": True}).first() is not None


def create_node(session: Session, level: Level | str, code: str, name: str, parent: Node | None) -> Node:
    level = Level(level)
    check_placement(level, parent)
    code = (code or "").strip()
    problem = code_problem(level, code, parent.code if parent else None)
    if problem:
        raise BadRequest(problem)
    if code_taken(session, code):
        raise Conflict(f"代码 {code} 已被使用")
    node = Node(level=level.value, code=code, name=clean_name(name), parent_id=parent.id if parent else None)
    session.add(node)
    session.flush()
    return node


def rename_node(node: Node, name: str) -> None:
    node.name = clean_name(name)


def move_node(session: Session, node: Node, new_parent: Node, new_code: str | None = None) -> int:
    """Move ``node`` (and its subtree) under ``new_parent``; every record under it follows.

    The node's code is re-based on the new parent's code (its local suffix kept, unless
    ``new_code`` is given) and so are its descendants'. Returns how many records moved.
    """
    level = Level(node.level)
    if level in (Level.COUNTY, Level.DEPARTMENT):
        raise BadRequest("县级节点和部门不能迁移")
    check_placement(level, new_parent)
    if new_parent.id == node.parent_id:
        raise Conflict("该节点已在此上级节点下")
    old_code = node.code
    code = (new_code or new_parent.code + local_suffix(level, old_code)).strip()
    problem = code_problem(level, code, new_parent.code)
    if problem:
        raise BadRequest(problem)
    if code != old_code and code_taken(session, code):
        raise Conflict(f"代码 {code} 已被使用,请指定新的代码")
    before = {"parent_id": node.parent_id, "code": old_code}
    node.parent_id = new_parent.id
    node.code = code
    session.flush()  # the scope check runs here: the new parent must be within reach

    own = COLUMN[level]
    above = {col: v for col, v in new_parent.ancestry_with_self().items()
             if col != own and ANCESTOR_COLUMNS.index(col) < ANCESTOR_COLUMNS.index(own)}
    moved = 0
    system = {"skip_scope": True, "skip_audit": True}
    for table in _ancestry_tables():
        result = session.execute(update(table).where(table.c[own] == node.id).values(above),
                                 execution_options=system)
        moved += result.rowcount or 0
    nodes = Node.__table__
    session.execute(update(nodes).where(nodes.c[own] == node.id, nodes.c.id != node.id)
                    .values(code=literal(code) + func.substr(nodes.c.code, len(old_code) + 1)),
                    execution_options=system)
    session.expire_all()
    record(session, action="move", object_type="nodes", object_id=node.id, node_id=node.id,
           before=before, after={"parent_id": new_parent.id, "code": code, "records_moved": moved})
    return moved


def _ancestry_tables():
    return [m.local_table for m in Base.registry.mappers if issubclass(m.class_, Ancestry)]


def subtree_filter(node: Node):
    """A WHERE clause for ``Node`` rows in ``node``'s subtree (itself included)."""
    return getattr(Node, COLUMN[Level(node.level)]) == node.id
