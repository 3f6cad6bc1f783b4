"""Matters as spreadsheets, over HTTP: the export holds exactly the filtered list, masked
unless a pii:read holder asks, never the accuser for the accused unit, and is audited; the
import registers every row of a good file and nothing at all from a file with a bad row."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from xinfang.platform import clock
from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.calendar.service import WorkCalendar
from xinfang.platform.matters import exporting, importing
from xinfang.platform.matters.models import Matter, MatterClock, MatterCounter, MatterEvent, MatterPetitioner
from xinfang.platform.people.models import Person
from xinfang.platform.privacy.fields import PROTECTED_NOTICE
from xinfang.platform.privacy.identity import check_digit

ID = "11010519491231002X"
MASKED_ID = "1101**********002X"
PHONE = "13912345678"
COUNTY, BAIYU, DANSHUI, CHENGDONG = "411323", "411323001", "411323100", "411323001001"
IMPORT_HEADERS = ["登记日期", "登记单位代码", "信访渠道", "信访形式", "人数", "事项类别", "问题分类", "摘要", "诉求",
                  "越级情况", "信访人姓名", "身份证号", "联系电话", "住址", "办结日期"]


def _id(n: int) -> str:
    first17 = f"41132319800101{n:03d}"
    return first17 + check_digit(first17)


def _register(client, demo, user="xx_officer", node=COUNTY, received_on=None, **extra):
    body = {"node_id": demo.node(node).id, "channel": "visit", "form": "individual", "kind": "claim",
            "category": "欠薪", "summary": "反映工地欠薪", "demands": "要求支付工资",
            "petitioners": [{"name": "王五", "id_number": ID, "phone": PHONE, "address": "城东社区2号"}],
            "received_on": (received_on or clock.today()).isoformat(), **extra}
    resp = client.post("/api/matters", json=body, headers=demo.headers(user))
    assert resp.status_code == 201, resp.text
    return resp.json()


def _rows(resp) -> list[dict]:
    assert resp.status_code == 200, resp.text
    if resp.headers["content-type"].startswith("text/csv"):
        return list(csv.DictReader(io.StringIO(resp.content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(resp.content)).worksheets[0]
    header, *body = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in body]


def _export(client, demo, user="xx_officer", **params):
    return client.get("/api/matters/export", params=params, headers=demo.headers(user))


def _listed(client, demo, user="xx_officer", **params) -> list[str]:
    resp = client.get("/api/matters", params={**params, "per_page": 200}, headers=demo.headers(user))
    assert resp.status_code == 200, resp.text
    return [m["number"] for m in resp.json()["items"]]


@pytest.fixture
def matters(client, demo):
    """Matters of several units, categories, states and deadline states in 西峡县."""
    zjj = demo.node("411323-ZJJ").id
    old = clock.today() - dt.timedelta(days=40)  # its 15-day disposal deadline has passed
    made = [
        _register(client, demo, received_on=old),
        _register(client, demo, category="征地", summary="反映征地补偿标准偏低"),
        _register(client, demo, user="xx_by_officer", node=BAIYU, received_on=old, category="邻里纠纷"),
        _register(client, demo, user="xx_by_officer", node=CHENGDONG),
        _register(client, demo, user="xx_ds_officer", node=DANSHUI, category="征地"),
        _register(client, demo, kind="suggestion", category="环境保护", summary="建议整治河道"),
    ]
    for m in made[:2]:
        resp = client.post(f"/api/matters/{m['id']}/actions/assign", headers=demo.headers("xx_officer"),
                           json={"lead_unit_id": zjj, "on": clock.today().isoformat()})
        assert resp.status_code == 200, resp.text
    return made


def test_export_holds_exactly_the_filtered_list(client, demo, matters):
    baiyu = demo.node(BAIYU).id
    everything = _listed(client, demo)
    assert len(everything) == len(matters)
    cases = [{}, {"state": "assigned"}, {"state": "registered"}, {"category": "征地"}, {"category": "欠薪"},
             {"deadline_state": "overdue"}, {"deadline_state": "on_time"}, {"node_id": baiyu},
             {"node_id": baiyu, "category": "欠薪"}, {"open": "true", "kind": "suggestion"},
             {"sort": "due_on", "descending": "false"}, {"q": "征地"}]
    for params in cases:
        listed = _listed(client, demo, **params)
        exported = [row["编号"] for row in _rows(_export(client, demo, **params))]
        assert exported == listed, params
        if params:
            assert 0 < len(listed) < len(everything) or "sort" in params, params
    # a township officer's export is their own list, and the CSV holds the same rows
    township = [row["编号"] for row in _rows(_export(client, demo, "xx_by_officer", format="csv"))]
    assert township == _listed(client, demo, "xx_by_officer") and len(township) == 2


def test_export_columns_are_chinese_and_personal_data_masked_by_default(client, demo, matters):
    rows = _rows(_export(client, demo, state="assigned"))
    assert list(rows[0])[:12] == ["编号", "登记日期", "登记单位", "登记单位代码", "信访渠道", "信访形式", "人数",
                                  "事项类别", "问题分类", "摘要", "诉求", "越级情况"]
    for key in ("状态", "期限状态", "办理期限", "重复次数", "初信初访", "信访人", "身份证号", "联系电话", "住址"):
        assert key in rows[0]
    row = next(r for r in rows if r["编号"] == matters[0]["number"])
    assert (row["登记单位"], row["信访渠道"], row["信访形式"], row["事项类别"]) == ("西峡县", "来访", "个访", "申诉求决")
    assert row["状态"] == "已转送交办" and row["越级情况"] == "未越级" and row["初信初访"] == "是"
    assert row["信访人"] == "王五" and row["身份证号"] == MASKED_ID and row["联系电话"] == "139****5678"
    assert ID not in str(rows) and PHONE not in str(rows)


def test_unmasked_only_for_a_pii_reader_who_asks(client, demo, matters, system_session):
    full = _rows(_export(client, demo, unmask="true"))
    assert {r["身份证号"] for r in full} == {ID} and {r["联系电话"] for r in full} == {PHONE}
    assert {r["身份证号"] for r in _rows(_export(client, demo, "xx_supervisor", unmask="true"))} == {ID}
    # a county admin may export but holds no pii:read: a full export is refused, not silently masked
    refused = _export(client, demo, "xx_admin", unmask="true")
    assert refused.status_code == 403 and "完整导出" in refused.json()["message"]
    assert {r["身份证号"] for r in _rows(_export(client, demo, "xx_admin"))} == {MASKED_ID}

    system_session.rollback()
    records = system_session.scalars(select(AuditRecord).where(AuditRecord.action == "export",
                                                               AuditRecord.object_type == "matters")
                                     .order_by(AuditRecord.id)).all()
    assert [(r.actor_name, r.detail.after["unmasked"], r.detail.after["rows"]) for r in records] == [
        ("xx_officer", True, 6), ("xx_supervisor", True, 6), ("xx_admin", False, 6)]
    assert records[0].detail.after["format"] == "xlsx" and ID not in str([r.detail.after for r in records])


def test_unmasked_export_refused_where_the_owner_is_out_of_pii_reach(client, demo):
    """A county matter assigned to 白羽街道: its officer sees it, but holds pii:read only at 白羽."""
    m = _register(client, demo)
    _register(client, demo, user="xx_by_officer", node=BAIYU)
    baiyu = demo.node(BAIYU).id
    client.post(f"/api/matters/{m['id']}/actions/assign", headers=demo.headers("xx_officer"),
                json={"lead_unit_id": baiyu, "on": clock.today().isoformat()})
    assert len(_rows(_export(client, demo, "xx_by_officer"))) == 2
    refused = _export(client, demo, "xx_by_officer", unmask="true")
    assert refused.status_code == 403 and "西峡县" in refused.json()["message"]
    own = _rows(_export(client, demo, "xx_by_officer", unmask="true", node_id=baiyu))
    assert [r["身份证号"] for r in own] == [ID]


def test_the_accused_unit_never_gets_the_accuser(client, demo):
    baiyu = demo.node(BAIYU).id
    m = _register(client, demo, node=CHENGDONG, kind="accusation", accused_node_id=baiyu,
                  accused_description="街道某干部", summary="检举街道干部索要好处费")
    for unmask in ("false", "true"):
        accused = _rows(_export(client, demo, "xx_by_officer", unmask=unmask))
        assert [r["编号"] for r in accused] == [m["number"]]
        assert {accused[0][k] for k in ("信访人", "身份证号", "联系电话", "住址")} == {PROTECTED_NOTICE}
        assert "王五" not in str(accused) and "城东社区2号" not in str(accused)
    county = _rows(_export(client, demo, unmask="true"))
    assert county[0]["信访人"] == "王五" and county[0]["身份证号"] == ID


def test_export_refuses_beyond_the_row_limit_and_unknown_formats(client, demo, matters, monkeypatch):
    monkeypatch.setattr(exporting, "MAX_EXPORT_ROWS", 5)
    resp = _export(client, demo)
    assert resp.status_code == 400 and "6件" in resp.json()["message"] and "上限5件" in resp.json()["message"]
    assert _export(client, demo, state="assigned").status_code == 200
    bad = _export(client, demo, format="pdf")
    assert bad.status_code == 400 and "xlsx" in bad.json()["message"]


def test_export_permissions(client, demo, matters):
    assert _export(client, demo, "xx_handler").status_code == 403  # handlers hold no matters:export
    assert _export(client, demo, "operator").status_code == 403
    assert _export(client, demo, "jj_officer", node_id=demo.node(BAIYU).id).status_code == 404
    assert _rows(_export(client, demo, "jj_officer")) == []


# --- import ---------------------------------------------------------------------------


def _workbook(rows: list[list], headers: list[str] = IMPORT_HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(client, demo, content: bytes, user="xx_officer", filename="历史事项.xlsx"):
    return client.post("/api/matters/import", headers=demo.headers(user),
                       files={"data": (filename, io.BytesIO(content))})


def _good_rows(n: int = 20) -> list[list]:
    channels, forms = ["来信", "来访", "网上信访", "来电", "上级转送"], ["个访", "集体访"]
    kinds, overreach = ["申诉求决", "建议意见", "检举控告"], ["未越级", "到市", "到省", "进京"]
    categories = ["欠薪", "征地", "邻里纠纷", "农村土地承包"]
    nodes = [COUNTY, BAIYU, CHENGDONG, DANSHUI]
    rows = []
    for i in range(n):
        received = dt.date(2025, 1, 6) + dt.timedelta(days=9 * i)
        form = forms[i % 7 == 3]
        rows.append([
            received if i % 2 else received.strftime("%Y/%m/%d"),  # a date cell or text as clerks type it
            nodes[i % 4], channels[i % 5], form, 3 if form == "集体访" else 1, kinds[i % 3], categories[i % 4],
            f"历史事项{i + 1}:反映问题", f"诉求{i + 1}", overreach[i % 4], f"信访人{i + 1}", _id(i + 1),
            "13800138000" if i % 3 else "", f"西峡县某路{i + 1}号",
            received + dt.timedelta(days=45) if i % 4 == 0 else None,
        ])
    return rows


def _counts(session) -> dict[str, int]:
    session.rollback()  # a fresh read, not the snapshot of an earlier one
    return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Matter, Person, MatterEvent, MatterPetitioner, MatterClock, MatterCounter, AuditRecord)}


def test_import_round_trip(client, demo, system_session):
    resp = _import(client, demo, _workbook(_good_rows()))
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert (body["imported"], body["closed"], body["open"]) == (20, 5, 15)
    assert [m["row"] for m in body["matters"]] == list(range(2, 22))

    listed = client.get("/api/matters", params={"per_page": 200, "sort": "received_on", "descending": "false"},
                        headers=demo.headers("xx_officer")).json()
    assert listed["total"] == 20
    items = listed["items"]
    assert {m["number"] for m in items} == {m["number"] for m in body["matters"]}
    assert all(m["number"].startswith("411323-2025-") for m in items)
    calendar = WorkCalendar()
    for i, m in enumerate(items):
        received = dt.date(2025, 1, 6) + dt.timedelta(days=9 * i)
        assert m["received_on"] == received.isoformat()
        if i % 4 == 0:
            assert m["state"] == "closed" and m["closed_on"] == (received + dt.timedelta(days=45)).isoformat()
            assert m["deadline_state"] is None
        else:
            assert m["state"] == "registered" and m["deadline_state"] == "overdue"
            assert m["due_on"] == calendar.deadline(received, 15).due.isoformat()
    assert [m["form"] for m in items].count("collective") == 3 and {m["headcount"] for m in items} == {1, 3}
    assert {m["channel"] for m in items} == {"letter", "visit", "online", "phone", "transfer"}

    closed = client.get(f"/api/matters/{items[0]['id']}", headers=demo.headers("xx_officer")).json()
    assert [e["label"] for e in closed["timeline"]] == ["登记", "办结(历史事项导入)"]
    assert closed["clocks"][0]["stopped_on"] == closed["closed_on"]
    assert closed["petitioners"][0]["name"] == "信访人1"
    # the township sees its own imported matters; one file per person (一人一档)
    assert len(_listed(client, demo, "xx_by_officer")) == 10
    system_session.rollback()
    assert system_session.scalar(select(func.count()).select_from(Person)) == 20
    record = system_session.scalars(select(AuditRecord).where(AuditRecord.action == "import")).one()
    assert record.detail.after["rows"] == 20 and record.detail.after["closed"] == 5 and len(record.detail.after["matter_ids"]) == 20
    # what was imported exports as it was given
    exported = _rows(_export(client, demo, sort="received_on", descending="false"))
    assert [r["摘要"] for r in exported] == [f"历史事项{i + 1}:反映问题" for i in range(20)]
    assert exported[2]["越级情况"] == "到省" and exported[3]["事项类别"] == "申诉求决"


def test_a_file_with_bad_rows_imports_nothing(client, demo, system_session):
    rows = _good_rows(10)
    for row in rows:
        row[1] = BAIYU if row[1] in (COUNTY, DANSHUI) else row[1]  # all inside 白羽街道 …
    rows[1][11] = ID[:-1] + "1"  # spreadsheet row 3: wrong check digit
    rows[3][2] = "微信"  # row 5: no such channel
    rows[5][1] = DANSHUI  # row 7: the sibling township, outside 白羽街道
    rows[6][1] = "350582001"  # row 8: another county
    rows[8][7] = ""  # row 10: no summary
    before = _counts(system_session)
    resp = _import(client, demo, _workbook(rows), user="xx_by_officer")
    assert resp.status_code == 400, resp.text
    body = resp.json()
    assert "全部未导入" in body["message"]
    details = {d["row"]: d["message"] for d in body["details"]}
    assert sorted(details) == [3, 5, 7, 8, 10]
    assert "校验位" in details[3]
    assert "信访渠道“微信”" in details[5] and "来信" in details[5]
    assert "不在您的管辖范围内" in details[7] and "411323100" in details[7]
    assert "不在您的管辖范围内" in details[8]
    assert "摘要不能为空" in details[10]
    assert all(d.startswith(f"第{n}行") for n, d in details.items())
    assert _counts(system_session) == before
    assert _listed(client, demo, "xx_by_officer") == []


def test_rows_refused_by_registration_are_listed_too(client, demo, system_session):
    rows = _good_rows(4)
    rows[1][3], rows[1][4] = "集体访", 1  # row 3: a collective visit needs 2 or more people
    rows[2][0] = (clock.today() + dt.timedelta(days=3)).isoformat()  # row 4: registered in the future
    rows[3][6] = "外星人入侵"  # row 5: not a category of the county
    before = _counts(system_session)
    resp = _import(client, demo, _workbook(rows))
    assert resp.status_code == 400
    details = {d["row"]: d["message"] for d in resp.json()["details"]}
    assert sorted(details) == [3, 4, 5]
    assert "集体访" in details[3] and "晚于今天" in details[4] and "外星人入侵" in details[5]
    assert _counts(system_session) == before


def test_only_xlsx_files_with_the_right_headers(client, demo, system_session, monkeypatch):
    before = _counts(system_session)
    csv_file = ("\ufeff" + ",".join(IMPORT_HEADERS) + "\n").encode()
    for name, content in (("历史事项.csv", csv_file), ("历史事项.xls", b"\xd0\xcf\x11\xe0"), ("说明.txt", b"x")):
        resp = _import(client, demo, content, filename=name)
        assert resp.status_code == 400 and ".xlsx" in resp.json()["message"], name
    damaged = _import(client, demo, b"not a zip file")
    assert damaged.status_code == 400 and "无法读取" in damaged.json()["message"]
    missing = _import(client, demo, _workbook(_good_rows(1), IMPORT_HEADERS[:-4] + ["办结日期"]))
    assert missing.status_code == 400 and "身份证号" in missing.json()["message"]
    assert "联系电话" in missing.json()["message"] and "住址" in missing.json()["message"]
    empty = _import(client, demo, _workbook([]))
    assert empty.status_code == 400 and "没有事项" in empty.json()["message"]
    monkeypatch.setattr(importing, "MAX_IMPORT_ROWS", 3)
    too_many = _import(client, demo, _workbook(_good_rows(4)))
    assert too_many.status_code == 400 and "最多导入3行" in too_many.json()["message"]
    assert _counts(system_session) == before


def test_import_permission(client, demo):
    content = _workbook(_good_rows(1))
    for user in ("xx_admin", "xx_supervisor", "xx_leader", "xx_handler"):
        assert _import(client, demo, content, user=user).status_code == 403, user


def test_the_template_parses_and_its_example_row_imports(client, demo):
    resp = client.get("/api/matters/import/template", headers=demo.headers("xx_by_officer"))
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/vnd.openxml")
    book = load_workbook(io.BytesIO(resp.content))
    header, example = list(book.worksheets[0].iter_rows(values_only=True))[:2]
    assert list(header) == IMPORT_HEADERS
    row = dict(zip(header, example, strict=True))
    assert row["登记单位代码"] == BAIYU and row["信访渠道"] == "来访" and row["问题分类"] == "欠薪"
    assert "填写说明" in book.sheetnames
    imported = _import(client, demo, resp.content, user="xx_by_officer", filename="matters-import-template.xlsx")
    assert imported.status_code == 200, imported.text
    assert imported.json()["imported"] == 1
    m = client.get(f"/api/matters/{imported.json()['matters'][0]['id']}", headers=demo.headers("xx_by_officer"))
    assert m.json()["received_on"] == clock.today().isoformat() and m.json()["deadline_state"] == "on_time"
