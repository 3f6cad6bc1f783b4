"""The reception rota's clash check (same leader twice on one day, a working day with
nobody, judged on the official holiday calendar), the seed's weekly rules as a report, the
public notice's escaping, and the 包案 hand-off of a reception left unresolved."""

from __future__ import annotations

from sqlalchemy import select

from xinfang.platform.accounts.models import User

TOWNSHIP, CHENGDONG, LIANHUA = "411323001", "411323001001", "411323001002"
FOUR = ["包掌握情况", "包思想教育", "包解决化解", "包息诉息访"]


def _duty(client, demo, on, name, code=TOWNSHIP, slot="day", kind="leader", user_id=None, place="接访室"):
    resp = client.post("/api/reception/rota", headers=demo.headers("xx_by_officer"), json={
        "node_id": demo.node(code).id, "on": on, "slot": slot, "leader_name": name, "place": place,
        "leader_kind": kind, "leader_user_id": user_id})
    assert resp.status_code == 201, resp.text
    return resp.json()


def _user(system_session, username):
    return system_session.scalar(select(User.id).where(User.username == username))


def _clashes(client, demo, start, end, code=TOWNSHIP):
    resp = client.get("/api/reception/rota", headers=demo.headers("xx_by_officer"),
                      params={"node_id": demo.node(code).id, "start": start, "end": end})
    assert resp.status_code == 200, resp.text
    return [(c["kind"], c["on"], c["leader_name"]) for c in resp.json()["clashes"]]


