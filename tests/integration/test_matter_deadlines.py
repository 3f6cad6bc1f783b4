"""The deadline scan on SQLite and PostgreSQL: due soon → overdue → 督办 one level up, then
up to the county and no further; reminders stored once however often the scan runs;
provisional deadlines recomputed once a year's holiday notice arrives; paused clocks.

Dates (2026, chinesecalendar data): assigned Mon 1 June, the 15-day 告知 duty of the
assigned 城东社区 ends Tue 16 June (a working day); the 5-working-day objection window
ends Mon 8 June. Accepted Mon 2 November, the 60-day handling clock ends Fri 1 January
2027, a year nobody has holiday data for yet.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func, select

from tests.integration.calendar_samples import INVENTED_2027
from xinfang.platform.jobs.periodic import registered
from xinfang.platform.matters.models import MatterAccess, MatterClock, MatterEvent
from xinfang.platform.matters.scan import Tree, run, scan
from xinfang.platform.matters.supervision import Supervision
from xinfang.platform.notifications.models import Notification
from xinfang.tenants.scope import Scope

D = dt.date.fromisoformat
# the scan's own notices (an assignment notifies its units too, tested in test_notifications.py)
FROM_SCAN = Notification.kind.in_(("due_soon", "overdue", "supervise"))
BAIYU, CHENGDONG = "411323001", "411323001001"  # 白羽街道 and its 城东社区
PETITIONER = {"name": "王五", "id_number": "11010519491231002X", "phone": "13912345678"}


def _register(client, demo, user="xx_by_officer", node=BAIYU, received="2026-06-01", **extra) -> dict:
    body = {"node_id": demo.node(node).id, "channel": "visit", "form": "individual", "kind": "claim",
            "category": "欠薪", "summary": "反映工地欠薪", "petitioners": [PETITIONER], "received_on": received, **extra}
    resp = client.post("/api/matters", json=body, headers=demo.headers(user))
    assert resp.status_code == 201, resp.text
    return resp.json()


def _act(client, demo, matter_id, action, user="xx_by_officer", **payload) -> dict:
    resp = client.post(f"/api/matters/{matter_id}/actions/{action}", json=payload, headers=demo.headers(user))
    assert resp.status_code == 200, resp.text
    return resp.json()


def _assigned_to_village(client, demo, on="2026-06-01", **extra) -> dict:
    m = _register(client, demo, received=on, **extra)
    return _act(client, demo, m["id"], "assign", on=on, lead_unit_id=demo.node(CHENGDONG).id)


def _rules(client, demo, **values) -> None:
    county = demo.node("411323").id
    resp = client.put(f"/api/counties/{county}/matter-rules", json=values, headers=demo.headers("xx_admin"))
    assert resp.status_code == 200, resp.text


def _count(session, model, *where) -> int:
    session.rollback()  # a fresh snapshot
    return session.scalar(select(func.count()).select_from(model).where(*where))


def _clock(session, matter_id, kind) -> MatterClock:
    session.rollback()
    return session.scalars(select(MatterClock).where(MatterClock.matter_id == matter_id, MatterClock.kind == kind)
                           .order_by(MatterClock.id.desc())).first()


def _notices(client, demo, user, **params) -> dict:
    resp = client.get("/api/notifications", params=params, headers=demo.headers(user))
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_due_soon_overdue_and_escalation_up_to_the_county(app, client, demo, system_session):
    factory = app.state.session_factory
    _rules(client, demo, due_soon_days=5, escalate_every_days=4)
    m = _assigned_to_village(client, demo)
    mid, village, township, county = m["id"], demo.node(CHENGDONG).id, demo.node(BAIYU).id, demo.node("411323").id
    all_notices = (Notification.matter_id == mid) & FROM_SCAN

    report = scan(factory, D("2026-06-10"))  # six days before 16 June
    assert _clock(system_session, mid, "acknowledge").state == "on_time"
    assert _clock(system_session, mid, "objection").state == "overdue", "windows get a state too"
    assert _count(system_session, Notification, all_notices) == 0 and report.notices == 0

    # five days before: due soon by this county's threshold (the default 3 would say on time)
    report = scan(factory, D("2026-06-11"))
    assert _clock(system_session, mid, "acknowledge").state == "due_soon" and report.notices == 1
    soon = system_session.scalars(select(Notification).where(all_notices)).one()
    assert (soon.kind, soon.node_id) == ("due_soon", village) and "2026年6月16日" in soon.text
    again = scan(factory, D("2026-06-11"))
    assert _count(system_session, Notification, all_notices) == 1
    assert (again.notices, again.matters, again.states) == (0, 0, 0), "nothing to do the second time"

    # the day after the deadline: overdue, reminded, and raised to 白羽街道 (level 1)
    report = scan(factory, D("2026-06-17"))
    assert (report.escalations, report.notices) == (1, 2)
    ack = _clock(system_session, mid, "acknowledge")
    assert (ack.state, ack.escalation_level, ack.escalated_on) == ("overdue", 1, D("2026-06-17"))
    kinds = dict(system_session.execute(select(Notification.kind, Notification.node_id).where(
        all_notices, Notification.kind != "due_soon")).all())
    assert kinds == {"overdue": village, "supervise": township}
    scan(factory, D("2026-06-17"))
    assert _count(system_session, Notification, all_notices) == 3
    assert _count(system_session, Supervision, Supervision.matter_id == mid) == 1

    # still overdue, but fewer than 4 days since the last step: no new step
    assert scan(factory, D("2026-06-20")).escalations == 0
    report = scan(factory, D("2026-06-21"))
    assert report.escalations == 1
    system_session.rollback()
    steps = system_session.scalars(select(Supervision).where(Supervision.matter_id == mid)
                                   .order_by(Supervision.level)).all()
    assert [(s.level, s.from_node_id, s.to_node_id, s.on) for s in steps] == [
        (1, village, township, D("2026-06-17")), (2, township, county, D("2026-06-21"))]
    access = system_session.scalar(select(MatterAccess.reason).where(MatterAccess.subject_id == mid,
                                                                      MatterAccess.node_id == county))
    assert access == "supervise", "the county sees the matter it supervises, even after a return"
    # never above the county, however long it stays overdue
    for day in ("2026-06-25", "2026-07-30", "2026-07-30"):
        assert scan(factory, D(day)).escalations == 0
    assert _count(system_session, Supervision, Supervision.matter_id == mid) == 2
    assert _count(system_session, Notification, all_notices) == 4

    # the county office sees the matter, its 督办 on the timeline, and its own notice
    detail = client.get(f"/api/matters/{mid}", headers=demo.headers("xx_officer")).json()
    assert [(s["level"], s["to_node_name"], s["status"]) for s in detail["supervision"]] == [
        (1, "白羽街道", "open"), (2, "西峡县", "open")]
    assert [e["action"] for e in detail["timeline"]].count("supervise") == 2
    assert detail["deadline_state"] == "overdue"
    listed = client.get("/api/matters", params={"deadline_state": "overdue"}, headers=demo.headers("xx_officer"))
    assert mid in [row["id"] for row in listed.json()["items"]]
    on_time = client.get("/api/matters", params={"deadline_state": "on_time"}, headers=demo.headers("xx_officer"))
    assert mid not in [row["id"] for row in on_time.json()["items"]]

    county_notices = _notices(client, demo, "xx_officer")
    assert [(n["kind"], n["node_id"]) for n in county_notices["items"]] == [("supervise", county)]
    assert "第2级督办" in county_notices["items"][0]["text"] and county_notices["unread"] == 1
    township_notices = _notices(client, demo, "xx_by_officer")
    assert [n["kind"] for n in township_notices["items"]] == ["supervise"]
    below = _notices(client, demo, "xx_by_officer", subtree="true")
    assert sorted(n["kind"] for n in below["items"]) == ["assigned", "due_soon", "overdue", "supervise"]

    # the 督办 ends when the late duty is finally done
    _act(client, demo, mid, "accept", on="2026-06-26")
    report = scan(factory, D("2026-06-26"))
    assert report.closed == 2 and report.escalations == 0
    assert _count(system_session, Supervision, Supervision.matter_id == mid, Supervision.status == "open") == 0
    assert _clock(system_session, mid, "acknowledge").state == "late"
    assert scan(factory, D("2026-06-27")).closed == 0


def test_marking_read_supervisors_and_outsiders(app, client, demo, system_session):
    factory = app.state.session_factory
    _rules(client, demo, escalate_every_days=2)
    m = _assigned_to_village(client, demo)
    for day in ("2026-06-17", "2026-06-19"):
        scan(factory, D(day))
    county_notice = _notices(client, demo, "xx_officer")["items"][0]
    township_notice = _notices(client, demo, "xx_by_officer")["items"][0]
    assert county_notice["matter_id"] == township_notice["matter_id"] == m["id"]

    # 纪工委: reads the notices of its node and, asked for them, of its whole scope; marks nothing
    assert [n["id"] for n in _notices(client, demo, "xx_supervisor")["items"]] == [county_notice["id"]]
    assert len(_notices(client, demo, "xx_supervisor", subtree="true")["items"]) == 4  # the scan's three, the assignment's one
    assert [n["id"] for n in _notices(client, demo, "xx_by_supervisor")["items"]] == [township_notice["id"]]
    refused = client.post(f"/api/notifications/{county_notice['id']}/read", headers=demo.headers("xx_supervisor"))
    assert refused.status_code == 403

    # an officer marks their own office's notice read, not another office's
    done = client.post(f"/api/notifications/{county_notice['id']}/read", headers=demo.headers("xx_officer"))
    assert done.status_code == 200 and done.json()["read"] is True and done.json()["read_by"] == "李秀英"
    assert _notices(client, demo, "xx_officer", unread="true")["items"] == []
    assert _notices(client, demo, "xx_officer")["unread"] == 0
    assert _notices(client, demo, "xx_supervisor", unread="true")["items"] == [], "read for the whole office"
    other = client.post(f"/api/notifications/{township_notice['id']}/read", headers=demo.headers("xx_officer"))
    assert other.status_code == 403 and "本单位" in other.json()["message"]

    # the other county and the sibling township see none of it
    assert _notices(client, demo, "jj_officer", subtree="true")["items"] == []
    assert _notices(client, demo, "xx_ds_officer", subtree="true")["items"] == []
    for user in ("jj_officer", "xx_ds_officer"):
        resp = client.post(f"/api/notifications/{township_notice['id']}/read", headers=demo.headers(user))
        assert resp.status_code == 404
    assert client.get("/api/notifications", params={"kind": "x"}, headers=demo.headers("xx_officer")).status_code == 400


def test_an_accused_unit_is_skipped_when_escalating(app, client, demo, system_session):
    """A matter handled by 城东社区 that turns out to accuse 白羽街道 (reclassified after it was
    assigned; a new accusation can no longer be assigned there at all): 督办 skips the accused
    街道 and goes straight to the county."""
    from sqlalchemy import update

    from xinfang.platform.matters.models import Matter

    baiyu, county = demo.node(BAIYU).id, demo.node("411323").id
    m = _register(client, demo, user="xx_officer", node="411323")
    _act(client, demo, m["id"], "assign", user="xx_officer", on="2026-06-01", lead_unit_id=demo.node(CHENGDONG).id)
    with app.state.engine.begin() as conn:
        conn.execute(update(Matter.__table__).where(Matter.__table__.c.id == m["id"])
                     .values(kind="accusation", accused_node_id=baiyu))
    scan(app.state.session_factory, D("2026-06-17"))
    system_session.rollback()
    step = system_session.scalars(select(Supervision).where(Supervision.matter_id == m["id"])).one()
    assert (step.level, step.to_node_id) == (1, county)
    assert _count(system_session, Notification, Notification.node_id == baiyu) == 0
    assert _count(system_session, MatterAccess, MatterAccess.subject_id == m["id"],
                  MatterAccess.node_id == baiyu) == 0
    tree = Tree.load(system_session)
    assert tree.escalation_chain(demo.node(CHENGDONG).id, None) == [baiyu, county]
    assert tree.escalation_chain(demo.node("411323-ZJJ").id, None) == [county]
    assert tree.escalation_chain(county, None) == []


def test_a_paused_clock_does_not_go_overdue(app, client, demo, system_session):
    paused, running = _assigned_to_village(client, demo), _assigned_to_village(client, demo)
    for m in (paused, running):
        _act(client, demo, m["id"], "accept", on="2026-06-02")  # 60 days: due Mon 3 August
    _act(client, demo, paused["id"], "pause", on="2026-06-10", note="举行听证")
    scan(app.state.session_factory, D("2026-08-20"))
    assert _clock(system_session, paused["id"], "handling").state == "on_time"
    assert _clock(system_session, running["id"], "handling").state == "overdue"
    assert _count(system_session, Notification, Notification.matter_id == paused["id"], FROM_SCAN) == 0
    assert _count(system_session, Supervision, Supervision.matter_id == paused["id"]) == 0
    assert _count(system_session, Supervision, Supervision.matter_id == running["id"]) == 1
    states = {row["id"]: row["deadline_state"] for row in client.get(
        "/api/matters", headers=demo.headers("xx_by_officer")).json()["items"]}
    assert (states[paused["id"]], states[running["id"]]) == ("on_time", "overdue")


def test_provisional_deadline_is_recomputed_once_the_year_is_entered(app, client, demo, system_session):
    factory = app.state.session_factory
    m = _assigned_to_village(client, demo, on="2026-11-02")
    _act(client, demo, m["id"], "accept", on="2026-11-02")
    handling = _clock(system_session, m["id"], "handling")
    assert (handling.due_on, handling.provisional) == (D("2027-01-01"), True)

    report = scan(factory, D("2026-11-20"))  # no 2027 data yet: still provisional, nothing moves
    assert report.recomputed == 0 and _clock(system_session, m["id"], "handling").provisional is True
    resp = client.put("/api/calendar/years/2027", json=INVENTED_2027, headers=demo.headers("operator"))
    assert resp.status_code == 200, resp.text

    report = scan(factory, D("2026-11-20"))
    handling = _clock(system_session, m["id"], "handling")
    # Fri 1 January 2027 is now 元旦: the period ends on the next working day, Mon 4 January
    assert report.recomputed == 1 and (handling.due_on, handling.provisional) == (D("2027-01-04"), False)
    assert handling.calendar_version == resp.json()["version"]
    system_session.rollback()
    events = system_session.scalars(select(MatterEvent).where(MatterEvent.matter_id == m["id"],
                                                              MatterEvent.action == "deadline_recomputed")).all()
    assert len(events) == 1 and (events[0].data["from"], events[0].data["to"]) == ("2027-01-01", "2027-01-04")
    assert scan(factory, D("2026-11-20")).recomputed == 0
    assert _count(system_session, MatterEvent, MatterEvent.action == "deadline_recomputed") == 1
    detail = client.get(f"/api/matters/{m['id']}", headers=demo.headers("xx_by_officer")).json()
    assert detail["due_on"] == "2027-01-04" and "2027年1月4日" in detail["timeline"][-1]["note"]


def test_the_periodic_task_and_the_command_line(app, client, demo, settings, system_session):
    m = _assigned_to_village(client, demo)
    task = registered(app.state.session_factory)["matter_deadlines"]
    assert task.every == dt.timedelta(hours=1) and task.run is run
    # 16:30 UTC on 16 June is 00:30 on 17 June in Shanghai: the day after the deadline
    report = task.run(app.state.session_factory, dt.datetime(2026, 6, 16, 16, 30, tzinfo=dt.UTC))
    assert report.startswith("2026-06-17") and "督办1次" in report
    assert _clock(system_session, m["id"], "acknowledge").escalation_level == 1

    xinfang = str(Path(sys.executable).with_name("xinfang"))
    env = {**os.environ, "XINFANG_DATABASE_URL": settings.database_url}
    env.pop("XINFANG_REDIS_URL", None)
    done = subprocess.run([xinfang, "matters", "scan", "--today", "2026-06-22"], env=env, cwd=settings.storage_dir.parent,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("2026-06-22") and "督办1次" in done.stdout
    assert _clock(system_session, m["id"], "acknowledge").escalation_level == 2


def test_two_scans_at_once_store_each_notice_once(app, client, demo, system_session):
    """Two processes (here: threads) scanning the same day: the rows are locked per matter
    and the keys are unique, so together they do exactly what one scan does."""
    ids = [_assigned_to_village(client, demo)["id"] for _ in range(4)]
    factory = app.state.session_factory
    with ThreadPoolExecutor(2) as pool:
        reports = list(pool.map(lambda _: scan(factory, D("2026-06-17")), range(2)))
    assert sum(r.escalations for r in reports) == 4 and sum(r.notices for r in reports) == 8
    assert _count(system_session, Notification, Notification.matter_id.in_(ids), FROM_SCAN) == 8
    assert _count(system_session, Supervision, Supervision.matter_id.in_(ids)) == 4
    assert scan(factory, D("2026-06-17")).matters == 0


def test_one_broken_matter_does_not_stop_the_others(app, client, demo, system_session):
    broken, fine = _assigned_to_village(client, demo), _assigned_to_village(client, demo)
    with app.state.session_factory(scope=Scope.system()) as s:
        s.info["actor"] = {"id": None, "name": "测试", "address": "test"}
        clock = s.scalars(select(MatterClock).where(MatterClock.matter_id == broken["id"],
                                                    MatterClock.kind == "acknowledge")).one()
        clock.kind = "retired_kind"  # e.g. a clock kind a later version no longer knows
        s.commit()
    report = scan(app.state.session_factory, D("2026-06-17"))
    assert report.failed == [broken["id"]] and "1件事项处理出错" in str(report)
    assert _clock(system_session, fine["id"], "acknowledge").escalation_level == 1
