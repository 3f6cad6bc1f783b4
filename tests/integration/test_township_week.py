"""One week of 白羽街道 (Mon 2026-11-16 – Fri 11-20), over HTTP, on both databases.

The rota is planned (a clash and an empty day are flagged and block publication), fixed,
published and read on the public page without login; two receptions are registered, one
opening a petition matter; the reminder job runs on Wednesday morning; 城东社区 submits
its screening list on Wednesday afternoon, 莲花社区 on Thursday (late); the township's
overview for Wednesday shows exactly that. The test sets the process clock (the ``clock`` fixture).
"""

from __future__ import annotations

import re

from xinfang.platform.reporting.reminders import run as remind

TOWNSHIP, CHENGDONG, LIANHUA, GRID = "411323001", "411323001001", "411323001002", "411323001001-01"
PLACE = "白羽街道基层治理中心2楼接访室"


def _community_officer(client, demo, username, name, code):
    node_id = demo.node(code).id
    user = client.post("/api/users", headers=demo.headers("xx_by_admin"),
                       json={"username": username, "display_name": name, "password": "Shequ-2026x",
                             "node_id": node_id, "position": "社区信访专干"})
    assert user.status_code == 201, user.text
    grant = client.post(f"/api/users/{user.json()['id']}/roles", headers=demo.headers("xx_by_admin"),
                        json={"role": "officer", "node_id": node_id})
    assert grant.status_code == 201, grant.text


def _duty(client, demo, day, name, position, kind="leader", slot="day", code=TOWNSHIP, place=PLACE):
    return client.post("/api/reception/rota", headers=demo.headers("xx_by_officer"), json={
        "node_id": demo.node(code).id, "on": f"2026-11-{day:02d}", "slot": slot, "leader_name": name,
        "leader_position": position, "duties": "分管信访、综治工作", "place": place, "leader_kind": kind})


