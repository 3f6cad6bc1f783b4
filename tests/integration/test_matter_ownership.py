"""领导包案 and joint handling over HTTP: the county chooses 四包 (seed 001) or 五包 (seed 003),
only a leader over the matter can own it, only that leader ticks the checklist, supervisors
read everything and change nothing; the lead unit's one joint reply waits for every
co-unit's part and carries it."""

from __future__ import annotations

from sqlalchemy import select

from xinfang.platform.accounts.models import User

PERSON = {"name": "王五", "id_number": "11010519491231002X"}
FOUR = ["包掌握情况", "包思想教育", "包解决化解", "包息诉息访"]
FIVE = ["包掌握情况", "包思想转化", "包解决问题", "包劝返", "包息诉罢访"]


def _register(client, demo, user, node_code, **extra):
    body = {"node_id": demo.node(node_code).id, "channel": "visit", "form": "individual", "kind": "claim",
            "category": "城镇房屋拆迁", "summary": "反映拆迁安置房多年未交付", "petitioners": [PERSON], **extra}
    resp = client.post("/api/matters", json=body, headers=demo.headers(user))
    assert resp.status_code == 201, resp.text
    return resp.json()


def _user(system_session, username):
    return system_session.scalar(select(User.id).where(User.username == username))


def _own(client, demo, matter_id, user, leader_id, **extra):
    return client.put(f"/api/matters/{matter_id}/ownership", json={"leader_user_id": leader_id, **extra},
                      headers=demo.headers(user))


def _tick(client, demo, matter_id, user, item, note="已到信访人家中了解情况", evidence="走访记录2026-11-20", **extra):
    return client.post(f"/api/matters/{matter_id}/ownership/items", headers=demo.headers(user),
                       json={"item": item, "note": note, "evidence": evidence, **extra})


def _act(client, demo, matter_id, action, user, **payload):
    return client.post(f"/api/matters/{matter_id}/actions/{action}", json=payload, headers=demo.headers(user))


def test_each_county_owns_matters_with_its_own_checklist(client, demo, system_session):
    xixia = demo.node("411323").id
    rules = client.put(f"/api/counties/{xixia}/matter-rules", json={"ownership_checklist": "five"},
                       headers=demo.headers("xx_admin"))
    assert rules.status_code == 200 and rules.json()["checklist_items"] == FIVE

    ours = _register(client, demo, "xx_officer", "411323")
    resp = _own(client, demo, ours["id"], "xx_officer", _user(system_session, "xx_leader"), note="县级领导挂牌包案")
    assert resp.status_code == 200, resp.text
    owned = resp.json()["ownership"]
    assert owned["leader_name"] == "张志强" and owned["checklist"] == "five" and owned["checklist_label"] == "五包"
    assert [i["label"] for i in owned["items"]] == FIVE and owned["progress"] == {"done": 0, "total": 5}

    theirs = _register(client, demo, "jj_officer", "350582")
    owned = _own(client, demo, theirs["id"], "jj_officer", _user(system_session, "jj_leader")).json()["ownership"]
    assert owned["checklist"] == "four" and [i["label"] for i in owned["items"]] == FOUR

    # a county changing its rule later does not rewrite the commitments already made
    client.put(f"/api/counties/{xixia}/matter-rules", json={"ownership_checklist": "four"},
               headers=demo.headers("xx_admin"))
    again = client.get(f"/api/matters/{ours['id']}", headers=demo.headers("xx_officer")).json()
    assert again["ownership"]["checklist"] == "five"


