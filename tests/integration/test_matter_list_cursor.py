"""The matters list paged by position (``web.paging.Order``, ``cursor_page_of``), on both databases.

Walking ``next`` to the end and ``previous`` back must give every visible matter once, in the
list's order (the chosen column, NULL greatest, then the registration order the same way), for every
sort and direction, with ties on the sort column and NULL due dates; a page reached by a
cursor is the page the same position has by number; the HTML list's 上一页/下一页 follow the
cursors; a cursor of another order, or garbage, is a 400; so is a page by number past the
first ``EXACT_UP_TO`` matters, and the sort by number.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from html import unescape

import pytest
from sqlalchemy import select, update

from xinfang.platform import clock
from xinfang.platform.matters.models import Matter
from xinfang.platform.web import paging

pytestmark = pytest.mark.today(2026, 3, 10)
PETITIONER = {"name": "王五", "id_number": "11010519491231002X", "phone": "13912345678", "address": "城东社区2号"}
HTML = {"Accept": "text/html"}


@pytest.fixture
def matters(client, demo, system_session) -> list[int]:
    """Ten county matters on three received days (ties), three of them without a due date."""
    ids = []
    for n in range(10):
        received = clock.today() - dt.timedelta(days=(n * 7) % 3)
        body = {"node_id": demo.node("411323").id, "channel": "letter", "form": "individual", "kind": "claim",
                "category": "城镇房屋拆迁", "summary": f"翻页测试{n}", "petitioners": [PETITIONER],
                "received_on": received.isoformat()}
        resp = client.post("/api/matters", json=body, headers=demo.headers("xx_officer"))
        assert resp.status_code == 201, resp.text
        ids.append(resp.json()["id"])
    system_session.execute(update(Matter).where(Matter.id.in_(ids[1::3])).values(due_on=None, deadline_state=None))
    system_session.commit()
    return ids


def _expected(session, sort: str, descending: bool) -> list[int]:
    """The list's order computed here, not by the database: NULL greatest, ties in registration
    order the same way (newest first when descending)."""
    rows = session.execute(select(Matter.id, getattr(Matter, sort))).all()
    ordered = sorted(rows, key=lambda r: (r[1] is None, r[1] if r[1] is not None else 0, r.id), reverse=descending)
    return [r.id for r in ordered]


def _walk(client, demo, query: str, per_page: int) -> tuple[list[list[int]], list[list[int]]]:
    """The pages going forward by ``next`` from the first, then back by ``previous`` from the last."""
    headers = demo.headers("xx_officer")
    forward: list[list[int]] = []
    body = client.get(f"/api/matters?per_page={per_page}{query}", headers=headers).json()
    assert body["previous"] is None
    while True:
        forward.append([m["id"] for m in body["items"]])
        if body["next"] is None:
            break
        body = client.get(f"/api/matters?per_page={per_page}{query}&after={body['next']}", headers=headers).json()
        assert body["total"] == 10 and body["previous"] is not None
    backward = [forward[-1]]
    while body["previous"] is not None:
        body = client.get(f"/api/matters?per_page={per_page}{query}&before={body['previous']}", headers=headers).json()
        assert body["next"] is not None
        backward.insert(0, [m["id"] for m in body["items"]])
    return forward, backward


@pytest.mark.parametrize("sort", ["received_on", "due_on", "id"])
@pytest.mark.parametrize("descending", [True, False])
def test_next_and_previous_walk_the_whole_list_in_order(client, demo, matters, system_session, sort, descending):
    expected = _expected(system_session, sort, descending)
    assert sorted(expected) == sorted(matters)
    query = f"&sort={sort}&descending={str(descending).lower()}"
    for per_page in (1, 3, 4):
        forward, backward = _walk(client, demo, query, per_page)
        assert sum(forward, []) == expected, (per_page, forward)
        assert all(len(p) == per_page for p in forward[:-1])
        # backwards the pages are cut from the end; at the start, the first page comes whole
        assert sum(backward, []) == expected and backward[0] == expected[:per_page], (per_page, backward)
        # a page reached by its cursor is the page its position has by number
        for number, page in enumerate(forward, start=1):
            by_number = client.get(f"/api/matters?per_page={per_page}&page={number}{query}",
                                   headers=demo.headers("xx_officer")).json()
            assert [m["id"] for m in by_number["items"]] == page


def test_a_cursor_keeps_its_place_when_matters_are_registered_before_it(client, demo, matters):
    headers = demo.headers("xx_officer")
    first = client.get("/api/matters?per_page=4", headers=headers).json()
    second = client.get(f"/api/matters?per_page=4&after={first['next']}", headers=headers).json()
    body = {"node_id": demo.node("411323").id, "channel": "letter", "form": "individual", "kind": "claim",
            "category": "城镇房屋拆迁", "summary": "新登记的", "petitioners": [PETITIONER],
            "received_on": clock.today().isoformat()}
    assert client.post("/api/matters", json=body, headers=headers).status_code == 201
    again = client.get(f"/api/matters?per_page=4&after={first['next']}", headers=headers).json()
    assert [m["id"] for m in again["items"]] == [m["id"] for m in second["items"]]
    assert again["total"] == 11


def test_bad_cursors_are_refused(client, demo, matters):
    headers = demo.headers("xx_officer")
    cursor = client.get("/api/matters?per_page=2", headers=headers).json()["next"]
    too_big = base64.urlsafe_b64encode(json.dumps(["received_on,id", "2026-03-01", 10**20]).encode()).decode()
    not_a_day = base64.urlsafe_b64encode(json.dumps(["received_on,id", "2026-02-30", 1]).encode()).decode()
    for query in (f"after={cursor}&sort=due_on", f"after={cursor}&before={cursor}", "after=garbage",
                  "before=W10", "after=" + "A" * 201, f"after={too_big}", f"before={not_a_day}"):
        resp = client.get(f"/api/matters?{query}", headers=headers)
        assert resp.status_code == 400, (query, resp.text)
    assert client.get(f"/api/matters?after={cursor}&descending=false", headers=headers).status_code == 200


def test_the_list_page_goes_by_the_cursors(client, demo, matters, system_session):
    expected = _expected(system_session, "received_on", True)
    headers = {**HTML, **demo.headers("xx_officer")}

    def shown(page: str) -> list[str]:
        return re.findall(r'<td class="code" data-label="编号"><a href="/matters/(\d+)"', page)

    def link(page: str, label: str) -> str | None:
        found = re.search(rf'<a class="button" href="([^"]+)">{label}</a>', page)
        return unescape(found.group(1)) if found else None

    page = client.get("/matters?per_page=4&state=registered", headers=headers).text
    assert shown(page) == [str(i) for i in expected[:4]] and link(page, "上一页") is None
    second = client.get("/matters" + link(page, "下一页"), headers=headers).text
    assert "第2页" in second and "state=registered" in link(second, "下一页")
    assert shown(second) == [str(i) for i in expected[4:8]]
    third = client.get("/matters" + link(second, "下一页"), headers=headers).text
    assert shown(third) == [str(i) for i in expected[8:]] and link(third, "下一页") is None
    back = client.get("/matters" + link(third, "上一页"), headers=headers).text
    assert shown(back) == shown(second) and "第2页" in back


def test_a_deep_page_by_number_is_refused_and_the_cursors_go_on(client, demo, matters, monkeypatch):
    """Past the first ``EXACT_UP_TO`` matters a page by number would be an OFFSET over all the
    matters before it: the API and the page answer 400 in Chinese, pointing to 下一页 and the
    filters; the same depth by cursor is served."""
    monkeypatch.setattr(paging, "EXACT_UP_TO", 4)
    headers = demo.headers("xx_officer")
    assert client.get("/api/matters?per_page=2&page=2", headers=headers).status_code == 200  # rows 3–4
    for url in ("/api/matters?per_page=2&page=3", "/api/matters?per_page=3&page=3&sort=due_on",
                "/matters?per_page=2&page=3"):
        resp = client.get(url, headers={**HTML, **headers} if url.startswith("/matters") else headers)
        assert resp.status_code == 400, (url, resp.text)
        assert "下一页" in unescape(resp.text) and "筛选" in unescape(resp.text), resp.text
    body = client.get("/api/matters?per_page=2&page=2", headers=headers).json()
    seen = [m["id"] for m in body["items"]]
    for number in (3, 4, 5):  # the page's number is only its label
        body = client.get(f"/api/matters?per_page=2&page={number}&after={body['next']}", headers=headers).json()
        assert body["page"] == number
        seen += [m["id"] for m in body["items"]]
    assert body["next"] is None and seen == _expected_ids(client, demo)[2:]


def _expected_ids(client, demo) -> list[int]:
    body = client.get("/api/matters?per_page=50", headers=demo.headers("xx_officer")).json()
    return [m["id"] for m in body["items"]]


def test_the_list_is_not_sorted_by_number(client, demo, matters):
    """A number starts with its county's code: a county's list by number would read every
    matter of the counties numbered before it. The answer says to sort by registration order."""
    for url in ("/api/matters?sort=number", "/matters?sort=number&descending=false"):
        resp = client.get(url, headers={**HTML, **demo.headers("xx_officer")} if url.startswith("/matters")
                          else demo.headers("xx_officer"))
        assert resp.status_code == 400 and "sort=id" in unescape(resp.text), resp.text
