"""EXPLAIN ANALYZE of the matters list for every sort it offers, on a database kept by
``bench/matters.py --keep``: the statements one request sends (its page and its count, captured
at the driver from the real app, so the scope's criteria are in them) for each sort × direction
× (county scope; township scope; county scope with ``state=handling``), page 1 and the page
after it by cursor, and a page 90 by number. Prints each plan (``COSTS OFF``) and a table of
execution times.

Usage: ``.venv/bin/python bench/list_plans.py <database name> [--only received_on,due_on]``
(the server at XINFANG_TEST_PG_URL). Results: docs/benchmarks.md.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from litestar.testing import TestClient  # noqa: E402
from matters import COUNTY_USER, TOWNSHIP_USER, raw_connection, sign_in  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from xinfang.platform.app import create_app  # noqa: E402
from xinfang.platform.matters.routes import SORTS  # noqa: E402
from xinfang.platform.settings import Settings  # noqa: E402
from xinfang.tenants.scope import Scope  # noqa: E402

SCOPES = {"county": (COUNTY_USER, ""), "township": (TOWNSHIP_USER, ""), "county, handling": (COUNTY_USER, "&state=handling")}


def statements(client: TestClient, app, token: str, url: str) -> tuple[list[tuple[str, object]], dict]:
    seen: list[tuple[str, object]] = []

    def grab(_conn, _cursor, statement, parameters, _context, _many) -> None:
        seen.append((statement, parameters))

    event.listen(app.state.engine, "before_cursor_execute", grab)
    try:
        resp = client.get(url, headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 200, resp.text[:300]
    finally:
        event.remove(app.state.engine, "before_cursor_execute", grab)
    return [(s, p) for s, p in seen if "FROM matters" in s or "FROM matter_access" in s], resp.json()


def main() -> None:
    name = sys.argv[1]
    only = sys.argv[sys.argv.index("--only") + 1].split(",") if "--only" in sys.argv else list(SORTS)
    server = make_url(os.environ.get("XINFANG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    url = server.set(database=name).render_as_string(hide_password=False)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = replace(Settings(), database_url=url, run_background=False)
    app = create_app(settings)
    with app.state.session_factory(scope=Scope.system()) as s:
        tokens = sign_in(s, settings)
    table = []
    with TestClient(app) as client, raw_connection(url) as raw:
        for sort in only:
            for descending in ("true", "false"):
                for scope, (user, filters) in SCOPES.items():
                    base = f"/api/matters?per_page=20&sort={sort}&descending={descending}{filters}"
                    client.get(base, headers={"Authorization": f"Bearer {tokens[user]}"})  # the count kept
                    first, body = statements(client, app, tokens[user], base)
                    cursor, _ = statements(client, app, tokens[user], f"{base}&after={body['next']}")
                    deep, _ = statements(client, app, tokens[user], f"{base}&page=90")
                    for what, found in (("page 1", first), ("page 2 by cursor", cursor), ("page 90 by number", deep)):
                        for sql, params in found:
                            kind = "count" if sql.lstrip().startswith("SELECT count") else "page"
                            with raw.cursor() as cur:
                                cur.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
                                plan = [r[0] for r in cur.fetchall()]
                            ms = float(re.search(r"Execution Time: ([\d.]+)", plan[-1]).group(1))
                            label = f"{sort} {'desc' if descending == 'true' else 'asc'}, {scope}, {what}, {kind}"
                            table.append((label, ms))
                            print(f"-- {label}: {ms:.2f} ms")
                            print("\n".join(line for line in plan if "Planning" not in line and "Execution" not in line))
    app.state.engine.dispose()
    print("\n| sort, scope, page, statement | ms |\n| --- | ---: |")
    for label, ms in table:
        print(f"| {label} | {ms:.2f} |")


if __name__ == "__main__":
    main()
