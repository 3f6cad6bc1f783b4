"""Reading uploaded CSV and XLSX tables into row dicts keyed by header, with row numbers.

Rows are streamed and every limit in ``limits.SheetLimits`` is checked as they come, so a
hostile file is refused before it costs memory: an XLSX is inspected part by part first
(``xlsx_check``), then read by openpyxl in read-only mode; a CSV is read line by line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook

from xinfang.platform.errors import BadRequest
from xinfang.platform.spreadsheets.limits import LIMITS, SheetLimits, TooLarge
from xinfang.platform.spreadsheets.writing import FORMULA_GUARD, FORMULA_START
from xinfang.platform.spreadsheets.xlsx_check import DAMAGED, check_xlsx

MAX_ROWS = LIMITS.rows


@dataclass(frozen=True)
class Row:
    number: int  # the row number a clerk sees in the spreadsheet (header is row 1)
    values: dict[str, str]


def read_table(filename: str, data: bytes, aliases: dict[str, str], limits: SheetLimits = LIMITS) -> list[Row]:
    """Rows of the first sheet (XLSX) or of the file (CSV). ``aliases`` maps accepted header
    texts (Chinese or English) to field names; unknown columns are ignored."""
    name = (filename or "").lower()
    if name.endswith(".xlsx"):
        check_xlsx(data, limits)
        raw = _xlsx_rows(data)
    elif name.endswith((".csv", ".txt")):
        raw = _csv_rows(data, limits)
    else:
        raise BadRequest("仅支持 .xlsx 或 .csv 文件")
    try:
        return _rows(raw, aliases, limits)
    finally:
        raw.close()


def _rows(raw: Generator[list[Any]], aliases: dict[str, str], limits: SheetLimits) -> list[Row]:
    first = next(raw, None)
    if first is None:
        raise BadRequest("文件是空的")
    header = [aliases.get(_clean(h)) for h in _checked(first, 1, limits)]
    if not any(header):
        raise BadRequest(f"第1行应为表头,可用的列名:{'、'.join(sorted(set(aliases)))}")
    rows: list[Row] = []
    chars = 0
    for number, cells in enumerate(raw, start=2):
        if number > limits.sheet_rows:
            raise TooLarge(f"表格超过{limits.sheet_rows}行(含空行),一次最多导入{limits.rows}行数据")
        cells = _checked(cells, number, limits)
        values = {field: _clean(cells[i]) if i < len(cells) else "" for i, field in enumerate(header) if field}
        if not any(values.values()):
            continue
        if len(rows) == limits.rows:
            raise TooLarge(f"一次最多导入{limits.rows}行数据")
        chars += sum(map(len, values.values()))
        if chars > limits.text_chars:
            raise TooLarge(f"表格内容合计超过{limits.text_chars}个字符")
        rows.append(Row(number, values))
    return rows


def _checked(cells: list[Any], number: int, limits: SheetLimits) -> list[Any]:
    """The row without trailing blanks, refused if it is wider or has a longer cell than allowed."""
    width = len(cells)
    while width and cells[width - 1] in (None, ""):
        width -= 1
    if width > limits.columns:
        raise TooLarge(f"第{number}行超过{limits.columns}列")
    for value in cells[:width]:
        if isinstance(value, str) and len(value) > limits.cell_chars:
            raise TooLarge(f"第{number}行有单元格超过{limits.cell_chars}个字符")
    return cells[:width]


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _csv_rows(data: bytes, limits: SheetLimits) -> Generator[list[Any], None, None]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BadRequest("无法识别文件编码,请保存为 UTF-8 或 GBK 编码的 CSV")
    return _csv_records(text, limits)


def _csv_records(text: str, limits: SheetLimits) -> Generator[list[str]]:
    def lines() -> Generator[str]:
        for line in io.StringIO(text, newline=""):
            if len(line) > limits.csv_line_chars:
                raise TooLarge(f"文件有一行超过{limits.csv_line_chars}个字符")
            yield line

    try:
        for record in csv.reader(lines()):
            yield [_unguard(cell) for cell in record]
    except csv.Error as exc:  # a field over csv's own limit (131,072), far above a cell's
        raise TooLarge(f"有单元格超过{limits.cell_chars}个字符") from exc


def _unguard(cell: str) -> str:
    """A cell this platform exported as ``'=…`` (formula guard) reads back as ``=…``."""
    if cell[:1] == FORMULA_GUARD and cell[1:].startswith(FORMULA_START):
        return cell[1:]
    return cell


def _xlsx_rows(data: bytes) -> Generator[list[Any], None, None]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise BadRequest(DAMAGED) from exc
    return _sheet_rows(book)


def _sheet_rows(book) -> Generator[list[Any]]:
    try:
        if not book.worksheets:
            return
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # a declared A1:XFD1048576 would pad every row to 16,384 cells
        try:
            for row in sheet.iter_rows(values_only=True):
                yield list(row)
        except BadRequest:
            raise
        except Exception as exc:
            raise BadRequest(DAMAGED) from exc
    finally:
        book.close()
