"""Writing a list of row dicts as an XLSX or CSV download: the one export path."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any

from litestar import Response
from openpyxl import Workbook

from xinfang.platform.errors import BadRequest

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def table_bytes(title: str, columns: list[tuple[str, str]], rows: list[dict[str, Any]], fmt: str) -> bytes:
    header = [label for _, label in columns]
    body = [[_cell(row.get(key)) for key, _ in columns] for row in rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(body)
        return buffer.getvalue().encode("utf-8-sig")  # BOM: Excel opens it as UTF-8
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for row in body:
        sheet.append(row)
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
