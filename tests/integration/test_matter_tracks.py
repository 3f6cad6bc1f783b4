"""Each kind of matter through its own track (条例 Arts. 22–36): direct acceptance, 建议意见,
检举控告 to 纪检监察, 申诉求决 by Art. 31 item 一–六 (diversion, duty performed, opinion),
mediation, review one level up (in the platform and outside it), 送达, 问题所在地, feedback
to a transferring body, and recusal. Today is set by the ``clock`` fixture."""

from __future__ import annotations

import pytest

PETITIONER = {"name": "赵六", "id_number": "11010519491231002X", "phone": "13912345678", "address": "城东社区5号"}
OPINION = {"request": "要求恢复灌溉渠", "facts": "经现场核查,渠道因修路被填埋属实", "result": "support",
           "basis": "《中华人民共和国水法》第三十五条", "opinion": "责成施工方于三十日内恢复。"}


@pytest.fixture
def today(clock):
    clock.on(2026, 3, 2, 10)
    return clock


def _register(client, demo, user="xx_officer", code="411323", **extra):
    body = {"node_id": demo.node(code).id, "channel": "visit", "form": "individual", "kind": "claim",
            "category": "其他", "summary": "反映灌溉渠被填埋", "petitioners": [PETITIONER],
            "received_on": "2026-01-05", **extra}
    resp = client.post("/api/matters", json=body, headers=demo.headers(user))
    assert resp.status_code == 201, resp.text
    return resp.json()


def _act(client, demo, matter_id, action, user, **payload):
    return client.post(f"/api/matters/{matter_id}/actions/{action}", json=payload, headers=demo.headers(user))


def _ok(client, demo, matter_id, action, user, **payload):
    resp = _act(client, demo, matter_id, action, user, **payload)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _clock(matter, kind):
    return [c for c in matter["clocks"] if c["kind"] == kind][-1]


def _user(system_session, demo, username, role, code):
    from xinfang.platform.accounts.service import create_user, grant_role

    user = create_user(system_session, username=username, display_name=username, password="abc12345x",
                       node=demo.node(code), password_hash="x")
    grant_role(system_session, None, user, role, demo.node(code))
    system_session.commit()
    return user


def _user_id(system_session, username):
    from sqlalchemy import select

    from xinfang.platform.accounts.models import User

    return system_session.scalar(select(User.id).where(User.username == username))


def test_a_competent_registering_body_accepts_at_once(client, demo, today):
    m = _register(client, demo, "xx_by_officer", "411323001")
    assert "accept" in [a["action"] for a in m["actions"]]
    m = _ok(client, demo, m["id"], "accept", "xx_by_officer", on="2026-01-06")
    assert m["state"] == "handling" and _clock(m, "dispose")["state"] == "met"
    # Art. 23: its own 15-day notice duty from receipt (01-05 → 01-20), met by the acceptance notice
    assert _clock(m, "acknowledge")["due_on"] == "2026-01-20" and _clock(m, "acknowledge")["state"] == "met"
    assert _clock(m, "handling")["due_on"] == "2026-03-09"
    m = _ok(client, demo, m["id"], "deliver", "xx_by_officer", on="2026-01-07", method="in_person", proof="当场签收")
    assert m["deliveries"][0]["method_label"] == "直接送达" and m["deliveries"][0]["event_id"]


def test_suggestion_is_studied_and_answered_without_review(client, demo, today):
    m = _register(client, demo, kind="suggestion", summary="建议在城东社区增设公交站")
    m = _ok(client, demo, m["id"], "accept", "xx_officer", on="2026-01-06")
    assert not [c for c in m["clocks"] if c["kind"] == "handling"], "Art. 34's 60 days are for Art. 31 item 六"
    assert _act(client, demo, m["id"], "reply", "xx_officer", **OPINION).status_code == 409
    bad = _act(client, demo, m["id"], "answer_suggestion", "xx_officer", decision="maybe", reply="x")
    assert bad.status_code == 400 and "采纳" in bad.json()["message"]
    m = _ok(client, demo, m["id"], "answer_suggestion", "xx_officer", on="2026-02-01", decision="partly",
            reply="已商公交公司,增设临时站点", reward_note="按人民建议征集办法予以表扬")
    assert m["state"] == "closed" and m["timeline"][-1]["data"]["decision_label"] == "部分采纳"
    assert _act(client, demo, m["id"], "request_review", "xx_officer").status_code == 409


