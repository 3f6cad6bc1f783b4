"""重信重访 and 条例 Art. 19 over HTTP: the same person with the same problem again is linked
county-wide and counted, the third is raised for 包案 (seed 000), a higher level does not
accept while a lower level is still handling the same matter in time, and an officer can
undo a wrong link."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from xinfang.platform import clock
from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.privacy.identity import check_digit

PERSON = {"name": "王五", "id_number": "11010519491231002X"}
NEIGHBOUR = {"name": "李梅", "id_number": "11010519800315004" + check_digit("11010519800315004")}


def _register(client, demo, user, node_code, category="欠薪", petitioners=None, **extra):
    body = {"node_id": demo.node(node_code).id, "channel": "visit", "form": "individual", "kind": "claim",
            "category": category, "summary": "反映工地拖欠工资", "petitioners": petitioners or [PERSON], **extra}
    resp = client.post("/api/matters", json=body, headers=demo.headers(user))
    assert resp.status_code == 201, resp.text
    return resp.json()


def _act(client, demo, matter_id, action, user, **payload):
    return client.post(f"/api/matters/{matter_id}/actions/{action}", json=payload, headers=demo.headers(user))


def _read(client, demo, matter_id, user):
    return client.get(f"/api/matters/{matter_id}", headers=demo.headers(user))


def _actions(matter):
    return [e["action"] for e in matter["timeline"]]


def test_same_person_same_problem_is_counted_county_wide(client, demo):
    first = _register(client, demo, "xx_by_officer", "411323001")  # 白羽街道
    assert (first["is_first"], first["repeat_count"], first["repeat_of_id"]) == (True, 1, None)

    # 丹水镇 cannot see 白羽街道's matter, yet the person's second petition is linked to it
    second = _register(client, demo, "xx_ds_officer", "411323100")
    assert (second["is_first"], second["repeat_count"], second["is_repeat"]) == (False, 2, True)
    assert second["repeat_of_id"] == first["id"] and second["repeat_of_number"] == first["number"]
    assert second["needs_ownership"] is False and "ownership_needed" not in _actions(second)
    repeat = next(e for e in second["timeline"] if e["action"] == "repeat")
    assert repeat["data"] == {"repeat_of_id": first["id"], "repeat_of_number": first["number"], "repeat_count": 2}
    assert _read(client, demo, first["id"], "xx_ds_officer").status_code == 404, "only its id and number are shown"

    third = _register(client, demo, "xx_ds_officer", "411323100")
    assert (third["repeat_count"], third["repeat_of_id"], third["is_first"]) == (3, first["id"], False)
    assert third["needs_ownership"] is True
    raised = [e for e in third["timeline"] if e["action"] == "ownership_needed"]
    assert len(raised) == 1 and "包案" in raised[0]["label"]

    # a collective visit counts when any of its petitioners is the same person
    collective = _register(client, demo, "xx_by_officer", "411323001", form="collective", headcount=6,
                           petitioners=[NEIGHBOUR, PERSON])
    assert (collective["repeat_count"], collective["repeat_of_id"]) == (4, first["id"])

    # another problem of the same person is a first petition of its own
    other_problem = _register(client, demo, "xx_ds_officer", "411323100", category="征地")
    assert (other_problem["is_first"], other_problem["repeat_count"], other_problem["repeat_of_id"]) == (True, 1, None)
    # another person's first petition on the same problem is a first petition too
    neighbour = _register(client, demo, "xx_ds_officer", "411323100", petitioners=[NEIGHBOUR], category="征地")
    assert neighbour["is_first"] is True

    # another county never links to 西峡县's matters, whatever the ID number
    elsewhere = _register(client, demo, "jj_officer", "350582")
    assert (elsewhere["is_first"], elsewhere["repeat_count"], elsewhere["repeat_of_id"]) == (True, 1, None)

    listed = client.get("/api/matters", params={"needs_ownership": "true"}, headers=demo.headers("xx_officer")).json()
    assert {m["id"] for m in listed["items"]} == {third["id"], collective["id"]}
    repeats = client.get("/api/matters", params={"repeat": "true"}, headers=demo.headers("xx_officer")).json()
    assert {m["id"] for m in repeats["items"]} == {second["id"], third["id"], collective["id"]}
    firsts = [m for m in client.get("/api/matters", headers=demo.headers("xx_officer")).json()["items"]
              if m["is_first"]]
    assert {m["id"] for m in firsts} == {first["id"], other_problem["id"], neighbour["id"]}


def test_higher_level_does_not_accept_while_lower_level_is_in_time(client, demo):
    lower = _register(client, demo, "xx_by_officer", "411323001")
    higher = _register(client, demo, "xx_officer", "411323")
    assert higher["lower_level_id"] == lower["id"] and higher["lower_level_number"] == lower["number"]
    assert higher["repeat_of_id"] == lower["id"] and higher["repeat_count"] == 2
    noted = next(e for e in higher["timeline"] if e["action"] == "lower_level")
    assert "第十九条" in noted["note"] and noted["data"]["lower_node_name"] == "白羽街道"
    # the lower level sees nothing of the higher registration on its own matter
    assert _actions(_read(client, demo, lower["id"], "xx_by_officer").json()) == ["register"]

    zjj = demo.node("411323-ZJJ").id
    assert _act(client, demo, higher["id"], "assign", "xx_officer", lead_unit_id=zjj).status_code == 200
    refused = _act(client, demo, higher["id"], "accept", "xx_handler")
    assert refused.status_code == 409 and "第十九条" in refused.json()["message"]

    # the lower level finishes its matter: the same matter is then no longer barred above
    village = demo.node("411323001001").id
    for action, payload in (("assign", {"lead_unit_id": village}), ("accept", {}),
                            ("reply", {"request": "要求解决", "facts": "经核查属实", "basis": "《信访工作条例》第三十二条", "result": "support", "opinion": "经核查,工资已结清。"}), ("close", {})):
        resp = _act(client, demo, lower["id"], action, "xx_by_officer", **payload)
        assert resp.status_code == 200, (action, resp.text)
    assert resp.json()["state"] == "closed"
    assert _act(client, demo, higher["id"], "accept", "xx_handler").status_code == 200

    again = _register(client, demo, "xx_officer", "411323")
    assert again["lower_level_id"] is None and again["repeat_count"] == 3, "a closed lower matter is not linked"


def test_no_art19_link_once_the_lower_level_is_overdue(client, demo):
    late = (clock.today() - dt.timedelta(days=40)).isoformat()  # its 15-day disposal period has long passed
    lower = _register(client, demo, "xx_by_officer", "411323001", received_on=late)
    higher = _register(client, demo, "xx_officer", "411323")
    assert higher["lower_level_id"] is None and "lower_level" not in _actions(higher)
    assert higher["repeat_of_id"] == lower["id"], "still a repeat petition"
    zjj = demo.node("411323-ZJJ").id
    _act(client, demo, higher["id"], "assign", "xx_officer", lead_unit_id=zjj)
    assert _act(client, demo, higher["id"], "accept", "xx_handler").status_code == 200

    # a sibling or the same level is never "lower": 丹水镇 registering after 白羽街道
    in_time = _register(client, demo, "xx_by_officer", "411323001", category="房地产")
    sibling = _register(client, demo, "xx_ds_officer", "411323100", category="房地产")
    assert sibling["lower_level_id"] is None and sibling["repeat_of_id"] == in_time["id"]


def test_unlinking_a_wrong_repeat(client, demo, system_session):
    first = _register(client, demo, "xx_by_officer", "411323001")
    second = _register(client, demo, "xx_ds_officer", "411323100")
    third = _register(client, demo, "xx_ds_officer", "411323100")
    url = f"/api/matters/{second['id']}/repeat"
    reason = {"reason": "经核实,系另一工地的欠薪问题,并非同一问题"}

    assert client.request("DELETE", url, json=reason, headers=demo.headers("xx_supervisor")).status_code == 403
    assert client.request("DELETE", url, json=reason, headers=demo.headers("xx_leader")).status_code == 403
    assert client.request("DELETE", url, json=reason, headers=demo.headers("jj_officer")).status_code == 404
    assert client.request("DELETE", url, json=reason, headers=demo.headers("xx_by_officer")).status_code == 404
    blank = client.request("DELETE", url, json={"reason": " "}, headers=demo.headers("xx_ds_officer"))
    assert blank.status_code == 400 and "理由" in blank.json()["message"]

    resp = client.request("DELETE", url, json=reason, headers=demo.headers("xx_ds_officer"))
    assert resp.status_code == 200, resp.text
    unlinked = resp.json()
    assert (unlinked["repeat_of_id"], unlinked["repeat_count"], unlinked["is_first"]) == (None, 1, True)
    event = next(e for e in unlinked["timeline"] if e["action"] == "unlink_repeat")
    assert event["note"] == reason["reason"] and event["data"]["was_repeat_of_number"] == first["number"]
    assert event["actor_name"] == "郑磊"
    # the later matter of the chain moves up one place
    assert _read(client, demo, third["id"], "xx_ds_officer").json()["repeat_count"] == 2
    again = client.request("DELETE", url, json=reason, headers=demo.headers("xx_ds_officer"))
    assert again.status_code == 409

    audited = system_session.scalars(select(AuditRecord).where(AuditRecord.object_type == "matters",
                                                               AuditRecord.object_id == str(second["id"]),
                                                               AuditRecord.action == "update")).all()
    assert any(r.detail.after.get("repeat_of_id", "absent") is None and r.detail.before.get("repeat_of_id") == first["id"]
               for r in audited)

    # the chain goes on from the first matter, without the unlinked one
    fourth = _register(client, demo, "xx_ds_officer", "411323100")
    assert (fourth["repeat_of_id"], fourth["repeat_count"]) == (first["id"], 3)


def test_the_registration_answers_what_reading_the_matter_shows(client, demo):
    """The answer of a first registration is built from the rows it wrote, a repeat's is read
    back: either way it is the matter's detail as any later read shows it."""
    today = clock.today()
    first = _register(client, demo, "xx_by_officer", "411323001", transfer_body="市信访局",
                      transfer_doc_no="转2026-1", transfer_due_on=(today + dt.timedelta(days=20)).isoformat(),
                      petitioners=[NEIGHBOUR, PERSON], form="collective", headcount=3)
    assert [c["kind"] for c in first["clocks"]] == ["dispose", "feedback"] and first["due_on"] is not None
    again = _register(client, demo, "xx_by_officer", "411323001")
    for answer in (first, again):
        assert answer == _read(client, demo, answer["id"], "xx_by_officer").json()


