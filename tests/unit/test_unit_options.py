"""The unit picker's options (ui/options.py): what Jinja's loop drew, and never a stale list."""

from __future__ import annotations

from typing import NamedTuple

from xinfang.platform.ui.options import grouped_unit_options, unit_options


class Unit(NamedTuple):
    id: int
    name: str
    level: str


UNITS = [Unit(7, "县住建局", "department"), Unit(3, "丹水镇", "township"), Unit(12, "<上营>&村", "village")]


def test_options_escape_names_and_mark_the_chosen_value():
    html = str(unit_options(UNITS, "3"))
    assert html == ('<option value="7">县住建局</option><option value="3" selected>丹水镇</option>'
                    '<option value="12">&lt;上营&gt;&amp;村</option>')
    assert "selected" not in str(unit_options(UNITS, "03")) and "selected" not in str(unit_options(UNITS, None))


def test_a_renamed_added_or_removed_unit_is_drawn_at_once():
    before = str(unit_options(UNITS, None))
    renamed = [UNITS[0], Unit(3, "丹水街道", "township"), UNITS[2]]
    assert "丹水街道" in str(unit_options(renamed, None)) and "丹水镇" not in str(unit_options(renamed, None))
    assert str(unit_options([*UNITS, Unit(40, "新设村", "village")], None)).endswith('<option value="40">新设村</option>')
    assert "县住建局" not in str(unit_options(UNITS[1:], None))
    assert str(unit_options(UNITS, None)) == before


def test_groups_follow_the_levels_in_order_as_jinja_groupby_does():
    groups = grouped_unit_options([*UNITS, Unit(5, "二局", "department")])
    assert [level for level, _ in groups] == ["department", "township", "village"]
    assert str(groups[0][1]) == '<option value="7">县住建局</option><option value="5">二局</option>'
