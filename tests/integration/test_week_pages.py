"""The township-week pages over HTTP (both databases): a ledger row edited in place by HTMX
(a refusal comes back as the row's form with the reason, nothing kept), a screening row
turned into a matter and listed on the backlog with its 五个一, an import refused row by row
with nothing imported, the rota form's clash check, and 包案 from the reception register.
A supervisor gets the rows without edit controls and cannot post."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from xinfang.platform.ledgers.models import BacklogEntry, ScreeningEntry
from xinfang.platform.reception.models import ReceptionRecord

pytestmark = pytest.mark.today(2026, 11, 18, 10)
HTML = {"Accept": "text/html"}
HTMX = {**HTML, "HX-Request": "true"}
TOWNSHIP, VILLAGE = "411323001", "411323001001"


def _post(client, demo, user, url, data, headers=HTML, **kw):
    return client.post(url, data=data, headers={**headers, **demo.headers(user)}, follow_redirects=False, **kw)


def _get(client, demo, user, url, headers=HTML):
    return client.get(url, headers={**headers, **demo.headers(user)})


def _entry(client, demo) -> int:
    resp = _post(client, demo, "xx_by_officer", "/ledgers/screening", {
        "node_id": demo.node(VILLAGE).id, "found_on": "2026-11-17", "party_name": "钱某某", "category": "房地产",
        "party_id_number": "11010519491231002X",
        "summary": "小区业主对物业费上涨不满", "headcount": "30", "risks": ["collective", "opinion"]})
    assert resp.status_code == 303, resp.text
    return int(re.search(r"entry-(\d+)", resp.headers["location"]).group(1))


def test_a_screening_row_edited_in_place_then_a_matter_then_on_the_backlog(client, demo, system_session):
    entry_id = _entry(client, demo)
    assert system_session.get(ScreeningEntry, entry_id).risks == ["collective", "opinion"]
    form = _get(client, demo, "xx_by_officer", f"/ledgers/screening/{entry_id}/row?edit=true", HTMX)
    assert form.status_code == 200 and 'name="plan"' in form.text and "<html" not in form.text
    saved = _post(client, demo, "xx_by_officer", f"/ledgers/screening/{entry_id}",
                  {"plan": "社区牵头,物业公开收支", "measures": "召开业主座谈会", "status": "in_progress",
                   "deadline": "2026-11-30", "responsible_person": "冯梅", "progress": ""}, HTMX)
    assert saved.status_code == 200 and "社区牵头,物业公开收支" in saved.text and 'name="plan"' not in saved.text
    refused = _post(client, demo, "xx_by_officer", f"/ledgers/screening/{entry_id}",
                    {"plan": "改了", "deadline": "2026-11-01", "status": "in_progress"}, HTMX)
    assert refused.status_code == 400 and "化解时限不能早于排查日期" in refused.text and 'name="plan"' in refused.text
    system_session.rollback()  # a fresh read, not the snapshot of the first
    assert system_session.get(ScreeningEntry, entry_id).plan == "社区牵头,物业公开收支"

    # the supervisor: the row without controls, a POST refused
    row = _get(client, demo, "xx_by_supervisor", f"/ledgers/screening/{entry_id}/row?edit=true", HTMX)
    assert row.status_code == 200 and 'name="plan"' not in row.text and "编辑" not in row.text
    assert _post(client, demo, "xx_by_supervisor", f"/ledgers/screening/{entry_id}", {"plan": "x"}).status_code == 403

    converted = _post(client, demo, "xx_by_officer", f"/ledgers/screening/{entry_id}/matter", {})
    assert converted.status_code == 303, re.findall(r"class=\"error\"[^<]*>([^<]*)", converted.text)
    assert re.match(r"/matters/\d+", converted.headers["location"])
    matter_id = int(converted.headers["location"].split("/")[2].split("?")[0])
    listed = _post(client, demo, "xx_by_officer", "/ledgers/backlog", {
        "matter_id": matter_id, "node_id": demo.node(TOWNSHIP).id, "deadline": "2026-12-31",
        "reasons": "prominent"})
    assert listed.status_code == 303, listed.text
    system_session.rollback()
    backlog_id = system_session.scalar(select(BacklogEntry.id).where(BacklogEntry.matter_id == matter_id))
    page = _get(client, demo, "xx_by_officer", f"/ledgers/backlog?node_id={demo.node(TOWNSHIP).id}")
    assert page.status_code == 200 and "0/5" in page.text and "☐ 一个领导包案" in page.text
    five = {"leader": "周涛", "task_team": "街道信访专班", "plan": "化解方案", "minutes": "11月18日会议纪要",
            "stabilising": "专人稳控", "deadline": "2026-12-31", "status": "in_progress", "progress": "已约谈"}
    row = _post(client, demo, "xx_by_officer", f"/ledgers/backlog/{backlog_id}", five, HTMX)
    assert row.status_code == 200 and "5/5" in row.text and "☑ 一套稳控措施" in row.text


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    book.active.append(["社区(网格)", "排查时间", "当事人", "问题类别", "问题简要情况"])
    for r in rows:
        book.active.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_import_with_a_wrong_row_shows_it_beside_its_errors_and_imports_nothing(client, demo, system_session):
    before = system_session.scalar(select(func.count(ScreeningEntry.id)))
    data = _xlsx([["城东社区", "2026-11-17", "孙某", "邻里纠纷", "排水沟堵塞"],
                  ["城东社区", "2026-11-40", "李某", "邻里纠纷", "噪音"]])
    resp = _post(client, demo, "xx_by_officer", f"/ledgers/screening/import?node_id={demo.node(TOWNSHIP).id}", {},
                 files={"data": ("清单.xlsx", io.BytesIO(data))})
    assert resp.status_code == 400
    bad = re.search(r'<tr class="bad-row">(.*?)</tr>', resp.text, re.S).group(1)
    assert "第3行" in bad and "李某" in bad and "排查时间" in bad
    assert '<tr class="good-row"><td data-label="行号">第2行' in resp.text
    assert system_session.scalar(select(func.count(ScreeningEntry.id))) == before


def test_the_rota_form_warns_of_a_clash_and_a_reception_goes_to_baoan(client, demo, system_session):
    township = demo.node(TOWNSHIP).id
    duty = {"node_id": township, "on": "2026-11-18", "slot": "day", "leader_name": "李明", "place": "接访室",
            "leader_kind": "leader", "view": "week"}
    assert _post(client, demo, "xx_by_officer", "/reception/rota", duty).status_code == 303
    check = _get(client, demo, "xx_by_officer",
                 f"/reception/rota/check?node_id={township}&on=2026-11-18&slot=am&leader_name=李明", HTMX)
    assert check.status_code == 200 and "李明已安排在白羽街道全天接访" in check.text
    calm = _get(client, demo, "xx_by_officer",
                f"/reception/rota/check?node_id={township}&on=2026-11-19&slot=am&leader_name=李明", HTMX)
    assert calm.status_code == 200 and "已安排" not in calm.text

    made = _post(client, demo, "xx_by_officer", "/reception/records", {
        "node_id": township, "received_on": "2026-11-18", "leader_name": "李明", "visitor_name": "赵建军",
        "visitor_id_number": "110105198001010016", "category": "欠薪", "summary": "工地拖欠工资", "status": "handling"})
    assert made.status_code == 303, made.text
    record_id = int(re.search(r"record-(\d+)", made.headers["location"]).group(1))
    page = _get(client, demo, "xx_by_officer", f"/reception/records?node_id={township}")
    leader_id = re.search(r'<option value="(\d+)">周涛', page.text).group(1)
    owned = _post(client, demo, "xx_by_officer", f"/reception/records/{record_id}/ownership",
                  {"leader_user_id": leader_id})
    assert owned.status_code == 303, owned.text
    system_session.rollback()  # a fresh read, not the snapshot of the first
    record = system_session.get(ReceptionRecord, record_id)
    assert record.status == "ownership" and record.matter_id is not None and record.ownership_leader == "周涛"
    refused = _post(client, demo, "xx_by_officer", "/reception/records", {
        "node_id": township, "received_on": "2026-11-19", "leader_name": "李明", "visitor_name": "某",
        "category": "欠薪", "summary": "x"})
    assert refused.status_code == 400 and "接访日期不能晚于今天" in refused.text