def test_a_leader_twice_on_one_day_and_a_day_with_nobody_are_clashes(client, demo, system_session):
    zhou = _user(system_session, "xx_by_leader")
    _duty(client, demo, "2026-11-16", "周涛", slot="am", user_id=zhou)
    # the same person in a community's room the same day (full day overlaps the morning)
    clash = _duty(client, demo, "2026-11-16", "周涛", code=CHENGDONG, user_id=zhou)["clashes"]
    assert [(c["kind"], c["node_name"]) for c in clash] == [("double", "城东社区")]
    # morning and afternoon are different slots; a namesake without an account is matched by name
    _duty(client, demo, "2026-11-17", "李明", slot="am")
    assert _duty(client, demo, "2026-11-17", "李明", slot="pm")["clashes"] == []
    assert _clashes(client, demo, "2026-11-16", "2026-11-20") == [
        ("double", "2026-11-16", "周涛"), ("empty", "2026-11-18", ""), ("empty", "2026-11-19", ""),
        ("empty", "2026-11-20", "")]
    # the community's own rota: its Monday is covered, the other working days are not
    assert [c[1] for c in _clashes(client, demo, "2026-11-16", "2026-11-20", CHENGDONG) if c[0] == "empty"] == [
        "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]
    # National Day 2026: Oct 1–7 off, Sat Oct 10 a make-up working day
    assert _clashes(client, demo, "2026-10-01", "2026-10-11") == [
        ("empty", "2026-10-08", ""), ("empty", "2026-10-09", ""), ("empty", "2026-10-10", "")]
    refused = client.post("/api/reception/rota/publish", headers=demo.headers("xx_by_officer"),
                          json={"node_id": demo.node(TOWNSHIP).id, "start": "2026-11-16", "end": "2026-11-17"})
    assert refused.status_code == 409 and "周涛同时安排了两次接访" in refused.json()["message"]


def test_week_rules_are_reported(client, demo):
    for day in range(16, 21):
        _duty(client, demo, f"2026-11-{day}", "李明")
    _duty(client, demo, "2026-11-16", "陈社区", code=CHENGDONG, kind="community_head")
    township = demo.node(TOWNSHIP).id
    report = client.get(f"/api/reception/nodes/{township}/rota-rules", headers=demo.headers("xx_by_officer"),
                        params={"week_of": "2026-11-18"}).json()
    assert report["week_start"] == "2026-11-16" and report["ok"] is False
    found = [(v["rule"], v["node_name"], v["on"]) for v in report["violations"]]
    # seed 001's daily rules cover the weekend too (街道每日安排领导, 社区主干每日轮值)
    assert found == [("township_daily", "白羽街道", "2026-11-21"), ("township_daily", "白羽街道", "2026-11-22"),
                     ("main_leaders_weekly", "白羽街道", None),
                     ("first_grid_head_weekly", "城东社区", None),
                     *[("community_daily", "城东社区", f"2026-11-{d}") for d in range(17, 23)],
                     ("first_grid_head_weekly", "莲花社区", None),
                     *[("community_daily", "莲花社区", f"2026-11-{d}") for d in range(16, 23)]]

    _duty(client, demo, "2026-11-18", "周涛", kind="main")
    named = client.get(f"/api/reception/nodes/{township}/rota-rules", headers=demo.headers("xx_by_supervisor"),
                       params={"week_of": "2026-11-18", "main_leaders": "周涛,赵主任"}).json()
    mains = [v["message"] for v in named["violations"] if v["rule"] == "main_leaders_weekly"]
    assert mains == ["白羽街道党政主要领导赵主任本周未安排接访"]
    # a community checked on its own
    village = client.get(f"/api/reception/nodes/{demo.node(LIANHUA).id}/rota-rules",
                         headers=demo.headers("xx_by_officer"), params={"week_of": "2026-11-18"}).json()
    assert {v["node_name"] for v in village["violations"]} == {"莲花社区"} and len(village["violations"]) == 8
    # a holiday is a day like any other for the daily rule (National Day 2026: Oct 1–7 off)
    for day in range(5, 12):
        _duty(client, demo, f"2026-10-{day:02d}", "李明")
    holiday = client.get(f"/api/reception/nodes/{township}/rota-rules", headers=demo.headers("xx_by_officer"),
                         params={"week_of": "2026-10-07"}).json()
    assert not [v for v in holiday["violations"] if v["rule"] == "township_daily"]
    gap = client.get(f"/api/reception/nodes/{township}/rota-rules", headers=demo.headers("xx_by_officer"),
                     params={"week_of": "2026-09-30"}).json()
    assert [v["on"] for v in gap["violations"] if v["rule"] == "township_daily"] == [
        f"2026-{m:02d}-{d:02d}" for m, d in ((9, 28), (9, 29), (9, 30), (10, 1), (10, 2), (10, 3), (10, 4))]


def test_the_public_notice_escapes_what_clerks_typed(app, client, demo, clock):
    clock.on(2026, 11, 16, 8)
    _duty(client, demo, "2026-11-16", "<script>alert(1)</script>", place="<b>2楼</b>")
    for day in range(17, 21):
        _duty(client, demo, f"2026-11-{day}", "李明")
    published = client.post("/api/reception/rota/publish", headers=demo.headers("xx_by_officer"),
                            json={"node_id": demo.node(TOWNSHIP).id, "start": "2026-11-16", "end": "2026-11-20"})
    assert published.status_code == 200, published.text
    html = client.get(f"/public/reception/{TOWNSHIP}").text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;2楼" in html


def test_an_unresolved_hard_matter_goes_to_ownership_with_the_four_items(client, demo, system_session):
    township = demo.node(TOWNSHIP).id
    body = {"node_id": township, "received_on": "2026-11-16", "leader_name": "周涛", "visitor_name": "吴某",
            "visitor_id_number": "110105197506150028", "category": "城镇房屋拆迁", "headcount": 6,
            "summary": "拆迁安置房逾期三年未交付,扬言到省上访"}
    record = client.post("/api/reception/records", headers=demo.headers("xx_by_leader"), json=body).json()
    owned = client.post(f"/api/reception/records/{record['id']}/ownership", headers=demo.headers("xx_by_officer"),
                        json={"leader_user_id": _user(system_session, "xx_by_leader"), "note": "党工委书记包案"})
    assert owned.status_code == 200, owned.text
    row = owned.json()
    assert row["status"] == "ownership" and row["ownership_leader"] == "周涛" and row["matter_id"] is not None
    assert [i["label"] for i in row["ownership"]["items"]] == FOUR and row["ownership"]["progress"]["done"] == 0
    matter = client.get(f"/api/matters/{row['matter_id']}", headers=demo.headers("xx_by_officer")).json()
    assert matter["form"] == "collective" and matter["headcount"] == 6  # six visitors: a 集体访
    assert [e["action"] for e in matter["timeline"]] == ["register", "linked", "ownership"]

    settled = client.post("/api/reception/records", headers=demo.headers("xx_by_leader"),
                          json={**body, "summary": "咨询政策", "status": "resolved"}).json()
    refused = client.post(f"/api/reception/records/{settled['id']}/ownership", headers=demo.headers("xx_by_officer"),
                          json={"leader_user_id": _user(system_session, "xx_by_leader")})
    assert refused.status_code == 409
    # a county leader is not a user of the sibling township's rota
    outsider = client.post(f"/api/reception/records/{record['id']}/ownership", headers=demo.headers("xx_ds_officer"),
                           json={"leader_user_id": _user(system_session, "xx_by_leader")})
    assert outsider.status_code == 404
