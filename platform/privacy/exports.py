"""Who may see full personal data in an export (ledgers, reception, intake)."""

from __future__ import annotations

from xinfang.permissions.actor import Actor, authorize
from xinfang.platform.errors import Forbidden
from xinfang.platform.privacy.fields import Viewer
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession


def export_viewer(db: ScopedSession, actor: Actor, node_ids: set[int], unmask: bool) -> Viewer:
    """Masked unless asked; a full export needs ``pii:read`` over every row's node."""
    if not unmask:
        return Viewer()
    for node_id in node_ids:
        node = db.get(Node, node_id)
        if node is None or not authorize(actor, node, "pii", "read"):
            raise Forbidden("导出范围内有您无权查看完整个人信息的记录,请取消“完整导出”")
    return Viewer(may_read_pii=True, unmask=True)