def test_accusation_goes_to_discipline_and_never_reaches_the_accused(client, demo, system_session, today):
    leader = _user_id(system_session, "xx_by_leader")  # 白羽街道's leader, above the accused 社区
    m = _register(client, demo, "xx_by_officer", "411323001", kind="accusation", summary="检举社区干部优亲厚友",
                  accused_node_id=demo.node("411323001001").id, accused_user_ids=[leader])
    seen = client.get(f"/api/matters/{m['id']}", headers=demo.headers("xx_by_leader")).json()
    assert seen["protected"] is True and seen["petitioners"][0]["name"] == "(检举控告事项,信访人信息依法保密)"
    assert seen["accused_user_ids"] == []
    assert _act(client, demo, m["id"], "accept", "xx_by_leader").status_code == 403, "an accused person never acts"
    own = client.get(f"/api/matters/{m['id']}", headers=demo.headers("xx_by_officer")).json()
    assert own["protected"] is False and own["petitioners"][0]["name"] == "赵六"

    m = _ok(client, demo, m["id"], "transfer_discipline", "xx_by_officer", on="2026-01-06")
    assert m["state"] == "transferred" and m["units"][-1]["unit_name"] == "西峡县纪委监委"
    assert client.get(f"/api/matters/{m['id']}", headers=demo.headers("xx_jw_handler")).status_code == 200
    m = _ok(client, demo, m["id"], "discipline_feedback", "xx_jw_handler", on="2026-02-20", result="已立案审查")
    assert m["state"] == "closed"
    assert _act(client, demo, m["id"], "request_review", "xx_officer").status_code == 409


@pytest.mark.parametrize("route,body", [(1, "西峡县人民法院(民事诉讼)"), (2, "西峡县劳动人事争议仲裁委员会"),
                                        (3, "县委组织部(党员申诉)"), (4, "西峡县人民政府(行政复议)")])
def test_claims_under_items_one_to_four_are_diverted(client, demo, today, route, body):
    m = _register(client, demo)
    _ok(client, demo, m["id"], "accept", "xx_officer", on="2026-01-06")
    missing = _act(client, demo, m["id"], "classify", "xx_officer", route=route)
    assert missing.status_code == 400 and "导入" in missing.json()["message"]
    m = _ok(client, demo, m["id"], "classify", "xx_officer", on="2026-01-08", route=route, body=body)
    assert m["state"] == "diverted" and m["closed_on"] == "2026-01-08" and m["route"] == route
    assert all(c["stopped_on"] for c in m["clocks"]), "the 信访 clock ends with the diversion"
    assert m["timeline"][-1]["data"]["body"] == body
    # still linked and visible; its diversion notice is delivered like any answer
    assert client.get(f"/api/matters/{m['id']}", headers=demo.headers("xx_officer")).status_code == 200
    _ok(client, demo, m["id"], "deliver", "xx_officer", on="2026-01-09", method="mail", proof="挂号信")


def test_law_related_claims_default_to_diversion(client, demo, today):
    m = _register(client, demo, law_related=True, category="涉法涉诉")
    _ok(client, demo, m["id"], "accept", "xx_officer", on="2026-01-06")
    kept = _act(client, demo, m["id"], "classify", "xx_officer", route=6)
    assert kept.status_code == 400 and "第二十八条" in kept.json()["message"]
    m = _ok(client, demo, m["id"], "classify", "xx_officer", body="西峡县人民法院")
    assert m["route"] == 1 and m["state"] == "diverted"


def test_item_five_is_performed_without_review(client, demo, today):
    m = _register(client, demo)
    _ok(client, demo, m["id"], "accept", "xx_officer", on="2026-01-06")
    m = _ok(client, demo, m["id"], "classify", "xx_officer", route=5)
    assert _act(client, demo, m["id"], "reply", "xx_officer", **OPINION).status_code == 409
    m = _ok(client, demo, m["id"], "perform", "xx_officer", on="2026-01-20", outcome="performed",
            text="责令施工方恢复渠道", basis="《水法》")
    assert m["state"] == "closed" and not [a for a in m["actions"] if a["action"] == "request_review"]


