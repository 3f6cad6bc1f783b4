"""Hostile spreadsheets, crafted in the test (no binary blobs in the repository).

Each XLSX is a minimal SpreadsheetML package written part by part with ``zipfile``, so a
part of hundreds of MiB is compressed in chunks without ever being held in memory.
"""

from __future__ import annotations

import io
import random
import string
import zipfile
from collections.abc import Iterable

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    '</Relationships>')
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    '<Relationship Id="rId2" Target="sharedStrings.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
    '</Relationships>')
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
MiB = 1024 * 1024


def xlsx(sheet_rows: Iterable[str], shared: Iterable[str] = ()) -> bytes:
    """A package whose sheet holds ``sheet_rows`` (``<row>`` XML) and whose shared-strings
    part holds ``shared`` (``<si>`` XML), both streamed into the zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        _stream(archive, "xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst {MAIN}>', shared,
                "</sst>")
        _stream(archive, "xl/worksheets/sheet1.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><worksheet {MAIN}><sheetData>', sheet_rows,
                "</sheetData></worksheet>")
    return out.getvalue()


def _stream(archive: zipfile.ZipFile, name: str, head: str, body: Iterable[str], tail: str) -> None:
    with archive.open(name, "w", force_zip64=True) as part:
        part.write(head.encode())
        buffer: list[str] = []
        size = 0
        for piece in body:
            buffer.append(piece)
            size += len(piece)
            if size > MiB:
                part.write("".join(buffer).encode())
                buffer, size = [], 0
        part.write("".join(buffer).encode())
        part.write(tail.encode())


HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>A</t></is></c></row>'


def huge_shared_string(mib: int = 512) -> bytes:
    """One shared string of ``mib`` MiB in a file of well under 1 MiB (the issue's 2.55 GB case)."""
    block = "a" * MiB
    return xlsx([HEADER_ROW, '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'],
                ["<si><t>", *(block for _ in range(mib)), "</t></si>"])


def long_shared_string(chars: int = 1_000_000) -> bytes:
    """A shared string far over a cell's length that compresses poorly (passes the ratio check)."""
    text = "".join(random.Random(1).choices(string.ascii_letters, k=chars))
    return xlsx([HEADER_ROW, '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'], [f"<si><t>{text}</t></si>"])


def many_tiny_rows(rows: int = 200_000) -> bytes:
    return xlsx([HEADER_ROW, *(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, rows + 2))])


def high_ratio(mib: int = 50) -> bytes:
    """A sheet part mostly of whitespace: thousandfold compression."""
    return xlsx([HEADER_ROW, *(" " * MiB for _ in range(mib))])


def many_columns(columns: int = 16_384) -> bytes:
    from openpyxl.utils import get_column_letter

    cells = "".join(f'<c r="{get_column_letter(n)}2"><v>{n}</v></c>' for n in range(1, columns + 1))
    return xlsx([HEADER_ROW, f'<row r="2">{cells}</row>'])


def huge_csv_line(mib: int = 9) -> bytes:
    return ("A\n" + "ab," * (mib * MiB // 3) + "\n").encode()


def many_csv_rows(rows: int = 1_000_000) -> bytes:
    return ("A\n" + "1\n" * rows).encode()