def test_one_week_of_a_township(app, client, demo, clock):
    clock.on(2026, 11, 16, 9)
    township = demo.node(TOWNSHIP)

    # --- Monday: the rota is planned; a clash and an empty day are flagged ---------------
    for day, name, position, kind in ((16, "周涛", "党工委书记", "main"), (17, "李明", "办事处副主任", "leader"),
                                      (18, "李明", "办事处副主任", "leader"), (20, "王芳", "党工委委员", "leader")):
        assert _duty(client, demo, day, name, position, kind).status_code == 201
    double = _duty(client, demo, 18, "李明", "办事处副主任", slot="am")
    assert double.status_code == 201
    assert [c["kind"] for c in double.json()["clashes"]] == ["double"]
    assert "李明同时安排了两次接访" in double.json()["clashes"][0]["message"]
    # a community duty, not yet published: it must not reach the public page
    assert _duty(client, demo, 17, "陈第一", "党工委副书记", "first_grid_head", code=CHENGDONG,
                 place="城东社区信访接待室").status_code == 201

    week = {"node_id": township.id, "start": "2026-11-16", "end": "2026-11-20"}
    listing = client.get("/api/reception/rota", headers=demo.headers("xx_by_officer"), params=week).json()
    assert {(c["kind"], c["on"]) for c in listing["clashes"]} == {("double", "2026-11-18"), ("empty", "2026-11-19")}
    refused = client.post("/api/reception/rota/publish", headers=demo.headers("xx_by_officer"), json=week)
    assert refused.status_code == 409 and "2026-11-19" in refused.json()["message"]

    assert client.delete(f"/api/reception/rota/{double.json()['id']}",
                         headers=demo.headers("xx_by_officer")).status_code == 200
    assert _duty(client, demo, 19, "周涛", "党工委书记", "main").status_code == 201
    published = client.post("/api/reception/rota/publish", headers=demo.headers("xx_by_officer"), json=week)
    assert published.status_code == 200, published.text
    assert published.json() == {"published": 5, "public_url": f"/public/reception/{TOWNSHIP}"}

    # --- the public notice, without login ---------------------------------------------------
    page = client.get(f"/public/reception/{TOWNSHIP}")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "白羽街道领导接访公告" in html and "2026-11-16 星期一(今日)" in html
    for shown in ("周涛", "党工委书记", "李明", "办事处副主任", "王芳", PLACE, "分管信访、综治工作"):
        assert shown in html
    assert "陈第一" not in html  # unpublished
    public = client.get(f"/api/public/reception/{TOWNSHIP}")
    assert public.status_code == 200
    data = public.json()
    assert data["today"] == "2026-11-16" and len(data["days"]) == 8
    duties = [d for day in data["days"] for d in day["duties"]]
    assert [(d["leader_name"], d["unit"]) for d in duties] == [
        ("周涛", "白羽街道"), ("李明", "白羽街道"), ("李明", "白羽街道"), ("周涛", "白羽街道"), ("王芳", "白羽街道")]
    assert all(set(d) == {"unit", "slot", "leader_name", "position", "duties", "place"} for d in duties)
    assert set(data) == {"township", "today", "until", "days"} and data["township"] == {"code": TOWNSHIP,
                                                                                        "name": "白羽街道"}
    assert client.get("/public/reception/411323001001").status_code == 404  # a community code is not a township
    assert client.get("/api/public/reception/999999999").status_code == 404

    # --- two receptions: one settled on the spot, one opening a matter ---------------------
    monday_duty = next(d for d in listing["items"] if d["on"] == "2026-11-16")
    first = client.post("/api/reception/records", headers=demo.headers("xx_by_leader"), json={
        "node_id": township.id, "received_on": "2026-11-16", "duty_id": monday_duty["id"],
        "visitor_name": "刘大妈", "visitor_id_number": "11010519491231002X", "category": "邻里纠纷",
        "summary": "邻居装修噪音扰民", "decision": "当场联系社区调解,双方达成一致", "status": "resolved"})
    assert first.status_code == 201, first.text
    assert first.json()["leader_name"] == "周涛" and first.json()["place"] == PLACE
    assert first.json()["matter_id"] is None and first.json()["visitor_id_number"] == "1101**********002X"

    clock.on(2026, 11, 17, 10)
    second = client.post("/api/reception/records", headers=demo.headers("xx_by_leader"), json={
        "node_id": township.id, "received_on": "2026-11-17", "leader_name": "李明", "leader_position": "办事处副主任",
        "place": PLACE, "visitor_name": "赵建军", "visitor_id_number": "110105198001010016", "headcount": 1,
        "category": "欠薪", "summary": "某工地拖欠农民工工资8万元", "demands": "要求尽快支付",
        "decision": "转人社部门核查", "assigned_unit": "县人社局", "open_matter": True})
    assert second.status_code == 201, second.text
    matter = second.json()["matter"]
    assert second.json()["matter_id"] == matter["id"] and second.json()["matter_number"] == matter["number"]
    assert matter["channel"] == "visit" and matter["received_on"] == "2026-11-17" and matter["owner_name"] == "白羽街道"
    linked = [e for e in matter["timeline"] if e["action"] == "linked"]
    assert len(linked) == 1 and linked[0]["label"] == "由领导接访登记转入"
    assert linked[0]["data"]["source"] == "reception" and linked[0]["data"]["source_id"] == second.json()["id"]
    records = client.get("/api/reception/records", headers=demo.headers("xx_by_officer"),
                         params={"node_id": township.id}).json()
    assert records["total"] == 2 and [r["matter_id"] is not None for r in records["items"]] == [False, True]

    # --- screening entries in both communities ----------------------------------------------
    found = client.post("/api/ledgers/screening", headers=demo.headers("xx_grid"), json={
        "node_id": demo.node(GRID).id, "found_on": "2026-11-17", "party_name": "钱某某", "category": "房地产",
        "summary": "小区业主对物业费上涨不满,酝酿集体上访", "risks": ["collective"], "headcount": 30,
        "responsible_unit": "城东社区居委会", "responsible_leader": "陈第一", "responsible_person": "冯梅",
        "measures": "召开业主座谈会", "plan": "社区牵头,物业公司公开收支", "deadline": "2026-11-30"})
    assert found.status_code == 201, found.text
    assert client.post("/api/ledgers/screening", headers=demo.headers("xx_by_officer"), json={
        "node_id": demo.node(LIANHUA).id, "found_on": "2026-11-17", "party_name": "孙某", "category": "邻里纠纷",
        "summary": "两户因排水沟堵塞发生争执"}).status_code == 201

    _community_officer(client, demo, "cd_officer", "陈晓", CHENGDONG)
    _community_officer(client, demo, "lh_officer", "林峰", LIANHUA)

    # --- Wednesday: the reminder job, then 城东社区 submits in time ----------------------------
    assert remind(app.state.session_factory, clock.on(2026, 11, 18, 8, 0)) == "0条报送提醒"  # before 09:00
    assert remind(app.state.session_factory, clock.on(2026, 11, 18, 10, 0)).startswith("14条")  # 7 communities × 2
    assert remind(app.state.session_factory, clock.on(2026, 11, 18, 11, 0)) == "0条报送提醒"  # sent once
    notices = client.get("/api/notifications", headers=demo.headers("cd_officer")).json()["items"]
    assert sorted(n["title"] for n in notices) == ["请于今日18:00前报送矛盾纠纷排查清单", "请于今日18:00前报送领导接访情况"]

    clock.on(2026, 11, 18, 15, 30)
    on_time = client.post("/api/reporting/submissions", headers=demo.headers("cd_officer"),
                          json={"node_id": demo.node(CHENGDONG).id, "kind": "screening"})
    assert on_time.status_code == 201, on_time.text
    assert on_time.json()["due_on"] == "2026-11-18" and on_time.json()["late"] is False
    assert on_time.json()["item_ids"] == [found.json()["id"]]
    sibling = client.post("/api/reporting/submissions", headers=demo.headers("cd_officer"),
                          json={"node_id": demo.node(LIANHUA).id, "kind": "screening"})
    assert sibling.status_code == 404  # a community cannot report for its neighbour

    # --- Thursday: 莲花社区 submits Wednesday's list late ---------------------------------------
    clock.on(2026, 11, 19, 9, 30)
    late = client.post("/api/reporting/submissions", headers=demo.headers("lh_officer"),
                       json={"node_id": demo.node(LIANHUA).id, "kind": "screening", "due_on": "2026-11-18"})
    assert late.status_code == 201 and late.json()["late"] is True and late.json()["item_count"] == 1

    overview = client.get(f"/api/reporting/nodes/{township.id}/overview", headers=demo.headers("xx_by_officer"),
                          params={"due_on": "2026-11-18"})
    assert overview.status_code == 200, overview.text
    view = overview.json()
    assert view["deadline_passed"] is True and view["weekday"] == "星期三"
    assert [(c["node_name"], c["screening"]["status"], c["reception"]["status"]) for c in view["communities"]] == [
        ("城东社区", "on_time", "missing"), ("莲花社区", "late", "missing")]
    assert view["communities"][0]["screening"]["submitted_at"] == "2026-11-18T15:30:00+08:00"
    assert view["communities"][1]["screening"]["submitted_by"] == "林峰"
    assert view["totals"]["screening"] == {"on_time": 1, "late": 1, "missing": 0, "pending": 0}
    assert view["totals"]["reception"] == {"on_time": 0, "late": 0, "missing": 2, "pending": 0}

    # the supervisor of the township reads the same view; the submission's content is there too
    same = client.get(f"/api/reporting/nodes/{township.id}/overview", headers=demo.headers("xx_by_supervisor"),
                      params={"due_on": "2026-11-18"})
    assert same.json()["communities"] == view["communities"]
    content = client.get(f"/api/reporting/submissions/{on_time.json()['id']}", headers=demo.headers("xx_by_officer"))
    assert [i["summary"] for i in content.json()["items"]] == ["小区业主对物业费上涨不满,酝酿集体上访"]

    # --- Friday morning: the next period is open, nobody has submitted yet --------------------
    clock.on(2026, 11, 20, 10, 0)
    friday = client.get(f"/api/reporting/nodes/{township.id}/overview", headers=demo.headers("xx_by_officer")).json()
    assert friday["due_on"] == "2026-11-20" and friday["deadline_passed"] is False
    assert {c["screening"]["status"] for c in friday["communities"]} == {"pending"}
    assert re.match(r"14条", remind(app.state.session_factory, clock.now))