def test_mediation_needs_both_parties(client, demo, today):
    m = _register(client, demo)
    _ok(client, demo, m["id"], "accept", "xx_officer", on="2026-01-06")
    one = _act(client, demo, m["id"], "mediate", "xx_officer", mode="mediation", terms="施工方赔偿两千元",
               parties=[{"side": "petitioner", "name": "赵六", "agreed": True}])
    assert one.status_code == 400 and "双方" in one.json()["message"]
    refused = _act(client, demo, m["id"], "mediate", "xx_officer", mode="mediation", terms="x",
                   parties=[{"side": "petitioner", "name": "赵六", "agreed": True},
                            {"side": "other", "name": "某建筑公司", "agreed": False}])
    assert refused.status_code == 400 and "未同意" in refused.json()["message"]
    m = _ok(client, demo, m["id"], "mediate", "xx_officer", on="2026-01-25", mode="settlement",
            terms="施工方赔偿两千元并恢复渠道",
            parties=[{"side": "petitioner", "name": "赵六", "agreed": True},
                     {"side": "other", "name": "某建筑公司", "agreed": True, "agreed_on": "2026-01-24"}])
    assert m["state"] == "mediated" and m["agreements"][0]["mode_label"] == "和解"
    assert [p["side"] for p in m["agreements"][0]["parties"]] == ["petitioner", "other"]


def test_an_opinion_missing_a_part_is_refused(client, demo, today):
    m = _register(client, demo)
    _ok(client, demo, m["id"], "accept", "xx_officer", on="2026-01-06")
    _ok(client, demo, m["id"], "classify", "xx_officer", route=6)
    resp = _act(client, demo, m["id"], "reply", "xx_officer", **{**OPINION, "basis": "", "facts": " "})
    assert resp.status_code == 400
    assert "事实和理由" in resp.json()["message"] and "法律法规依据" in resp.json()["message"]
    m = _ok(client, demo, m["id"], "reply", "xx_officer", on="2026-02-01", **OPINION)
    opinion = m["opinions"][0]
    assert (opinion["request"], opinion["facts"], opinion["result_label"], opinion["basis"]) == \
        (OPINION["request"], OPINION["facts"], "予以支持", OPINION["basis"])


def test_township_opinion_reviewed_at_county_and_rereviewed_at_city(client, demo, today):
    m = _register(client, demo, "xx_by_officer", "411323001")
    _ok(client, demo, m["id"], "accept", "xx_by_officer", on="2026-01-05")
    _ok(client, demo, m["id"], "classify", "xx_by_officer", route=6)
    _ok(client, demo, m["id"], "reply", "xx_by_officer", on="2026-01-10", **OPINION)
    _ok(client, demo, m["id"], "deliver", "xx_by_officer", on="2026-01-12", method="mail", proof="EMS 9876")
    own_level = _act(client, demo, m["id"], "request_review", "xx_by_officer", on="2026-01-20")
    assert own_level.status_code == 403 and "西峡县" in own_level.json()["message"]
    m = _ok(client, demo, m["id"], "request_review", "xx_officer", on="2026-01-20")
    assert m["review_body"] == "西峡县" and _clock(m, "review")["node_id"] == demo.node("411323").id
    assert _act(client, demo, m["id"], "review_reply", "xx_officer", **OPINION).status_code == 403, \
        "a leader of the review body approves the review opinion"
    assert _act(client, demo, m["id"], "review_reply", "xx_by_leader", **OPINION).status_code == 403
    m = _ok(client, demo, m["id"], "review_reply", "xx_leader", on="2026-02-05", **OPINION)
    assert m["timeline"][-1]["data"]["approved_by"] == "张志强"
    _ok(client, demo, m["id"], "deliver", "xx_officer", on="2026-02-06", method="in_person", proof="签收")
    m = _ok(client, demo, m["id"], "request_rereview", "xx_officer", on="2026-02-10", outside_body="南阳市信访局")
    assert m["review_outside"] is True and m["review_body"] == "南阳市信访局"
    m = _ok(client, demo, m["id"], "rereview_reply", "xx_officer", on="2026-02-28", **{**OPINION, "result": "reject"})
    assert m["state"] == "concluded"
    stages = [(o["stage"], o["node_id"], o["outside_body"]) for o in m["opinions"]]
    assert stages == [("opinion", demo.node("411323001").id, ""), ("review", demo.node("411323").id, ""),
                      ("rereview", None, "南阳市信访局")]


