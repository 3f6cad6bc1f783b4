"""The county's own reception room (seed 000: 县级党政主要领导每月至少一次接访): rota, public notice,
register and screening at county level; leaders' 下访 and 约访 (seed 004) recorded, listed,
counted per leader and held against the quotas for the month and the year."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from xinfang.platform.accounts.models import User

COUNTY, TOWNSHIP, DEPARTMENT, CHENGDONG = "411323", "411323001", "411323-ZJJ", "411323001001"


def _user(system_session, username):
    return system_session.scalar(select(User.id).where(User.username == username))


def _visit(client, demo, user, code, on, name, kind="visit", leader_kind="leader", user_id=None, **extra):
    body = {"node_id": demo.node(code).id, "kind": kind, "visited_on": on, "leader_name": name,
            "leader_kind": leader_kind, "leader_user_id": user_id, "place": "丹水镇上营村",
            "people_met": "村民代表6人", "matters_raised": "反映村道年久失修、雨天积水", **extra}
    return client.post("/api/reception/visits", headers=demo.headers(user), json=body)


def _checks_rows(report, name):
    return next(item for item in report["leaders"] if item["leader_name"] == name)["checks"]


def _checks(report, name):
    leader = next(item for item in report["leaders"] if item["leader_name"] == name)
    return {c["rule"]: (c["count"], c["met"]) for c in leader["checks"]}


@pytest.mark.today(2026, 11, 16, 9)
def test_the_county_keeps_its_own_rota_register_and_screening(client, demo, system_session):
    officer = demo.headers("xx_officer")
    county = demo.node(COUNTY).id
    zhang = _user(system_session, "xx_leader")
    duty = client.post("/api/reception/rota", headers=officer, json={
        "node_id": county, "on": "2026-11-18", "leader_name": "张志强", "leader_position": "副县长",
        "place": "县信访局接待大厅", "leader_kind": "main", "leader_user_id": zhang})
    assert duty.status_code == 201, duty.text
    township_duty = client.post("/api/reception/rota", headers=demo.headers("xx_by_officer"), json={
        "node_id": demo.node(TOWNSHIP).id, "on": "2026-11-18", "leader_name": "周涛", "place": "街道接访室"})
    assert township_duty.status_code == 201
    published = client.post("/api/reception/rota/publish", headers=officer,
                            json={"node_id": county, "start": "2026-11-16", "end": "2026-11-22"})
    assert published.status_code == 200, published.text
    assert published.json() == {"published": 1, "public_url": "/public/reception/411323"}
    notice = client.get("/api/public/reception/411323").json()
    shown = [d["leader_name"] for day in notice["days"] for d in day["duties"]]
    assert notice["township"]["name"] == "西峡县" and shown == ["张志强"]  # the county's own, not its townships'
    assert "县信访局接待大厅" in client.get("/public/reception/411323").text

    record = client.post("/api/reception/records", headers=demo.headers("xx_leader"), json={
        "node_id": county, "received_on": "2026-11-16", "leader_name": "张志强", "leader_user_id": zhang,
        "visitor_name": "吴某", "category": "城镇房屋拆迁", "summary": "拆迁补偿款未足额发放"})
    assert record.status_code == 201, record.text
    entry = client.post("/api/ledgers/screening", headers=officer, json={
        "node_id": county, "found_on": "2026-11-16", "party_name": "周九", "category": "邻里纠纷",
        "summary": "跨乡镇的山林权属纠纷"})
    assert entry.status_code == 201, entry.text
    # a department is no reception room
    refused = client.post("/api/reception/rota", headers=officer, json={
        "node_id": demo.node(DEPARTMENT).id, "on": "2026-11-18", "leader_name": "局长", "place": "住建局"})
    assert refused.status_code == 400 and "县（市、区）、乡镇（街道）或村（社区）" in refused.json()["message"]

    # 县级党政主要领导每月至少一次接访: the month's duty and reception count (two days)
    report = client.get(f"/api/reception/nodes/{county}/quotas", headers=demo.headers("xx_supervisor")).json()
    assert _checks(report, "张志强")["county_main_receptions"] == (2, True)
    december = client.get(f"/api/reception/nodes/{county}/quotas", headers=officer, params={"on": "2026-12-05"}).json()
    # known as a main leader from November's record; December has nothing yet (and is not over)
    assert _checks(december, "张志强") == {"county_leader_visits": (0, False), "county_main_receptions": (0, False)}
    assert {c["period_over"] for c in next(i for i in december["leaders"] if i["leader_name"] == "张志强")["checks"]} \
        == {False}
    named = client.get(f"/api/reception/nodes/{county}/quotas", headers=officer,
                       params={"on": "2026-10-05", "main_leaders": "李书记"}).json()
    assert _checks(named, "李书记") == {"county_leader_visits": (0, False), "county_main_receptions": (0, False)}
    assert next(c for c in _checks_rows(named, "李书记") if c["period"] == "month")["period_over"] is True


@pytest.mark.today(2026, 11, 20, 9)
def test_leaders_visits_are_recorded_and_counted_against_the_quotas(client, demo, system_session):
    zhang, zhou = _user(system_session, "xx_leader"), _user(system_session, "xx_by_leader")
    for on in ("2026-02-10", "2026-05-12", "2026-09-03"):
        assert _visit(client, demo, "xx_leader", COUNTY, on, "张志强", user_id=zhang).status_code == 201
    # an appointment does not count for a county leader's 下访
    assert _visit(client, demo, "xx_leader", COUNTY, "2026-10-09", "张志强", kind="appointment",
                  user_id=zhang).status_code == 201
    county = demo.node(COUNTY).id
    first = client.get(f"/api/reception/nodes/{county}/quotas", headers=demo.headers("xx_officer")).json()
    assert _checks(first, "张志强")["county_leader_visits"] == (3, False)
    fourth = _visit(client, demo, "xx_leader", COUNTY, "2026-11-19", "张志强", user_id=zhang, problems_solved=3,
                    solutions="协调交通局安排村道维修资金，现场答复群众", place_node_id=demo.node(CHENGDONG).id)
    assert fourth.status_code == 201, fourth.text
    assert fourth.json()["place_node_name"] == "城东社区" and fourth.json()["kind_label"] == "下访"

    # a township's main leader: eight 下访 or 约访 this month; October's do not count
    for day in range(2, 9):
        kind = "appointment" if day % 2 else "visit"
        assert _visit(client, demo, "xx_by_leader", TOWNSHIP, f"2026-11-{day:02d}", "周涛", kind=kind,
                      leader_kind="main", user_id=zhou).status_code == 201
    assert _visit(client, demo, "xx_by_leader", TOWNSHIP, "2026-10-30", "周涛", leader_kind="main",
                  user_id=zhou).status_code == 201
    # a department head without an account, by name: 下访 and 约访 both count, four a year
    for on, kind in (("2026-03-01", "visit"), ("2026-06-01", "appointment"), ("2026-08-01", "visit"),
                     ("2026-11-02", "appointment")):
        assert _visit(client, demo, "xx_officer", DEPARTMENT, on, "陈局长", kind=kind).status_code == 201

    report = client.get(f"/api/reception/nodes/{county}/quotas", headers=demo.headers("xx_supervisor")).json()
    assert report["month"] == ["2026-11-01", "2026-11-30"] and report["year"] == ["2026-01-01", "2026-12-31"]
    assert _checks(report, "张志强")["county_leader_visits"] == (4, True)
    assert _checks(report, "周涛") == {"township_main_visits": (7, False)}
    assert _checks(report, "陈局长") == {"department_head_visits": (4, True)}
    assert all(not c["period_over"] for item in report["leaders"] for c in item["checks"])
    assert _visit(client, demo, "xx_by_officer", TOWNSHIP, "2026-11-20", "周涛", leader_kind="main",
                  user_id=zhou).status_code == 201
    township = client.get(f"/api/reception/nodes/{demo.node(TOWNSHIP).id}/quotas",
                          headers=demo.headers("xx_by_officer"), params={"main_leaders": "赵书记"}).json()
    assert _checks(township, "周涛") == {"township_main_visits": (8, True)}
    assert _checks(township, "赵书记") == {"township_main_visits": (0, False)}  # named, nothing on record
    assert {item["leader_name"] for item in township["leaders"]} == {"周涛", "赵书记"}

    # counts per leader for any period, the list and its filters
    counts = client.get(f"/api/reception/nodes/{county}/visit-counts", headers=demo.headers("xx_officer"),
                        params={"start": "2026-11-01", "end": "2026-11-30"}).json()["items"]
    by_name = {c["leader_name"]: c for c in counts}
    assert (by_name["张志强"]["visits"], by_name["张志强"]["problems_solved"]) == (1, 3)
    assert (by_name["周涛"]["visits"], by_name["周涛"]["appointments"]) == (5, 3)
    listed = client.get("/api/reception/visits", headers=demo.headers("xx_officer"),
                        params={"kind": "appointment", "leader_name": "周涛"}).json()
    assert listed["total"] == 3 and {v["kind_label"] for v in listed["items"]} == {"约访"}
    own = client.get("/api/reception/visits", headers=demo.headers("xx_by_officer")).json()
    assert {v["leader_name"] for v in own["items"]} == {"周涛"}  # the township sees its own leader's only
    assert client.get(f"/api/reception/visits/{fourth.json()['id']}",
                      headers=demo.headers("xx_ds_officer")).status_code == 404


@pytest.mark.today(2026, 11, 20, 9)
def test_a_visit_is_checked_completed_later_and_linked_to_matters(client, demo):
    bad = _visit(client, demo, "xx_by_officer", TOWNSHIP, "2026-11-21", "周涛", kind="tour", problems_solved=2,
                 matter_ids=[999999], people_met=" ")
    assert bad.status_code == 400
    message = bad.json()["message"]
    for part in ("类型应为", "不能晚于今天", "请写明解决情况", "不存在或不在您的管辖范围内", "接待的群众不能为空"):
        assert part in message, part
    village = _visit(client, demo, "xx_by_officer", CHENGDONG, "2026-11-20", "周涛")
    assert village.status_code == 400 and "领导所在的" in village.json()["message"]

    matter = client.post("/api/matters", headers=demo.headers("xx_by_officer"), json={
        "node_id": demo.node(TOWNSHIP).id, "channel": "visit", "form": "individual", "kind": "claim",
        "category": "城镇房屋拆迁", "summary": "村道积水影响出行",
        "petitioners": [{"name": "孙八", "id_number": "11010519491231002X"}]}).json()
    created = _visit(client, demo, "xx_by_officer", TOWNSHIP, "2026-11-19", "周涛").json()
    done = client.patch(f"/api/reception/visits/{created['id']}", headers=demo.headers("xx_by_officer"),
                        json={"problems_solved": 1, "solutions": "协调维修村道", "matter_ids": [matter["id"]]})
    assert done.status_code == 200, done.text
    row = done.json()
    assert row["problems_solved"] == 1 and row["matters"] == [{"id": matter["id"], "number": matter["number"]}]
    assert client.patch(f"/api/reception/visits/{created['id']}", headers=demo.headers("xx_by_officer"),
                        json={"problems_solved": 2, "solutions": " "}).status_code == 400
    assert client.patch(f"/api/reception/visits/{created['id']}", headers=demo.headers("xx_by_officer"),
                        json={"leader_name": "别人"}).status_code == 400
    assert client.patch(f"/api/reception/visits/{created['id']}", headers=demo.headers("xx_by_supervisor"),
                        json={"note": "x"}).status_code == 403
    audit = client.get("/api/audit", headers=demo.headers("xx_supervisor"),
                       params={"object_type": "leader_visits"}).json()
    assert {e["action"] for e in audit["items"]} >= {"create", "update"}
