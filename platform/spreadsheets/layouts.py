"""Annex-shaped sheets: one column layout per ledger, used both to export (headers exactly
as the annex has them) and to import (the same headers, or listed aliases), all rows or none.

``import_all`` checks every row first (``check`` returns the row's problems, nothing is
written), reports every problem with its spreadsheet row number, and only when the whole
file is clean hands the rows to ``write``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from litestar import Response

from xinfang.platform.errors import BadRequest
from xinfang.platform.spreadsheets.reading import Row, read_table
from xinfang.platform.spreadsheets.writing import spreadsheet_response

T = TypeVar("T")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Layout:
    title: str  # the annex's title, also the sheet's name
    columns: tuple[Column, ...]
    required: tuple[str, ...] = ()  # keys whose column an imported file must have
    filename: str = "ledger"

    def pairs(self) -> list[tuple[str, str]]:
        return [(c.key, c.header) for c in self.columns]

    def aliases(self) -> dict[str, str]:
        out = {}
        for c in self.columns:
            for text in (c.header, c.key, *c.aliases):
                out[text] = c.key
        return out

    def header(self, key: str) -> str:
        return next(c.header for c in self.columns if c.key == key)

    def response(self, rows: list[dict[str, Any]], fmt: str = "xlsx") -> Response:
        numbered = [{"seq": n, **row} for n, row in enumerate(rows, start=1)]
        return spreadsheet_response(self.title, self.pairs(), numbered, fmt, self.filename)


def import_all(layout: Layout, filename: str, data: bytes, check: Callable[[Row], tuple[T | None, list[str]]],
               write: Callable[[T], Any]) -> int:
    rows = read_table(filename, data, layout.aliases())
    if not rows:
        raise BadRequest("文件中没有可导入的数据行")
    missing = [layout.header(k) for k in layout.required if k not in rows[0].values]
    if missing:
        raise BadRequest(f"缺少必需的列:{'、'.join(missing)}(表头应与“{layout.title}”一致)")
    errors: list[dict] = []
    items: list[T] = []
    for row in rows:
        item, problems = check(row)
        for problem in problems:
            errors.append({"row": row.number, "message": f"第{row.number}行:{problem}"})
        if not problems:
            items.append(item)  # type: ignore[arg-type]
    if errors:
        bad_rows = len({e["row"] for e in errors})
        raise BadRequest(f"导入失败:{bad_rows}行有错误,未导入任何数据", details=errors)
    for item in items:
        write(item)
    return len(items)


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?$")


def parse_date(text: str, what: str, problems: list[str], required: bool = False) -> dt.date | None:
    text = (text or "").strip()
    if not text:
        if required:
            problems.append(f"缺少{what}")
        return None
    match = _DATE.match(text)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    problems.append(f"{what}“{text}”不是有效日期,应为如 2026-11-18 的格式")
    return None


def parse_int(text: str, what: str, problems: list[str], default: int) -> int:
    text = (text or "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError:
        problems.append(f"{what}“{text}”应为整数")
        return default


def date_cell(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def parse_many(vocabulary: dict[str, str], text: str) -> tuple[list[str], list[str]]:
    """Keys from a cell like "集体上访、负面舆论炒作" (labels or keys, any common separator);
    also the parts that matched nothing."""
    by_label = {v: k for k, v in vocabulary.items()}
    keys, unknown = [], []
    for part in text.replace(",", "、").replace(",", "、").replace(";", "、").replace(";", "、").split("、"):
        part = part.strip()
        if not part:
            continue
        key = part if part in vocabulary else by_label.get(part)
        if key is None:
            unknown.append(part)
        elif key not in keys:
            keys.append(key)
    return keys, unknown


def parse_one(vocabulary: dict[str, str], text: str) -> str | None:
    text = text.strip()
    if text in vocabulary:
        return text
    return {v: k for k, v in vocabulary.items()}.get(text)
