"""How much an uploaded table may hold. Every limit is checked while reading, before the
memory it guards is spent, and a file over one is refused with a 400 naming the limit.

The numbers leave room for any real import (a county's ledgers have a few thousand rows of
about twenty columns) while keeping the worst accepted file to a few seconds and a few
hundred MiB of one worker.
"""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.platform.errors import BadRequest

MiB = 1024 * 1024


@dataclass(frozen=True)
class SheetLimits:
    rows: int = 50_000  # data rows (non-blank, after the header)
    sheet_rows: int = 100_000  # rows including blank ones: what the reader walks through
    columns: int = 100  # columns holding a value
    cells: int = 1_000_000  # cells holding a value, over the whole sheet (XLSX)
    cell_chars: int = 32_767  # one cell's text: Excel's own limit
    text_chars: int = 20_000_000  # the text of all kept cells together
    shared_strings: int = 1_000_000  # XLSX shared-strings table: entries
    shared_string_chars: int = 20_000_000  # XLSX shared-strings table: characters
    unzipped_bytes: int = 100 * MiB  # XLSX: all parts decompressed, declared and actual
    zip_ratio: int = 100  # XLSX: decompressed/compressed size of a part over 1 MiB
    zip_members: int = 1_000  # XLSX: parts in the zip directory
    csv_line_chars: int = 1_000_000  # CSV: one physical line


LIMITS = SheetLimits()


class TooLarge(BadRequest):
    """A file over one of the limits: the message names the limit and says what to do."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what},未导入任何数据;请删去多余内容或拆分为多个文件后分批导入")
