"""The matter list page for several users (county, township, the supervisor's read-only view,
the other county) and filters (the bench's, a built-in view, a unit, a keyword, the HTMX
partial), with a saved view and county categories set: pages with their rows, saved views,
categories and bulk bar where due, and never an identity number. The page reads at most three
small things (frame nodes, units with categories, saved views) beyond what the JSON list reads.

When the page's reads were merged and its statements built once (branch ``pages``), these 30
pages were compared byte for byte with the slower page's output in one checkout (identical on
SQLite and PostgreSQL); the snapshots were not kept: the demo rows they hold differ between
checkouts, so they could not pin the page in CI."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from xinfang.platform import demo as demo_data
from xinfang.platform.accounts.models import User
from xinfang.platform.matters.models import CountyRules
from xinfang.platform.matters.saved_views import SavedView

pytestmark = pytest.mark.today(2026, 3, 10)
BENCH = "open=true&sort=due_on&descending=false&per_page=20"
PAGES = {
    "xx_officer": [BENCH, "", "view=mine", "view=unit&open=true", "state=registered&per_page=50",
                   "node_id={xx}&open=false", "q=拆迁&channel=visit", "category=欠薪&sort=id&descending=true"],
    "xx_by_officer": [BENCH, "view=mine", "deadline_state=overdue"],
    "xx_supervisor": [BENCH, "state=registered"],
    "jj_officer": [BENCH, "node_id={jj}"],
}


@pytest.fixture
def desk(app, demo, system_session):
    demo_data.load_matters(system_session, per_county=25)
    rules = system_session.scalar(select(CountyRules).where(CountyRules.node_id == demo.node("411323").id))
    rules.categories = ["城镇房屋拆迁", "欠薪", "征地", "县里自定的分类<&>"]
    officer = system_session.scalar(select(User).where(User.username == "xx_officer"))
    system_session.add_all([SavedView(user_id=officer.id, name="丹水镇在办", query="node_id=3&open=true"),
                            SavedView(user_id=officer.id, name="<已超期>", query="deadline_state=overdue")])
    system_session.commit()
    return demo


def _pages(client, desk) -> dict[str, bytes]:
    townships = {"xx": desk.node("411323100").id, "jj": desk.node("350582002").id}
    got = {}
    for user, queries in PAGES.items():
        for n, query in enumerate(queries):
            url = "/matters?" + query.format(**townships)
            for name, extra in ((f"{user}-{n}.html", {}), (f"{user}-{n}-partial.html", {"HX-Request": "true"})):
                resp = client.get(url, headers={"Accept": "text/html", **desk.headers(user), **extra})
                assert resp.status_code == 200, (url, resp.text[:300])
                got[name] = resp.content
    return got


def test_the_list_page_shows_its_rows_views_and_categories_and_no_identity_number(client, desk):
    pages = _pages(client, desk)
    # pages with rows, the saved views and the categories, not empty shells
    bench = pages["xx_officer-0.html"].decode()
    assert bench.count('<tr>') > 10 and "丹水镇在办" in bench and "&lt;已超期&gt;" in bench
    assert "县里自定的分类&lt;&amp;&gt;" in bench and "批量交办" in pages["xx_officer-4.html"].decode()
    assert "批量交办" not in pages["xx_supervisor-1.html"].decode()
    assert not [name for name, body in pages.items() if re.search(rb"\d{17}[\dX]", body)]


def test_the_page_reads_three_small_things_more_than_the_json(app, client, desk):
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    headers = desk.headers("xx_officer")
    client.get(f"/matters?{BENCH}", headers={"Accept": "text/html", **headers})  # warm: policy, caches
    event.listen(app.state.engine, "before_cursor_execute", count)
    try:
        html = client.get(f"/matters?{BENCH}", headers={"Accept": "text/html", **headers})
        page = len(statements)
        statements.clear()
        json = client.get(f"/api/matters?{BENCH}", headers=headers)
    finally:
        event.remove(app.state.engine, "before_cursor_execute", count)
    assert html.status_code == 200 and json.status_code == 200
    assert page - len(statements) == 3, statements
