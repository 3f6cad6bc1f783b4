"""Dates in an import file, as clerks type them and as Excel stores them."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.platform.matters.importing import parse_date


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-03-18", dt.date(2025, 3, 18)),
    ("2025/3/8", dt.date(2025, 3, 8)),
    ("2025年3月18日", dt.date(2025, 3, 18)),
    ("2025.03.18", dt.date(2025, 3, 18)),
    ("2025-03-18 00:00:00", dt.date(2025, 3, 18)),  # a date cell read back by openpyxl
    ("2025-03-18 14:30", dt.date(2025, 3, 18)),
    ("45734", dt.date(2025, 3, 18)),  # an Excel serial day number in a cell without date format
    ("2025-02-30", None),
    ("18/03/2025", None),
    ("3月18日", None),
    ("12", None),
    ("", None),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected
