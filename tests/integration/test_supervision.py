"""督办 by hand (seeds 000 and 004): an office issues it over a matter or a unit below it,
the unit reports back with a file, the office records the result (督必有果); a late one is
listed late with its days overdue and its office told once; suspend, resume, terminate;
纪工委 reads and never writes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.jobs.outbox import OutboxJob
from xinfang.platform.notifications.models import Notification
from xinfang.platform.supervision.service import run as scan_late

COUNTY, BAIYU, CHENGDONG, ZJJ = "411323", "411323001", "411323001001", "411323-ZJJ"
PETITIONER = {"name": "王五", "id_number": "11010519491231002X", "phone": "13912345678"}


def _matter_at_zjj(client, demo) -> dict:
    body = {"node_id": demo.node(COUNTY).id, "channel": "visit", "form": "individual", "kind": "claim",
            "category": "城镇房屋拆迁", "summary": "安置房漏水,开发商拒不维修", "petitioners": [PETITIONER]}
    made = client.post("/api/matters", json=body, headers=demo.headers("xx_officer"))
    assert made.status_code == 201, made.text
    assigned = client.post(f"/api/matters/{made.json()['id']}/actions/assign", headers=demo.headers("xx_officer"),
                           json={"lead_unit_id": demo.node(ZJJ).id})
    assert assigned.status_code == 200, assigned.text
    return assigned.json()


def _issue(client, demo, user="xx_officer", **body):
    return client.post("/api/supervisions", headers=demo.headers(user), json={
        "kind": "case", "subject": "安置房漏水问题", "requirements": "查明情况,限期维修,书面回报", **body})


def _notices(client, demo, user, **params) -> list[dict]:
    resp = client.get("/api/notifications", params=params, headers=demo.headers(user))
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]


@pytest.mark.today(2026, 11, 16)
def test_a_matter_supervised_reported_back_with_a_file_and_closed(client, demo, system_session):
    matter = _matter_at_zjj(client, demo)
    bad = _issue(client, demo, matter_id=matter["id"], due_on="2026-11-16")
    assert bad.status_code == 400 and "办理期限应晚于督办日期" in bad.json()["message"]
    assert _issue(client, demo, matter_id=matter["id"], due_on="2026-11-30", kind="phone").status_code == 400
    assert _issue(client, demo, "xx_supervisor", matter_id=matter["id"], due_on="2026-11-30").status_code == 403

    made = _issue(client, demo, matter_id=matter["id"], due_on="2026-11-30")
    assert made.status_code == 201, made.text
    order = made.json()
    assert (order["kind_label"], order["unit_name"], order["office_name"]) == ("立案督办", "西峡县住房和城乡建设局", "西峡县")
    assert order["status"] == "open" and order["matter_number"] == matter["number"] and not order["late"]
    assert order["number"].startswith("411323-DB-2026-")
    timeline = client.get(f"/api/matters/{matter['id']}", headers=demo.headers("xx_officer")).json()["timeline"]
    assert [e["label"] for e in timeline if e["action"] == "supervision"] == ["立案督办"]

    # the unit sees it and was told; others outside see nothing
    inbox = client.get("/api/supervisions", headers=demo.headers("xx_handler")).json()
    assert [o["id"] for o in inbox["items"]] == [order["id"]]
    told = [n for n in _notices(client, demo, "xx_handler") if n["kind"] == "supervision"]
    assert len(told) == 1 and "2026年11月30日前办理并回报" in told[0]["text"]
    assert client.get(f"/api/supervisions/{order['id']}", headers=demo.headers("xx_ds_officer")).status_code == 404

    # 督必有果: nothing to close before the unit has reported
    early = client.post(f"/api/supervisions/{order['id']}/close", headers=demo.headers("xx_officer"),
                        json={"outcome": "done", "result": "已维修"})
    assert early.status_code == 409 and "尚未回报" in early.json()["message"]
    # the office cannot report for the unit, the unit cannot close
    assert client.post(f"/api/supervisions/{order['id']}/reports", headers=demo.headers("xx_officer"),
                       files={"text": (None, "代报")}).status_code == 403
    assert client.post(f"/api/supervisions/{order['id']}/close", headers=demo.headers("xx_handler"),
                       json={"outcome": "done", "result": "x"}).status_code == 403

    content = "维修记录:2026年11月20日已更换防水层".encode()
    back = client.post(f"/api/supervisions/{order['id']}/reports", headers=demo.headers("xx_handler"),
                       data={"text": "已责成开发商维修,信访人认可"}, files={"file": ("维修记录.txt", content, "text/plain")})
    assert back.status_code == 200, back.text
    reported = back.json()
    assert reported["status"] == "reported" and reported["reports"][0]["reported_by"] == "陈敏"
    attachment = reported["reports"][0]["attachment"]
    assert attachment["filename"] == "维修记录.txt" and attachment["size"] == len(content)
    file = client.get(f"/api/supervisions/{order['id']}/reports/{reported['reports'][0]['id']}/file",
                      headers=demo.headers("xx_supervisor"))
    assert file.status_code == 200 and file.content == content
    assert [n["kind"] for n in _notices(client, demo, "xx_officer") if n["kind"].startswith("supervision")] == [
        "supervision_report"]

    half = client.post(f"/api/supervisions/{order['id']}/close", headers=demo.headers("xx_officer"),
                       json={"outcome": "partly", "result": "已维修,赔偿未落实"})
    assert half.status_code == 400 and "有责必究" in half.json()["message"]
    assert client.post(f"/api/supervisions/{order['id']}/close", headers=demo.headers("xx_supervisor"),
                       json={"outcome": "done", "result": "x"}).status_code == 403
    closed = client.post(f"/api/supervisions/{order['id']}/close", headers=demo.headers("xx_officer"),
                         json={"outcome": "done", "result": "漏水已修复,信访人息诉罢访"})
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status_label"], closed.json()["outcome_label"]) == ("已办结", "已落实")
    assert [h["action"] for h in closed.json()["history"]] == ["issue", "report", "close"]
    again = client.post(f"/api/supervisions/{order['id']}/reports", headers=demo.headers("xx_handler"),
                        files={"text": (None, "补充")})
    assert again.status_code == 409
    timeline = client.get(f"/api/matters/{matter['id']}", headers=demo.headers("xx_officer")).json()["timeline"]
    assert "督办办结" in [e["label"] for e in timeline]

    system_session.rollback()
    audited = system_session.scalar(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.object_type.in_(("supervision_orders", "supervision_reports"))))
    assert audited >= 4  # issued, reported (order and report), closed


@pytest.mark.today(2026, 11, 16)
def test_a_late_supervision_is_listed_late_and_its_office_told_once(app, client, demo, clock, system_session):
    far = _issue(client, demo, "xx_by_officer", kind="letter", unit_id=demo.node(ZJJ).id, due_on="2026-11-20")
    assert far.status_code == 404, "a township supervises only below itself"
    own = _issue(client, demo, "xx_by_officer", kind="letter", unit_id=demo.node(BAIYU).id, due_on="2026-11-20")
    assert own.status_code == 400
    made = _issue(client, demo, "xx_by_officer", kind="letter", unit_id=demo.node(CHENGDONG).id,
                  due_on="2026-11-20", subject="城东社区矛盾纠纷排查不到位")
    assert made.status_code == 201, made.text
    order = made.json()
    listing = client.get("/api/supervisions", params={"late": "true"}, headers=demo.headers("xx_by_officer")).json()
    assert listing["total"] == 0 and listing["late"] == 0

    clock.advance(days=7)  # Monday 23 November: three days past the due date, no report
    late = client.get("/api/supervisions", params={"late": "true"}, headers=demo.headers("xx_by_officer")).json()
    assert [(o["id"], o["late"], o["overdue_days"]) for o in late["items"]] == [(order["id"], True, 3)]
    assert late["late"] == 1
    county_view = client.get("/api/supervisions", params={"office_id": demo.node(BAIYU).id, "kind": "letter"},
                             headers=demo.headers("xx_officer")).json()
    assert [o["id"] for o in county_view["items"]] == [order["id"]]
    assert client.get("/api/supervisions", params={"status": "late"},
                      headers=demo.headers("xx_officer")).status_code == 400

    factory = app.state.session_factory
    for _ in range(2):
        scan_late(factory, clock())
    system_session.rollback()
    told = system_session.scalars(select(Notification).where(Notification.kind == "supervision_late")).all()
    assert [(n.node_id, n.recipient_user_id) for n in told] == [(demo.node(BAIYU).id, None)]
    assert "已逾期3日" in told[0].text
    jobs = system_session.scalar(select(func.count()).select_from(OutboxJob).where(
        OutboxJob.name == "notifications.deliver", OutboxJob.payload["notification_id"].as_integer() == told[0].id))
    assert jobs == 1

    # suspended: not late; resumed two days later: the due date moves by those two days
    path = f"/api/supervisions/{order['id']}"
    assert client.post(f"{path}/suspend", headers=demo.headers("xx_by_officer"), json={}).status_code == 400
    assert client.post(f"{path}/suspend", headers=demo.headers("xx_by_supervisor"),
                       json={"reason": "x"}).status_code == 403
    assert client.post(f"{path}/suspend", headers=demo.headers("xx_officer"), json={"reason": "x"}).status_code == 403, \
        "only the issuing office acts on its 督办"
    suspended = client.post(f"{path}/suspend", headers=demo.headers("xx_by_officer"),
                            json={"reason": "信访人外出务工,暂无法核实"})
    assert suspended.status_code == 200 and suspended.json()["late"] is False
    clock.advance(days=2)
    resumed = client.post(f"{path}/resume", headers=demo.headers("xx_by_officer"), json={})
    assert resumed.status_code == 200 and resumed.json()["due_on"] == "2026-11-22"
    assert resumed.json()["status"] == "open" and resumed.json()["overdue_days"] == 3
    set_due = client.post(f"{path}/suspend", headers=demo.headers("xx_by_officer"), json={"reason": "再次中止"})
    assert set_due.status_code == 200
    resumed = client.post(f"{path}/resume", headers=demo.headers("xx_by_officer"), json={"due_on": "2026-12-10"})
    assert resumed.json()["due_on"] == "2026-12-10" and resumed.json()["late"] is False

    ended = client.post(f"{path}/terminate", headers=demo.headers("xx_by_officer"), json={"reason": "问题已由上级统一处理"})
    assert ended.status_code == 200 and ended.json()["status_label"] == "已终止"
    assert client.post(f"{path}/resume", headers=demo.headers("xx_by_officer"), json={}).status_code == 409


@pytest.mark.today(2026, 11, 16)
def test_the_supervision_letter_is_generated_from_the_order(app, client, demo):
    import re
    import subprocess

    from xinfang.platform.jobs.embedded import run_pending

    matter = _matter_at_zjj(client, demo)
    order = _issue(client, demo, matter_id=matter["id"], due_on="2026-11-30").json()
    assert client.post(f"/api/supervisions/{order['id']}/letter", json={},
                       headers=demo.headers("xx_supervisor")).status_code == 403
    asked = client.post(f"/api/supervisions/{order['id']}/letter", json={}, headers=demo.headers("xx_officer"))
    assert asked.status_code == 202, asked.text
    run_pending(app.state.session_factory)
    doc = client.get(asked.json()["status_url"], headers=demo.headers("xx_officer")).json()
    assert doc["status"] == "done" and doc["kind"] == "supervision_letter", doc
    pdf = client.get(doc["file_url"], headers=demo.headers("xx_officer")).content
    text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-", "-"], input=pdf, check=True,
                                             capture_output=True).stdout.decode())
    assert "督办函" in text and "西峡县住房和城乡建设局" in text and "立案督办" in text
    assert matter["number"] in text and "2026年11月30日前" in text
