"""The constrained types every request DTO and parameter uses: one place for input bounds.

Each type carries its bound twice, in the two vocabularies the stack reads: ``msgspec.Meta``
(checked when Litestar decodes a body into a dataclass) and ``annotated_types`` (checked on
path and query parameters, and published in the OpenAPI schema). A value outside the bound
is a 400 naming the field (``errors.handle_validation``), never a database error.

Lengths follow the columns they are stored in; texts without a column limit get one here.
Dates are checked by ``Bounded`` (msgspec has no date bounds).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

import annotated_types as at
from litestar.datastructures import UploadFile
from msgspec import Meta

from xinfang.platform.clock import CHINA
from xinfang.platform.errors import BadRequest

INT4_MAX = 2**31 - 1  # PostgreSQL ``integer``: every id and count column
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2100, 12, 31)


def _number(low: int, high: int) -> tuple[Meta, at.Interval]:
    return Meta(ge=low, le=high), at.Interval(ge=low, le=high)


def _length(max_length: int, min_length: int = 0) -> tuple[Meta, at.Len]:
    return Meta(min_length=min_length, max_length=max_length), at.Len(min_length, max_length)


# ``Annotated[...]`` written out (its bounds unpacked from the helpers) so type checkers and
# editors read each name as the type it is: ``int`` or ``str``.
Id = Annotated[int, *_number(1, INT4_MAX)]
PageNumber = Annotated[int, *_number(1, 100_000)]
PerPage = Annotated[int, *_number(1, 200)]
Count = Annotated[int, *_number(0, 100_000)]  # head counts, numbers of people or rows
Days = Annotated[int, *_number(0, 3_660)]  # a period in days
Year = Annotated[int, *_number(EARLIEST_DAY.year, LATEST_DAY.year)]

Code = Annotated[str, *_length(32)]  # node codes, vocabulary keys
Name = Annotated[str, *_length(64)]  # people's and users' names, usernames, positions
Title = Annotated[str, *_length(100)]  # node names, titles
Phone = Annotated[str, *_length(32)]
IdNumber = Annotated[str, *_length(32)]  # normalised to 18 characters before it is checked and stored
Line = Annotated[str, *_length(200)]  # addresses, short descriptions, one line of text
Note = Annotated[str, *_length(2_000)]  # remarks, opinions, replies
LongText = Annotated[str, *_length(10_000)]  # matter summaries and demands
Secret = Annotated[str, *_length(256)]  # passwords: long enough for any passphrase, short enough to hash cheaply


class DateOutOfRange(BadRequest, ValueError):
    """A 400 when a handler builds the DTO itself; a ValueError, so msgspec reports it as invalid input."""


class Bounded:
    """Mixin for request dataclasses: every date field lies within 1900..2100.

    msgspec calls ``__post_init__`` while decoding, so a refusal is a validation error
    (400) naming the field, like the length and number bounds above."""

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if isinstance(value, dt.date) and not EARLIEST_DAY <= _day(value) <= LATEST_DAY:
                raise DateOutOfRange(f"“{field.name}”的日期应在{EARLIEST_DAY.year}年至{LATEST_DAY.year}年之间")


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def check_day(name: str, value: dt.date | None) -> dt.date | None:
    """The same date bound for query parameters (Litestar checks no date bounds there)."""
    if value is not None and not EARLIEST_DAY <= _day(value) <= LATEST_DAY:
        raise DateOutOfRange(f"“{name}”的日期应在{EARLIEST_DAY.year}年至{LATEST_DAY.year}年之间")
    return value


# An optional query parameter: Litestar checks the bound only when it wraps the whole union.
OptionalId = Annotated[int | None, at.Interval(ge=1, le=INT4_MAX)]
# A list's position (``web.paging.Order.cursor``): a few sort values, encoded.
OptionalCursor = Annotated[str | None, at.Len(1, 200)]


def check_moment(name: str, value: dt.datetime | None) -> dt.datetime | None:
    """A query parameter's point in time: within the date bounds, and Beijing time when the
    clerk gave no offset (a naive time cannot be compared with the stored UTC times)."""
    check_day(name, value)
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=CHINA)
    return value


@dataclasses.dataclass
class Upload:
    """A one-file upload, the file in the form field ``data``: a form without it is a 400
    naming the field (a bare ``UploadFile`` body makes Litestar fail with a 500)."""

    data: UploadFile


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
