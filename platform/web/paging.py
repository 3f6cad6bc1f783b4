"""One way to paginate a list endpoint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from xinfang.platform.errors import BadRequest

MAX_PER_PAGE = 200


class Page(TypedDict):
    items: list[dict]
    total: int
    page: int
    per_page: int


def page_of(session: Session, query: Select, page: int, per_page: int, render: Callable[[Any], dict]) -> Page:
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise BadRequest(f"页码应从1开始,每页条数应在1至{MAX_PER_PAGE}之间")
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": [render(r) for r in rows], "total": total, "page": page, "per_page": per_page}
