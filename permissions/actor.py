"""Who is asking, what they hold, and the one ``authorize()`` every check goes through."""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.permissions.store import PolicyStore
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope

# Object types an operator may touch: the tree and the accounts, never tenant content.
DIRECTORY_OBJECTS = frozenset({"tenants", "users", "roles", "platform"})


@dataclass(frozen=True)
class Assignment:
    role: str
    node_id: int | None
    level: str | None
    code: str | None
    name: str | None

    def covers(self, node: Node) -> bool:
        if self.node_id is None or self.level is None:  # a platform-wide role (the operator's)
            return True
        return node.ancestry_with_self().get(COLUMN[Level(self.level)]) == self.node_id

    def to_dict(self) -> dict:
        return {"role": self.role, "node": self.code, "node_id": self.node_id, "node_name": self.name,
                "level": self.level}


@dataclass(frozen=True)
class Actor:
    user_id: int
    username: str
    display_name: str
    home_node_id: int | None
    assignments: tuple[Assignment, ...]
    policy: PolicyStore
    must_change_password: bool = False

    def holding(self, permission: str) -> list[Assignment]:
        return [a for a in self.assignments if permission in self.policy.permissions_of(a.role)]

    def scope_for(self, permission: str) -> Scope | None:
        """Where this actor may use ``permission``: the union of the subtrees of the
        assignments whose role grants it; None when no role grants it."""
        grants = self.holding(permission)
        if not grants:
            return None
        nodes = [(a.level, a.node_id) for a in grants if a.level is not None and a.node_id is not None]
        if len(nodes) < len(grants):  # a platform-wide role among them
            return Scope.platform()
        return Scope.of_nodes(nodes)

    def permissions(self) -> set[str]:
        return {p for a in self.assignments for p in self.policy.permissions_of(a.role)}


def authorize(actor: Actor, node: Node | None, obj: str, act: str) -> bool:
    """May ``actor`` do ``act`` on ``obj`` at ``node``? (node None: anywhere in their reach)."""
    grants = actor.holding(f"{obj}:{act}")
    if node is None:
        return bool(grants)
    for a in grants:
        if a.node_id is None:
            if obj in DIRECTORY_OBJECTS:
                return True
        elif a.covers(node):
            return True
    return False
