"""Small pieces the ledger, reception and intake routes share: who may see full personal
data in an export, and typed partial updates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinfang.permissions.actor import Actor, authorize
from xinfang.platform.errors import BadRequest, Forbidden
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


def coerce(changes: dict[str, Any], dates: tuple[str, ...] = (), ints: tuple[str, ...] = (),
           lists: tuple[str, ...] = (), bools: tuple[str, ...] = ()) -> dict[str, Any]:
    """A JSON partial update with each field turned into its column's type (400 otherwise)."""
    out: dict[str, Any] = {}
    for key, value in changes.items():
        try:
            if key in dates:
                out[key] = None if value in (None, "") else dt.date.fromisoformat(str(value))
            elif key in ints:
                if isinstance(value, bool):
                    raise ValueError
                out[key] = int(value)
            elif key in lists:
                if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                    raise ValueError
                out[key] = list(value)
            elif key in bools:
                if not isinstance(value, bool):
                    raise ValueError
                out[key] = value
            else:
                if not isinstance(value, str):
                    raise ValueError
                out[key] = value
        except ValueError as exc:
            raise BadRequest(f"字段“{key}”的值格式不正确") from exc
    return out
