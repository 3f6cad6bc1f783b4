"""Length limits taken from the columns themselves, so an over-long entry is a clerk's
400 with the field's name, never a database error (PostgreSQL refuses what SQLite keeps)."""

from __future__ import annotations

from typing import Any


def too_long(model: type, values: dict[str, Any], labels: dict[str, str]) -> list[str]:
    problems = []
    for key, value in values.items():
        column = model.__table__.columns.get(key)
        length = getattr(column.type, "length", None) if column is not None else None
        if length and isinstance(value, str) and len(value.strip()) > length:
            problems.append(f"{labels.get(key, key)}不能超过{length}个字")
    return problems
