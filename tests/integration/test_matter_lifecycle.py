"""One matter through every state of the 信访工作条例, over HTTP, with deadlines checked
against dates computed by hand across National Day 2025 (make-up Saturday 10-11) and
Spring Festival 2026 (Feb 15–23 off)."""

from __future__ import annotations

from sqlalchemy import select

from xinfang.platform.audit.models import AuditRecord

PETITIONER = {"name": "王五", "id_number": "11010519491231002X", "phone": "13912345678", "address": "城东社区2号"}


OPINION = {"request": "要求补足拆迁补偿款", "facts": "经核查,补偿款差额属实", "result": "support",
           "basis": "《国有土地上房屋征收与补偿条例》第十九条", "opinion": "予以补足。"}


def _register(client, demo, **extra):
    body = {"node_id": demo.node("411323").id, "channel": "visit", "form": "individual", "kind": "claim",
            "category": "城镇房屋拆迁", "summary": "反映房屋拆迁补偿未到位", "demands": "要求补足补偿款",
            "petitioners": [PETITIONER], "received_on": "2025-09-26", **extra}
    return client.post("/api/matters", json=body, headers=demo.headers("xx_officer"))


def _act(client, demo, matter_id, action, user, **payload):
    return client.post(f"/api/matters/{matter_id}/actions/{action}", json=payload, headers=demo.headers(user))


def _clock(matter, kind):
    return [c for c in matter["clocks"] if c["kind"] == kind][-1]