def test_village_matter_answered_by_township_reviewed_at_county(client, demo, system_session, today):
    _user(system_session, demo, "cd_officer", "officer", "411323001001")
    m = _register(client, demo, "cd_officer", "411323001001")
    township = demo.node("411323001").id
    m = _ok(client, demo, m["id"], "assign", "cd_officer", on="2026-01-06", lead_unit_id=township,
            report_due_on="2026-02-28")
    assert _clock(m, "feedback")["due_on"] == "2026-02-28"
    _ok(client, demo, m["id"], "accept", "xx_by_officer", on="2026-01-07")
    _ok(client, demo, m["id"], "classify", "xx_by_officer", route=6)
    m = _ok(client, demo, m["id"], "reply", "xx_by_officer", on="2026-01-30", **OPINION)
    assert m["opinions"][0]["node_id"] == township
    m = _ok(client, demo, m["id"], "feedback", "xx_by_officer", on="2026-01-31", report="已答复信访人,办结")
    assert m["units"][0]["reported_on"] == "2026-01-31" and _clock(m, "feedback")["state"] == "met"
    _ok(client, demo, m["id"], "deliver", "xx_by_officer", on="2026-02-01", method="in_person", proof="签收")
    m = _ok(client, demo, m["id"], "request_review", "xx_officer", on="2026-02-10")
    assert m["review_body"] == "西峡县" and m["state"] == "reviewing"


def test_place_transfer_feedback_and_recusal(client, demo, system_session, today):
    elsewhere = client.post("/api/matters", headers=demo.headers("xx_officer"), json={
        "node_id": demo.node("411323").id, "channel": "transfer", "form": "individual", "kind": "claim",
        "category": "其他", "summary": "x", "petitioners": [PETITIONER], "place_node_id": demo.node("350582").id})
    assert elsewhere.status_code == 400 and "问题所在地" in elsewhere.json()["message"]
    village = demo.node("411323100201").id
    m = _register(client, demo, channel="transfer", place_node_id=village, transfer_body="南阳市信访局",
                  transfer_doc_no="宛信转〔2026〕12号", transfer_due_on="2026-02-20")
    assert m["place_node_id"] == village and m["place_name"] == "丹水村"
    assert m["transfer"]["body"] == "南阳市信访局" and _clock(m, "feedback")["due_on"] == "2026-02-20"
    listed = client.get("/api/matters", params={"node_id": demo.node("411323").id},
                        headers=demo.headers("xx_officer")).json()
    assert any(row["place_node_id"] == village for row in listed["items"])

    declared = client.post(f"/api/matters/{m['id']}/recusals", json={"reason": "信访人是本人亲属"},
                           headers=demo.headers("xx_officer"))
    assert declared.status_code == 201 and declared.json()["recusals"][0]["user_name"] == "李秀英"
    recused = _act(client, demo, m["id"], "accept", "xx_officer", on="2026-01-06")
    assert recused.status_code == 403 and "回避" in recused.json()["message"]
    _user(system_session, demo, "xx_officer2", "officer", "411323")
    _ok(client, demo, m["id"], "accept", "xx_officer2", on="2026-01-06")
    m = _ok(client, demo, m["id"], "classify", "xx_officer2", route=5)
    m = _ok(client, demo, m["id"], "perform", "xx_officer2", on="2026-02-10", outcome="answered", text="依法答复")
    m = _ok(client, demo, m["id"], "feedback", "xx_officer2", on="2026-02-11", report="已依法答复,办结报告附后")
    assert m["transfer"]["feedback_on"] == "2026-02-11" and _clock(m, "feedback")["state"] == "met"
