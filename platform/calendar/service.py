"""Working days and statutory deadlines on China's official holiday calendar.

The ``chinesecalendar`` package knows the published years (2004–2026 in 1.11) and raises
for any other year; an admin enters each new State Council notice as data, which also
overrides the package for a year it already knows. A year nobody has data for is judged by
plain weekdays, and any deadline that depended on such a day is marked provisional, to be
recomputed (``recompute``) once the notice is entered. The package's ``find_workday`` is
not used: from a rest day it counts one day late.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version
from typing import Literal

from sqlalchemy import event, select
from sqlalchemy.orm import Session, selectinload

from xinfang.platform import clock
from xinfang.platform.calendar.models import HOLIDAY, KIND_LABELS, WORKDAY, CalendarDay, CalendarYear
from xinfang.platform.errors import BadRequest
from xinfang.platform.web.inputs import Bounded, Line, Name

Unit = Literal["calendar_days", "working_days"]
Rule = Literal["civil_code", "working_days_only"]
CALENDAR_DAYS, WORKING_DAYS = "calendar_days", "working_days"
CIVIL_CODE, WORKING_DAYS_ONLY = "civil_code", "working_days_only"
UNIT_LABELS = {CALENDAR_DAYS: "日", WORKING_DAYS: "个工作日"}
RULE_LABELS = {CIVIL_CODE: "民法典期间计算规则(期满日遇休息日顺延)", WORKING_DAYS_ONLY: "一律按工作日计算(地方规定)"}
PACKAGE, DATABASE = "package", "database"
MAX_AMOUNT = 3650
MIN_YEAR, MAX_YEAR = 2000, 2100
WEEKDAYS = "一二三四五六日"

# chinesecalendar names holidays in English; users read Chinese.
_PACKAGE_NAMES = {
    "New Year's Day": "元旦", "Spring Festival": "春节", "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节", "Dragon Boat Festival": "端午节", "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节", "Anti-Fascist 70th Day": "中国人民抗日战争胜利70周年纪念日",
}


@dataclass(frozen=True)
class YearData:
    """One year's exceptions to the Monday–Friday week, and where they come from."""

    year: int
    holidays: Mapping[dt.date, str]
    workdays: Mapping[dt.date, str]
    source: str = DATABASE
    title: str = ""
    document_number: str = ""
    entered_by: str = ""
    entered_at: dt.datetime | None = None

    def days(self) -> list[tuple[dt.date, str, str]]:
        """(date, kind, name), in date order."""
        rows = [(d, HOLIDAY, n) for d, n in self.holidays.items()] + [(d, WORKDAY, n) for d, n in self.workdays.items()]
        return sorted(rows)

    def summary(self) -> dict:
        return {"year": self.year, "source": self.source, "title": self.title,
                "document_number": self.document_number, "entered_by": self.entered_by,
                "entered_at": self.entered_at.isoformat() if self.entered_at else None,
                "holidays": len(self.holidays), "workdays": len(self.workdays)}

    def to_dict(self) -> dict:
        return {**self.summary(), "days": [
            {"date": d.isoformat(), "weekday": f"星期{WEEKDAYS[d.weekday()]}", "kind": kind,
             "kind_label": KIND_LABELS[kind], "name": name} for d, kind, name in self.days()]}


@dataclass(frozen=True)
class Deadline:
    """A computed due date with everything needed to explain or recompute it later."""

    due: dt.date
    rule: str
    unit: str
    amount: int
    start: dt.date
    calendar_version: str
    provisional: bool
    uncovered_years: tuple[int, ...] = field(default=())

    def to_dict(self) -> dict:
        return {"due": self.due.isoformat(), "start": self.start.isoformat(), "amount": self.amount,
                "unit": self.unit, "unit_label": UNIT_LABELS[self.unit], "rule": self.rule,
                "rule_label": RULE_LABELS[self.rule], "calendar_version": self.calendar_version,
                "provisional": self.provisional, "uncovered_years": list(self.uncovered_years)}


@lru_cache(maxsize=1)
def package_version() -> str:
    """The installed chinesecalendar's version, read once per process (reading the package's
    metadata costs about a millisecond, and every act builds a calendar)."""
    return version("chinesecalendar")


@lru_cache(maxsize=1)
def package_years() -> dict[int, YearData]:
    """Every year the installed chinesecalendar covers, read from its tables (its functions
    raise outside the range, and their names are English). Built once; never mutate it."""
    from chinese_calendar.constants import holidays, workdays

    first, last = min(holidays).year, max(holidays).year
    years = {y: YearData(y, {}, {}, PACKAGE, title="chinesecalendar 内置数据") for y in range(first, last + 1)}
    for table, target in ((holidays, "holidays"), (workdays, "workdays")):
        for day, name in table.items():
            if day.year in years:
                getattr(years[day.year], target)[day] = _PACKAGE_NAMES.get(str(name), str(name))
    return years


