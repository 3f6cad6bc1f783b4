"""The dispute intake room (seed 002): register, triage, the dispatch notice the unit sees
and reports back on, archiving only after the report, and one-step conversion to a matter."""

from __future__ import annotations

import re

import pytest

from tests.integration.page_requests import get_page

COUNTY, TOWNSHIP = "411323", "411323001"

pytestmark = pytest.mark.today(2026, 11, 16, 9)  # the cases are dated that Monday


def _case(client, demo, user="xx_officer", code=COUNTY, **extra):
    resp = client.post("/api/intake/cases", headers=demo.headers(user), json={
        "node_id": demo.node(code).id, "visitor_name": "黄某", "visitor_id_number": "110105198001010016",
        "visitor_phone": "13912345678", "category": "城镇房屋拆迁", "summary": "安置房漏水,开发商拒不维修",
        "demands": "要求维修并赔偿损失", "received_on": "2026-11-16", **extra})
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_a_dispatched_case_is_reported_back_by_the_unit_then_archived(client, demo):
    case = _case(client, demo)
    assert case["number"].startswith("411323-SL-2026-") and case["status"] == "registered"
    zjj = demo.node("411323-ZJJ").id
    triaged = client.post(f"/api/intake/cases/{case['id']}/triage", headers=demo.headers("xx_officer"), json={
        "decision": "dispatch", "unit_id": zjj, "on": "2026-11-16", "days": 15,
        "requirements": "请于期限内核查处理并书面回报"})
    assert triaged.status_code == 200, triaged.text
    notice = triaged.json()["notices"][0]
    assert triaged.json()["status"] == "dispatched" and notice["unit_name"] == "西峡县住房和城乡建设局"
    assert notice["due_on"] == "2026-12-01" and notice["title"] == "矛盾纠纷受理分流指派通知单"
    again = client.post(f"/api/intake/cases/{case['id']}/triage", headers=demo.headers("xx_officer"),
                        json={"decision": "on_spot", "note": "x"})
    assert again.status_code == 409

    # the unit sees the notice (with what it needs to act), not the office's register
    inbox = client.get("/api/intake/notices", headers=demo.headers("xx_handler")).json()
    assert [n["id"] for n in inbox["items"]] == [notice["id"]]
    assert inbox["items"][0]["summary"] == "安置房漏水,开发商拒不维修" and inbox["items"][0]["visitor_phone"] == "139****5678"
    assert client.get("/api/intake/cases", headers=demo.headers("xx_handler")).json()["total"] == 0
    assert client.get(f"/api/intake/notices/{notice['id']}", headers=demo.headers("jj_handler")).status_code == 404
    told = client.get("/api/notifications", params={"kind": "assigned"}, headers=demo.headers("xx_handler")).json()
    assert [n["title"] for n in told["items"]] == [f"分流指派:{notice['number']}"]
    assert "2026年12月1日前办理并回报" in told["items"][0]["text"] and "黄某" not in told["items"][0]["text"]

    early = client.post(f"/api/intake/cases/{case['id']}/archive", headers=demo.headers("xx_officer"))
    assert early.status_code == 409 and "回报" in early.json()["message"]
    back = client.post(f"/api/intake/notices/{notice['id']}/return", headers=demo.headers("xx_handler"),
                       json={"outcome": "resolved", "result": "已责成开发商维修,信访人满意"})
    assert back.status_code == 200 and back.json()["status"] == "returned" and back.json()["returned_by"] == "陈敏"
    assert client.post(f"/api/intake/notices/{notice['id']}/return", headers=demo.headers("xx_handler"),
                       json={"outcome": "resolved", "result": "再报"}).status_code == 409
    seen = client.get(f"/api/intake/cases/{case['id']}", headers=demo.headers("xx_supervisor")).json()
    assert seen["returned"] is True and seen["notices"][0]["outcome_label"] == "已化解"
    archived = client.post(f"/api/intake/cases/{case['id']}/archive", headers=demo.headers("xx_officer"))
    assert archived.status_code == 200 and archived.json()["status"] == "archived"


