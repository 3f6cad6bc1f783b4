"""A read replica (XINFANG_DATABASE_REPLICA_URL) takes the statistics' reads and nothing else;
tested with the replica URL pointing at the same database (a pool of its own), on SQLite and
PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

from litestar.testing import TestClient
from sqlalchemy import event

from tests.conftest import test_plugins
from xinfang.platform.app import create_app


def test_statistics_read_the_replica_and_writes_stay_on_the_primary(settings, demo):
    app = create_app(replace(settings, replica_url=settings.database_url), plugins=test_plugins())
    replica, primary = app.state.replica_engine, app.state.engine
    assert replica.engine is not primary.engine, "a pool of its own"
    used: list[str] = []
    event.listen(replica.engine, "checkout", lambda *_: used.append("replica"))
    event.listen(primary.engine, "checkout", lambda *_: used.append("primary"))
    county = demo.node("411323").id
    with TestClient(app=app) as client:
        headers = demo.headers("xx_officer")
        used.clear()
        figures = client.get(f"/api/statistics/nodes/{county}/figures", headers=headers, params={"period": "2026"})
        assert figures.status_code == 200, figures.text
        assert "replica" in used, used
        used.clear()
        renamed = client.patch(f"/api/nodes/{demo.node('411323001').id}", json={"name": "白羽街道办事处"},
                               headers=demo.headers("xx_admin"))
        assert renamed.status_code == 200, renamed.text
        assert "replica" not in used and "primary" in used, used
        used.clear()
        assert client.get("/api/matters", headers=headers).status_code == 200
        assert "replica" not in used, "the desk reads the primary: a clerk sees what was just saved"
    app.state.engine.dispose()
    replica.dispose()
