"""The one Jinja configuration: documents (PDF), public pages and the web UI render through
``environment()``, so autoescaping, strictness and the Chinese filters are the same everywhere.

Autoescape is always on (a clerk's text is data, never markup); an undefined name fails
loudly instead of printing nothing. Filters: ``cn_date`` (2024年9月18日), ``label``
(a vocabulary key → its Chinese label), ``shares`` (column widths → percentages) and
``charts`` (a statistics document's chart rows → the dashboard's SVG charts, web/charts.py).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape


def cn_date(value: str | dt.date | None) -> str:
    """2024-09-18 → 2024年9月18日 (Arabic numerals, no leading zeros, as GB/T 9704-2012 writes dates)."""
    if not value:
        return ""
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    return f"{day.year}年{day.month}月{day.day}日"


def label(key: str | None, vocabulary: dict[str, str]) -> str:
    """A stored key shown as its Chinese label (the key itself when the vocabulary lacks it)."""
    return "" if key is None else vocabulary.get(key, key)


def shares(widths: list[float]) -> list[str]:
    """Relative column widths → percentages of the table width."""
    total = sum(widths)
    return [f"{100 * w / total:.3f}" for w in widths]


# closing punctuation that must stay with the character before it
_CLOSERS = "）》」』”’，。、；：！？)"


def no_orphan(title: str | None) -> Markup:
    """A title whose last line never holds one lone character: the last two characters of
    each line (with any closing punctuation) are bound together."""
    lines = []
    for line in str(title or "").split("\n"):
        body = line.rstrip(_CLOSERS)
        cut = max(len(body) - 2, 0)
        head, tail = line[:cut], line[cut:]
        lines.append(escape(head) + (Markup('<span class="nobr">') + escape(tail) + Markup("</span>") if tail else ""))
    return Markup("\n").join(lines)


_SHORT_DATE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日)$")


def short_date(value: object) -> bool:
    """A table cell holding only a date: it is set on one line, never wrapped mid-number."""
    return isinstance(value, str) and _SHORT_DATE.match(value.strip()) is not None


def charts(rows: list[list[str]] | None) -> Markup:
    """A document's stored chart rows drawn as the dashboard draws them (web/charts.py)."""
    from xinfang.platform.web.charts import figures_svg

    return figures_svg(rows or [])


FILTERS = {"cn_date": cn_date, "label": label, "shares": shares, "no_orphan": no_orphan, "charts": charts}
TESTS = {"short_date": short_date}


@lru_cache(maxsize=32)
def environment(*folders: str | Path) -> Environment:
    """The environment that loads templates from ``folders`` (searched in order), built once
    per folder list: e.g. a plugin's template folder, then the core's document templates."""
    env = Environment(loader=FileSystemLoader([str(f) for f in folders]), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=False)
    env.filters.update(FILTERS)
    env.tests.update(TESTS)
    return env
