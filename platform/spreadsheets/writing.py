"""Writing a list of row dicts as an XLSX or CSV download: the one export path.

Every exported value goes through ``export_value`` (and every XLSX row through
``append_row``), because exports carry text that clerks and petitioners typed:
- a text starting with ``= + - @`` (or tab/CR) must never become a live formula in the
  clerk's Excel (OWASP CSV injection): CSV gets a leading ``'``, XLSX writes the cell as
  explicit string data, so the text stays exact;
- characters XML cannot hold (control characters, lone surrogates) are replaced by U+FFFD
  so one bad stored name cannot break every export, and the clerk sees where it was.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from typing import Any

from litestar import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.worksheet.worksheet import Worksheet

from xinfang.platform.errors import BadRequest

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_GUARD = "'"
UNWRITABLE = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|[\ud800-\udfff\ufffe\uffff]")


def export_value(value: Any, fmt: str) -> Any:
    """A stored value as a spreadsheet cell of format ``fmt`` may safely hold it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    if not isinstance(value, str):
        return value
    value = UNWRITABLE.sub("\ufffd", value)
    if fmt == "csv" and value.startswith(FORMULA_START):
        return FORMULA_GUARD + value
    return value


def append_row(sheet: Worksheet, values: list[Any]) -> None:
    """Append ``values`` as the sheet's next row; text is always string data, never a formula."""
    sheet.append([export_value(v, "xlsx") for v in values])
    for cell in sheet[sheet.max_row]:
        _as_text(cell)


def write_cell(cell: Cell, value: Any) -> None:
    """Set one XLSX cell, with the same care as ``append_row``."""
    cell.value = export_value(value, "xlsx")
    _as_text(cell)


def _as_text(cell: Cell | MergedCell) -> None:
    if isinstance(cell.value, str):
        cell.data_type = "s"  # openpyxl would store a text starting with "=" as a formula


def table_bytes(title: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]], fmt: str) -> bytes:
    header = [label for _, label in columns]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([export_value(label, fmt) for label in header])
        writer.writerows([export_value(row.get(key), fmt) for key, _ in columns] for row in rows)
        return buffer.getvalue().encode("utf-8-sig")  # BOM: Excel opens it as UTF-8
    return workbook_bytes([(title, columns, rows)])


Table = tuple[str, list[tuple[str, str]], list[dict[str, Any]]]  # sheet title, (key, header) columns, rows


def workbook_bytes(tables: list[Table]) -> bytes:
    """One XLSX sheet per table (a dashboard's tables in one file), every cell through ``append_row``."""
    book = Workbook()
    book.remove(book.worksheets[0])  # a new workbook has one empty sheet
    for title, columns, rows in tables:
        sheet = book.create_sheet(title[:31])
        append_row(sheet, [label for _, label in columns])
        for row in rows:
            append_row(sheet, [row.get(key) for key, _ in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check_format(fmt: str) -> None:
    if fmt not in ("xlsx", "csv"):
        raise BadRequest("导出格式应为 xlsx 或 csv")


def spreadsheet_response(title: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]], fmt: str,
                         filename: str) -> Response:
    check_format(fmt)
    media = "text/csv; charset=utf-8" if fmt == "csv" else XLSX_TYPE
    return Response(table_bytes(title, columns, rows, fmt), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{filename}.{fmt}"'})
