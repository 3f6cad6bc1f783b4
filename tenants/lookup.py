"""Loading one row by id through the session's scope, or answering the standard 404.

A row outside the scope and a row that does not exist get the same answer, so a clerk
cannot probe for other offices' ids; every route and service loads rows this one way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.platform.errors import NotFound
from xinfang.tenants.models import Node

T = TypeVar("T")


def get_or_404(session: Session, model: type[T], ident: Any, what: str, *,
               accept: Callable[[T], bool] | None = None, message: str | None = None) -> T:
    """The ``model`` row ``ident`` as the (scoped) session sees it, else ``NotFound`` saying
    "<what>不存在或不在您的管辖范围内" (or ``message``). ``ident`` None is not found;
    ``accept`` turns a visible row that is not the kind asked for into the same 404."""
    row = session.get(model, ident) if ident is not None else None
    if row is None or (accept is not None and not accept(row)):
        raise NotFound(message or f"{what}不存在或不在您的管辖范围内")
    return row


def node_names(session: Session, ids: list[int | None]) -> dict[int, str]:
    """id → name of the given nodes, for labelling rows in a list (names are not tenant data)."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    return dict(session.execute(select(Node.id, Node.name).where(Node.id.in_(wanted)),
                                execution_options={"skip_scope": True}).all())
