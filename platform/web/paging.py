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


def page_of(session: Session, query: Select, page: int, per_page: int, render: Callable[[Any], dict],
            count: Select | None = None) -> Page:
    """One page of ``query`` and the number of rows in all pages.

    The page is read first: when it is the last one (fewer rows than a full page, or page 1
    empty) its rows give the total and no COUNT runs. ``count`` is a cheaper statement that
    counts exactly the rows of ``query``, for callers that know one (see the matters list)."""
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise BadRequest(f"页码应从1开始,每页条数应在1至{MAX_PER_PAGE}之间")
    offset = (page - 1) * per_page
    rows = session.scalars(query.limit(per_page).offset(offset)).all()
    if 0 < len(rows) < per_page or (page == 1 and not rows):
        total = offset + len(rows)
    else:
        total = session.execute(count if count is not None else
                                select(func.count()).select_from(query.order_by(None).subquery())).scalar_one()
    return {"items": [render(r) for r in rows], "total": total, "page": page, "per_page": per_page}