class WorkCalendar:
    """Which days are working days, and deadlines counted on them.

    ``stored``: years entered from State Council notices; each replaces the package's year."""

    def __init__(self, stored: Iterable[YearData] = (), *, use_package: bool = True) -> None:
        self.package_version = package_version() if use_package else ""
        self._years: dict[int, YearData] = dict(package_years()) if use_package else {}
        stored = sorted(stored, key=lambda y: y.year)
        self._years.update({y.year: y for y in stored})
        self.version = _version(self.package_version, stored)

    def covered(self, year: int) -> bool:
        return year in self._years

    def year(self, year: int) -> YearData | None:
        return self._years.get(year)

    def years(self) -> list[YearData]:
        return [self._years[y] for y in sorted(self._years)]

    def is_workday(self, day: dt.date) -> bool:
        data = self._years.get(day.year)
        if data is not None:
            if day in data.workdays:
                return True
            if day in data.holidays:
                return False
        return day.weekday() < 5

    def deadline(self, start: dt.date, amount: int, unit: Unit = CALENDAR_DAYS, rule: Rule = CIVIL_CODE) -> Deadline:
        """The last day of a period of ``amount`` units beginning the day after ``start``."""
        _check(amount, unit, rule)
        looked: set[int] = set()

        def working(day: dt.date) -> bool:
            looked.add(day.year)
            return self.is_workday(day)

        one = dt.timedelta(days=1)
        if unit == CALENDAR_DAYS and rule == CIVIL_CODE:
            due = start + dt.timedelta(days=amount)  # 民法典 Art. 201: the start day is not counted
            while not working(due):  # Art. 203: a period ending on a rest day ends on the next workday
                due += one
        else:
            due, counted = start, 0
            while counted < amount:
                due += one
                counted += working(due)
        uncovered = tuple(sorted(y for y in looked if not self.covered(y)))
        return Deadline(due=due, rule=rule, unit=unit, amount=amount, start=start,
                        calendar_version=self.version, provisional=bool(uncovered), uncovered_years=uncovered)


def recompute(deadline: Deadline, calendar: WorkCalendar) -> Deadline:
    """The same period on a newer calendar (e.g. once a provisional deadline's year is entered)."""
    return calendar.deadline(deadline.start, deadline.amount, deadline.unit, deadline.rule)  # type: ignore[arg-type]


def _check(amount: int, unit: str, rule: str) -> None:
    if unit not in UNIT_LABELS:
        raise BadRequest(f"未知的期限单位“{unit}”,应为 calendar_days(日)或 working_days(工作日)")
    if rule not in RULE_LABELS:
        raise BadRequest(f"未知的期间计算规则“{rule}”,应为 civil_code 或 working_days_only")
    if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MAX_AMOUNT:
        raise BadRequest(f"期限天数应为1至{MAX_AMOUNT}之间的整数")


def _version(pkg: str, stored: list[YearData]) -> str:
    """Changes whenever the package or any stored day changes, so each deadline can say which
    calendar produced it."""
    base = f"chinesecalendar-{pkg}" if pkg else "no-package"
    if not stored:
        return base
    payload = [[y.year, [[d.isoformat(), kind, name] for d, kind, name in y.days()]] for y in stored]
    digest = hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()
    return f"{base}+db.{digest[:12]}"


# --- notices entered by an admin -------------------------------------------------------


@dataclass(frozen=True)
class NoticeDay(Bounded):
    date: dt.date
    name: Name


@dataclass(frozen=True)
class Notice:
    """What the admin types in from 国务院办公厅关于XXXX年部分节假日安排的通知."""

    title: Line
    document_number: Line
    holidays: list[NoticeDay]
    workdays: list[NoticeDay] = field(default_factory=list)


