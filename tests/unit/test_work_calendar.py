"""Deadlines on the official calendar, hand-computed from the State Council notices for
2025 (国办发明电〔2024〕12号) and 2026, which chinesecalendar 1.11 encodes. No database."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest

from xinfang.platform.calendar.service import (
    Notice,
    NoticeDay,
    WorkCalendar,
    YearData,
    recompute,
    validate_notice,
)
from xinfang.platform.errors import BadRequest

D = date.fromisoformat

# INVENTED TEST DATA — not the real 2027 notice (which did not exist when this was written).
# 元旦 Fri 1 – Sun 3 January off, Saturday 9 January a make-up workday.
INVENTED_2027 = YearData(
    2027,
    holidays={D("2027-01-01"): "元旦", D("2027-01-02"): "元旦", D("2027-01-03"): "元旦"},
    workdays={D("2027-01-09"): "元旦"},
    title="(测试用虚构数据)2027年部分节假日安排",
    document_number="测试〔2026〕1号",
)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def due(cal: WorkCalendar, start: str, amount: int, unit: str = "calendar_days", rule: str = "civil_code") -> date:
    return cal.deadline(D(start), amount, unit, rule).due


# --- which days are working days -------------------------------------------------------


def test_make_up_weekends_work_and_holidays_rest(cal):
    assert cal.is_workday(D("2025-09-28"))  # Sunday, 国庆 make-up
    assert cal.is_workday(D("2025-10-11"))  # Saturday, 国庆 make-up
    assert not cal.is_workday(D("2025-10-08"))  # Wednesday, last day of the break
    assert cal.is_workday(D("2025-10-09"))
    assert cal.is_workday(D("2026-02-14")) and cal.is_workday(D("2026-02-28"))  # 春节 make-up Saturdays
    assert not cal.is_workday(D("2026-02-23"))  # Monday, last day of 春节 2026
    assert not cal.is_workday(D("2025-10-04"))  # a plain Saturday inside the break


def test_coverage_and_uncovered_years_use_weekdays(cal):
    assert cal.covered(2004) and cal.covered(2026)
    assert not cal.covered(2027)
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D("2027-01-04"))  # the package itself raises
    assert cal.is_workday(D("2027-01-01"))  # a Friday, judged by weekday
    assert not cal.is_workday(D("2027-01-02"))


# --- civil code rule: calendar days ------------------------------------------------------


def test_15_days_ending_on_national_day_move_to_next_working_day(cal):
    # Art. 22/23: 15 days. 20 Sep 2025 + 15 = Sun 5 Oct (holiday until 8 Oct) -> Thu 9 Oct
    assert due(cal, "2025-09-20", 15) == D("2025-10-09")


def test_15_days_ending_on_an_ordinary_workday_stay(cal):
    assert due(cal, "2025-11-03", 15) == D("2025-11-18")  # Monday + 15 = Tuesday


def test_15_days_ending_on_a_plain_weekend_move_to_monday(cal):
    assert due(cal, "2025-11-07", 15) == D("2025-11-24")  # Fri + 15 = Sat 22 Nov -> Mon 24


def test_period_ending_on_a_make_up_sunday_does_not_move(cal):
    assert due(cal, "2025-09-13", 15) == D("2025-09-28")  # Sun 28 Sep 2025 is a workday


def test_spring_festival_2025_end_inside_the_break(cal):
    # 20 Jan 2025 + 15 = Tue 4 Feb, the last day of 春节 (28 Jan – 4 Feb) -> Wed 5 Feb
    assert due(cal, "2025-01-20", 15) == D("2025-02-05")


def test_spring_festival_2026_end_inside_the_break(cal):
    # 1 Feb 2026 + 15 = Mon 16 Feb, inside 春节 (15 – 23 Feb) -> Tue 24 Feb
    assert due(cal, "2026-02-01", 15) == D("2026-02-24")


def test_60_days_art_34(cal):
    assert due(cal, "2025-03-03", 60) == D("2025-05-06")  # Fri 2 May 2025 is 劳动节 (1–5 May)
    assert due(cal, "2025-08-04", 60) == D("2025-10-09")  # Fri 3 Oct 2025 is 国庆节 (1–8 Oct)


def test_calendar_days_from_a_holiday_start(cal):
    assert due(cal, "2025-10-01", 15) == D("2025-10-16")  # the start day is never counted


# --- civil code rule: working days ------------------------------------------------------


def test_5_working_days_across_national_day_count_make_up_days(cal):
    # from Fri 26 Sep 2025: Sun 28 (make-up), Mon 29, Tue 30, [1–8 Oct off], Thu 9, Fri 10
    assert due(cal, "2025-09-26", 5, "working_days") == D("2025-10-10")
    # from Tue 30 Sep: Thu 9, Fri 10, Sat 11 (make-up), Mon 13, Tue 14
    assert due(cal, "2025-09-30", 5, "working_days") == D("2025-10-14")


def test_working_days_from_a_holiday_start_are_not_a_day_late(cal):
    # from Fri 3 Oct 2025 (holiday): Thu 9, Fri 10, Sat 11, Mon 13, Tue 14
    assert due(cal, "2025-10-03", 5, "working_days") == D("2025-10-14")
    # chinesecalendar's own find_workday counts one day late from a rest day
    assert chinese_calendar.find_workday(5, D("2025-10-03")) == D("2025-10-15")
    assert due(cal, "2025-10-01", 1, "working_days") == D("2025-10-09")


def test_spring_festival_2025_working_days(cal):
    # from Fri 24 Jan 2025: Sun 26 (make-up), Mon 27, [28 Jan – 4 Feb off], Wed 5, Thu 6, Fri 7
    assert due(cal, "2025-01-24", 5, "working_days") == D("2025-02-07")
    assert due(cal, "2025-01-24", 6, "working_days") == D("2025-02-08")  # Sat 8 Feb make-up


def test_spring_festival_2026_working_days(cal):
    # from Wed 11 Feb 2026: Thu 12, Fri 13, Sat 14 (make-up), [15–23 Feb off], Tue 24, Wed 25
    assert due(cal, "2026-02-11", 5, "working_days") == D("2026-02-25")


def test_60_working_days_campaign(cal):
    # from Mon 1 Sep 2025: 22 in September (Sun 28 included), Oct 9–31 brings 40 (Sat 11
    # included), then four full November weeks: Fri 28 Nov 2025
    assert due(cal, "2025-09-01", 60, "working_days") == D("2025-11-28")


# --- the working-days-only rule (some provinces) -------------------------------------


def test_working_days_only_counts_calendar_periods_in_working_days(cal):
    d = cal.deadline(D("2025-09-26"), 15, "calendar_days", "working_days_only")
    assert d.due == D("2025-10-23")
    assert (d.rule, d.unit, d.amount, d.start) == ("working_days_only", "calendar_days", 15, D("2025-09-26"))
    assert due(cal, "2025-09-20", 15) == D("2025-10-09")  # the civil-code result differs


# --- uncovered years: provisional, then recomputed ----------------------------------------


def test_turn_of_year_into_an_uncovered_year_is_provisional(cal):
    d = cal.deadline(D("2026-12-28"), 5, "working_days")
    # weekdays only in 2027: Tue 29, Wed 30, Thu 31, Fri 1 Jan, Mon 4 Jan
    assert d.due == D("2027-01-04") and d.provisional and d.uncovered_years == (2027,)
    assert cal.deadline(D("2026-12-25"), 15).due == D("2027-01-11")  # Sat 9 Jan -> Mon 11
    assert not cal.deadline(D("2026-12-28"), 3, "working_days").provisional  # ends on 31 Dec


def test_recompute_with_invented_2027_notice(cal):
    working = cal.deadline(D("2026-12-28"), 5, "working_days")
    calendar_days = cal.deadline(D("2026-12-25"), 15)
    new_year = cal.deadline(D("2026-12-25"), 7)
    assert new_year.due == D("2027-01-01") and new_year.provisional
    newer = WorkCalendar([INVENTED_2027])
    assert newer.covered(2027) and newer.version != cal.version

    again = recompute(working, newer)
    assert (again.due, again.provisional) == (D("2027-01-05"), False)  # 1 Jan off now
    assert again.calendar_version == newer.version
    assert (again.start, again.amount, again.unit, again.rule) == (working.start, 5, "working_days", "civil_code")
    assert recompute(calendar_days, newer).due == D("2027-01-09")  # invented make-up Saturday
    assert recompute(new_year, newer).due == D("2027-01-04")  # 1–3 Jan invented holidays


def test_stored_year_overrides_the_package():
    no_breaks = YearData(2025, holidays={D("2025-01-01"): "元旦"}, workdays={})
    cal = WorkCalendar([no_breaks])
    assert cal.is_workday(D("2025-10-03")) and not cal.is_workday(D("2025-09-28"))
    assert cal.year(2025).source == "database"


def test_version_changes_with_the_stored_data():
    base = WorkCalendar()
    assert base.version == f"chinesecalendar-{base.package_version}"
    one = WorkCalendar([INVENTED_2027])
    other = WorkCalendar([YearData(2027, holidays={D("2027-01-01"): "元旦"}, workdays={})])
    assert len({base.version, one.version, other.version}) == 3
    assert WorkCalendar([INVENTED_2027]).version == one.version  # deterministic


def test_deadline_rejects_bad_arguments(cal):
    for args in ((0, "calendar_days", "civil_code"), (5, "weeks", "civil_code"), (5, "working_days", "lunar")):
        with pytest.raises(BadRequest):
            cal.deadline(D("2025-01-01"), *args)


# --- validating a notice ------------------------------------------------------------


def _notice(holidays, workdays=(), title="国务院办公厅关于2027年部分节假日安排的通知(测试)", number="测试〔2026〕1号"):
    return Notice(title, number, [NoticeDay(D(d), n) for d, n in holidays], [NoticeDay(D(d), n) for d, n in workdays])


def test_valid_notice_becomes_year_data():
    data = validate_notice(2027, _notice([("2027-01-01", "元旦")], [("2027-01-09", "元旦")]))
    assert data.holidays == {D("2027-01-01"): "元旦"} and data.workdays == {D("2027-01-09"): "元旦"}


@pytest.mark.parametrize(("notice", "fragment"), [
    (_notice([("2028-01-01", "元旦")]), "不在2027年内"),
    (_notice([("2027-01-01", "元旦")], [("2027-01-06", "元旦")]), "星期三"),
    (_notice([("2027-01-01", "元旦"), ("2027-01-01", "元旦")]), "重复"),
    (_notice([("2027-01-02", "元旦")], [("2027-01-02", "元旦")]), "不能同时"),
    (_notice([("2027-01-01", "元旦")], title=" "), "通知标题"),
    (_notice([]), "至少填写一个放假日期"),
])
def test_invalid_notice_is_refused_in_chinese(notice, fragment):
    with pytest.raises(BadRequest) as err:
        validate_notice(2027, notice)
    assert fragment in err.value.message or any(fragment in d["message"] for d in err.value.details)
