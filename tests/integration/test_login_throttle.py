"""Issue 12, finding 10: login throttling slows an attacker without locking the user out.

Delays grow per account and address and per address; a login from another address is never
held up by an attacker's failures; ``X-Forwarded-For`` counts only from a trusted proxy. The
tests move the process clock (the ``clock`` fixture) instead of sleeping.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace

import pytest
from litestar.testing import TestClient
from litestar.testing.transport import TestClientTransport
from sqlalchemy import select

from tests.integration.test_accounts import assert_error, system_db
from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.demo import DEMO_PASSWORD

ATTACKER, USER, PROXY = "203.0.113.9", "198.51.100.7", "10.1.2.3"
WRONG = "Wrong-password-1"


@pytest.fixture
def peers(monkeypatch):
    """Requests may name the network peer they come from (header ``x-test-peer``)."""
    parse = TestClientTransport.parse_request

    def parse_request(self, request):
        peer = request.headers.pop("x-test-peer", None)
        scope = parse(self, request)
        if peer:
            scope["client"] = (peer, 50000)
        return scope

    monkeypatch.setattr(TestClientTransport, "parse_request", parse_request)


@contextmanager
def served(settings, **overrides):
    from xinfang.platform.app import create_app

    app = create_app(replace(settings, **overrides))
    with TestClient(app=app, raise_server_exceptions=False) as client:
        yield client
    app.state.engine.dispose()


def attempt(client, username: str, password: str, peer: str, forwarded: str | None = None):
    headers = {"x-test-peer": peer} | ({"X-Forwarded-For": forwarded} if forwarded else {})
    response = client.post("/api/auth/login", json={"username": username, "password": password}, headers=headers)
    client.cookies.clear()
    return response


def test_delays_grow_per_account_and_address_and_then_let_the_right_password_in(settings, demo, peers, clock):
    with served(settings, throttle_per_account=3) as client:
        for _ in range(3):
            assert attempt(client, "xx_leader", WRONG, ATTACKER).status_code == 401
        waits = []
        for _ in range(4):
            throttled = attempt(client, "xx_leader", DEMO_PASSWORD, ATTACKER)  # even the right password waits
            body = assert_error(throttled, 429)
            waits.append(int(throttled.headers["retry-after"]))
            assert "秒" in body["message"] or "分钟" in body["message"]
            clock.advance(seconds=waits[-1])
            assert attempt(client, "xx_leader", WRONG, ATTACKER).status_code == 401
        assert waits == sorted(waits) and waits[-1] > waits[0] >= 1, waits
        wait = int(attempt(client, "xx_leader", WRONG, ATTACKER).headers["retry-after"])
        clock.advance(seconds=wait)
        assert attempt(client, "xx_leader", DEMO_PASSWORD, ATTACKER).status_code == 201


def test_an_attackers_failures_never_block_the_user_at_another_address(settings, demo, peers, clock):
    with served(settings) as client:
        statuses = []
        for _ in range(40):
            response = attempt(client, "xx_admin", WRONG, ATTACKER)
            statuses.append(response.status_code)
            if response.status_code == 429:
                clock.advance(seconds=int(response.headers["retry-after"]))
        assert set(statuses) == {401, 429}
        assert attempt(client, "xx_admin", DEMO_PASSWORD, USER).status_code == 201


def test_failures_across_accounts_slow_the_address(settings, demo, peers, clock):
    with served(settings, throttle_per_address=4) as client:
        for username in ("xx_admin", "jj_admin", "nobody_here", "xx_officer"):
            assert attempt(client, username, WRONG, ATTACKER).status_code == 401
        assert_error(attempt(client, "jj_officer", DEMO_PASSWORD, ATTACKER), 429)
        assert attempt(client, "jj_officer", DEMO_PASSWORD, USER).status_code == 201


def test_forwarded_for_counts_only_from_a_trusted_proxy(settings, demo, peers, app, clock):
    # no trusted proxies (the default): a forged header changes nothing
    with served(settings, throttle_per_address=2) as client:
        for fake in ("192.0.2.1", "192.0.2.2"):
            assert attempt(client, "nobody_here", WRONG, ATTACKER, forwarded=fake).status_code == 401
        assert_error(attempt(client, "nobody_here", WRONG, ATTACKER, forwarded="192.0.2.3"), 429)
    # behind a configured proxy, the client it names is the address (and what the audit log keeps)
    with served(settings, trusted_proxies=("10.0.0.0/8",)) as client:
        assert attempt(client, "xx_officer", DEMO_PASSWORD, PROXY, forwarded=f"192.0.2.50, {USER}").status_code == 201
        assert attempt(client, "xx_leader", DEMO_PASSWORD, ATTACKER, forwarded=USER).status_code == 201
    with system_db(app) as s:
        seen = dict(s.execute(select(AuditRecord.actor_name, AuditRecord.address)
                              .where(AuditRecord.action == "login")).all())
    assert seen == {"xx_officer": USER, "xx_leader": ATTACKER}


def test_the_trusted_proxy_setting_is_read_from_the_environment():
    from xinfang.platform.settings import Settings

    env = {"XINFANG_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1", "XINFANG_SECRET_KEY": "k"}
    assert Settings.from_env(env).trusted_proxies == ("10.0.0.0/8", "127.0.0.1")
    assert Settings.from_env({"XINFANG_SECRET_KEY": "k"}).trusted_proxies == ()
