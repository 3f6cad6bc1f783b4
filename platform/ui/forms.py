"""A page's form (urlencoded strings) turned into the API's request dataclass.

The API decodes JSON into the same dataclasses with msgspec; a page converts its form the
same way (``strict=False``: "3" is an int, "2026-11-18" a date), so the bounds a route
declares hold for the page too. An empty field takes the dataclass's default; a problem is a
400 naming the field by its Chinese label.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import msgspec
from sqlalchemy.orm import Session

from xinfang.platform.errors import BadRequest, ClerkError, _field_problem
from xinfang.platform.web.inputs import check_day

FIELD_LIMIT = 10_000
T = TypeVar("T")


def form_values(data: Mapping[str, Any]) -> dict[str, str]:
    """The posted fields as trimmed strings (a repeated field keeps its last value)."""
    return {str(k): str(v[-1] if isinstance(v, list) and v else v)[:FIELD_LIMIT].strip() for k, v in data.items()}


def read_form(cls: type[T], form: Mapping[str, str], labels: Mapping[str, str], *, bools: tuple[str, ...] = (),
              **fixed: Any) -> T:
    """``cls`` from the form's fields it declares (checkboxes in ``bools``), plus ``fixed`` values."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {k: v for k, v in form.items() if k in names and k not in bools and v != ""}
    values |= {k: bool(form.get(k)) for k in bools}
    values |= fixed
    try:
        return msgspec.convert(values, cls, strict=False)
    except msgspec.ValidationError as exc:
        problem = _field_problem({"message": str(exc)})
        field = problem["field"]
        message = problem["message"].replace(f"“{field}”", f"“{labels.get(field, field)}”")
        raise BadRequest(message, details=[{"field": field, "message": message}]) from exc


def committed(db: Session, write: Callable[[], T]) -> T | ClerkError:
    """Runs a page's write and commits it; a clerk's refusal rolls everything back and is
    returned, for the page to be drawn again with it (nothing half-written is kept)."""
    try:
        done = write()
        db.commit()
    except ClerkError as exc:
        db.rollback()
        return exc
    return done


def problems_of(exc: ClerkError) -> list[str]:
    """Each problem a service listed, else its one message."""
    return [d["message"] for d in exc.details if d.get("message")] or [exc.message]


def node_of(form: Mapping[str, str]) -> int | None:
    """The form's ``node_id`` (the unit a page shows again after a refusal), if it is a number."""
    raw = form.get("node_id", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def day_of(raw: str | None, name: str) -> dt.date | None:
    """A date typed in a form or a page's query (empty: none), within the API's date bounds."""
    if not raw:
        return None
    try:
        return check_day(name, dt.date.fromisoformat(raw))
    except ValueError as exc:
        raise BadRequest(f"日期“{raw[:20]}”格式不正确,应为YYYY-MM-DD") from exc
