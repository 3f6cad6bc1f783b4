"""Every count of 四无乡镇 opens the matters it counts: the dashboard's link, followed on the
matter list (JSON, page and export), gives the number the table shows, for every criterion and
township, on SQLite and PostgreSQL. The data: the demo's matters (made through the services,
dated back from today), the statistics samples, and a few rows below whose problem lies
elsewhere than their owning office, at the people threshold and just under it, last year, and a
matter holding two late clocks."""

from __future__ import annotations

import datetime as dt
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select

from tests.integration import statistics_samples
from tests.integration.test_web_pages import HTML, csrf_of, login_form
from xinfang.platform import clock as product_clock
from xinfang.platform import demo as demo_data
from xinfang.platform.matters.models import Matter, MatterAccess, MatterClock
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope

pytestmark = pytest.mark.today(2026, 4, 15)
PEOPLE = 20  # the county's threshold for 大规模集体访
EVERY = [{"key": "beijing", "limit": 0}, {"key": "province_collective", "limit": 0},
         {"key": "repeat_overreach", "limit": 0}, {"key": "large_collective", "limit": 0, "people": PEOPLE},
         {"key": "overreach", "limit": 0}, {"key": "overdue", "limit": 0}]


def _node(session, code):
    return session.scalar(select(Node).where(Node.code == code))


def _extra(session, ids):
    """The rows whose place, head count, year or clocks a wrong filter would get wrong."""
    today = product_clock.today()
    made = {}

    def matter(key, owner, place, received, **values):
        node, where = _node(session, owner), _node(session, place)
        row = Matter(number=f"X{len(made) + 1:04d}", node_id=node.id, place_node_id=where.id, channel="visit",
                     form=values.pop("form", "individual"), headcount=values.pop("headcount", 1), kind="claim",
                     category="其他", summary=f"链接样例{key}", overreach=values.pop("overreach", "none"),
                     repeat_of_id=values.pop("repeat_of", None), received_on=received, state="handling",
                     **node.ancestry_with_self())
        session.add(row)
        session.flush()
        session.add(MatterAccess(subject_id=row.id, node_id=node.id, reason="owner", **node.ancestry_with_self()))
        made[key] = row.id

    def late(key, holder, due, stopped=None):
        unit = _node(session, holder)
        session.add(MatterAccess(subject_id=made[key], node_id=unit.id, reason="lead", **unit.ancestry_with_self()))
        session.add(MatterClock(matter_id=made[key], kind="handling" if stopped is None else "acknowledge",
                                node_id=unit.id, started_on=due - dt.timedelta(days=15), amount=15,
                                unit="calendar_days", rule="civil_code", due_on=due, calendar_version="test",
                                stopped_on=stopped, state="on_time" if stopped is None else "late"))

    earlier = today - dt.timedelta(days=20)
    # registered by the county, the problem in 城东社区 (白羽街道): counts for 白羽街道, not the county
    matter("village", "411323", "411323001001", earlier, form="collective", headcount=PEOPLE, overreach="beijing",
           repeat_of=ids["M1"])
    # registered by 白羽街道, the problem in 丹水镇: counts for 丹水镇
    matter("elsewhere", "411323001", "411323100", earlier, form="collective", headcount=PEOPLE + 5,
           overreach="province")
    matter("under", "411323100", "411323100201", earlier, form="collective", headcount=PEOPLE - 1, overreach="city")
    matter("last_year", "411323100", "411323100", today - dt.timedelta(days=400), form="collective",
           headcount=PEOPLE, overreach="beijing")
    # a county matter 丹水镇 handles: two late clocks (its 受理告知 done late, its 办理 missed) count 2, one matter
    matter("two_clocks", "411323", "411323", earlier)
    late("two_clocks", "411323100201", earlier + dt.timedelta(days=5), earlier + dt.timedelta(days=7))
    late("two_clocks", "411323100", today - dt.timedelta(days=2))
    matter("late_last_year", "411323", "411323", today - dt.timedelta(days=400))
    late("late_last_year", "411323100", today - dt.timedelta(days=390))
    session.commit()
    return made


@pytest.fixture
def data(app, client, demo, system_session):
    with app.state.session_factory(scope=Scope.system()) as session:
        session.info["actor"] = {"id": None, "name": "演示数据", "address": "test"}
        demo_data.load_matters(session, per_county=30)
        session.commit()
    ids = statistics_samples.load(system_session)
    made = _extra(system_session, ids)
    resp = client.put(f"/api/statistics/counties/{demo.node('411323').id}/four-none-rules",
                      headers=demo.headers("xx_officer"), json={"criteria": EVERY})
    assert resp.status_code == 200, resp.text
    return ids, made


def _table(client, demo, year, headers):
    resp = client.get(f"/api/statistics/counties/{demo.node('411323').id}/four-none-townships",
                      headers=headers, params={"year": year})
    assert resp.status_code == 200, resp.text
    return resp.json()


def _listed(client, link, headers):
    path = urlsplit(link)
    assert path.path == "/matters"
    resp = client.get("/api/matters", headers=headers, params=parse_qsl(path.query) + [("per_page", "200")])
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["total_exact"] and body["total"] == len(body["items"])
    return body["total"], {m["number"] for m in body["items"]}


