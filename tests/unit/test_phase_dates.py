"""Default phase dates: relative to the start, or anchored to the start's calendar year with
each anchored phase kept at least two weeks when a boundary has already passed (seed 003)."""

from __future__ import annotations

import datetime as dt

from xinfang.platform.campaigns.service import MIN_ANCHORED_DAYS, default_phase_dates
from xinfang.platform.extensions.hookspecs import CampaignType, PhaseSpec
from xinfang.plugins.backlog_year.definition import BACKLOG_YEAR


def _dates(ctype: CampaignType, start: dt.date) -> list[tuple[str, str]]:
    return [(a.isoformat(), b.isoformat()) for a, b in default_phase_dates(ctype, start).values()]


def test_relative_phases_count_from_the_start():
    ctype = CampaignType("t", "t", "", "", (PhaseSpec("a", "甲", 0, 1), PhaseSpec("b", "乙", 2, 29)))
    assert _dates(ctype, dt.date(2024, 9, 15)) == [("2024-09-15", "2024-09-16"), ("2024-09-17", "2024-10-14")]


def test_the_seeds_dates_when_started_in_spring():
    assert _dates(BACKLOG_YEAR, dt.date(2010, 5, 17)) == [
        ("2010-05-17", "2010-06-30"), ("2010-07-01", "2010-09-30"), ("2010-10-01", "2010-10-31"),
        ("2010-11-01", "2010-12-31")]


def test_boundaries_already_past_keep_each_phase_two_weeks():
    # started on 8-10: 排查准备 cannot end on 6-30, so it takes two weeks and 集中化解 follows it
    assert _dates(BACKLOG_YEAR, dt.date(2026, 8, 10)) == [
        ("2026-08-10", "2026-08-23"), ("2026-08-24", "2026-09-30"), ("2026-10-01", "2026-10-31"),
        ("2026-11-01", "2026-12-31")]
    # started on 10-20: every later phase is pushed on, each at least MIN_ANCHORED_DAYS long
    late = default_phase_dates(BACKLOG_YEAR, dt.date(2026, 10, 20))
    assert _dates(BACKLOG_YEAR, dt.date(2026, 10, 20)) == [
        ("2026-10-20", "2026-11-02"), ("2026-11-03", "2026-11-16"), ("2026-11-17", "2026-11-30"),
        ("2026-12-01", "2026-12-31")]
    assert all((end - start).days + 1 >= MIN_ANCHORED_DAYS for start, end in late.values())
    # started in December: the year's end moves on rather than a phase shrinking
    assert _dates(BACKLOG_YEAR, dt.date(2026, 12, 1))[-1] == ("2027-01-12", "2027-01-25")
