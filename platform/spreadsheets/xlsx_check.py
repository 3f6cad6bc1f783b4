"""An uploaded XLSX inspected before openpyxl touches it.

openpyxl reads the whole shared-strings table into memory when the workbook opens, and
(read-only mode included) materialises a row's cells — or, without a ``<dimension>``, every
row's element — before the caller sees anything. So the zip directory is checked first
(parts, declared sizes, compression ratio), then every XML part is decompressed in chunks
and fed to a streaming expat parser that counts bytes actually produced, rows, cells per
row, shared strings and the length of each text, and stops at the first limit crossed.
Only a file that passes is given to openpyxl (with defusedxml installed, so it refuses
entity tricks too).
"""

from __future__ import annotations

import io
import struct
import zipfile
from xml.parsers import expat

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from xinfang.platform.errors import BadRequest
from xinfang.platform.spreadsheets.limits import MiB, SheetLimits, TooLarge

DAMAGED = "无法读取该 Excel 文件,请确认是 .xlsx 格式且未损坏"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CHUNK = 64 * 1024
EXCEL_COLUMNS = 16_384  # the most cells a row can have in Excel, stored or empty


def check_xlsx(data: bytes, limits: SheetLimits) -> None:
    """Raise ``BadRequest`` unless every part of the file is within ``limits``."""
    _check_directory_size(data, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise BadRequest(DAMAGED) from exc
    with archive:
        parts = [info for info in archive.infolist() if not info.is_dir()]
        if sum(info.file_size for info in parts) > limits.unzipped_bytes:
            raise TooLarge(f"文件解压后超过{limits.unzipped_bytes // MiB}MB")
        for info in parts:
            if info.file_size > MiB and info.file_size > limits.zip_ratio * max(info.compress_size, 1):
                raise TooLarge(f"文件压缩比异常(超过{limits.zip_ratio}倍),疑似恶意构造的文件")
        scan = _Scan(limits)
        for info in parts:
            scan.part(archive, info)


def _check_directory_size(data: bytes, limits: SheetLimits) -> None:
    """The zip directory's entry count, read from its end record before ``zipfile`` builds an
    object per entry (a 10 MB upload can list 200,000 empty entries)."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        raise BadRequest(DAMAGED)
    (entries,) = struct.unpack_from("<H", data, end + 10)
    if entries > limits.zip_members:  # 0xFFFF (ZIP64) is above any sane limit too
        raise TooLarge(f"文件内部包含超过{limits.zip_members}个部件")


class _Scan:
    """Counts over the whole package, fed one part at a time."""

    def __init__(self, limits: SheetLimits) -> None:
        self.limits = limits
        self.unzipped = 0
        self.cells = 0
        self.shared_strings = 0
        self.shared_chars = 0

    def part(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
        name = info.filename.lower()
        parser = _PartParser(self) if name.endswith((".xml", ".rels")) else None
        try:
            with archive.open(info) as stream:
                while chunk := stream.read(CHUNK):
                    self.unzipped += len(chunk)
                    if self.unzipped > self.limits.unzipped_bytes:
                        raise TooLarge(f"文件解压后超过{self.limits.unzipped_bytes // MiB}MB")
                    if parser is not None:
                        parser.feed(chunk)
            if parser is not None:
                parser.feed(b"", final=True)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError,
                expat.ExpatError) as exc:
            raise BadRequest(DAMAGED) from exc


class _PartParser:
    """Streaming checks of one XML part. Rules apply to SpreadsheetML elements only (charts and
    drawings have their own namespaces), so the check does not need to know which part is the
    sheet openpyxl will read: every sheet is checked."""

    def __init__(self, scan: _Scan) -> None:
        self.scan = scan
        self.limits = scan.limits
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.EntityDeclHandler = self._doctype
        self.rows = 0
        self.row_cells = 0  # cells of the current row, stored or empty
        self.row_values = 0  # cells of the current row holding a value
        self.far_cell = False  # the current cell lies right of the column limit
        self.text = 0  # characters of the current <v>/<t>/<f>
        self.in_text = False
        self.in_shared = False  # inside <si>
        self.shared_text = 0  # characters of the current shared string

    def feed(self, chunk: bytes, final: bool = False) -> None:
        self.parser.Parse(chunk, final)

    def _doctype(self, *_args) -> None:
        raise BadRequest(DAMAGED)  # SpreadsheetML has no DTD; entities are how XML bombs work

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if namespace != MAIN:
            return
        limits = self.limits
        if local == "row":
            self.rows += 1
            number = _int(attrs.get("r"), self.rows)
            self.rows = max(self.rows, number)
            if self.rows > limits.sheet_rows:
                raise TooLarge(f"表格超过{limits.sheet_rows}行(含空行),一次最多导入{limits.rows}行数据")
            self.row_cells = self.row_values = 0
        elif local == "c":
            self.row_cells += 1
            if self.row_cells > EXCEL_COLUMNS:
                raise TooLarge(f"表格一行超过{EXCEL_COLUMNS}个单元格")
            reference = attrs.get("r") or ""
            self.far_cell = bool(reference) and _column(reference) > limits.columns
        elif local in ("v", "is"):
            self._value()
        elif local == "si":
            self.in_shared, self.shared_text = True, 0
            self.scan.shared_strings += 1
            if self.scan.shared_strings > limits.shared_strings:
                raise TooLarge(f"共享字符串超过{limits.shared_strings}条")
        if local in ("v", "t", "f"):
            self.in_text, self.text = True, 0

    def _value(self) -> None:
        limits = self.limits
        self.row_values += 1
        if self.row_values > limits.columns or self.far_cell:
            raise TooLarge(f"表格超过{limits.columns}列")
        self.scan.cells += 1
        if self.scan.cells > limits.cells:
            raise TooLarge(f"表格有内容的单元格超过{limits.cells}个")

    def _end(self, name: str) -> None:
        local = name.rpartition(" ")[2]
        if local in ("v", "t", "f"):
            self.in_text = False
        elif local == "si":
            self.in_shared = False

    def _text(self, data: str) -> None:
        if not self.in_text:
            return
        limits = self.limits
        self.text += len(data)
        if self.text > limits.cell_chars:
            raise TooLarge(f"有单元格超过{limits.cell_chars}个字符")
        if self.in_shared:
            self.shared_text += len(data)
            self.scan.shared_chars += len(data)
            if self.shared_text > limits.cell_chars:
                raise TooLarge(f"有单元格超过{limits.cell_chars}个字符")
            if self.scan.shared_chars > limits.shared_string_chars:
                raise TooLarge(f"共享字符串合计超过{limits.shared_string_chars}个字符")


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default


def _column(reference: str) -> int:
    try:
        return column_index_from_string(coordinate_from_string(reference)[0])
    except ValueError:
        return 0