def test_only_a_leader_over_the_matter_can_own_it(client, demo, system_session):
    county = _register(client, demo, "xx_officer", "411323")
    for username in ("xx_by_leader", "xx_officer", "jj_leader"):  # a township's leader, no leader, elsewhere
        resp = _own(client, demo, county["id"], "xx_officer", _user(system_session, username))
        assert resp.status_code == 400 and "包案领导" in resp.json()["message"], username
    assert _own(client, demo, county["id"], "xx_officer", 999999).status_code == 400
    assert client.get(f"/api/matters/{county['id']}", headers=demo.headers("xx_officer")).json()["ownership"] is None

    # a township matter may be owned by its own leader or by a county leader
    township = _register(client, demo, "xx_by_officer", "411323001")
    assert _own(client, demo, township["id"], "xx_by_officer", _user(system_session, "xx_by_leader")).status_code == 200
    # a leader (matters:approve) may name the owner too; replacing ends the earlier ownership
    replaced = _own(client, demo, township["id"], "xx_leader", _user(system_session, "xx_leader"))
    assert replaced.status_code == 200 and replaced.json()["ownership"]["leader_name"] == "张志强"
    assert [e["label"] for e in replaced.json()["timeline"] if e["action"] == "ownership"] == ["确定包案领导",
                                                                                                "更换包案领导"]
    same = _own(client, demo, township["id"], "xx_leader", _user(system_session, "xx_leader"))
    assert same.status_code == 409

    # a handling unit sees the matter but cannot name its owner
    _act(client, demo, county["id"], "assign", "xx_officer", lead_unit_id=demo.node("411323-ZJJ").id)
    refused = _own(client, demo, county["id"], "xx_handler", _user(system_session, "xx_leader"))
    assert refused.status_code == 403


def test_only_the_owning_leader_ticks_and_supervisors_only_read(client, demo, system_session):
    m = _register(client, demo, "xx_by_officer", "411323001")
    assert _own(client, demo, m["id"], "xx_by_officer", _user(system_session, "xx_by_leader")).status_code == 200

    other_leader = _tick(client, demo, m["id"], "xx_leader", "包掌握情况")  # sees the matter, does not own it
    assert other_leader.status_code == 403 and "包案领导本人" in other_leader.json()["message"]
    assert _tick(client, demo, m["id"], "xx_by_leader", "包稳控").status_code == 400
    assert _tick(client, demo, m["id"], "xx_by_leader", "包掌握情况", evidence="").status_code == 400

    resp = _tick(client, demo, m["id"], "xx_by_leader", "包掌握情况")
    assert resp.status_code == 200, resp.text
    owned = resp.json()["ownership"]
    item = owned["items"][0]
    assert item["done"] is True and item["done_by"] == "周涛" and item["done_at"]
    assert item["note"] == "已到信访人家中了解情况" and item["evidence"] == "走访记录2026-11-20"
    assert owned["progress"] == {"done": 1, "total": 4}
    undone = _tick(client, demo, m["id"], "xx_by_leader", "包掌握情况", done=False, note="", evidence="")
    assert undone.json()["ownership"]["progress"]["done"] == 0
    _tick(client, demo, m["id"], "xx_by_leader", "包掌握情况")
    _tick(client, demo, m["id"], "xx_by_leader", "包思想教育", note="多次谈心", evidence="谈话笔录")
    ticks = [e for e in _tick(client, demo, m["id"], "xx_by_leader", "包解决化解", note="协调安置",
                              evidence="协调会纪要").json()["timeline"] if e["action"] == "ownership_item"]
    assert len(ticks) == 5 and ticks[-1]["data"]["evidence"] == "协调会纪要"

    # the 纪工委 reads the owner, the checklist and the evidence, and changes nothing
    seen = client.get(f"/api/matters/{m['id']}", headers=demo.headers("xx_by_supervisor"))
    assert seen.status_code == 200
    assert seen.json()["ownership"]["progress"] == {"done": 3, "total": 4}
    assert seen.json()["ownership"]["items"][1]["evidence"] == "谈话笔录"
    supervisor = demo.headers("xx_by_supervisor")
    leader_id = _user(system_session, "xx_leader")
    assert client.put(f"/api/matters/{m['id']}/ownership", json={"leader_user_id": leader_id},
                      headers=supervisor).status_code == 403
    assert client.post(f"/api/matters/{m['id']}/ownership/items", headers=supervisor,
                       json={"item": "包息诉息访", "note": "x", "evidence": "y"}).status_code == 403
    assert client.post(f"/api/matters/{m['id']}/contributions", headers=supervisor,
                       json={"contribution": "x"}).status_code == 403

    owned_ids = {r["id"] for r in client.get("/api/matters", params={"owned": "true"},
                                             headers=demo.headers("xx_officer")).json()["items"]}
    unowned = _register(client, demo, "xx_by_officer", "411323001", category="征地")
    not_owned = {r["id"] for r in client.get("/api/matters", params={"owned": "false"},
                                             headers=demo.headers("xx_officer")).json()["items"]}
    assert m["id"] in owned_ids and unowned["id"] not in owned_ids
    assert unowned["id"] in not_owned and m["id"] not in not_owned

    # a new owner starts a fresh checklist; the former owner can no longer tick
    _own(client, demo, m["id"], "xx_by_officer", _user(system_session, "xx_leader"))
    assert _tick(client, demo, m["id"], "xx_by_leader", "包息诉息访").status_code == 403
    fresh = client.get(f"/api/matters/{m['id']}", headers=demo.headers("xx_leader")).json()["ownership"]
    assert fresh["leader_name"] == "张志强" and fresh["progress"] == {"done": 0, "total": 4}