def test_one_matter_through_every_state(client, demo, system_session):
    resp = _register(client, demo)
    assert resp.status_code == 201, resp.text
    m = resp.json()
    assert m["state"] == "registered" and m["number"].startswith("411323-2025-")
    # 15 calendar days from Fri 2025-09-26 end on Sat 10-11, a make-up workday: it stays.
    assert _clock(m, "dispose")["due_on"] == "2025-10-11"
    assert m["petitioners"][0]["id_number"] == "1101**********002X"

    zjj = demo.node("411323-ZJJ").id
    m = _act(client, demo, m["id"], "assign", "xx_officer", on="2025-09-29", lead_unit_id=zjj).json()
    assert m["state"] == "assigned" and _clock(m, "dispose")["state"] == "met"
    # 5 working days from Mon 09-29: 09-30, (Oct 1–8 off), 10-09, 10-10, Sat 10-11 (make-up), Mon 10-13.
    assert _clock(m, "objection")["due_on"] == "2025-10-13"
    assert _clock(m, "acknowledge")["due_on"] == "2025-10-14"

    # the 住建局 handler now sees it, and accepts it
    assert client.get(f"/api/matters/{m['id']}", headers=demo.headers("xx_handler")).status_code == 200
    m = _act(client, demo, m["id"], "accept", "xx_handler", on="2025-10-09").json()
    assert m["state"] == "handling" and _clock(m, "handling")["due_on"] == "2025-12-08"

    refused = _act(client, demo, m["id"], "extend", "xx_handler", on="2025-11-20", days=30, reason="需现场核查",
                   told_petitioner_on="2025-11-20")
    assert refused.status_code == 403, "only a leader approves an extension"
    too_long = _act(client, demo, m["id"], "extend", "xx_leader", on="2025-11-20", days=31, reason="x",
                    told_petitioner_on="2025-11-20")
    assert too_long.status_code == 400 and "30" in too_long.json()["message"]
    m = _act(client, demo, m["id"], "extend", "xx_leader", on="2025-11-20", days=30, reason="需现场核查测量",
             told_petitioner_on="2025-11-21").json()
    assert _clock(m, "handling")["due_on"] == "2026-01-07" and m["extended"] is True
    again = _act(client, demo, m["id"], "extend", "xx_leader", on="2025-11-25", days=5, reason="再延",
                 told_petitioner_on="2025-11-25")
    assert again.status_code == 409 and "一次" in again.json()["message"]

    # Art. 31: a claim is classified first; item 六 keeps the 60-day clock and the review track
    m = _act(client, demo, m["id"], "classify", "xx_handler", on="2025-10-10", route=6).json()
    assert m["state"] == "handling" and m["route"] == 6
    m = _act(client, demo, m["id"], "reply", "xx_handler", on="2025-12-20", **OPINION).json()
    assert m["state"] == "replied" and _clock(m, "handling")["state"] == "met"
    # the request window runs from the day the petitioner received the answer (Art. 35)
    m = _act(client, demo, m["id"], "deliver", "xx_handler", on="2025-12-20", method="in_person",
             proof="信访人签收回执").json()
    assert _clock(m, "review_window")["due_on"] == "2026-01-19"

    # 复查 goes to the parent of 住建局, the county, where a leader issues the review opinion
    m = _act(client, demo, m["id"], "request_review", "xx_officer", on="2026-01-19").json()
    # 30 days from 01-19 is Wed 02-18, inside Spring Festival: next working day is Tue 02-24.
    assert m["state"] == "reviewing" and _clock(m, "review")["due_on"] == "2026-02-24"
    m = _act(client, demo, m["id"], "review_reply", "xx_leader", on="2026-02-06", **OPINION).json()
    assert m["state"] == "review_replied"
    m = _act(client, demo, m["id"], "deliver", "xx_officer", on="2026-02-07", method="mail",
             proof="EMS 1234567890").json()
    assert _clock(m, "rereview_window")["due_on"] == "2026-03-09"

    # 复核 goes above the county: recorded as sent to the city, outside the platform
    m = _act(client, demo, m["id"], "request_rereview", "xx_officer", on="2026-02-10").json()
    assert m["state"] == "rereviewing" and _clock(m, "rereview")["due_on"] == "2026-03-12"
    assert m["review_outside"] is True
    m = _act(client, demo, m["id"], "pause", "xx_officer", on="2026-02-12", note="举行听证").json()
    assert _clock(m, "rereview")["paused"] is True
    m = _act(client, demo, m["id"], "resume", "xx_officer", on="2026-02-26").json()
    # hearing time (14 days) not counted: 44 days from 02-10 → Thu 03-26
    assert _clock(m, "rereview")["due_on"] == "2026-03-26" and _clock(m, "rereview")["paused_days"] == 14
    m = _act(client, demo, m["id"], "rereview_reply", "xx_officer", on="2026-03-20",
             **{**OPINION, "result": "reject"}).json()
    assert m["state"] == "concluded" and m["closed_on"] == "2026-03-20"

    follow = client.post(f"/api/matters/{m['id']}/follow-ups", headers=demo.headers("xx_officer"),
                         json={"satisfaction": "basically", "stopped_petitioning": True, "on": "2026-04-01"})
    assert follow.status_code == 201 and follow.json()["follow_ups"][0]["stopped_petitioning"] is True

    actions = [e["action"] for e in follow.json()["timeline"]]
    assert actions == ["register", "assign", "accept", "extend", "classify", "reply", "deliver", "request_review",
                       "review_reply", "deliver", "request_rereview", "pause", "resume", "rereview_reply"]
    assert system_session.scalar(select(AuditRecord.id).where(AuditRecord.object_type == "matter_events")) is not None


def test_refused_transitions_answer_409(client, demo):
    m = _register(client, demo).json()
    resp = _act(client, demo, m["id"], "reply", "xx_officer", result="support", opinion="x")
    assert resp.status_code == 409 and "已登记" in resp.json()["message"] and "转送交办" in resp.json()["message"]
    unknown = _act(client, demo, m["id"], "teleport", "xx_officer")
    assert unknown.status_code == 409 and "未知" in unknown.json()["message"]


def test_return_only_within_five_working_days(client, demo):
    m = _register(client, demo).json()
    zjj = demo.node("411323-ZJJ").id
    _act(client, demo, m["id"], "assign", "xx_officer", on="2025-09-29", lead_unit_id=zjj)
    late = _act(client, demo, m["id"], "return", "xx_handler", on="2025-10-14", reason="不属于住建局职责")
    assert late.status_code == 409 and "5个工作日" in late.json()["message"]
    back = _act(client, demo, m["id"], "return", "xx_handler", on="2025-10-13", reason="属于人社局职责")
    assert back.status_code == 200 and back.json()["state"] == "registered"
    # the returning unit no longer sees the matter
    assert client.get(f"/api/matters/{m['id']}", headers=demo.headers("xx_handler")).status_code == 404


