"""Spreadsheets over HTTP: the one way a route answers an export (in the audit log, with
how many rows and whether personal data was unmasked) and runs an uploaded import (all
rows or none), for the ledgers, the reception rota and register alike."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request, Response

from xinfang.permissions.actor import Actor
from xinfang.platform.audit.log import record
from xinfang.platform.spreadsheets.layouts import Layout
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Upload
from xinfang.platform.web.uploads import upload_bytes
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession

# load(session, actor, target node, filename, content) -> rows imported
Loader = Callable[[ScopedSession, Actor, Node, str, bytes], int]


def export_answer(db: ScopedSession, actor: Actor, layout: Layout, rows: list[dict[str, Any]], fmt: str,
                  object_type: str, node_id: int | None, unmasked: bool | None = None) -> Response:
    """Record the export (``unmasked`` None: the table has no personal data) and answer the file."""
    after: dict[str, Any] = {"format": fmt, "rows": len(rows)}
    if unmasked is not None:
        after["unmasked"] = bool(unmasked)
    record(db, action="export", object_type=object_type, node_id=node_id or actor.home_node_id, after=after)
    db.commit()
    return layout.response(rows, fmt)


def import_answer(request: Request, db: ScopedSession, data: Upload, target: Node, load: Loader) -> dict[str, int]:
    """Read the uploaded file (within the upload limit) and import it into ``target``."""
    filename, content = upload_bytes(request, data)
    count = load(db, current_actor(request), target, filename, content)
    db.commit()
    return {"imported": count}
