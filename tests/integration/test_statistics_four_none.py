"""四无乡镇 against the hand-made data set (tests/integration/statistics_samples.py), on SQLite
and PostgreSQL. By 问题所在地, in 2026: 白羽街道 has M2 (a 6-person collective visit that went to
the province) and one late clock (M2's 受理告知, open past its due date); 丹水镇 has M4 (a repeat
that went to Beijing) and one late clock (M4's 办理, open past its due date). 2025 has neither."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.integration import statistics_samples
from tests.integration.test_web_pages import HTML, csrf_of, login_form
from xinfang.platform.audit.models import AuditRecord
from xinfang.tenants.scope import Scope

pytestmark = pytest.mark.today(2026, 4, 15)


@pytest.fixture
def samples(demo, system_session):
    return statistics_samples.load(system_session)


def _url(demo, suffix):
    return f"/api/statistics/counties/{demo.node('411323').id}/{suffix}"


def _verdicts(client, demo, year):
    resp = client.get(_url(demo, "four-none-townships"), headers=demo.headers("xx_officer"), params={"year": year})
    assert resp.status_code == 200, resp.text
    return {t["name"]: (t["meets"], t["reasons"]) for t in resp.json()["townships"]}, resp.json()


def _set(client, demo, criteria, user="xx_officer"):
    return client.put(_url(demo, "four-none-rules"), headers=demo.headers(user), json={"criteria": criteria})


def test_default_criteria_and_years(client, demo, samples):
    verdicts, body = _verdicts(client, demo, 2026)
    assert body["default"] is True
    assert [c["label"] for c in body["criteria"]] == ["无进京上访", "无赴省进京集体访", "无重复越级访", "无大规模集体访"]
    assert verdicts == {"白羽街道": (False, ["赴省进京集体访1件（不得发生）"]),
                        "丹水镇": (False, ["进京上访1件（不得发生）", "重复越级访1件（不得发生）"])}
    assert body["meeting"] == []
    earlier, body = _verdicts(client, demo, 2025)
    assert earlier == {"白羽街道": (True, []), "丹水镇": (True, [])} and body["meeting"] == ["白羽街道", "丹水镇"]


def test_county_sets_its_criteria(app, client, demo, samples):
    resp = _set(client, demo, [{"key": "beijing", "limit": 0}, {"key": "large_collective", "limit": 0, "people": 5},
                               {"key": "overdue", "limit": 1}])
    assert resp.status_code == 200, resp.text
    assert [c["rule"] for c in resp.json()["criteria"]] == ["进京上访不得发生", "5人以上集体访不得发生",
                                                            "超期的法定办理期限不超过1个"]
    verdicts, body = _verdicts(client, demo, 2026)
    assert body["default"] is False
    assert verdicts == {"白羽街道": (False, ["5人以上集体访1件（不得发生）"]), "丹水镇": (False, ["进京上访1件（不得发生）"])}
    assert {t["name"]: t["counts"] for t in body["townships"]} == {
        "白羽街道": {"beijing": 0, "large_collective": 1, "overdue": 1},
        "丹水镇": {"beijing": 1, "large_collective": 0, "overdue": 1}}

    assert _set(client, demo, [{"key": "overdue", "limit": 0}]).status_code == 200
    verdicts, _ = _verdicts(client, demo, 2026)
    assert verdicts == {"白羽街道": (False, ["超期的法定办理期限1个（不得发生）"]),
                        "丹水镇": (False, ["超期的法定办理期限1个（不得发生）"])}
    assert _set(client, demo, [{"key": "beijing", "limit": 0}]).status_code == 200
    verdicts, body = _verdicts(client, demo, 2026)
    assert body["meeting"] == ["白羽街道"] and verdicts["丹水镇"] == (False, ["进京上访1件（不得发生）"])
    assert _set(client, demo, [{"key": "overreach", "limit": 1}]).status_code == 200
    assert _verdicts(client, demo, 2026)[1]["meeting"] == ["白羽街道", "丹水镇"]

    with app.state.session_factory(scope=Scope.system(), bind=app.state.read_engine) as s:
        changes = s.scalars(select(AuditRecord.action).where(AuditRecord.object_type == "four_none_rules")
                            .order_by(AuditRecord.id)).all()
    assert changes[0] == "create" and len(changes) == 4, changes

    export = client.get(_url(demo, "four-none-townships.xlsx"), headers=demo.headers("xx_officer"),
                        params={"year": 2026})
    assert export.status_code == 200
    sheet = load_workbook(BytesIO(export.content))["2026年四无乡镇"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        ["白羽街道", 1, "符合", None], ["丹水镇", 1, "符合", None]]


def test_bad_criteria_and_who_may(client, demo, samples):
    for criteria, words in (([{"key": "nothing"}], "未知的评选条件"), ([], "请设置"),
                            ([{"key": "beijing"}, {"key": "beijing"}], "重复"),
                            ([{"key": "beijing", "limit": -1}], "整数"),
                            ([{"key": "large_collective", "limit": 0}], "人数")):
        resp = _set(client, demo, criteria)
        assert resp.status_code == 400 and words in resp.json()["message"], resp.text
    # a township compares with no one: the county's list and criteria are not its to read or set
    township = demo.headers("xx_by_officer")
    assert client.get(_url(demo, "four-none-townships"), headers=township, params={"year": 2026}).status_code == 404
    assert _set(client, demo, [{"key": "beijing", "limit": 0}], "xx_by_officer").status_code in (403, 404)
    town = demo.node("411323001").id
    resp = client.get(f"/api/statistics/counties/{town}/four-none-townships", headers=demo.headers("xx_officer"),
                      params={"year": 2026})
    assert resp.status_code == 400 and "县（市、区）" in resp.json()["message"]


def test_on_the_dashboard(client, demo, samples):
    page = client.get("/statistics", headers=demo.headers("xx_officer"),
                      params={"node_id": demo.node("411323").id, "period": "2026"})
    assert page.status_code == 200
    assert "四无乡镇（2026年）" in page.text and "进京上访1件（不得发生）；重复越级访1件（不得发生）" in page.text
    month = client.get("/statistics", headers=demo.headers("xx_officer"),
                       params={"node_id": demo.node("411323").id, "period": "2026-03"})
    assert "四无乡镇" not in month.text


def test_set_from_the_dashboard(client, demo, samples):
    county = demo.node("411323").id
    assert login_form(client, "xx_officer").status_code == 303
    page = client.get("/statistics", headers=HTML, params={"node_id": county, "period": "2026"})
    assert "保存评选条件" in page.text
    saved = client.post("/statistics/four-none-rules", headers=HTML, follow_redirects=False, data={
        "_csrf": csrf_of(page.text), "county_id": str(county), "year": "2026", "use_beijing": "1",
        "limit_beijing": "0", "limit_overdue": "3", "people_large_collective": "50"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/statistics?node_id={county}&period=2026#four-none"
    verdicts, body = _verdicts(client, demo, 2026)
    assert [c["key"] for c in body["criteria"]] == ["beijing"] and body["meeting"] == ["白羽街道"]
    refused = client.post("/statistics/four-none-rules", headers=HTML, data={
        "_csrf": csrf_of(page.text), "county_id": str(county), "use_large_collective": "1", "people_large_collective": "3"})
    assert refused.status_code == 400 and "人数" in refused.text
