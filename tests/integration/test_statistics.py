"""The statistics against a hand-computed data set (tests/integration/statistics_samples.py),
on SQLite and PostgreSQL: every expected value below is worked out by hand from that file."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.integration import statistics_samples

pytestmark = pytest.mark.today(2026, 4, 15)


@pytest.fixture
def samples(demo, system_session):
    return statistics_samples.load(system_session)


def _figures(client, demo, user, code, **params):
    resp = client.get(f"/api/statistics/nodes/{demo.node(code).id}/figures", headers=demo.headers(user),
                      params={"period": "2026-03", **params})
    assert resp.status_code == 200, resp.text
    return resp.json()


def _rates(body):
    return {r["key"]: (r["numerator"], r["denominator"], r["value"]) for r in body["rates"]}


def _breakdown(body, key):
    rows = next(b for b in body["breakdowns"] if b["key"] == key)["rows"]
    return {row["value"]: (row["count"], row["people"]) for row in rows}


def test_county_figures_match_the_hand_count(client, demo, samples):
    body = _figures(client, demo, "xx_officer", "411323")
    assert body["period"]["label"] == "2026年3月"
    assert body["year_before"]["label"] == "2025年3月" and body["before"]["label"] == "2026年2月"
    count, people = body["totals"]["count"], body["totals"]["people"]
    assert (count["value"], count["year_before"], count["before"]) == (5, 1, 1)
    assert (count["year_on_year"], count["period_on_period"]) == (4.0, 4.0)
    assert (people["value"], people["year_before"], people["before"]) == (11, 1, 1)
    assert _breakdown(body, "channel") == {"visit": (2, 7), "letter": (1, 1), "online": (1, 2), "phone": (1, 1)}
    assert _breakdown(body, "form") == {"individual": (4, 5), "collective": (1, 6)}
    assert _breakdown(body, "kind") == {"suggestion": (1, 1), "claim": (4, 10)}
    assert _breakdown(body, "category") == {"其他": (2, 2), "欠薪": (1, 2), "征地": (2, 7)}
    assert _breakdown(body, "level") == {"county": (2, 2), "township": (3, 9)}
    assert _breakdown(body, "overreach") == {"none": (2, 2), "city": (1, 1), "province": (1, 6), "beijing": (1, 2)}
    assert _breakdown(body, "repeat") == {"first": (4, 9), "repeat": (1, 2)}
    assert _breakdown(body, "joint") == {"yes": (1, 6), "no": (4, 5)}
    assert _rates(body) == {
        "timely_acceptance": (1, 3, 0.3333), "on_time_closing": (2, 3, 0.6667), "stopped_petitioning": (1, 3, 0.3333),
        "first_resolved": (2, 3, 0.6667), "repeat_rate": (1, 5, 0.2), "transfer_feedback": (1, 1, 1.0),
        "online_on_time": (0, 1, 0.0), "conclusion_rate": (1, 2, 0.5), "participation": (3, 4, 0.75),
        "satisfaction": (2, 3, 0.6667), "follow_up_satisfaction": (1, 2, 0.5)}
    rates = {r["key"]: r for r in body["rates"]}
    assert rates["on_time_closing"]["target"] == 0.9 and rates["on_time_closing"]["meets_target"] is False
    assert rates["transfer_feedback"]["meets_target"] is True
    assert rates["participation"]["available"] and rates["satisfaction"]["available"]
    # February: M6's handling clock was met in time → 1/1; March 2025 had none due
    assert rates["on_time_closing"]["before"] == 1.0 and rates["on_time_closing"]["year_before"] is None


def test_every_count_links_to_the_matters_behind_it(client, demo, samples):
    officer = demo.headers("xx_officer")
    body = _figures(client, demo, "xx_officer", "411323")

    def listed(link):
        resp = client.get("/api" + urlsplit(link).path + "?" + urlsplit(link).query, headers=officer)
        assert resp.status_code == 200, resp.text
        return resp.json()["total"]

    assert listed(body["link"]) == 5
    for breakdown in body["breakdowns"]:
        for row in breakdown["rows"]:
            assert listed(row["link"]) == row["count"], (breakdown["key"], row["value"])
    repeat = next(r for r in body["rates"] if r["key"] == "repeat_rate")
    assert (listed(repeat["links"]["numerator"]), listed(repeat["links"]["denominator"])) == (1, 5)


def test_every_dashboard_link_opens_a_list_of_as_many_matters(client, demo, samples):
    """The links as the dashboard page prints them, opened as the page (not the API): the list says
    as many matters as the figure, and its filter form shows each filter the link set."""
    officer = demo.headers("xx_officer")
    county = demo.node("411323").id
    body = _figures(client, demo, "xx_officer", "411323")
    page = client.get("/statistics", headers=officer, params={"node_id": county, "period": "2026-03"}).text
    figures = [(body["link"], 5)] + [(row["link"], row["count"]) for b in body["breakdowns"] for row in b["rows"]]
    repeat = next(r for r in body["rates"] if r["key"] == "repeat_rate")
    figures += [(repeat["links"]["denominator"], 5), (repeat["links"]["numerator"], 1)]
    for link, count in figures:
        assert html.escape(link) in page, link
        listed = client.get(link, headers=officer)
        assert listed.status_code == 200, listed.text
        assert f"共{count}件" in listed.text, (link, count)
        shown = {name: value for name, value in parse_qsl(urlsplit(link).query)}
        for name, value in shown.items():
            if name in ("received_from", "received_to"):
                assert f'value="{value}"' in listed.text, (link, name)
            else:
                assert re.search(f'<select name="{name}">.*?<option value="{value}" selected>', listed.text, re.S), \
                    (link, name)


def test_township_figures_and_isolation(client, demo, samples):
    # the county fills whatever it would fill first; the township's answer is its own
    _figures(client, demo, "xx_officer", "411323001")
    body = _figures(client, demo, "xx_by_officer", "411323001")
    assert (body["totals"]["count"]["value"], body["totals"]["people"]["value"]) == (2, 7)
    assert body["totals"]["count"]["before"] == 1 and body["totals"]["count"]["year_before"] == 0
    rates = _rates(body)
    assert rates["timely_acceptance"] == (1, 2, 0.5) and rates["on_time_closing"] == (1, 1, 1.0)
    assert rates["stopped_petitioning"] == (1, 1, 1.0) and rates["first_resolved"] == (0, 1, 0.0)
    assert rates["repeat_rate"] == (0, 2, 0.0)
    by = demo.headers("xx_by_officer")
    for code in ("411323", "411323100", "350582"):  # the county above, the neighbour, another county
        resp = client.get(f"/api/statistics/nodes/{demo.node(code).id}/figures", headers=by,
                          params={"period": "2026-03"})
        assert resp.status_code == 404, (code, resp.text)
    # 住建局 sees only the clock it holds
    assert _rates(_figures(client, demo, "xx_handler", "411323-ZJJ"))["on_time_closing"] == (1, 1, 1.0)
    # 晋江市 counts its own matter, none of 西峡县's
    assert _figures(client, demo, "jj_officer", "350582")["totals"]["people"]["value"] == 9


def test_periods_and_bad_input(client, demo, samples):
    officer = demo.headers("xx_officer")
    county = demo.node("411323").id
    url = f"/api/statistics/nodes/{county}/figures"
    quarter = client.get(url, headers=officer, params={"period": "2026-Q1"}).json()
    assert quarter["totals"]["count"]["value"] == 6 and quarter["before"]["label"] == "2025年第四季度"
    year = client.get(url, headers=officer, params={"period": "2025"}).json()
    assert year["totals"]["count"]["value"] == 2 and year["before"]["label"] == "2024年"
    villages = client.get(f"/api/statistics/nodes/{county}/no-petition-villages", headers=officer,
                          params={"year": 2025}).json()
    assert [v["name"] for v in villages["no_petition"]] == ["莲花社区", "丹水村", "上营村"]
    assert [(v["name"], v["matters"]) for v in villages["others"]] == [("城东社区", 1)]
    this_year = client.get(f"/api/statistics/nodes/{county}/no-petition-villages", headers=officer,
                           params={"year": 2026}).json()
    assert len(this_year["no_petition"]) == 4
    ranged = client.get(url, headers=officer, params={"start": "2026-03-05", "end": "2026-03-15"}).json()
    assert ranged["totals"]["count"]["value"] == 3
    assert (ranged["before"]["start"], ranged["before"]["end"]) == ("2026-02-22", "2026-03-04")
    for params, words in (({"period": "2026-13"}, "统计期间应为"), ({"start": "2026-03-05"}, "同时填写"),
                          ({"start": "2026-03-05", "end": "2026-03-01"}, "不能早于")):
        resp = client.get(url, headers=officer, params=params)
        assert resp.status_code == 400 and words in resp.json()["message"], resp.text
    export = client.get(f"{url}.xlsx", headers=officer, params={"period": "2026-03"})
    assert export.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    book = load_workbook(BytesIO(export.content))
    assert book.sheetnames[0] == "总量" and "指标" in book.sheetnames
    assert [c.value for c in book["总量"][2]][:2] == ["件次", 5]


def test_dashboard_page(client, demo, samples):
    page = client.get("/statistics", headers=demo.headers("xx_officer"), params={"period": "2026-03"})
    assert page.status_code == 200, page.text
    assert "<svg" in page.text and "按期办结率" in page.text and "参评率" in page.text and "75.0%" in page.text
    assert "/matters?node_id=" in page.text


def test_the_cache_is_keyed_by_scope_and_forgets_on_any_write(app, client, demo, samples, system_session):
    from sqlalchemy import select

    from xinfang.platform.matters.models import FollowUp

    by_id = demo.node("411323001").id
    county = _figures(client, demo, "xx_officer", "411323001")
    township = _figures(client, demo, "xx_by_officer", "411323001")
    assert county == township  # the same node's figures …
    cache = app.state.statistics_cache
    assert len(cache._entries) == 2  # … computed once per scope, never handed from one scope to another
    assert {key[:3] for key in cache._entries} == {(k[0], k[1], by_id) for k in cache._entries}
    assert len({key[1] for key in cache._entries}) == 2
    before = _rates(_figures(client, demo, "xx_officer", "411323"))["follow_up_satisfaction"]
    follow_up = system_session.scalar(select(FollowUp).where(FollowUp.matter_id == samples["M3"]))
    follow_up.satisfaction = "basically"  # a correction, audited like every write
    system_session.commit()
    after = _rates(_figures(client, demo, "xx_officer", "411323"))["follow_up_satisfaction"]
    assert (before, after) == ((1, 2, 0.5), (2, 2, 1.0))