def test_a_registration_records_each_row_it_wrote_in_order(client, demo, system_session):
    """One create record per row, in the order the rows were made (the new person files, the
    matter, its access row, petitioners, clock, timeline entry), in the county's chain, each
    with the row's values in its detail; the chain still verifies."""
    from xinfang.platform.audit.log import verify

    county = demo.node("411323").id
    last = system_session.scalar(select(func.max(AuditRecord.seq)).where(AuditRecord.chain == county))
    system_session.rollback()  # (ends its read: on SQLite it would keep reading that snapshot)
    answer = _register(client, demo, "xx_by_officer", "411323001", petitioners=[NEIGHBOUR, PERSON],
                       form="collective", headcount=2)
    records = system_session.scalars(select(AuditRecord).where(AuditRecord.chain == county, AuditRecord.seq > last)
                                     .order_by(AuditRecord.seq)).all()
    people = [p["person_id"] for p in answer["petitioners"]]
    assert [(r.action, r.object_type, r.object_id) for r in records] == [
        ("create", "people", str(people[0])), ("create", "people", str(people[1])),
        ("create", "matters", str(answer["id"])),
        ("create", "matter_access", records[3].object_id),
        *[("create", "matter_petitioners", str(p["id"])) for p in answer["petitioners"]],
        ("create", "matter_clocks", records[6].object_id),
        ("create", "matter_events", str(answer["timeline"][0]["id"])),
    ]
    assert {r.node_id for r in records} == {demo.node("411323001").id}
    matter = records[2].detail.after
    assert (matter["number"], matter["summary"], matter["due_on"]) == (answer["number"], "反映工地拖欠工资",
                                                                      answer["due_on"])
    petitioner = records[4].detail.after
    assert (petitioner["matter_id"], petitioner["person_id"]) == (answer["id"], people[0])
    assert records[6].detail.after["matter_id"] == answer["id"] and records[6].detail.after["kind"] == "dispose"
    assert verify(system_session, county).ok
