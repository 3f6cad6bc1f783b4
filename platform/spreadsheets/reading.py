"""Reading uploaded CSV and XLSX tables into row dicts keyed by header, with row numbers."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook

from xinfang.platform.errors import BadRequest

MAX_ROWS = 50_000


@dataclass(frozen=True)
class Row:
    number: int  # the row number a clerk sees in the spreadsheet (header is row 1)
    values: dict[str, str]


def read_table(filename: str, data: bytes, aliases: dict[str, str]) -> list[Row]:
    """Rows of the first sheet (XLSX) or of the file (CSV). ``aliases`` maps accepted header
    texts (Chinese or English) to field names; unknown columns are ignored."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        raw = _xlsx_rows(data)
    elif name.endswith(".csv") or name.endswith(".txt"):
        raw = _csv_rows(data)
    else:
        raise BadRequest("仅支持 .xlsx 或 .csv 文件")
    if not raw:
        raise BadRequest("文件是空的")
    header = [aliases.get(_clean(h)) for h in raw[0]]
    if not any(header):
        raise BadRequest(f"第1行应为表头,可用的列名:{'、'.join(sorted(set(aliases)))}")
    rows = []
    for offset, cells in enumerate(raw[1:], start=2):
        values = {field: _clean(cells[i]) if i < len(cells) else "" for i, field in enumerate(header) if field}
        if any(values.values()):
            rows.append(Row(offset, values))
    if len(rows) > MAX_ROWS:
        raise BadRequest(f"一次最多导入{MAX_ROWS}行")
    return rows


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _csv_rows(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BadRequest("无法识别文件编码,请保存为 UTF-8 或 GBK 编码的 CSV")
    return [row for row in csv.reader(io.StringIO(text))]


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise BadRequest("无法读取该 Excel 文件,请确认是 .xlsx 格式且未损坏") from exc
    sheet = book.worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]