def test_every_count_opens_the_matters_it_counts(client, demo, data):
    county = demo.headers("xx_officer")
    year = product_clock.today().year
    for when in (year, year - 1):
        table = _table(client, demo, when, county)
        assert [t["name"] for t in table["townships"]] == ["白羽街道", "丹水镇"]
        for town in table["townships"]:
            for key, count in town["counts"].items():
                if not count:
                    assert key not in town["links"]
                    continue
                total, _ = _listed(client, town["links"][key], county)
                assert total == (town["late_matters"] if key == "overdue" else count), (when, town["name"], key)
    table = {t["name"]: t for t in _table(client, demo, year, county)["townships"]}
    assert all(any(t["counts"][c["key"]] for t in table.values()) for c in EVERY), "every criterion counts something"
    _, by_place = _listed(client, table["白羽街道"]["links"]["beijing"], county)
    assert "X0001" in by_place  # the county's matter about 城东社区
    _, large = _listed(client, table["丹水镇"]["links"]["large_collective"], county)
    assert {"X0002"} <= large and not {"X0003", "X0004"} & large  # at the threshold; under it; last year
    _, province = _listed(client, table["丹水镇"]["links"]["province_collective"], county)
    assert "X0002" in province and "X0003" not in province
    late = table["丹水镇"]
    assert late["counts"]["overdue"] >= late["late_matters"] + 1  # X0005's two clocks are one matter
    _, holding = _listed(client, late["links"]["overdue"], county)
    assert "X0005" in holding and "X0006" not in holding


def test_the_dashboard_links_and_the_list_shows_why(client, demo, data):
    county_id = demo.node("411323").id
    assert login_form(client, "xx_officer").status_code == 303
    year = product_clock.today().year
    page = client.get("/statistics", headers=HTML, params={"node_id": county_id, "period": str(year)})
    assert page.status_code == 200
    town = demo.node("411323100").id
    table = {t["name"]: t for t in _table(client, demo, year, demo.headers("xx_officer"))["townships"]}
    link = table["丹水镇"]["links"]["large_collective"]
    assert f'href="{link}"'.replace("&", "&amp;") in page.text
    listed = client.get(link, headers=HTML)
    assert listed.status_code == 200
    text = unescape(listed.text)
    assert f"共{table['丹水镇']['counts']['large_collective']}件" in text
    assert f'<option value="{town}" selected>丹水镇</option>' in text  # 问题所在地, shown and clearable
    assert 'name="headcount_from" type="number"' in text and f'value="{PEOPLE}"' in text
    assert '<details class="more-filters" open>' in text
    # saved as a view, the filters stay; exported, the same rows leave
    saved = client.post("/matters/views", headers=HTML, follow_redirects=False,
                        data={"_csrf": csrf_of(listed.text), "name": "丹水镇大规模集体访", "query": urlsplit(link).query})
    assert saved.status_code == 303 and "place_id=" in saved.headers["location"]
    assert f"headcount_from={PEOPLE}" in saved.headers["location"]
    export = client.get("/api/matters/export", headers=demo.headers("xx_officer"),
                        params={**dict(parse_qsl(urlsplit(link).query)), "format": "csv"})
    assert export.status_code == 200
    assert len(export.content.decode("utf-8-sig").strip().splitlines()) - 1 == table["丹水镇"]["counts"]["large_collective"]


def test_a_township_sees_its_own_only(client, demo, data):
    county, own = demo.headers("xx_officer"), demo.headers("xx_ds_officer")
    table = {t["name"]: t for t in _table(client, demo, product_clock.today().year, county)["townships"]}
    link = table["丹水镇"]["links"]["overreach"]
    everything, numbers = _listed(client, link, county)
    mine, my_numbers = _listed(client, link, own)
    assert my_numbers <= numbers and mine <= everything
    other = table["白羽街道"]["links"]["beijing"]
    refused = client.get("/api/matters", headers=own, params=parse_qsl(urlsplit(other).query))
    assert refused.status_code == 400 and "问题所在地" in refused.json()["message"]


@pytest.mark.parametrize(("params", "words"), [
    ({"headcount_from": "0"}, "人数下限"), ({"reach_from": "none"}, "越级至少到应为"),
    ({"reach_from": "moon"}, "越级至少到应为"), ({"place_id": "2000000000"}, "问题所在地"),
    ({"late_clock_node_id": "2000000000"}, "超期期限承办单位"), ({"late_clock_year": "1800"}, "late_clock_year")])
def test_bad_filters_are_clear_400s(client, demo, params, words):
    resp = client.get("/api/matters", headers=demo.headers("xx_officer"), params=params)
    assert resp.status_code == 400 and words in resp.json()["message"], resp.text


@pytest.mark.parametrize(("params", "words"), [
    ({"headcount_from": "许多"}, "人数下限应为"), ({"headcount_from": "0"}, "人数下限应为"),
    ({"late_clock_year": "20266"}, "超期期限年度应为"), ({"place_id": "x"}, "问题所在地应为"),
    ({"reach_from": "none"}, "越级至少到应为")])
def test_bad_filters_on_the_page(client, demo, params, words):
    assert login_form(client, "xx_officer").status_code == 303
    resp = client.get("/matters", headers=HTML, params=params)
    assert resp.status_code == 400 and words in resp.text, resp.text[:500]
