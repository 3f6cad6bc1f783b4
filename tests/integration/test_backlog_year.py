"""The 信访积案化解年 (seed 003) over HTTP: a county's year from the seed's dates (start 5-17).

Candidates proposed from the data and confirmed, one handed down from above, one removed
with a reason; 六清楚, classes; 交办 with 五包 while the county's rule stays 四包; 九个一 and
五包 with files; one 积案 销号 with a complete 六有 dossier (its PDF shows each part), one
refused because the leader's signed report is missing, one overdue on its 60th working day
across National Day (2026-07-13 + 60 working days = 2026-10-10, the make-up Saturday); the
metrics and the closing report carry those figures. Supervisors read, and change nothing.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from xinfang.platform.accounts.models import User
from xinfang.platform.jobs.embedded import run_pending
from xinfang.platform.matters.models import MatterClock
from xinfang.platform.matters.scan import scan

COUNTY, QINGYANG, MEILING = "350582", "350582001", "350582002"
P1 = {"name": "林阿水", "id_number": "350582195001011233"}
P2 = {"name": "许金花", "id_number": "350582195202020021"}
P3 = {"name": "陈天赐", "id_number": "350582196003031232"}
P4 = {"name": "黄木生", "id_number": "350582194504041237"}


def _ok(resp, status=200):
    assert resp.status_code == status, resp.text
    return resp.json()


def _matter(client, demo, user, code, person, category, received_on) -> dict:
    return _ok(client.post("/api/matters", headers=demo.headers(user), json={
        "node_id": demo.node(code).id, "channel": "visit", "form": "individual", "kind": "claim",
        "category": category, "summary": f"{person['name']}反映{category}问题多年未解决", "petitioners": [person],
        "received_on": received_on}), 201)


def _user_id(system_session, username: str) -> int:
    return system_session.scalar(select(User.id).where(User.username == username))


def _pdf_text(content: bytes, tmp_path: Path) -> str:
    path = tmp_path / "dossier.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\s+", "", text)


def _document(app, client, demo, base, key, user, **body) -> bytes:
    asked = client.post(f"{base}/documents/{key}", headers=demo.headers(user), json=body)
    assert asked.status_code == 202, asked.text
    run_pending(app.state.session_factory)
    doc = _ok(client.get(asked.json()["status_url"], headers=demo.headers(user)))
    assert doc["status"] == "done", doc
    resp = client.get(f"/api/documents/{doc['id']}/file", headers=demo.headers(user))
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/pdf"
    return resp.content


@pytest.mark.today(2026, 5, 17)
def test_a_countys_backlog_year(app, client, demo, clock, system_session, tmp_path):
    # --- the data: three old chains in 青阳街道 (petitioning since 2008), one newer one in 梅岭街道
    olds = {}
    for person, category, arose in ((P1, "城镇房屋拆迁", "2008-06-10"), (P2, "社会保障", "2007-03-02"),
                                    (P4, "征地", "2006-11-20")):
        _matter(client, demo, "jj_qy_officer", QINGYANG, person, category, arose)
        olds[person["name"]] = _matter(client, demo, "jj_qy_officer", QINGYANG, person, category, "2026-05-10")
        assert olds[person["name"]]["repeat_count"] == 2
    _matter(client, demo, "jj_ml_officer", MEILING, P3, "农村土地承包", "2015-04-01")
    handed = _matter(client, demo, "jj_ml_officer", MEILING, P3, "农村土地承包", "2026-05-12")
    k1_matter, k2_matter, k4_matter = (olds[p["name"]]["id"] for p in (P1, P2, P4))

    # --- enabling for the whole county from the seed's date: four phases anchored to the year
    county = demo.node(COUNTY).id
    campaign = _ok(client.post("/api/campaigns", headers=demo.headers("jj_admin"), json={
        "type": "backlog_year", "title": "2026年信访积案化解年", "scope_node_ids": [county],
        "starts_on": "2026-05-17"}), 201)
    assert [(p["name"], p["starts_on"], p["ends_on"]) for p in campaign["phases"]] == [
        ("排查准备", "2026-05-17", "2026-06-30"), ("集中化解", "2026-07-01", "2026-09-30"),
        ("督导检查", "2026-10-01", "2026-10-31"), ("审理结案", "2026-11-01", "2026-12-31")]
    assert campaign["ends_on"] == "2026-12-31"
    base = f"/api/campaigns/{campaign['id']}/backlog-year"
    assert _ok(client.get(f"{base}/settings", headers=demo.headers("jj_officer"))) == {
        "cutoff": "2008-12-31", "dossier_due_on": "2026-10-15"}

    # --- 排查准备: candidates from the data, confirmed; one from above; one removed
    proposed = _ok(client.get(f"{base}/candidates", headers=demo.headers("jj_officer")))
    assert sorted(c["matter_id"] for c in proposed) == sorted([k1_matter, k2_matter, k4_matter])
    not_old = client.post(f"{base}/cases", headers=demo.headers("jj_ml_officer"),
                          json={"matter_id": handed["id"], "source": "proposed"})
    assert not_old.status_code == 400 and "不在系统提出的积案候选中" in not_old.json()["message"]
    bare = client.post(f"{base}/cases", headers=demo.headers("jj_ml_officer"),
                       json={"matter_id": handed["id"], "source": "above"})
    assert bare.status_code == 400 and "交办机关" in bare.json()["message"]
    watcher = client.post(f"{base}/cases", headers=demo.headers("jj_supervisor"), json={"matter_id": k1_matter})
    assert watcher.status_code == 403
    k1, k2, k4 = (_ok(client.post(f"{base}/cases", headers=demo.headers("jj_qy_officer"),
                                  json={"matter_id": m, "source": "proposed"}), 201)
                  for m in (k1_matter, k2_matter, k4_matter))
    k3 = _ok(client.post(f"{base}/cases", headers=demo.headers("jj_ml_officer"), json={
        "matter_id": handed["id"], "source": "above", "note": "市联办〔2026〕3号交办函"}), 201)
    again = client.post(f"{base}/cases", headers=demo.headers("jj_qy_officer"), json={"matter_id": k1_matter,
                                                                                      "source": "proposed"})
    assert again.status_code == 409
    assert client.post(f"{base}/cases/{k4['id']}/remove", headers=demo.headers("jj_qy_officer"),
                       json={"reason": " "}).status_code == 400
    removed = _ok(client.post(f"{base}/cases/{k4['id']}/remove", headers=demo.headers("jj_qy_officer"),
                              json={"reason": "经核实信访人已于2025年签订息诉罢访协议"}))
    assert removed["status"] == "removed"
    # a matter removed with its reason is not proposed again (it may still be added from screening)
    assert _ok(client.get(f"{base}/candidates", headers=demo.headers("jj_officer"))) == []

    six = {"background": "2008年拆迁安置,补偿标准争议延续至今", "mindset": "情绪激动,对基层干部不信任",
           "handlers": "历次经办人认为补偿已按当时标准到位", "relatives": "其子在县城任教师,愿意做工作",
           "notables": "原村支书在群众中威信较高", "policies": "《国有土地上房屋征收与补偿条例》及本县安置办法"}
    assert client.put(f"{base}/cases/{k1['id']}/findings", headers=demo.headers("jj_qy_officer"),
                      json={"mindset": "好"}).status_code == 400  # a finding in words, not a tick
    for case in (k1, k2):
        found = _ok(client.put(f"{base}/cases/{case['id']}/findings", headers=demo.headers("jj_qy_officer"),
                               json=six))
        assert found["findings_done"] == 6
    for case, key, user in ((k1, "clear_basis", "jj_qy_officer"), (k2, "excessive", "jj_qy_officer"),
                            (k3, "mixed", "jj_ml_officer")):
        _ok(client.put(f"{base}/cases/{case['id']}/class", headers=demo.headers(user),
                       json={"class_key": key, "note": "依据调查结果确定化解办法"}))

    # --- 集中化解: 交办 on 7-13 with 五包 (the county's rule stays 四包) and 60 working days
    clock.on(2026, 7, 13)
    township_leader, county_leader = _user_id(system_session, "jj_qy_leader"), _user_id(system_session, "jj_leader")
    for case, leader, user, day, due in (
            (k1, township_leader, "jj_qy_officer", 13, "2026-10-10"), (k3, county_leader, "jj_ml_officer", 13,
                                                                        "2026-10-10"),
            (k2, township_leader, "jj_qy_officer", 20, "2026-10-16")):
        clock.on(2026, 7, day)
        assigned = _ok(client.post(f"{base}/cases/{case['id']}/assign", headers=demo.headers(user),
                                   json={"leader_user_id": leader, "unit": "街道城建办"}))
        # 60 working days: 7-14…9-30 gives 57 (9-20 a make-up Sunday, 9-25 中秋), 10-1…10-7 rest,
        # then 10-8, 10-9 and the make-up Saturday 10-10
        assert assigned["due_on"] == due
        assert assigned["ownership"]["checklist_label"] == "五包" and len(assigned["ownership"]["items"]) == 5
    rules = _ok(client.get(f"/api/counties/{county}/matter-rules", headers=demo.headers("jj_admin")))
    assert rules["ownership_checklist"] == "four"

    campaign_base = f"/api/campaigns/{campaign['id']}"
    nine = ("leader", "team", "meeting", "plan", "stabilising", "deadline", "minutes", "visit")
    for item in nine:
        _ok(client.post(f"{campaign_base}/matters/{k1_matter}/ticks", headers=demo.headers("jj_qy_officer"),
                        data={"item": item, "done_on": "2026-07-13"},
                        files={"files": (f"{item}.txt", f"{item}的记录".encode())}), 201)
    _ok(client.post(f"{campaign_base}/matters/{k2_matter}/ticks", headers=demo.headers("jj_qy_officer"),
                    data={"item": "stabilising", "done_on": "2026-07-13"},
                    files={"files": ("稳控.txt", "稳控措施".encode())}), 201)
    progress = _ok(client.get(f"{campaign_base}/matters", headers=demo.headers("jj_officer")))
    assert (progress["required"], progress["done"], progress["complete"]) == (24, 9, 1)
    for label in ("包掌握情况", "包思想转化", "包解决问题", "包劝返", "包息诉罢访"):
        _ok(client.post(f"/api/matters/{k1_matter}/ownership/items", headers=demo.headers("jj_qy_leader"),
                        json={"item": label, "note": "已落实", "evidence": "走访记录"}))
    for case, name in ((k1, "答复意见书.pdf"), (k2, "回访记录.pdf")):
        _ok(client.post(f"{base}/cases/{case['id']}/dossier/reply", headers=demo.headers("jj_qy_officer"),
                        files={"files": (name, b"%PDF-1.4 reply")}), 201)
    # the report is the leader's own: the officer cannot sign it
    assert client.post(f"{base}/cases/{k1['id']}/report", headers=demo.headers("jj_qy_officer"),
                       json={"text": "经查,补偿已按新标准补足,信访人签字息诉"}).status_code == 403
    signed = _ok(client.post(f"{base}/cases/{k1['id']}/report", headers=demo.headers("jj_qy_leader"),
                             json={"text": "经查,补偿已按新标准补足,信访人签字息诉"}))
    assert signed["report_signed_by"] == "丁海峰"

    # a new petition of 许金花 (K2) at the county after it was confirmed: not stable, a revisit
    clock.on(2026, 8, 3)
    _matter(client, demo, "jj_officer", COUNTY, P2, "社会保障", "2026-08-03")

    # --- 审理 and 销号: K1 closes; K2 is refused, its dossier lacks the signed report
    clock.on(2026, 9, 21)
    _ok(client.post(f"{base}/cases/{k1['id']}/review", headers=demo.headers("jj_qy_officer"),
                    json={"note": "六有齐全"}))
    closed = _ok(client.post(f"{base}/cases/{k1['id']}/close", headers=demo.headers("jj_qy_officer"), json={}))
    assert closed["status"] == "closed" and closed["clock"]["state"] == "met"
    refused = client.post(f"{base}/cases/{k2['id']}/close", headers=demo.headers("jj_qy_officer"), json={})
    assert refused.status_code == 409 and "缺少包案领导签字的查办报告" in refused.json()["message"]
    k2_now = _ok(client.get(f"{base}/cases/{k2['id']}", headers=demo.headers("jj_supervisor")))
    assert [p["part"] for p in k2_now["dossier"] if not p["complete"]] == ["report"]

    # --- 督导检查 with its follow-up
    clock.on(2026, 10, 9)
    seen = _ok(client.post(f"{base}/inspections", headers=demo.headers("jj_officer"), json={
        "node_id": demo.node(MEILING).id, "inspectors": "县信访局督查科", "findings": "积案化解进度滞后",
        "corrections": "10月底前召开协调会"}), 201)
    _ok(client.post(f"{base}/inspections/{seen['id']}/follow-up", headers=demo.headers("jj_ml_officer"),
                    json={"note": "已召开协调会,明确化解方案"}))

    # --- the 60th working day (a make-up Saturday) is not late; the Monday after is
    clock.on(2026, 10, 10)
    assert _ok(client.get(f"{base}/figures", headers=demo.headers("jj_officer")))["overdue"] == 0
    clock.on(2026, 10, 12)
    scan(app.state.session_factory, clock.now.date())
    system_session.rollback()  # a fresh read after the scan's writes
    late = system_session.scalar(select(MatterClock).where(MatterClock.matter_id == handed["id"],
                                                           MatterClock.kind == "backlog"))
    assert (late.due_on.isoformat(), late.state, late.escalation_level) == ("2026-10-10", "overdue", 1)

    found = _ok(client.get(f"{base}/figures", headers=demo.headers("jj_supervisor")))
    assert (found["total"], found["closed"], found["overdue"], found["stable"], found["revisited"]) == (3, 1, 1, 2, 1)
    assert (found["resolution_rate"], found["stability_rate"], found["revisit_rate"]) == (0.3333, 0.6667, 0.3333)
    assert {c["key"]: c["count"] for c in found["by_class"]} == {
        "clear_basis": 1, "excessive": 1, "unreasonable": 0, "mixed": 1}
    assert [(p["name"], p["confirmed"], p["closed"]) for p in found["by_phase"]] == [
        ("排查准备", 3, 0), ("集中化解", 0, 1), ("督导检查", 0, 0), ("审理结案", 0, 0)]
    assert [b["number"] for b in found["behind"]] == [handed["number"]]
    assert [(u["name"], u["total"], u["closed"], u["overdue"]) for u in found["units"]] == [
        ("晋江市", 3, 1, 1), ("青阳街道", 2, 1, 0), ("梅岭街道", 1, 0, 1)]
    metrics = {m["key"]: m for m in _ok(client.get(f"{campaign_base}/metrics", headers=demo.headers("jj_admin")))}
    assert [(metrics[k]["value"], metrics[k]["met"]) for k in ("resolution_rate", "stability_rate", "revisit_rate")] \
        == [(0.3333, False), (0.6667, False), (0.3333, False)]

    # the supervisor reads everything and changes nothing
    assert len(_ok(client.get(f"{base}/cases", headers=demo.headers("jj_supervisor")))) == 4
    for path, body in ((f"/cases/{k2['id']}/close", {}),
                       ("/inspections", {"node_id": county, "inspectors": "x", "findings": "y"})):
        assert client.post(base + path, headers=demo.headers("jj_supervisor"), json=body).status_code == 403

    # --- the documents: the 六有 dossier of K1 shows each part; the closing report the figures
    text = _pdf_text(_document(app, client, demo, base, "dossier", "jj_qy_officer", case_id=k1["id"]), tmp_path)
    for part in ("目录", "一、基本案情材料", "二、交办案件台账及交办函", "三、确定包案领导和责任单位的文件或纪要",
                 "四、包案领导签字的查办报告及相关材料", "五、答复信访人的书面材料和回访材料", "六、目前采取的稳控措施",
                 "答复意见书.pdf", "包案领导丁海峰于2026年7月20日签字确认", "2026年7月13日交办",
                 "“一套稳控措施”于2026-07-13落实;附stabilising.txt"):
        assert part in text, part
    report = _pdf_text(_document(app, client, demo, base, "closing", "jj_officer"), tmp_path)
    for figure in ("共确认信访积案3件,已结案销号1件,尚在化解2件", "超过60个工作日未办结1件", "33.3%(1/3)",
                   "66.7%(2/3)", "青阳街道21", handed["number"]):
        assert figure in report, figure
    notice = _pdf_text(_document(app, client, demo, base, "assignment", "jj_officer"), tmp_path)
    assert "现将3件信访积案实行领导包案" in notice and "蔡国华" in notice and "2026年10月10日" in notice
    for key in ("opinion", "ledger"):
        assert _document(app, client, demo, base, key, "jj_officer")[:4] == b"%PDF"


@pytest.mark.today(2026, 5, 17)
def test_the_dossier_binds_its_filed_files(app, client, demo, tmp_path):
    """The 六有 dossier as one bound file: the filed PDF's pages and the photo after their part,
    a damaged PDF listed 未并入; the bound file verifies by its SHA-256 and by its code."""
    import io

    import pypdf
    from PIL import Image

    from tests.unit.test_dossier_binding import text_pdf

    matter = _matter(client, demo, "jj_qy_officer", QINGYANG, P1, "城镇房屋拆迁", "2026-05-10")
    campaign = _ok(client.post("/api/campaigns", headers=demo.headers("jj_admin"), json={
        "type": "backlog_year", "title": "2026年信访积案化解年", "scope_node_ids": [demo.node(COUNTY).id],
        "starts_on": "2026-05-17"}), 201)
    base = f"/api/campaigns/{campaign['id']}/backlog-year"
    case = _ok(client.post(f"{base}/cases", headers=demo.headers("jj_qy_officer"), json={
        "matter_id": matter["id"], "source": "above", "note": "市联办〔2026〕3号交办函"}), 201)
    photo = io.BytesIO()
    Image.new("RGB", (800, 600), "lightblue").save(photo, "JPEG")
    for part, name, content in (("case", "现场照片.jpg", photo.getvalue()),
                                ("reply", "答复意见书.pdf", text_pdf(["REPLY-ONE", "REPLY-TWO"])),
                                ("reply", "回访记录.pdf", b"%PDF-1.4 damaged")):
        _ok(client.post(f"{base}/cases/{case['id']}/dossier/{part}", headers=demo.headers("jj_qy_officer"),
                        files={"files": (name, content)}), 201)

    bound = _document(app, client, demo, base, "dossier", "jj_qy_officer", case_id=case["id"])
    pages = len(pypdf.PdfReader(io.BytesIO(bound)).pages)
    text = _pdf_text(bound, tmp_path)
    assert text.index("一、基本案情材料") < text.index("附件：一、基本案情材料|现场照片.jpg") \
        < text.index("五、答复信访人的书面材料和回访材料") < text.index("REPLY-ONE") < text.index("REPLY-TWO") \
        < text.index("六、目前采取的稳控措施")
    assert "已并入,共2页" in text and "未并入:PDF文件已损坏" in text
    documents = _ok(client.get("/api/documents", headers=demo.headers("jj_qy_officer")))
    document = next(d for d in (documents["items"] if isinstance(documents, dict) else documents)
                    if d["kind"] == "backlog_year_dossier")
    assert document["pages"] == pages and document["sha256"] == hashlib.sha256(bound).hexdigest()
    assert text.count(document["code"]) == pages  # the code on every page, the bound files' too
    verified = _ok(client.post("/api/documents/verify", headers=demo.headers("jj_supervisor"),
                               files={"data": ("案卷.pdf", bound)}))
    assert verified["match"] and verified["document"]["id"] == document["id"]
    assert _ok(client.get(f"/api/documents/code/{document['code']}", headers=demo.headers("jj_supervisor")))["match"]
