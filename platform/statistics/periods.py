"""The periods figures are counted over: a month, a quarter, a year or any range of days,
and the periods they are compared with (同比: the same period a year before; 环比: the period
just before, of the same kind)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from xinfang.platform import clock
from xinfang.platform.errors import BadRequest
from xinfang.platform.templating import cn_date

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
PERIOD_HELP = "统计期间应为年（2026）、季度（2026-Q3）、月份（2026-07），或起止日期"


@dataclass(frozen=True)
class Period:
    """Days ``start`` to ``end``, both included. ``kind``: month | quarter | year | range."""

    kind: str
    start: dt.date
    end: dt.date

    @property
    def key(self) -> str:
        """What a request names it by: 2026, 2026-Q3, 2026-07, or start~end."""
        return self._names()[0]

    @property
    def label(self) -> str:
        """Its Chinese name: 2026年, 2026年第三季度, 2026年7月, or 起止日期."""
        return self._names()[1]

    def _names(self) -> tuple[str, str]:
        year, quarter = self.start.year, (self.start.month - 1) // 3
        if self.kind == "year":
            return f"{year}", f"{year}年"
        if self.kind == "quarter":
            return f"{year}-Q{quarter + 1}", f"{year}年第{'一二三四'[quarter]}季度"
        if self.kind == "month":
            return f"{year}-{self.start.month:02d}", f"{year}年{self.start.month}月"
        return f"{self.start.isoformat()}~{self.end.isoformat()}", f"{cn_date(self.start)}至{cn_date(self.end)}"

    def year_before(self) -> Period:
        """同比: the same days a year earlier (29 February becomes 28 February)."""
        return Period(self.kind, _shift_year(self.start, -1), _shift_year(self.end, -1))

    def before(self) -> Period:
        """环比: the month, quarter or year before; for a range, as many days just before it."""
        if self.kind == "year":
            return self.year_before()
        if self.kind in ("month", "quarter"):
            months = 1 if self.kind == "month" else 3
            start = _add_months(self.start, -months)
            return Period(self.kind, start, self.start - dt.timedelta(days=1))
        length = self.end - self.start
        end = self.start - dt.timedelta(days=1)
        return Period("range", end - length, end)


def _shift_year(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month(year: int, number: int) -> Period:
    start = dt.date(year, number, 1)
    return Period("month", start, _add_months(start, 1) - dt.timedelta(days=1))


def parse(period: str | None, start: dt.date | None = None, end: dt.date | None = None) -> Period:
    """The period a request names; none named: the current month (by the platform clock)."""
    if start is not None or end is not None:
        if period:
            raise BadRequest("统计期间与起止日期只能填写一种")
        if start is None or end is None:
            raise BadRequest("请同时填写起始日期和截止日期")
        if end < start:
            raise BadRequest("截止日期不能早于起始日期")
        if (end - start).days > 3_660:
            raise BadRequest("统计期间不能超过十年")
        return Period("range", start, end)
    text = (period or "").strip()
    if not text:
        today = clock.today()
        return month(today.year, today.month)
    try:
        if found := _MONTH.match(text):
            return month(int(found[1]), int(found[2]))
        if found := _QUARTER.match(text):
            start = dt.date(int(found[1]), (int(found[2]) - 1) * 3 + 1, 1)
            return Period("quarter", start, _add_months(start, 3) - dt.timedelta(days=1))
        if found := _YEAR.match(text):
            return Period("year", dt.date(int(found[1]), 1, 1), dt.date(int(found[1]), 12, 31))
    except ValueError:
        pass
    raise BadRequest(PERIOD_HELP)