def validate_notice(year: int, notice: Notice) -> YearData:
    """Every problem at once (as ``details``), so the admin can fix the whole form in one go."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadRequest(f"年份应在{MIN_YEAR}至{MAX_YEAR}之间")
    problems: list[dict[str, str]] = []

    def bad(where: str, message: str) -> None:
        problems.append({"field": where, "message": message})

    title, number = notice.title.strip(), notice.document_number.strip()
    if not title or len(title) > 200:
        bad("title", "请填写通知标题(不超过200字)")
    if not number or len(number) > 64:
        bad("document_number", "请填写通知文号(如 国办发明电〔2024〕12号,不超过64字)")
    if not notice.holidays:
        bad("holidays", "请至少填写一个放假日期")
    parsed: dict[str, dict[dt.date, str]] = {HOLIDAY: {}, WORKDAY: {}}
    for where, kind, items in (("holidays", HOLIDAY, notice.holidays), ("workdays", WORKDAY, notice.workdays)):
        label = "放假日期" if kind == HOLIDAY else "调休上班日"
        for i, item in enumerate(items):
            spot, day, name = f"{where}[{i}]", item.date, item.name.strip()
            if day.year != year:
                bad(spot, f"{label}{day.isoformat()}不在{year}年内")
            if day in parsed[kind]:
                bad(spot, f"{label}{day.isoformat()}重复填写")
            if not name or len(name) > 32:
                bad(spot, f"请填写{day.isoformat()}所属的节日名称(如春节、国庆节,不超过32字)")
            if kind == WORKDAY and day.weekday() < 5:
                bad(spot, f"调休上班日{day.isoformat()}是星期{WEEKDAYS[day.weekday()]},调休上班日只能是星期六或星期日")
            parsed[kind][day] = name
    for day in sorted(parsed[HOLIDAY].keys() & parsed[WORKDAY].keys()):
        bad("workdays", f"{day.isoformat()}不能同时是放假日期和调休上班日")
    if problems:
        more = f"(共{len(problems)}处问题)" if len(problems) > 1 else ""
        raise BadRequest(f"节假日安排有误,未保存:{problems[0]['message']}{more}", problems)
    return YearData(year, parsed[HOLIDAY], parsed[WORKDAY], DATABASE, title=title, document_number=number)


# The job that recomputes every open deadline on the calendar just stored (the matters domain
# runs it: its deadline scan); named here so that entering a notice can ask for it at once.
RECOMPUTE_JOB = "matter_deadlines_recompute"


def store_year(session: Session, year: int, notice: Notice, *, entered_by: str,
               entered_by_id: int | None = None) -> CalendarYear:
    """Validate and store a notice, replacing whatever was stored for that year (in the
    caller's transaction; the ORM writes are audited)."""
    data = validate_notice(year, notice)
    row = session.scalar(select(CalendarYear).where(CalendarYear.year == year)
                         .options(selectinload(CalendarYear.days)))
    if row is None:
        row = CalendarYear(year=year, days=[])
        session.add(row)
    else:
        row.days.clear()
        session.flush()  # free the dates' unique keys before the new rows go in
    row.title, row.document_number = data.title, data.document_number
    row.entered_by, row.entered_by_id, row.entered_at = entered_by, entered_by_id, clock.now()
    row.days.extend(CalendarDay(day=d, kind=kind, name=name) for d, kind, name in data.days())
    session.flush()
    return row


def year_data(row: CalendarYear) -> YearData:
    """A stored notice as calendar data (its ``days`` must be loaded)."""
    return YearData(row.year, {d.day: d.name for d in row.days if d.kind == HOLIDAY},
                    {d.day: d.name for d in row.days if d.kind == WORKDAY}, DATABASE, title=row.title,
                    document_number=row.document_number, entered_by=row.entered_by, entered_at=row.entered_at)


_CACHE = "work_calendar"


def load_calendar(session: Session) -> WorkCalendar:
    """The package plus every stored year, read once per transaction: a matter's act asks for
    it several times (the demo's few hundred acts, a thousand reads). A calendar row written
    in the transaction (added, deleted or flushed) reads it again; the next transaction always
    does. (``session.dirty`` is not looked at: it walks the whole identity map on every call.)"""
    if any(isinstance(o, CalendarYear | CalendarDay) for o in (*session.new, *session.deleted)):
        session.info.pop(_CACHE, None)
    cached = session.info.get(_CACHE)
    if cached is not None and cached[0] is session.get_transaction():
        return cached[1]
    rows = session.scalars(_YEARS).all()
    calendar = WorkCalendar(year_data(r) for r in rows)
    session.info[_CACHE] = (session.get_transaction(), calendar)
    return calendar


_YEARS = select(CalendarYear).options(selectinload(CalendarYear.days))  # built once: every act reads it


@event.listens_for(Session, "after_flush")
def _forget_calendar(session: Session, _context) -> None:
    """A flushed calendar row (an admin entering a year) makes the next read fresh."""
    if any(isinstance(o, CalendarYear | CalendarDay) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info.pop(_CACHE, None)
