"""The matters list's ``total`` under every kind of scope, on every page.

The unfiltered list counts from the access table (``tenants.scope.visible_rows``) and the
last page takes its total from its own rows (``web.paging.page_of``); both must give the
same number as counting the visible matters themselves.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from xinfang.platform.matters.models import Matter
from xinfang.platform.web import paging
from xinfang.tenants.scope import Scope, visible_rows

PETITIONER = {"name": "王五", "id_number": "11010519491231002X", "phone": "13912345678", "address": "城东社区2号"}


def _register(client, demo, user, node_code, summary):
    body = {"node_id": demo.node(node_code).id, "channel": "letter", "form": "individual", "kind": "claim",
            "category": "城镇房屋拆迁", "summary": summary, "petitioners": [PETITIONER],
            "received_on": "2026-03-02"}
    resp = client.post("/api/matters", json=body, headers=demo.headers(user))
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def _assign(client, demo, matter_id, unit_code):
    resp = client.post(f"/api/matters/{matter_id}/actions/assign", headers=demo.headers("xx_officer"),
                       json={"on": "2026-03-03", "lead_unit_id": demo.node(unit_code).id})
    assert resp.status_code == 200, resp.text


@pytest.fixture
def matters(client, demo) -> dict[str, int]:
    """Three county matters (one assigned to 住建局, one to 白羽街道), two registered by 白羽街道,
    two in 晋江市."""
    ids = {
        "c_zjj": _register(client, demo, "xx_officer", "411323", "县局登记,交办住建局"),
        "c_by": _register(client, demo, "xx_officer", "411323", "县局登记,交办白羽街道"),
        "c_own": _register(client, demo, "xx_officer", "411323", "县局登记,自办"),
        "by_1": _register(client, demo, "xx_by_officer", "411323001", "白羽街道登记一"),
        "by_2": _register(client, demo, "xx_by_officer", "411323001", "白羽街道登记二"),
        "jj_1": _register(client, demo, "jj_officer", "350582", "晋江市登记一"),
        "jj_2": _register(client, demo, "jj_officer", "350582", "晋江市登记二"),
    }
    _assign(client, demo, ids["c_zjj"], "411323-ZJJ")
    _assign(client, demo, ids["c_by"], "411323001")
    return ids


VISIBLE = {
    "xx_officer": {"c_zjj", "c_by", "c_own", "by_1", "by_2"},
    "xx_by_officer": {"c_by", "by_1", "by_2"},
    "xx_handler": {"c_zjj"},
    "xx_ds_officer": set(),
    "jj_officer": {"jj_1", "jj_2"},
}


@pytest.mark.parametrize("user", sorted(VISIBLE))
def test_every_page_reports_the_visible_total(client, demo, matters, user):
    expected = {matters[key] for key in VISIBLE[user]}
    registered = {matters[key] for key in VISIBLE[user] if key not in ("c_zjj", "c_by")}
    for query, wanted in (("", expected), ("&state=registered", registered)):
        for per_page in (1, 2, 50):
            seen: list[int] = []
            for page in range(1, len(wanted) // per_page + 3):  # one page past the end, too
                resp = client.get(f"/api/matters?per_page={per_page}&page={page}{query}", headers=demo.headers(user))
                assert resp.status_code == 200, resp.text
                body = resp.json()
                assert body["total"] == len(wanted), (user, query, per_page, page)
                seen += [item["id"] for item in body["items"]]
            assert sorted(seen) == sorted(wanted), (user, query, per_page)


def test_visible_rows_are_what_the_scope_shows(app, demo, matters):
    county, township, zjj = demo.node("411323").id, demo.node("411323001").id, demo.node("411323-ZJJ").id
    scopes = [(Scope.of_nodes([("county", county)]), 5), (Scope.of_nodes([("township", township)]), 3),
              (Scope.of_nodes([("county", county), ("township", township)]), 5),
              (Scope.of_nodes([("department", zjj)]), 1), (Scope.nothing(), 0), (Scope.platform(), 0)]
    for scope, expected in scopes:
        with app.state.session_factory(scope=scope, bind=app.state.read_engine) as s:
            direct = s.scalar(select(func.count()).select_from(select(Matter).subquery()))
            rows = visible_rows(s, Matter)
            assert rows is not None
            assert s.scalar(select(func.count()).select_from(rows.subquery())) == direct == expected, scope
    with app.state.session_factory(scope=Scope.system(), bind=app.state.read_engine) as s:
        assert visible_rows(s, Matter) is None, "an unrestricted session counts the matters themselves"


def test_long_lists_say_their_total_is_approximate(client, demo, matters, monkeypatch):
    """Beyond ``EXACT_UP_TO`` the total is the exact count of a few minutes ago, per scope and
    statement, and the API and the page say it is approximate. An old count is served while
    one refresh (off the request, in the scope it was counted for) counts again."""
    now, refreshes = [1000.0], []
    monkeypatch.setattr(paging, "EXACT_UP_TO", 2)
    monkeypatch.setattr(paging, "RECENT_COUNTS", paging.RecentCounts(now=lambda: now[0], start=refreshes.append))

    def listed(user: str, query: str = "", per_page: int = 1) -> tuple[int, bool]:
        body = client.get(f"/api/matters?per_page={per_page}{query}", headers=demo.headers(user)).json()
        return body["total"], body["total_exact"]

    # each scope its own count (same statement, other grants), none served to another
    assert listed("xx_officer") == (5, False)
    assert listed("xx_by_officer") == (3, False)
    assert listed("jj_officer") == (2, True)
    assert listed("xx_handler") == (1, True)
    assert listed("xx_officer", "&state=registered") == (3, False)
    page = client.get("/matters?per_page=1", headers={"Accept": "text/html", **demo.headers("xx_officer")}).text
    assert "共约5件" in page and "共约5页" in page

    _register(client, demo, "xx_officer", "411323", "县局登记,又一件")
    counting, counts = paging._count, []
    monkeypatch.setattr(paging, "_count", lambda session, rows: counts.append(rows) or counting(session, rows))
    assert listed("xx_officer") == (5, False), "reused for a few minutes"
    assert counts == [] and refreshes == [], "without counting again"
    now[0] += paging.RecentCounts.SECONDS
    assert listed("xx_officer") == (5, False), "the old count, while the new one is taken"
    assert listed("xx_officer") == (5, False)
    assert counts == [], "not on the request"
    assert len(refreshes) == 1, "one refresh of this list and scope at a time"
    refreshes.pop()()
    assert len(counts) == 1, "the full count, in the refresh"
    assert listed("xx_officer") == (6, False)
    assert listed("xx_by_officer") == (3, False) and len(refreshes) == 1, "another scope's own refresh"
    refreshes.pop()()
    assert listed("xx_by_officer") == (3, False), "counted in its own scope (not the county's 6)"
    assert listed("xx_officer", per_page=50) == (6, True), "a last page counts its own rows"


def test_a_list_counted_by_two_requests_at_once_is_counted_once(monkeypatch):
    """Two requests that find no count of the same list: the second waits for the first's."""
    entered, release, calls = threading.Event(), threading.Event(), []

    def slow_count(_session, _rows) -> int:
        calls.append(1)
        entered.set()
        release.wait()
        return 42

    monkeypatch.setattr(paging, "_count", slow_count)
    counts = paging.RecentCounts(start=lambda job: pytest.fail("nothing is stale"))
    answers: list[int] = []
    first = threading.Thread(target=lambda: answers.append(counts.count(None, None, "key")))  # type: ignore[arg-type]
    first.start()
    entered.wait()
    second = threading.Thread(target=lambda: answers.append(counts.count(None, None, "key")))  # type: ignore[arg-type]
    second.start()
    release.set()
    first.join()
    second.join()
    assert answers == [42, 42] and calls == [1]
