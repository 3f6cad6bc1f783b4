"""The screening and backlog ledgers: one-step conversion to a matter (linked both ways),
the 五个一 checklist, XLSX export/import in the annexes' layouts (round trip, and a bad
file that imports nothing), and supervisors who read every ledger and change none."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from xinfang.platform.intake.models import IntakeCase
from xinfang.platform.ledgers.models import BacklogEntry, ScreeningEntry
from xinfang.platform.people.models import Person
from xinfang.platform.reception.models import ReceptionRecord, RotaDuty

pytestmark = pytest.mark.today(2026, 11, 20)  # the records are dated in the week of 2026-11-16

TOWNSHIP, CHENGDONG, LIANHUA, GRID = "411323001", "411323001001", "411323001002", "411323001001-01"
ID_A, ID_B = "110105198001010016", "411323196803020036"
ANNEX_1 = ["序号", "社区(网格)", "排查时间", "当事人", "身份证号", "联系电话", "其他当事人", "涉及人数", "问题类别",
           "问题简要情况", "可能引发的风险", "责任单位", "责任领导", "责任人", "化解措施", "化解方案(一案一策)", "化解时限",
           "进展情况", "化解状态", "信访事项编号"]
ANNEX_2 = ["序号", "责任单位", "信访事项编号", "信访人", "问题类别", "问题简要情况", "列入原因", "积案成因", "包案领导",
           "工作专班", "化解方案", "会议纪要", "稳控措施", "化解时限", "进展情况", "化解状态"]


def _entry(client, demo, user="xx_grid", code=GRID, **extra):
    body = {"node_id": demo.node(code).id, "found_on": "2026-11-17", "party_name": "钱某某", "category": "欠薪",
            "summary": "某建筑公司拖欠12名农民工工资", "party_id_number": ID_A, "headcount": 12,
            "risks": ["collective", "opinion"], **extra}
    return client.post("/api/ledgers/screening", headers=demo.headers(user), json=body)


def _count(system_session, model) -> int:
    return system_session.scalar(select(func.count()).select_from(model))


def test_a_screening_entry_becomes_a_matter_in_one_step(client, demo, system_session):
    created = _entry(client, demo)
    assert created.status_code == 201, created.text
    entry = created.json()
    assert entry["party_id_number"] == "1101**********0016" and entry["risk_labels"] == "集体上访、负面舆论炒作"
    person = system_session.get(Person, entry["person_id"])
    assert person.node_id == demo.node(GRID).id and person.id_number == ID_A  # 一人一档 at the row's node

    refused = client.post(f"/api/ledgers/screening/{entry['id']}/matter", headers=demo.headers("xx_grid"), json={})
    assert refused.status_code == 403  # a grid worker screens; the township office registers matters

    resp = client.post(f"/api/ledgers/screening/{entry['id']}/matter", headers=demo.headers("xx_by_officer"),
                       json={"kind": "claim"})
    assert resp.status_code == 201, resp.text
    converted, matter = resp.json()["entry"], resp.json()["matter"]
    assert converted["matter_id"] == matter["id"] and converted["matter_number"] == matter["number"]
    assert converted["status"] == "in_progress"
    assert matter["owner_name"] == "白羽街道" and matter["category"] == "欠薪" and matter["received_on"] == "2026-11-17"
    assert matter["form"] == "collective" and matter["headcount"] == 12
    assert [(e["action"], e["label"]) for e in matter["timeline"]] == [("register", "登记"),
                                                                       ("linked", "由矛盾纠纷排查化解清单转入")]
    assert matter["timeline"][1]["data"]["source_id"] == entry["id"]
    # the link, read from either side
    assert client.get(f"/api/matters/{matter['id']}", headers=demo.headers("xx_by_officer")).status_code == 200
    assert client.get(f"/api/ledgers/screening/{entry['id']}",
                      headers=demo.headers("xx_by_supervisor")).json()["matter_id"] == matter["id"]

    again = client.post(f"/api/ledgers/screening/{entry['id']}/matter", headers=demo.headers("xx_by_officer"),
                        json={})
    assert again.status_code == 409
    anonymous = _entry(client, demo, party_id_number="", summary="邻里噪音").json()
    missing = client.post(f"/api/ledgers/screening/{anonymous['id']}/matter", headers=demo.headers("xx_by_officer"),
                          json={})
    assert missing.status_code == 400 and "身份证号" in missing.json()["message"]
    assert anonymous["person_id"] is None


def test_screening_rules(client, demo):
    bad = _entry(client, demo, category="不存在的分类", risks=["riot"], found_on="2026-11-17", deadline="2026-11-01",
                 party_id_number="110105198001010017")
    assert bad.status_code == 400
    problems = [d["message"] for d in bad.json()["details"]]
    assert any("校验位" in p for p in problems) and any("问题类别" in p for p in problems)
    assert any("可能引发的风险" in p for p in problems) and any("化解时限不能早于" in p for p in problems)
    long = _entry(client, demo, responsible_unit="某" * 101)
    assert long.status_code == 400 and "责任单位不能超过100个字" in long.json()["message"]
    outside = _entry(client, demo, code=LIANHUA)
    assert outside.status_code == 404  # the grid worker's scope is their grid
    entry = _entry(client, demo).json()
    done = client.patch(f"/api/ledgers/screening/{entry['id']}", headers=demo.headers("xx_grid"),
                        json={"status": "resolved", "progress": "工资已全部结清"})
    assert done.status_code == 200 and done.json()["resolved_on"] is not None
    frozen = client.patch(f"/api/ledgers/screening/{entry['id']}", headers=demo.headers("xx_grid"),
                          json={"party_name": "别人"})
    assert frozen.status_code == 400


def _matter(client, demo, **extra):
    resp = client.post("/api/matters", headers=demo.headers("xx_by_officer"), json={
        "node_id": demo.node(TOWNSHIP).id, "channel": "visit", "form": "individual", "kind": "claim",
        "category": "征地", "summary": "征地补偿款分配不公,多次到省上访", "received_on": "2026-10-09",
        "petitioners": [{"name": "马某", "id_number": ID_B}], **extra})
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_the_five_ones_must_all_be_in_place_before_a_backlog_matter_counts_as_resolved(client, demo):
    matter = _matter(client, demo, overreach="province")
    candidates = client.get("/api/ledgers/backlog/candidates", headers=demo.headers("xx_by_officer")).json()
    # registered on 10-09 and never assigned: the 15-day clock has run out, and it reached the province
    assert [(c["matter_id"], c["reasons"]) for c in candidates["items"]] == [(matter["id"], ["overdue", "overreach"])]

    body = {"matter_id": matter["id"], "deadline": "2027-01-15", "reasons": ["overreach", "repeat"],
            "leader": "周涛(党工委书记)", "plan": "分三步:核实名单、公开分配方案、逐户谈话"}
    listed = client.post("/api/ledgers/backlog", headers=demo.headers("xx_by_officer"), json=body)
    assert listed.status_code == 201, listed.text
    row = listed.json()
    assert row["matter_number"] == matter["number"] and row["petitioners"] == "马某"
    assert [(i["label"], i["done"]) for i in row["five_ones"]["items"]] == [
        ("一个领导包案", True), ("一个工作专班", False), ("一套化解方案", True), ("一份会议纪要", False),
        ("一套稳控措施", False)]
    assert row["five_ones"]["complete"] is False
    assert client.post("/api/ledgers/backlog", headers=demo.headers("xx_by_officer"), json=body).status_code == 409
    assert client.get("/api/ledgers/backlog/candidates", headers=demo.headers("xx_by_officer")).json()["total"] == 0

    early = client.patch(f"/api/ledgers/backlog/{row['id']}", headers=demo.headers("xx_by_officer"),
                         json={"status": "resolved"})
    assert early.status_code == 409
    assert "一个工作专班、一份会议纪要、一套稳控措施" in early.json()["message"]
    filled = client.patch(f"/api/ledgers/backlog/{row['id']}", headers=demo.headers("xx_by_officer"), json={
        "task_team": "街道信访办、国土所、村两委", "minutes": "2026-11-20 专题协调会纪要", "stabilising": "村干部包联,每日见面",
        "status": "resolved", "progress": "补偿款已重新分配到户"})
    assert filled.status_code == 200, filled.text
    assert filled.json()["five_ones"]["complete"] is True and filled.json()["resolved_on"] is not None
    complete = client.get("/api/ledgers/backlog", headers=demo.headers("xx_supervisor"), params={"complete": True})
    assert complete.json()["total"] == 1
    # a grid worker may write screening entries but cannot reach the township's matters
    assert client.post("/api/ledgers/backlog", headers=demo.headers("xx_grid"),
                       json={**body, "matter_id": _matter(client, demo)["id"]}).status_code == 404


def _xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


def _import(client, demo, path, content, user="xx_by_officer", code=TOWNSHIP):
    return client.post(path, headers=demo.headers(user), params={"node_id": demo.node(code).id},
                       files={"data": ("清单.xlsx", io.BytesIO(content))})


def test_screening_ledger_round_trips_through_xlsx_and_a_bad_file_imports_nothing(client, demo, system_session):
    rows = [
        ANNEX_1,
        [1, "城东社区第一网格", "2026-11-16", "钱某某", ID_A, "13812345678", "钱某乙", 3, "欠薪", "拖欠装修工人工资",
         "集体上访", "城东社区居委会", "陈第一", "冯梅", "约谈包工头", "社区牵头调解,劳动监察介入", "2026-11-30",
         "已约谈一次", "化解中", ""],
        [2, "莲花社区", "2026-11-17", "孙某", ID_B, "", "", 1, "邻里纠纷", "排水沟堵塞引发争执", "",
         "莲花社区居委会", "李明", "网格员", "现场疏通", "", "", "", "未化解", ""],
    ]
    imported = _import(client, demo, "/api/ledgers/screening/import", _xlsx(rows))
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"imported": 2}

    exported = client.get("/api/ledgers/screening/export", headers=demo.headers("xx_by_officer"),
                          params={"node_id": demo.node(TOWNSHIP).id, "unmask": True})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("application/vnd.openxml")
    sheet = _sheet(exported.content)
    assert sheet == rows  # header exactly annex 1's, every cell as imported
    masked = _sheet(client.get("/api/ledgers/screening/export", headers=demo.headers("xx_by_officer")).content)
    assert masked[1][4] == "1101**********0016" and masked[1][5] == "138****5678"

    again = _import(client, demo, "/api/ledgers/screening/import", exported.content)
    assert again.status_code == 400
    assert [d["row"] for d in again.json()["details"]] == [2, 3] and "未导入任何数据" in again.json()["message"]

    before = _count(system_session, ScreeningEntry)
    bad = _import(client, demo, "/api/ledgers/screening/import", _xlsx([
        ANNEX_1[:-1],
        [1, "城东社区", "2026-11-18", "周某", "", "", "", 1, "房地产", "物业纠纷", "", "", "", "", "", "", "", "", "", ""],
        [2, "城东社区", "2026-11-18", "吴某", "110105198001010017", "", "", 1, "打架", "口角", "", "", "", "", "", "",
         "", "", "", ""],
        [3, "丹水村", "2026/13/01", "郑某", "", "", "", "很多", "欠薪", "欠薪", "暴动", "", "", "", "", "", "", "", "",
         ""],
    ]))
    assert bad.status_code == 400
    messages = [d["message"] for d in bad.json()["details"]]
    assert {d["row"] for d in bad.json()["details"]} == {3, 4}
    assert any(m.startswith("第3行:") and "校验位" in m for m in messages)
    assert any(m.startswith("第3行:") and "问题类别" in m for m in messages)
    assert any(m.startswith("第4行:") and "丹水村" in m for m in messages)  # another township's village
    assert any(m.startswith("第4行:") and "2026/13/01" in m for m in messages)
    assert any(m.startswith("第4行:") and "涉及人数" in m for m in messages)
    assert _count(system_session, ScreeningEntry) == before  # the good row 2 was not imported either
    missing = _import(client, demo, "/api/ledgers/screening/import", _xlsx([["序号", "当事人"], [1, "某人"]]))
    assert missing.status_code == 400 and "排查时间" in missing.json()["message"]


def test_backlog_ledger_exports_and_imports_in_annex_two_layout(client, demo, system_session):
    first, second = _matter(client, demo), _matter(client, demo, summary="土地确权面积争议")
    rows = [ANNEX_2,
            [1, "白羽街道", first["number"], "马某", "征地", first["summary"], "重复信访", "历史遗留", "周涛", "专班",
             "方案", "纪要", "稳控", "2027-03-31", "已召开听证会", "化解中"]]
    assert _import(client, demo, "/api/ledgers/backlog/import", _xlsx(rows)).json() == {"imported": 1}
    exported = _sheet(client.get("/api/ledgers/backlog/export", headers=demo.headers("xx_supervisor")).content)
    assert exported == rows

    bad = _import(client, demo, "/api/ledgers/backlog/import", _xlsx([
        ANNEX_2,
        [1, "", second["number"], "", "", "", "重复信访", "", "", "", "", "", "", "2027-03-31", "", "已化解"],
        [2, "", "411323-2026-999999", "", "", "", "越级", "", "", "", "", "", "", "2027-03-31", "", ""],
        [3, "", first["number"], "", "", "", "重复信访", "", "", "", "", "", "", "2027-03-31", "", ""]]))
    assert bad.status_code == 400
    by_row: dict[int, str] = {}
    for d in bad.json()["details"]:
        by_row[d["row"]] = by_row.get(d["row"], "") + d["message"]
    assert "五个一" in by_row[2] and "411323-2026-999999" in by_row[3] and "已列入" in by_row[4]
    assert _count(system_session, BacklogEntry) == 1


def test_supervisors_read_every_ledger_and_change_none(client, demo, system_session):
    township = demo.node(TOWNSHIP).id
    entry = _entry(client, demo).json()
    matter = _matter(client, demo)
    listed = client.post("/api/ledgers/backlog", headers=demo.headers("xx_by_officer"),
                         json={"matter_id": matter["id"], "deadline": "2027-01-15", "reasons": ["repeat"]}).json()
    duty = client.post("/api/reception/rota", headers=demo.headers("xx_by_officer"), json={
        "node_id": township, "on": "2026-11-16", "leader_name": "周涛", "place": "接访室"}).json()
    record = client.post("/api/reception/records", headers=demo.headers("xx_by_leader"), json={
        "node_id": township, "received_on": "2026-11-16", "leader_name": "周涛", "visitor_name": "刘某",
        "category": "欠薪", "summary": "欠薪"}).json()
    case = client.post("/api/intake/cases", headers=demo.headers("xx_by_officer"), json={
        "node_id": township, "visitor_name": "何某", "category": "欠薪", "summary": "欠薪"}).json()
    counts = {m: _count(system_session, m) for m in (ScreeningEntry, BacklogEntry, RotaDuty, ReceptionRecord,
                                                      IntakeCase)}

    for supervisor in ("xx_supervisor", "xx_by_supervisor"):
        headers = demo.headers(supervisor)
        for path in ("/api/ledgers/screening", "/api/ledgers/backlog", "/api/reception/records", "/api/intake/cases"):
            resp = client.get(path, headers=headers)
            assert resp.status_code == 200 and resp.json()["total"] == 1, (supervisor, path, resp.text)
        rota = client.get("/api/reception/rota", headers=headers, params={"start": "2026-11-16", "end": "2026-11-20"})
        assert [d["id"] for d in rota.json()["items"]] == [duty["id"]]
        # each export with a date filter it declares (an undeclared one is refused, not ignored)
        for path, params in (("/api/ledgers/screening/export", {"found_from": "2026-11-16"}),
                             ("/api/ledgers/backlog/export", {}),
                             ("/api/reception/records/export", {"received_from": "2026-11-16"}),
                             ("/api/reception/rota/export", {"start": "2026-11-16"})):
            assert client.get(path, headers=headers, params=params).status_code == 200, path
        writes = [
            client.patch(f"/api/ledgers/screening/{entry['id']}", headers=headers, json={"progress": "改"}),
            client.post(f"/api/ledgers/screening/{entry['id']}/matter", headers=headers, json={}),
            client.patch(f"/api/ledgers/backlog/{listed['id']}", headers=headers, json={"plan": "改"}),
            client.delete(f"/api/reception/rota/{duty['id']}", headers=headers),
            client.patch(f"/api/reception/records/{record['id']}", headers=headers, json={"result": "改"}),
            client.post(f"/api/intake/cases/{case['id']}/triage", headers=headers,
                        json={"decision": "on_spot", "note": "改"}),
            client.post("/api/reporting/submissions", headers=headers,
                        json={"node_id": demo.node(CHENGDONG).id, "kind": "screening"}),
        ]
        assert [w.status_code for w in writes] == [403] * len(writes)
        # unmasking personal data in an export is theirs to do (pii:read), and it is audited
        assert client.get("/api/ledgers/screening/export", headers=headers,
                          params={"unmask": True}).status_code == 200
    assert {m: _count(system_session, m) for m in counts} == counts
    assert system_session.get(ScreeningEntry, entry["id"]).progress == ""


def test_one_person_file_whichever_way_the_person_comes_in(client, demo, system_session):
    """一人一档: a ledger row, the people register and a matter at the same node find one file,
    however the identity number was typed (full-width digits, spaces)."""
    typed = "".join(chr(ord(c) + 0xFEE0) for c in ID_A[:6]) + " " + ID_A[6:]  # １１０１０５ 198001010016
    entry = _entry(client, demo, user="xx_by_officer", code=TOWNSHIP, party_id_number=typed)
    assert entry.status_code == 201, entry.text
    person_id = entry.json()["person_id"]
    assert system_session.get(Person, person_id).id_number == ID_A

    again = client.post("/api/people", headers=demo.headers("xx_by_officer"),
                        json={"node_id": demo.node(TOWNSHIP).id, "name": "钱某某", "id_number": ID_A})
    assert again.status_code == 409 and f"编号{person_id}" in again.json()["message"]

    matter = client.post("/api/matters", headers=demo.headers("xx_by_officer"), json={
        "node_id": demo.node(TOWNSHIP).id, "channel": "visit", "form": "individual", "kind": "claim",
        "category": "欠薪", "summary": "反映拖欠工资", "received_on": "2026-11-18",
        "petitioners": [{"name": "钱某某", "id_number": f" {ID_A} ", "phone": "", "address": ""}]})
    assert matter.status_code == 201, matter.text
    assert [p["person_id"] for p in matter.json()["petitioners"]] == [person_id]
    assert system_session.scalar(select(func.count()).select_from(Person).where(Person.id_number == ID_A)) == 1
