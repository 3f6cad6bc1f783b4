"""The unit column of an imported sheet: a name or code, resolved within the import's node."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.platform.errors import BadRequest
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.models import Node


class Places:
    """The nodes a file's unit column may name: the import's node and its subtree, by name or code."""

    def __init__(self, session: Session, target: Node, levels: tuple[str, ...]) -> None:
        self.target = target
        column = getattr(Node, COLUMN[Level(target.level)])
        nodes = session.scalars(select(Node).where(column == target.id, Node.level.in_(levels))).all()
        self.by_key: dict[str, list[Node]] = {}
        for node in {target, *nodes}:
            for key in {node.name, node.code}:
                self.by_key.setdefault(key, []).append(node)

    def find(self, text: str, problems: list[str]) -> Node | None:
        text = text.strip()
        if not text:
            return self.target
        found = self.by_key.get(text, [])
        if len(found) == 1:
            return found[0]
        problems.append(f"单位“{text}”不在{self.target.name}范围内" if not found
                        else f"单位名称“{text}”有重名,请改填单位代码")
        return None


def check_target(session: Session, node_id: int | None) -> Node:
    node = session.get(Node, node_id) if node_id is not None else None
    if node is None:
        raise BadRequest("请指定导入到哪个单位(node_id),且该单位须在您的管辖范围内")
    return node
