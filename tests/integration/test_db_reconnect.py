"""A PostgreSQL server that restarted is reconnected to without a failed request.

The pool no longer pings before each checkout (platform/db.py): a dead connection is found by
its first statement. For an authenticated request that statement is the authentication, which
then runs once more on a fresh connection (platform/web/guards.py), and the failure has
invalidated the pool's older connections, so the handler gets a fresh one too.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def _cut_every_connection(database_url: str) -> None:
    """What a server restart does to the app's pool: every backend of its database ends."""
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    query = "SELECT pid FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"
    try:
        with admin.connect() as conn:
            pids = conn.execute(text(query), {"db": url.database}).scalars().all()
            assert pids, "the app's pool should hold connections before the cut"
            for pid in pids:
                conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            deadline = time.monotonic() + 10
            while set(conn.execute(text(query), {"db": url.database}).scalars()) & set(pids):
                assert time.monotonic() < deadline, "the server did not end the backends"
                time.sleep(0.05)
    finally:
        admin.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # SQLite has no server connections to lose
def test_requests_after_the_server_cut_every_connection_succeed(client, demo, settings):
    headers = demo.headers("xx_officer")
    for _ in range(3):  # the pool now holds connections
        assert client.get("/api/matters", headers=headers).status_code == 200
    _cut_every_connection(settings.database_url)
    for _ in range(3):
        listed = client.get("/api/matters", headers=headers)
        assert listed.status_code == 200, listed.text
    me = client.get("/api/auth/me", headers=headers)
    assert me.status_code == 200 and me.json()["user"]["username"] == "xx_officer"