def test_joint_reply_waits_for_every_co_unit(client, demo, system_session):
    from xinfang.platform.accounts.service import create_user, grant_role

    rsj_node = demo.node("411323-RSJ")
    rsj = create_user(system_session, username="xx_rsj_handler", display_name="马丽", password="abc12345x",
                      node=rsj_node, password_hash="x")
    grant_role(system_session, None, rsj, "handler", rsj_node)
    system_session.commit()

    m = _register(client, demo, "xx_officer", "411323")
    zjj = demo.node("411323-ZJJ").id
    assigned = _act(client, demo, m["id"], "assign", "xx_officer", lead_unit_id=zjj,
                    co_units=[{"unit_id": rsj_node.id, "mode": "joint_check"}])
    assert assigned.status_code == 200, assigned.text
    assert _act(client, demo, m["id"], "accept", "xx_handler").status_code == 200

    opinion = {"request": "要求交付安置房", "facts": "经核查,安置房建设延误属实", "basis": "《国有土地上房屋征收与补偿条例》", "result": "support", "opinion": "经住建、人社联合核查,安置房于明年6月前交付。"}
    refused = _act(client, demo, m["id"], "reply", "xx_handler", **opinion)
    assert refused.status_code == 409
    assert refused.json()["message"].startswith("协办单位尚未提交意见:西峡县人力资源和社会保障局")

    # the lead unit cannot write the co-unit's part
    lead = client.post(f"/api/matters/{m['id']}/contributions", headers=demo.headers("xx_handler"),
                       json={"contribution": "代为填写", "unit_id": zjj})
    assert lead.status_code == 400 and "协办单位" in lead.json()["message"]
    assert client.post(f"/api/matters/{m['id']}/contributions", headers=demo.headers("xx_handler"),
                       json={"contribution": "代为填写"}).status_code == 403
    assert client.post(f"/api/matters/{m['id']}/contributions", headers=demo.headers("jj_handler"),
                       json={"contribution": "x"}).status_code == 404

    part = "经核查,安置对象社保关系已转入,相关补贴已发放。"
    resp = client.post(f"/api/matters/{m['id']}/contributions", headers=demo.headers("xx_rsj_handler"),
                       json={"contribution": part})
    assert resp.status_code == 200, resp.text
    unit = next(u for u in resp.json()["units"] if u["unit_id"] == rsj_node.id)
    assert unit["contribution"] == part
    event = next(e for e in resp.json()["timeline"] if e["action"] == "contribute")
    assert event["label"] == "协办单位提交联核意见" and event["actor_name"] == "马丽" and event["note"] == part

    replied = _act(client, demo, m["id"], "reply", "xx_handler", **opinion)
    assert replied.status_code == 200, replied.text
    reply = next(e for e in replied.json()["timeline"] if e["action"] == "reply")
    assert reply["data"]["contributions"] == [{"unit_id": rsj_node.id, "unit_name": "西峡县人力资源和社会保障局",
                                               "mode": "joint_check", "mode_label": "联核", "contribution": part}]
    late = client.post(f"/api/matters/{m['id']}/contributions", headers=demo.headers("xx_rsj_handler"),
                       json={"contribution": "补充"})
    assert late.status_code == 409

    # a matter without co-units replies as before, with no contributions attached
    alone = _register(client, demo, "xx_officer", "411323", category="征地")
    _act(client, demo, alone["id"], "assign", "xx_officer", lead_unit_id=zjj)
    _act(client, demo, alone["id"], "accept", "xx_handler")
    done = _act(client, demo, alone["id"], "reply", "xx_handler", **opinion).json()
    assert "contributions" not in next(e for e in done["timeline"] if e["action"] == "reply")["data"]
