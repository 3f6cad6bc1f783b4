"""Issue 12: no request holds two connections. The handlers that used to open a second (system)
session for figures over a wider area now read on their own session (``reading_as``): counted
here at the pool, per request, for each of them."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import event

from tests.integration.campaign_samples import petition_month_samples
from tests.integration.test_route_walk import _campaign

BAIYU = "411323001"


class PoolWatch:
    """The most connections checked out at once (requests here run one after another)."""

    def __init__(self, engine) -> None:
        self.out = self.most = 0
        self._mutex = threading.Lock()
        event.listen(engine.pool, "checkout", self._checkout)
        event.listen(engine.pool, "checkin", self._checkin)
        self._engine = engine

    def _checkout(self, *_args) -> None:
        with self._mutex:
            self.out += 1
            self.most = max(self.most, self.out)

    def _checkin(self, *_args) -> None:
        with self._mutex:
            self.out -= 1

    def reset(self) -> None:
        self.most = self.out

    def close(self) -> None:
        event.remove(self._engine.pool, "checkout", self._checkout)
        event.remove(self._engine.pool, "checkin", self._checkin)


@pytest.fixture
def watch(app):
    watcher = PoolWatch(app.state.engine)
    yield watcher
    watcher.close()


@pytest.mark.today(2026, 11, 20, 10)
def test_wide_reads_use_the_requests_own_connection(app, client, demo, watch):
    month = petition_month_samples(app, demo)["petition_month_id"]
    campaign = _campaign(app, demo)
    calls = [
        ("GET", "/api/audit/verify", "xx_supervisor", None),
        ("GET", f"/api/campaigns/{campaign}/metrics", "xx_by_officer", None),
        ("GET", f"/api/campaigns/{month}/petition-month/summary", "xx_by_admin", None),
        ("POST", f"/api/campaigns/{month}/petition-month/documents/summary", "xx_by_admin", {}),
        ("GET", f"/api/public/reception/{BAIYU}", None, None),
    ]
    for method, url, who, body in calls:
        watch.reset()
        resp = client.request(method, url, headers=demo.headers(who) if who else {}, json=body)
        assert resp.status_code < 300, (url, resp.status_code, resp.text)
        assert watch.most == 1, (url, watch.most)
