"""One way to enter a date: every page's date field is the ``date_input`` macro (_date.html,
年-月-日 whatever the browser's locale), never a native ``type="date"`` that draws in the
browser's UI language."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NATIVE = re.compile(r"<input\b[^>]*\btype=[\"']?date\b", re.IGNORECASE)


def test_no_page_template_uses_a_native_date_field():
    found = [f"{path.relative_to(ROOT)}:{n}"
             for folder in ("platform", "plugins") for path in sorted((ROOT / folder).rglob("*.html"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if NATIVE.search(line) and not path.name == "_date.html"]
    assert not found, f"use {{{{ date_input(...) }}}} from _date.html: {found}"
