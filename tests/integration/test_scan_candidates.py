"""The deadline scan looks only at the matters an SQL query finds (so that a scan with nothing
to do is cheap at any size): that query must never miss a matter the Python judge would
write. Checked day by day over three months of clocks going due soon, late and 督办, with
the stored data damaged on purpose along the way, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select, update

from tests.integration.test_matter_deadlines import BAIYU, _act, _assigned_to_village, _register
from xinfang.platform.calendar.service import load_calendar
from xinfang.platform.matters.models import Matter, MatterClock
from xinfang.platform.matters.rules import rules_for
from xinfang.platform.matters.scan import Tree, _due_matters, _load, _recomputed_keys, plan, scan
from xinfang.platform.notifications.models import Notification
from xinfang.platform.notifications.service import stored_keys
from xinfang.tenants.scope import Scope

D = dt.date.fromisoformat


def _judged_and_found(factory, today: dt.date) -> tuple[set[int], set[int]]:
    """(matters the judge would write, looking at every open clock; matters the query finds)."""
    with factory(scope=Scope.system()) as s:
        calendar, tree = load_calendar(s), Tree.load(s)
        rules = {c: rules_for(s, c) for c in tree.counties()}
        with_open = select(MatterClock.matter_id).where(MatterClock.stopped_on.is_(None))
        ids = sorted(set(s.scalars(with_open)) | set(s.scalars(select(Matter.id).where(Matter.due_on.is_not(None)))))
        found = _load(s, ids)
        sent = stored_keys(s, _recomputed_keys(found, calendar))
        judged = {mid for mid, (matter, open_clocks) in found.items()
                  if plan(matter, open_clocks, today, rules[matter.county_id], calendar, tree, sent)
                  .needs_write(matter)}
        return judged, set(s.scalars(_due_matters(today, calendar.version, rules)))


def _damage(factory, **changes) -> None:
    with factory(scope=Scope.system()) as s:
        s.info["actor"] = {"id": None, "name": "测试", "address": "test"}
        for statement in changes.values():
            s.execute(statement)
        s.commit()


def test_the_query_finds_every_matter_the_judge_would_write(app, client, demo):
    factory = app.state.session_factory
    village = _assigned_to_village(client, demo)  # 告知 duty of 城东社区, due 16 June
    handled = _assigned_to_village(client, demo, on="2026-06-03")
    _act(client, demo, handled["id"], "accept", on="2026-06-05")  # 60-day handling clock
    # handled by 城东社区, then found to accuse 白羽街道: its 督办 chain is shorter than the query
    # assumes, the one case where the query may find a matter with nothing to do
    accused = _assigned_to_village(client, demo)
    _damage(factory, reclassified=update(Matter).where(Matter.id == accused["id"])
            .values(kind="accusation", accused_node_id=demo.node(BAIYU).id))
    registered = _register(client, demo, received="2026-06-20")  # only the 15-day 处理 duty

    damaged = {
        D("2026-06-19"): {"lost reminder": delete(Notification).where(Notification.matter_id == village["id"],
                                                                     Notification.kind == "overdue")},
        D("2026-07-01"): {"wrong state": update(MatterClock).where(MatterClock.matter_id == handled["id"])
                          .values(state="overdue")},
        D("2026-07-09"): {"wrong summary": update(Matter).where(Matter.id == registered["id"])
                          .values(due_on=D("2026-12-31"), deadline_state="on_time")},
        D("2026-07-21"): {"old calendar": update(MatterClock).where(MatterClock.matter_id == handled["id"])
                          .values(calendar_version="an-older-calendar")},
    }
    seen_work = 0
    day = D("2026-06-01")
    while day <= D("2026-09-10"):
        if day in damaged:
            _damage(factory, **damaged[day])
        judged, found = _judged_and_found(factory, day)
        assert judged <= found, (day, judged - found)
        seen_work += bool(judged)
        report = scan(factory, day)
        assert report.matters == len(judged) and not report.failed, (day, str(report))
        judged, found = _judged_and_found(factory, day)
        assert judged == set() and found <= {accused["id"]}, (day, "a second scan the same day has nothing to do")
        day += dt.timedelta(days=1)
    assert seen_work >= 12, "the walk went through due-soon, overdue, 督办 steps and every damage"


def test_a_provisional_due_date_on_this_calendar_is_not_a_candidate(app, client, demo):
    """Every December most open clocks end in a year without holiday data: recomputed on the
    same calendar they come out the same, so once scanned they must not be found again (a
    county's idempotent scan judged thousands of them in Python every hour)."""
    factory = app.state.session_factory
    m = _assigned_to_village(client, demo, on="2026-11-02")
    _act(client, demo, m["id"], "accept", on="2026-11-02")  # handling clock ends 1 January 2027: provisional
    with factory(scope=Scope.system()) as s:
        assert s.scalars(select(MatterClock.provisional).where(MatterClock.matter_id == m["id"],
                                                               MatterClock.kind == "handling")).one() is True
    scan(factory, D("2026-11-20"))
    judged, found = _judged_and_found(factory, D("2026-11-20"))
    assert judged == set() and m["id"] not in found
    _damage(factory, older=update(MatterClock).where(MatterClock.matter_id == m["id"], MatterClock.kind == "handling")
            .values(calendar_version="an-older-calendar"))
    assert m["id"] in _judged_and_found(factory, D("2026-11-20"))[1]