def test_review_request_after_thirty_days_is_refused(client, demo):
    m = _register(client, demo).json()
    zjj = demo.node("411323-ZJJ").id
    _act(client, demo, m["id"], "assign", "xx_officer", on="2025-09-29", lead_unit_id=zjj)
    _act(client, demo, m["id"], "accept", "xx_handler", on="2025-10-09")
    _act(client, demo, m["id"], "classify", "xx_handler", on="2025-10-09", route=6)
    _act(client, demo, m["id"], "reply", "xx_handler", on="2025-12-20", **{**OPINION, "result": "reject"})
    undelivered = _act(client, demo, m["id"], "request_review", "xx_officer", on="2026-01-05")
    assert undelivered.status_code == 409 and "送达" in undelivered.json()["message"]
    _act(client, demo, m["id"], "deliver", "xx_handler", on="2025-12-20", method="mail", proof="挂号信回执")
    late = _act(client, demo, m["id"], "request_review", "xx_officer", on="2026-01-20")
    assert late.status_code == 409 and "30日" in late.json()["message"]


def test_collective_visit_representatives_and_validation(client, demo):
    five = [{**PETITIONER, "representative": True} for _ in range(6)]
    resp = _register(client, demo, form="collective", headcount=40, petitioners=five)
    assert resp.status_code == 400 and "5人" in resp.json()["message"]
    bad = _register(client, demo, petitioners=[{**PETITIONER, "id_number": "110105194912310021"}])
    assert bad.status_code == 400 and "校验位" in bad.json()["message"]
    category = _register(client, demo, category="外星人")
    assert category.status_code == 400 and "分类" in category.json()["message"]


def test_accused_unit_never_sees_the_accuser(client, demo, system_session):
    from xinfang.platform.accounts.service import create_user, grant_role

    zjj, baiyu = demo.node("411323-ZJJ").id, demo.node("411323001")
    m = _register(client, demo, kind="accusation", accused_node_id=zjj, accused_description="住建局某科长").json()
    refused = _act(client, demo, m["id"], "assign", "xx_officer", on="2025-09-29", lead_unit_id=zjj)
    assert refused.status_code == 409 and "第三十条" in refused.json()["message"]
    co = _act(client, demo, m["id"], "assign", "xx_officer", on="2025-09-29", lead_unit_id=demo.node("411323-RSJ").id,
              co_units=[{"unit_id": zjj, "mode": "joint_check"}])
    assert co.status_code == 409, "nor as a co-unit"

    # A county officer who also serves in the accused 街道 (a second role there) sees the
    # matter through the county role, but never who accused 白羽街道.
    m = _register(client, demo, kind="accusation", accused_node_id=baiyu.id, accused_description="街道某干部").json()
    below = _act(client, demo, m["id"], "assign", "xx_officer", on="2025-09-29",
                 lead_unit_id=demo.node("411323001001").id)
    assert below.status_code == 409, "nor to a unit under the accused 街道"
    dual = create_user(system_session, username="dual", display_name="双重角色", password="abc12345x",
                       node=demo.node("411323"), password_hash="x")
    grant_role(system_session, None, dual, "officer", demo.node("411323"))
    grant_role(system_session, None, dual, "leader", baiyu)
    system_session.commit()
    seen = client.get(f"/api/matters/{m['id']}", headers=demo.headers("dual")).json()
    assert seen["protected"] is True and seen["may_reveal"] is False
    assert seen["petitioners"][0]["name"] == "(检举控告事项,信访人信息依法保密)"
    assert seen["petitioners"][0]["id_number"] == "(检举控告事项,信访人信息依法保密)"
    assert client.get(f"/api/matters/{m['id']}/pii", headers=demo.headers("dual")).status_code == 403
    county = client.get(f"/api/matters/{m['id']}", headers=demo.headers("xx_officer")).json()
    assert county["protected"] is False and county["petitioners"][0]["name"] == "王五"
    assert county["petitioners"][0]["id_number"] == "1101**********002X"
