"""The 大排查·大接访·大化解 petition month (seed 001), end to end over HTTP on both databases.

晋江市 enables the month for 青阳街道 and 梅岭街道 (a third township, 西园街道, is created
here and sees nothing); the seed's dates give the phases; duties are ticked by hand with
evidence and, from the records the offices enter (screening, the Wednesday/Friday reports,
the rota, 包案, the backlog ledger), by the plugin's periodic task; progress rolls up; the
closing report's figures match what the test entered, counted here independently, and its
hash verifies; the county's 纪工委 supervisor reads all of it and changes none of it.
The test sets the process clock (the ``clock`` fixture); the auto-tick task is given its own ``now``.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from xinfang.platform.campaigns.models import DutyTick
from xinfang.platform.clock import CHINA
from xinfang.platform.jobs.embedded import run_pending
from xinfang.platform.jobs.periodic import registered
from xinfang.platform.matters.scan import scan
from xinfang.tenants.scope import Scope

COUNTY, QINGYANG, MEILING, XIYUAN = "350582", "350582001", "350582002", "350582003"
LIANYU, HONGSHAN, GUISHAN = "350582001001", "350582001002", "350582002001"
LIANYU_GRID, GUISHAN_GRID = "350582001001-01", "350582002001-01"
TITLE = "2024年“大排查”“大接访”“大化解”信访月专项活动"
TASK = "petition_month_auto_ticks"
PLACE = "青阳街道基层治理中心2楼接访室"
FOUR = ("包掌握情况", "包思想教育", "包解决化解", "包息诉息访")
FIVE_ONES = {"leader": "丁海峰", "task_team": "街道信访积案化解专班", "plan": "一案一策化解方案",
             "minutes": "9月25日专题会议纪要", "stabilising": "落实稳控责任人"}


def id_number(seq: int, born: str = "19800101") -> str:
    body = f"350582{born}{seq:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _ok(resp, status=200):
    assert resp.status_code == status, resp.text
    return resp.json()


def _run_task(app, month: int, day: int, hour: int = 21) -> str:
    task = registered(app.state.session_factory)[TASK]  # registered through the xinfang_periodic_tasks hook
    return task.run(app.state.session_factory, dt.datetime(2024, month, day, hour, 0, tzinfo=CHINA))


def _enable(client, demo, townships=(QINGYANG, MEILING), start="2024-09-15", user="jj_admin"):
    return client.post("/api/campaigns", headers=demo.headers(user), json={
        "type": "petition_month", "title": TITLE, "starts_on": start,
        "scope_node_ids": [demo.node(code).id for code in townships]})


def _done(client, demo, campaign_id: int, code: str, on: str, user="jj_admin") -> dict[tuple[str, str], dict]:
    """(checklist, item) → {period: done} for one node, as its duties page shows them."""
    duties = _ok(client.get(f"/api/campaigns/{campaign_id}/duties", headers=demo.headers(user),
                            params={"node_id": demo.node(code).id, "on": on}))
    assert duties["in_scope"] is True
    return {(d["checklist"], d["item"]): {p["period"]: p["done"] for p in d["periods"]} for d in duties["duties"]}


def _pdf_text(content: bytes, tmp_path: Path, name: str, layout: bool = False) -> str:
    """The text layer: without whitespace and page furniture (sentences broken across lines and
    pages read whole), or with ``layout`` the page's lines as laid out (a table's row on one line)."""
    path = tmp_path / name
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    if layout:
        return text
    # sentences broken across pages read whole too: drop each page's number and verification stamp
    return re.sub(r"—\d+—|核验码：[2-9A-Z]{4}(-[2-9A-Z]{4}){1,2}", "", re.sub(r"\s+", "", text))


def _document(app, client, demo, campaign_id, key, user, **body) -> dict:
    asked = client.post(f"/api/campaigns/{campaign_id}/petition-month/documents/{key}", headers=demo.headers(user),
                        json=body)
    assert asked.status_code == 202, asked.text
    assert asked.headers["location"] == asked.json()["status_url"]
    run_pending(app.state.session_factory)
    doc = _ok(client.get(asked.json()["status_url"], headers=demo.headers(user)))
    assert doc["status"] == "done", doc
    return doc


def _download(client, demo, doc, user) -> bytes:
    resp = client.get(f"/api/documents/{doc['id']}/file", headers=demo.headers(user))
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/pdf"
    return resp.content


# --- the records the offices enter ---------------------------------------------------------------


def _screening(client, demo, code, found_on, party, user="jj_qy_officer", **extra) -> dict:
    return _ok(client.post("/api/ledgers/screening", headers=demo.headers(user), json={
        "node_id": demo.node(code).id, "found_on": found_on, "party_name": party, "category": "邻里纠纷",
        "summary": f"{party}反映的矛盾纠纷", **extra}), 201)


def _duty(client, demo, code, on, name, position, kind):
    return _ok(client.post("/api/reception/rota", headers=demo.headers("jj_qy_officer"), json={
        "node_id": demo.node(code).id, "on": on, "leader_name": name, "leader_position": position,
        "duties": "分管信访、综治工作", "place": PLACE if code == QINGYANG else "莲屿社区信访接待室",
        "leader_kind": kind}), 201)


def _reception(client, demo, duty_id, visitor, seq, headcount=1, status="handling", open_matter=False) -> dict:
    return _ok(client.post("/api/reception/records", headers=demo.headers("jj_qy_officer"), json={
        "node_id": demo.node(QINGYANG).id, "received_on": "2024-09-18", "duty_id": duty_id, "visitor_name": visitor,
        "visitor_id_number": id_number(seq), "category": "欠薪", "summary": f"{visitor}反映工资被拖欠",
        "headcount": headcount, "status": status, "open_matter": open_matter}), 201)


def _matter(client, demo, code, received_on, name, seq, user="jj_qy_officer", category="房地产", **extra) -> dict:
    return _ok(client.post("/api/matters", headers=demo.headers(user), json={
        "node_id": demo.node(code).id, "channel": "visit", "form": "individual", "kind": "claim",
        "category": category, "summary": f"{name}反映问题", "received_on": received_on,
        "petitioners": [{"name": name, "id_number": id_number(seq)}], **extra}), 201)


def _resolve(client, demo, matter_id, received: dt.date):
    """Assigned to 莲屿社区, accepted, answered and closed on the day it came in (the township acts
    for the unit it assigned)."""
    steps = (("assign", {"lead_unit_id": demo.node(LIANYU).id}), ("accept", {}),
             ("reply", {"request": "要求解决", "facts": "经核查属实", "basis": "《信访工作条例》第三十二条", "opinion": "经核查,已协调解决", "result": "support"}), ("close", {}))
    for action, body in steps:
        _ok(client.post(f"/api/matters/{matter_id}/actions/{action}", headers=demo.headers("jj_qy_officer"),
                        json={"on": received.isoformat(), **body}))


def _backlog(client, demo, matter_id, **five_ones) -> dict:
    return _ok(client.post("/api/ledgers/backlog", headers=demo.headers("jj_qy_officer"), json={
        "matter_id": matter_id, "deadline": "2024-10-31", "reasons": ["overdue"], **five_ones}), 201)


def test_the_petition_month_end_to_end(app, client, demo, tmp_path, clock):
    clock.on(2024, 9, 14, 9)
    county = demo.node(COUNTY)

    # --- a third township, with an officer of its own ----------------------------------------
    xiyuan = _ok(client.post("/api/nodes", headers=demo.headers("jj_admin"), json={
        "level": "township", "code": XIYUAN, "name": "西园街道", "parent_id": county.id}), 201)
    officer = _ok(client.post("/api/users", headers=demo.headers("jj_admin"), json={
        "username": "jj_xy_officer", "display_name": "陈晓东", "password": "Xiyuan-2024x", "node_id": xiyuan["id"],
        "position": "西园街道信访干部"}), 201)
    _ok(client.post(f"/api/users/{officer['id']}/roles", headers=demo.headers("jj_admin"),
                    json={"role": "officer", "node_id": xiyuan["id"]}), 201)

    # --- the county enables the month for two of its three townships -------------------------
    types = _ok(client.get("/api/campaign-types", headers=demo.headers("jj_admin")))
    assert "petition_month" in [t["key"] for t in types]
    campaign = _ok(_enable(client, demo), 201)
    cid = campaign["id"]
    assert campaign["ends_on"] == "2024-10-15"
    assert [(p["name"], p["starts_on"], p["ends_on"]) for p in campaign["phases"]] == [
        ("动员部署", "2024-09-15", "2024-09-16"), ("活动实施", "2024-09-17", "2024-10-14"),
        ("总结巩固", "2024-10-15", "2024-10-15")]

    # the third township sees nothing of it, and can do nothing with it
    xy = demo.headers("jj_xy_officer")
    assert _ok(client.get("/api/campaigns", headers=xy))["total"] == 0
    for path in (f"/api/campaigns/{cid}", f"/api/campaigns/{cid}/duties", f"/api/campaigns/{cid}/progress",
                 f"/api/campaigns/{cid}/metrics", f"/api/campaigns/{cid}/petition-month/summary"):
        assert client.get(path, headers=xy).status_code == 404, path
    assert client.post(f"/api/campaigns/{cid}/petition-month/documents/plan", headers=xy,
                       json={}).status_code == 404
    assert client.post(f"/api/campaigns/{cid}/ticks", headers=xy, data={
        "node_id": str(xiyuan["id"]), "checklist": "township_mobilize", "item": "plan", "done_on": "2024-09-15"},
        files={"note": (None, "方案")}).status_code == 404
    assert _ok(client.get("/api/campaigns", headers=demo.headers("jj_qy_officer")))["total"] == 1

    # --- 动员部署: ticked by hand, with evidence ----------------------------------------------
    clock.on(2024, 9, 16)
    ticks = f"/api/campaigns/{cid}/ticks"
    qingyang = demo.node(QINGYANG)
    form = {"node_id": str(qingyang.id), "checklist": "township_mobilize", "item": "plan", "done_on": "2024-09-15"}
    refused = client.post(ticks, headers=demo.headers("jj_qy_officer"), data=form, files={"note": (None, "")})
    assert refused.status_code == 400 and "佐证" in refused.json()["message"]
    plan_file = "青阳街道信访月专项活动实施方案(晋政青〔2024〕62号)".encode()
    made = _ok(client.post(ticks, headers=demo.headers("jj_qy_officer"), data={**form, "note": "已印发实施方案"},
                           files={"files": ("实施方案.pdf", plan_file)}), 201)
    assert made["evidence"][0]["sha256"] and made["period"] == ""
    _ok(client.post(ticks, headers=demo.headers("jj_qy_officer"),
                    data={**form, "item": "meeting", "done_on": "2024-09-16", "note": "召开动员部署会,分解责任"},
                    files={"files": ("会议纪要.txt", "动员部署会议纪要".encode())}), 201)
    _ok(client.post(ticks, headers=demo.headers("jj_qy_officer"), data={
        "node_id": str(demo.node(LIANYU).id), "checklist": "village_mobilize", "item": "deploy",
        "done_on": "2024-09-16"}, files={"note": (None, "社区两委会传达方案,明确网格责任")}), 201)

    # --- week 38 (Tue 9-17 – Sun 9-22; 9-16 and 9-17 are the Mid-Autumn holiday) -----------------
    clock.on(2024, 9, 17)
    rota = [_duty(client, demo, QINGYANG, "2024-09-18", "丁海峰", "党工委书记", "main"),
            _duty(client, demo, QINGYANG, "2024-09-19", "李明", "办事处副主任", "leader"),
            _duty(client, demo, QINGYANG, "2024-09-20", "王芳", "党工委委员", "leader"),
            _duty(client, demo, LIANYU, "2024-09-18", "陈秀兰", "社区党委书记", "community_head"),
            _duty(client, demo, LIANYU, "2024-09-19", "林建设", "街道武装部长(第一网格长)", "first_grid_head"),
            _duty(client, demo, LIANYU, "2024-09-20", "吴志红", "社区居委会主任", "community_head")]
    # seed 001: a leader every day (街道每日安排领导, 社区主干每日轮值), the holiday and the weekend too
    for day, (leader, head) in {"2024-09-17": ("王芳", "陈秀兰"), "2024-09-21": ("李明", "吴志红"),
                                "2024-09-22": ("王芳", "陈秀兰")}.items():
        rota += [_duty(client, demo, QINGYANG, day, leader, "班子成员", "leader"),
                 _duty(client, demo, LIANYU, day, head, "社区主干", "community_head")]
    for code in (QINGYANG, LIANYU):
        published = _ok(client.post("/api/reception/rota/publish", headers=demo.headers("jj_qy_officer"), json={
            "node_id": demo.node(code).id, "start": "2024-09-17", "end": "2024-09-22"}))
        assert published["published"] == 6

    first_entry = _screening(client, demo, QINGYANG, "2024-09-17", "蔡某", risks=["collective", "overreach"],
                             party_id_number=id_number(101))
    m3 = _ok(client.post(f"/api/ledgers/screening/{first_entry['id']}/matter", headers=demo.headers("jj_qy_officer"),
                         json={"kind": "claim"}), 201)["matter"]
    clock.on(2024, 9, 18)
    _screening(client, demo, LIANYU, "2024-09-18", "许某")
    hongshan_entry = _screening(client, demo, HONGSHAN, "2024-09-18", "黄某")
    _ok(client.patch(f"/api/ledgers/screening/{hongshan_entry['id']}", headers=demo.headers("jj_qy_officer"),
                     json={"status": "resolved", "progress": "经调解双方达成协议"}))
    visitor_a = _reception(client, demo, rota[0]["id"], "郭某", 201, status="resolved")
    visitor_b = _reception(client, demo, rota[0]["id"], "洪某", 202, open_matter=True)
    visitor_c = _reception(client, demo, rota[0]["id"], "施某", 203, headcount=6)
    assert visitor_a["matter_id"] is None and visitor_b["matter"]["is_first"] is True
    m1 = visitor_b["matter"]
    leader = _ok(client.get("/api/users", headers=demo.headers("jj_admin"), params={"q": "jj_qy_leader"}))
    leader_id = next(u["id"] for u in leader["items"] if u["username"] == "jj_qy_leader")
    owned = _ok(client.post(f"/api/reception/records/{visitor_c['id']}/ownership",
                            headers=demo.headers("jj_qy_officer"), json={"leader_user_id": leader_id}))
    m2_id = owned["matter_id"]
    for label in FOUR:
        _ok(client.post(f"/api/matters/{m2_id}/ownership/items", headers=demo.headers("jj_qy_leader"),
                        json={"item": label, "note": f"{label}已落实", "evidence": "包案工作记录"}))
    for kind in ("screening", "reception"):
        _ok(client.post("/api/reporting/submissions", headers=demo.headers("jj_qy_officer"), json={
            "node_id": demo.node(LIANYU).id, "kind": kind, "due_on": "2024-09-18"}), 201)
    _resolve(client, demo, m1["id"], dt.date(2024, 9, 18))
    clock.on(2024, 9, 19)
    _screening(client, demo, QINGYANG, "2024-09-19", "曾某")
    _screening(client, demo, GUISHAN, "2024-09-19", "苏某", user="jj_ml_officer")
    m4 = _matter(client, demo, MEILING, "2024-09-19", "吕某", 301, user="jj_ml_officer", overreach="province")
    clock.on(2024, 9, 20, 19, 30)  # after the 18:00 deadline: the Friday list is late
    _screening(client, demo, LIANYU_GRID, "2024-09-20", "姚某", user="jj_grid")
    late = _ok(client.post("/api/reporting/submissions", headers=demo.headers("jj_qy_officer"), json={
        "node_id": demo.node(LIANYU).id, "kind": "screening", "due_on": "2024-09-20"}), 201)
    assert late["late"] is True
    m6 = _matter(client, demo, QINGYANG, "2024-09-20", "庄某", 401)
    _resolve(client, demo, m6["id"], dt.date(2024, 9, 20))

    # --- the plugin's periodic task ticks what the records prove ----------------------------------
    report = _run_task(app, 9, 20)
    assert "自动登记任务" in report
    w38 = "2024-W38"
    township = _done(client, demo, cid, QINGYANG, "2024-09-20")
    assert township[("township_mobilize", "plan")] == {"": 1}
    assert township[("township_screening", "screening")] == {w38: 2}  # 9-17 and 9-19
    for item in ("main_leaders", "daily_leader", "daily_notice", "ownership"):
        assert township[("township_reception", item)] == {w38: 1}, item
    # 应列尽列: on 9-20 no matter of the township is overdue, a repeat or 进京到省, so the duty is met
    assert township[("township_backlog", "listing")] == {w38: 1}
    lianyu = _done(client, demo, cid, LIANYU, "2024-09-20")
    assert lianyu[("village_screening", "screening")] == {w38: 2}  # 9-18 itself, 9-20 by its grid
    assert lianyu[("village_screening", "report_screening")] == {w38: 2}  # Wednesday on time, Friday late
    assert lianyu[("village_screening", "report_reception")] == {w38: 1}
    for item in ("first_grid_head", "community_daily", "notice"):
        assert lianyu[("village_reception", item)] == {w38: 1}, item
    assert _done(client, demo, cid, LIANYU_GRID, "2024-09-20")[("grid_screening", "screening")] == {w38: 1}
    hongshan = _done(client, demo, cid, HONGSHAN, "2024-09-20")
    assert hongshan[("village_screening", "screening")] == {w38: 1}
    assert hongshan[("village_reception", "first_grid_head")] == {w38: 0}  # no rota: the rule is broken
    assert _done(client, demo, cid, GUISHAN, "2024-09-20")[("village_screening", "screening")] == {w38: 1}
    duties = _ok(client.get(f"/api/campaigns/{cid}/duties", headers=demo.headers("jj_qy_officer"),
                            params={"node_id": qingyang.id, "on": "2024-09-20"}))["duties"]
    auto = next(d for d in duties if d["item"] == "screening")["periods"][0]["ticks"]
    assert [t["done_on"] for t in auto] == ["2024-09-17", "2024-09-19"]
    assert auto[0]["by"].startswith("系统") and f"#{first_entry['id']}" in auto[0]["note"]
    count = _tick_count(app, cid)
    assert "自动登记任务0项" in _run_task(app, 9, 20, 22) and _tick_count(app, cid) == count  # idempotent

    # --- week 39: a repeat, the backlog ledger, 应列尽列 ------------------------------------------
    clock.on(2024, 9, 25)
    m5 = _matter(client, demo, QINGYANG, "2024-09-25", "洪某", 202, category="欠薪")  # 洪某 again
    assert m5["is_first"] is False and m5["repeat_of_id"] == m1["id"]
    listed_m2 = _backlog(client, demo, m2_id, **FIVE_ONES)
    listed_m3 = _backlog(client, demo, m3["id"], leader="丁海峰")
    _run_task(app, 9, 25)
    assert _done(client, demo, cid, QINGYANG, "2024-09-25")[("township_backlog", "listing")]["2024-W39"] == 0
    clock.on(2024, 9, 27)
    _ok(client.patch(f"/api/ledgers/backlog/{listed_m3['id']}", headers=demo.headers("jj_qy_officer"),
                     json={k: v for k, v in FIVE_ONES.items() if k != "leader"}))
    listed_m5 = _backlog(client, demo, m5["id"], **FIVE_ONES)
    _run_task(app, 9, 27)
    listing = next(d for d in _ok(client.get(f"/api/campaigns/{cid}/duties", headers=demo.headers("jj_admin"),
                                             params={"node_id": qingyang.id, "on": "2024-09-27"}))["duties"]
                   if d["item"] == "listing")
    week39 = next(p for p in listing["periods"] if p["period"] == "2024-W39")
    assert week39["done"] == 1
    # the repeat M5 is the one matter that had to be listed; M2 and M3 were listed too, but are not due
    assert f"#{listed_m5['id']}" in week39["ticks"][0]["note"]
    assert all(f"#{row['id']}" not in week39["ticks"][0]["note"] for row in (listed_m2, listed_m3))

    # --- progress rolls up village → township → county --------------------------------------------
    progress = _ok(client.get(f"/api/campaigns/{cid}/progress", headers=demo.headers("jj_admin"),
                              params={"on": "2024-09-27"}))
    assert progress["node_id"] == county.id
    tops = {c["code"]: c for c in progress["children"]}
    assert set(tops) == {QINGYANG, MEILING}  # 西园街道 is not in it
    assert progress["total_done"] == sum(c["total_done"] for c in tops.values())
    assert progress["total_required"] == sum(c["total_required"] for c in tops.values())
    qy = tops[QINGYANG]
    assert qy["total_done"] == qy["done"] + sum(c["total_done"] for c in qy["children"])
    own = _done(client, demo, cid, QINGYANG, "2024-09-27")
    assert qy["done"] == sum(sum(periods.values()) for periods in own.values())
    villages = {c["code"]: c for c in qy["children"]}
    assert villages[LIANYU]["total_done"] == villages[LIANYU]["done"] + villages[LIANYU]["children"][0]["total_done"]
    assert "first_grid_head" in [b["item"] for b in villages[HONGSHAN]["behind"]]

    # --- metrics against the seed's targets -------------------------------------------------------
    metrics = {m["key"]: m for m in _ok(client.get(f"/api/campaigns/{cid}/metrics", headers=demo.headers("jj_admin"),
                                                   params={"node_id": qingyang.id}))}
    # 青阳's first petitions: M1 (came back: M5), M2, M3 (open), M6 (answered and closed) → 1 of 4
    assert metrics["first_resolution"]["target"] == 0.99
    assert metrics["first_resolution"]["value"] == 0.25 and metrics["first_resolution"]["met"] is False
    assert metrics["total"]["value"] == 5 and metrics["overreach"]["value"] == 0
    assert metrics["listing"]["value"] == 1.0
    # one metric, one answer: the API's verdict is the plugin's own (a trend is judged against the period before)
    figures = _ok(client.get(f"/api/campaigns/{cid}/petition-month/summary", headers=demo.headers("jj_admin"),
                             params={"node_id": qingyang.id}))
    assert {m["key"]: m["met"] for m in figures["metrics"]} == {k: m["met"] for k, m in metrics.items()}
    assert metrics["total"]["met"] is (metrics["total"]["detail"]["down"]) and metrics["total"]["met"] is not None

    # --- the closing report: every figure from the records -----------------------------------------
    clock.on(2024, 10, 15)
    scan(app.state.session_factory, clock.now.date())  # the daily deadline scan: M2 and M3 are overdue by now
    summary = _document(app, client, demo, cid, "summary", "jj_admin", number="晋信联办〔2024〕18号")
    assert summary["kind"] == "petition_month_summary" and summary["node_id"] == county.id
    content = _download(client, demo, summary, "jj_admin")
    text = _pdf_text(content, tmp_path, "summary.pdf")
    screened = ["蔡某", "许某", "黄某", "曾某", "苏某", "姚某"]  # 6 entries: 1 with risks, 1 resolved, 1 to a matter
    visitors = [(1, "resolved"), (1, "handling"), (6, "ownership")]
    matters = {"M1": m1, "M2": m2_id, "M3": m3, "M4": m4, "M5": m5, "M6": m6}
    firsts, resolved_once = ["M1", "M2", "M3", "M4", "M6"], ["M6"]  # M1 came back; M5 is a repeat
    villages_in_scope = [LIANYU, HONGSHAN, GUISHAN]
    # Wednesdays and Fridays 9-18 … 10-11; 10-2 and 10-4 (National Day) both move to Tuesday 10-8
    reporting_days = ["09-18", "09-20", "09-25", "09-27", "10-08", "10-09", "10-11"]
    expected_reports = len(villages_in_scope) * len(reporting_days) * 2
    assert "关于2024年“大排查”“大接访”“大化解”信访月专项活动开展情况的总结报告" in text
    assert "晋信联办〔2024〕18号" in text and "青阳街道、梅岭街道" in text
    assert f"共排查发现矛盾纠纷和信访突出问题{len(screened)}件" in text
    assert "或负面舆论炒作的1件；已化解1件，化解率16.7%；转为信访事项登记办理1件" in text
    assert (f"应报送{expected_reports}次，按时报送2次，逾期报送1次，未报送{expected_reports - 3}次，"
            f"按时报送率{2 / expected_reports * 100:.1f}%") in text
    assert (f"共安排领导干部接访{len(rota)}人次，提前公布{len(rota)}人次；接待群众来访{len(visitors)}批"
            f"{sum(h for h, _ in visitors)}人次，当场化解1批，转领导包案1批，登记为信访事项2件") in text
    assert "未化解的疑难复杂事项1件，已落实“四包”责任1件" in text
    assert "列入信访积案和突出问题化解清单3件，已化解0件，落实“五个一”措施3件" in text
    assert "在办信访事项4件，已列入清单并落实“五个一”3件，已列入但“五个一”未落实完毕0件，尚未列入1件" in text
    assert "由排查和接访登记为信访事项共3件" in text  # M3, M1, M2
    assert (f"共登记信访事项{len(matters)}件（活动前同期31日0件），其中进京到省越级上访1件（活动前同期0件）、"
            "集体上访1批6人次") in text
    assert (f"初信初访{len(firsts)}件，一次性化解{len(resolved_once)}件，"
            f"一次性化解率{len(resolved_once) / len(firsts) * 100:.1f}%（目标99%以上）") in text
    rows = _pdf_text(content, tmp_path, "summary.pdf", layout=True)  # the metrics table: target, value, verdict
    assert re.search(r"初信初访一次性化解率\s+99%以上\s+20\.0%\s+未达标", rows)
    assert re.search(rf"周三、周五按时报送率\s+100%\s+{2 / expected_reports * 100:.1f}%\s+未达标", rows)
    final = _ok(client.get(f"/api/campaigns/{cid}/progress", headers=demo.headers("jj_admin"),
                           params={"on": "2024-10-15"}))
    assert f"活动任务共{final['total_required']}项次，已完成{final['total_done']}项次" in text
    # the same figures over the plugin's summary route
    figures = _ok(client.get(f"/api/campaigns/{cid}/petition-month/summary", headers=demo.headers("jj_supervisor"),
                             params={"on": "2024-10-15"}))
    assert figures["screening"]["entries"] == len(screened) and figures["first_resolution"]["resolved"] == 1
    assert [d["id"] for d in figures["documents"]] == [summary["id"]]

    # its hash verifies; a changed file does not
    verified = _ok(client.post("/api/documents/verify", headers=demo.headers("jj_supervisor"),
                               files={"data": ("总结报告.pdf", content, "application/pdf")}))
    assert verified["match"] is True and verified["document"]["id"] == summary["id"]
    tampered = _ok(client.post("/api/documents/verify", headers=demo.headers("jj_supervisor"),
                               files={"data": ("总结报告.pdf", content[:-10] + b"0000000000", "application/pdf")}))
    assert tampered["match"] is False

    # 青阳's own report ticks its 总结 duty; the plan notice carries the campaign's dates
    own_report = _document(app, client, demo, cid, "summary", "jj_qy_officer")
    _run_task(app, 10, 15)
    closing = _done(client, demo, cid, QINGYANG, "2024-10-15")
    assert closing[("township_consolidate", "summary")] == {"": 1}
    assert f"#{own_report['id']}" in next(
        d for d in _ok(client.get(f"/api/campaigns/{cid}/duties", headers=demo.headers("jj_admin"),
                                  params={"node_id": qingyang.id, "on": "2024-10-15"}))["duties"]
        if d["item"] == "summary")["periods"][0]["ticks"][0]["note"]
    plan = _document(app, client, demo, cid, "plan", "jj_qy_officer", number="晋政青〔2024〕62号", on="2024-09-18")
    plan_text = _pdf_text(_download(client, demo, plan, "jj_qy_officer"), tmp_path, "plan.pdf")
    assert f"青阳街道办事处关于印发《{TITLE}实施方案》的通知" in plan_text and "晋政青〔2024〕62号" in plan_text
    for phase in ("动员部署阶段（9月15日—9月16日）", "活动实施阶段（9月17日—10月14日）", "总结巩固阶段（10月15日）"):
        assert phase in plan_text
    assert "矛盾纠纷排查化解清单" in plan_text and "青阳街道信访月专项活动领导接访安排表" in plan_text
    annex = _document(app, client, demo, cid, "annex1", "jj_qy_officer")
    annex_text = _pdf_text(_download(client, demo, annex, "jj_qy_officer"), tmp_path, "annex1.pdf")
    assert "附件1" in annex_text and "共5条" in annex_text  # 青阳's five entries, 桂山's is 梅岭's
    assert all(name in annex_text for name in ("蔡某", "许某", "黄某", "曾某", "姚某")) and "苏某" not in annex_text
    # the daily reception notice: the published rota of one day, the township's and its communities'
    notice = _document(app, client, demo, cid, "reception_notice", "jj_qy_officer", on="2024-09-18")
    notice_text = _pdf_text(_download(client, demo, notice, "jj_qy_officer"), tmp_path, "notice.pdf")
    assert "青阳街道领导干部接访公告（2024年9月18日）" in notice_text
    assert "丁海峰" in notice_text and PLACE in notice_text and "陈秀兰" in notice_text and "李明" not in notice_text
    nothing = client.post(f"/api/campaigns/{cid}/petition-month/documents/reception_notice",
                          headers=demo.headers("jj_qy_officer"), json={"on": "2024-09-23"})
    assert nothing.status_code == 400 and "没有已发布的接访安排" in nothing.json()["message"]

    # --- the supervisor reads all of it and changes none of it --------------------------------------
    sup = demo.headers("jj_supervisor")
    assert _ok(client.get("/api/campaigns", headers=sup))["total"] == 1
    for path, params in ((f"/api/campaigns/{cid}", {}), (f"/api/campaigns/{cid}/progress", {}),
                         (f"/api/campaigns/{cid}/duties", {"node_id": qingyang.id}),
                         (f"/api/campaigns/{cid}/metrics", {"node_id": qingyang.id}),
                         (f"/api/campaigns/{cid}/petition-month/summary", {"node_id": qingyang.id}),
                         (f"/api/documents/{summary['id']}", {}), (f"/api/documents/{summary['id']}/file", {}),
                         ("/api/documents", {"kind": "petition_month_summary"})):
        assert client.get(path, headers=sup, params=params).status_code == 200, path
    refused = [
        client.post(ticks, headers=sup, data={**form, "item": "meeting"}, files={"note": (None, "x")}),
        client.post(f"/api/campaigns/{cid}/petition-month/documents/summary", headers=sup, json={}),
        client.patch(f"/api/campaigns/{cid}/phases", headers=sup,
                     json={"consolidate": {"starts_on": "2024-10-15", "ends_on": "2024-10-16"}}),
        client.post(f"/api/campaigns/{cid}/close", headers=sup, json={"note": "结束"}),
        _enable(client, demo, user="jj_supervisor"),
    ]
    assert [r.status_code for r in refused] == [403] * len(refused)


def _tick_count(app, campaign_id: int) -> int:
    with app.state.session_factory(scope=Scope.system(), bind=app.state.read_engine) as s:
        return len(s.scalars(select(DutyTick.id).where(DutyTick.campaign_id == campaign_id)).all())


def _ticks(app, campaign_id: int) -> list[DutyTick]:
    with app.state.session_factory(scope=Scope.system(), bind=app.state.read_engine) as s:
        return list(s.scalars(select(DutyTick).where(DutyTick.campaign_id == campaign_id).order_by(DutyTick.id)))


# --- focused: idempotence and scope -----------------------------------------------------------------


@pytest.fixture
def clocked(app, client, demo, clock):
    clock.on(2024, 9, 14, 9)
    return clock


def test_auto_ticks_are_idempotent_and_complete_a_period_ticked_by_hand(app, client, demo, clocked):
    cid = _ok(_enable(client, demo, townships=(QINGYANG,)), 201)["id"]
    lianyu = demo.node(LIANYU)
    clocked.on(2024, 9, 18)
    # 莲屿 screened on Wednesday (by hand, before any record) and twice more in the week
    _ok(client.post(f"/api/campaigns/{cid}/ticks", headers=demo.headers("jj_qy_officer"), data={
        "node_id": str(lianyu.id), "checklist": "village_screening", "item": "screening", "done_on": "2024-09-18",
        }, files={"note": (None, "入户走访排查,未发现新问题")}), 201)
    clocked.on(2024, 9, 19)
    _screening(client, demo, LIANYU, "2024-09-19", "许某")
    clocked.on(2024, 9, 20)
    _screening(client, demo, LIANYU, "2024-09-20", "姚某")
    _screening(client, demo, LIANYU, "2024-09-20", "何某")

    first = _run_task(app, 9, 20)
    ticks = [t for t in _ticks(app, cid) if t.item == "screening" and t.node_id == lianyu.id]
    assert [(t.n, t.ticked_by_id is None, t.done_on.isoformat()) for t in ticks] == [
        (1, False, "2024-09-18"), (2, True, "2024-09-19")]  # the hand tick counts; one more was due
    before = [(t.node_id, t.checklist, t.item, t.period, t.n) for t in _ticks(app, cid)]
    for hour in (22, 23):
        assert "自动登记任务0项" in _run_task(app, 9, 20, hour)
    assert [(t.node_id, t.checklist, t.item, t.period, t.n) for t in _ticks(app, cid)] == before
    assert "自动登记任务" in first
    # a hand tick after the auto ticks is refused: the period already has its two
    again = client.post(f"/api/campaigns/{cid}/ticks", headers=demo.headers("jj_qy_officer"), data={
        "node_id": str(lianyu.id), "checklist": "village_screening", "item": "screening", "done_on": "2024-09-20",
        }, files={"note": (None, "再次排查")})
    assert again.status_code == 409


def test_nodes_outside_the_scope_get_no_auto_ticks(app, client, demo, clocked):
    """Enabled for 青阳 only: 梅岭's records tick nothing; another campaign type and a closed
    petition month get nothing from the task either."""
    cid = _ok(_enable(client, demo, townships=(QINGYANG,)), 201)["id"]
    closed = _ok(_enable(client, demo, townships=(MEILING,)), 201)["id"]
    _ok(client.post(f"/api/campaigns/{closed}/close", headers=demo.headers("jj_admin"),
                    json={"note": "范围调整", "on": "2024-09-16"}))
    other = _ok(client.post("/api/campaigns", headers=demo.headers("jj_admin"), json={
        "type": "no_petition_village", "title": "无访村争创", "starts_on": "2024-09-15",
        "scope_node_ids": [demo.node(MEILING).id]}), 201)["id"]
    for day in (18, 19):
        clocked.on(2024, 9, day)
        _screening(client, demo, GUISHAN, f"2024-09-{day}", "苏某", user="jj_ml_officer")
        _screening(client, demo, GUISHAN_GRID, f"2024-09-{day}", "吕某", user="jj_ml_officer")
        _screening(client, demo, LIANYU, f"2024-09-{day}", "许某")
    _ok(client.post("/api/reporting/submissions", headers=demo.headers("jj_ml_officer"), json={
        "node_id": demo.node(GUISHAN).id, "kind": "screening", "due_on": "2024-09-18"}), 201)

    _run_task(app, 9, 20)
    meiling = {demo.node(code).id for code in (MEILING, GUISHAN, GUISHAN_GRID)}
    ticked = _ticks(app, cid)
    assert {t.node_id for t in ticked} & meiling == set()
    assert [(t.node_id, t.item, t.n) for t in ticked if t.checklist == "village_screening"] == [
        (demo.node(LIANYU).id, "screening", 1), (demo.node(LIANYU).id, "screening", 2)]
    assert _ticks(app, closed) == [] and _ticks(app, other) == []
    # 梅岭's own people see nothing of 青阳's campaign either
    assert client.get(f"/api/campaigns/{cid}/petition-month/summary",
                      headers=demo.headers("jj_ml_officer")).status_code == 404