def test_other_triage_decisions(client, demo):
    converted = client.post(f"/api/intake/cases/{_case(client, demo)['id']}/triage",
                            headers=demo.headers("xx_officer"), json={"decision": "matter", "kind": "claim"})
    assert converted.status_code == 200, converted.text
    matter = client.get(f"/api/matters/{converted.json()['matter_id']}", headers=demo.headers("xx_officer")).json()
    assert [e["label"] for e in matter["timeline"]] == ["登记", "由矛盾纠纷受理室登记转入"]
    assert converted.json()["status"] == "converted" and converted.json()["matter_number"] == matter["number"]

    guided = _case(client, demo, summary="不服法院一审判决")
    bare = client.post(f"/api/intake/cases/{guided['id']}/triage", headers=demo.headers("xx_officer"),
                       json={"decision": "guide"})
    assert bare.status_code == 400
    done = client.post(f"/api/intake/cases/{guided['id']}/triage", headers=demo.headers("xx_officer"),
                       json={"decision": "guide", "note": "涉法涉诉,告知其依法上诉"})
    assert done.json()["status"] == "guided"

    # a township's intake room dispatches within its own reach only
    local = _case(client, demo, user="xx_by_officer", code=TOWNSHIP)
    far = client.post(f"/api/intake/cases/{local['id']}/triage", headers=demo.headers("xx_by_officer"),
                      json={"decision": "dispatch", "unit_id": demo.node("411323-ZJJ").id})
    assert far.status_code == 404
    near = client.post(f"/api/intake/cases/{local['id']}/triage", headers=demo.headers("xx_by_officer"),
                       json={"decision": "dispatch", "unit_id": demo.node("411323001002").id,
                             "due_on": "2026-11-25"})
    assert near.status_code == 200 and near.json()["notices"][0]["unit_name"] == "莲花社区"
    grid = client.post("/api/intake/cases", headers=demo.headers("xx_by_officer"), json={
        "node_id": demo.node("411323001001").id, "visitor_name": "某", "category": "欠薪", "summary": "x"})
    assert grid.status_code == 400 and "受理室" in grid.json()["message"]


def _offered_units(client, demo, user, case_id):
    page = get_page(client, demo, user, f"/intake/cases/{case_id}")
    assert page.status_code == 200, page.text[:300]
    select = re.search(r'<select[^>]*name="unit_id".*?</select>', page.text, re.S)
    assert select is not None, "the dispatch form has its unit list"
    return {int(v) for v in re.findall(r'<option value="(\d+)"', select.group(0))}


def test_the_dispatch_form_offers_the_units_the_triage_accepts(client, demo):
    """The unit list is the triage's rule: a township room offers its own villages, not the
    county's departments or other townships; the county room offers the county's units."""
    local = _case(client, demo, user="xx_by_officer", code=TOWNSHIP)
    offered = _offered_units(client, demo, "xx_by_officer", local["id"])
    villages = {demo.node("411323001001").id, demo.node("411323001002").id}
    assert villages <= offered
    outside = {demo.node(c).id for c in ("411323-ZJJ", "411323100", "411323100201", TOWNSHIP)}
    assert not offered & outside, "units the triage refuses are not offered"
    for unit_id in offered:  # and every offered one is accepted
        case = _case(client, demo, user="xx_by_officer", code=TOWNSHIP)
        done = client.post(f"/api/intake/cases/{case['id']}/triage", headers=demo.headers("xx_by_officer"),
                           json={"decision": "dispatch", "unit_id": unit_id, "days": 5})
        assert done.status_code == 200, done.text
    county = _offered_units(client, demo, "xx_officer", _case(client, demo)["id"])
    assert {demo.node("411323-ZJJ").id, demo.node("411323100").id} <= county
    assert demo.node(COUNTY).id not in county and demo.node("350582").id not in county
