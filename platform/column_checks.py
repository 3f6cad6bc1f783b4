"""The last check before a row is written: text fits its column and holds no NUL.

SQLite ignores ``String(n)`` and stores NUL; PostgreSQL refuses both with a driver error.
Checking at flush makes both databases answer the same clear 400 naming the field, for
every way in (typed DTOs, free-form action bodies, imports, plugins)."""

from __future__ import annotations

from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Mapper, Session

from xinfang.platform.db import Base
from xinfang.platform.errors import BadRequest


def check_text_columns(session: Session, _context: Any, _instances: Any) -> None:
    for obj in chain(session.new, session.dirty):
        state = inspect(obj)
        for key, length in _columns(state.mapper):
            value = state.dict.get(key)  # only what was set: never loads an attribute
            if not isinstance(value, str):
                continue
            if length is not None and len(value) > length:
                raise BadRequest(f"“{key}”不能超过{length}个字", details=[{"field": key,
                                                                       "message": f"不能超过{length}个字"}])
            if "\x00" in value:
                raise BadRequest(f"“{key}”中含有不允许的空字符", details=[{"field": key,
                                                                    "message": "含有不允许的空字符"}])


@cache
def _columns(mapper: Mapper) -> tuple[tuple[str, int | None], ...]:
    """(attribute, declared length) of a mapped class's columns, worked out once per class (a
    flush asks for every row it writes)."""
    return tuple((prop.key, getattr(prop.columns[0].type, "length", None)) for prop in mapper.column_attrs)


# Checked earlier, with the form's own labels, so every over-long field of an entry is named
# together in one 400 (the flush check stops at the first).
def too_long(model: type[Base], values: dict[str, Any], labels: dict[str, str], skip: tuple[str, ...] = ()) -> list[str]:
    """Each of ``values`` longer than its column; ``skip`` names fields stored only after
    normalising (an identity number typed with spaces or full-width digits), checked elsewhere."""
    problems = []
    for key, value in values.items():
        if key in skip:
            continue
        column = model.__table__.columns.get(key)
        length = getattr(column.type, "length", None) if column is not None else None
        if length and isinstance(value, str) and len(value.strip()) > length:
            problems.append(f"{labels.get(key, key)}不能超过{length}个字")
    return problems
