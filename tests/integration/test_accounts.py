"""Logging in and out, throttling, the current user, and managing accounts and role grants."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import replace

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from xinfang.platform.accounts.models import RoleAssignment, User
from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.demo import DEMO_PASSWORD
from xinfang.tenants.scope import Scope

CJK = re.compile(r"[\u4e00-\u9fff]")
SESSION_COOKIE = "xinfang_session"
XIXIA, BAIYU, DANSHUI, JINJIANG = "411323", "411323001", "411323100", "350582"


def login(client, username: str, password: str = DEMO_PASSWORD):
    return client.post("/api/auth/login", json={"username": username, "password": password})


@contextmanager
def system_db(app):
    with app.state.session_factory(scope=Scope.system(), bind=app.state.read_engine) as session:
        yield session


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status_code"] == status and CJK.search(body["message"]), body
    return body


# --- login, the token, the cookie, logout ----------------------------------------------------


def test_login_returns_a_token_and_an_http_only_cookie(client, demo):
    response = login(client, "xx_admin")
    assert response.status_code == 201, response.text
    body = response.json()
    assert isinstance(body["token"], str) and len(body["token"]) >= 32
    assert body["user"]["username"] == "xx_admin"
    assert "password_hash" not in body["user"]
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith(f"{SESSION_COOKIE}={body['token']}")
    assert "httponly" in set_cookie.lower()
    assert "samesite=strict" in set_cookie.lower()


def test_token_works_as_bearer_and_cookie_alone(client, demo):
    token = login(client, "xx_by_admin").json()["token"]
    client.cookies.clear()
    assert client.get("/api/auth/me").status_code == 401

    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    body = me.json()
    assert body["user"]["username"] == "xx_by_admin"
    assert body["user"]["node_id"] == demo.node(BAIYU).id
    # the township's 信访办主任 administers its accounts and is one of its petition officers
    assert sorted((a["role"], a["node"]) for a in body["assignments"]) == [("officer", BAIYU), ("township_admin", BAIYU)]
    assert {(s["node"], s["covers"]) for s in body["scope"]} == {(BAIYU, "白羽街道及其下级")}
    assert "users:manage" in body["permissions"] and "audit:read" not in body["permissions"]

    client.cookies.set(SESSION_COOKIE, token)
    assert client.get("/api/auth/me").json()["user"]["username"] == "xx_by_admin"
    client.cookies.clear()
    assert client.get("/api/auth/me", headers={"Authorization": "Bearer not-a-token"}).status_code == 401


def test_me_for_the_operator_covers_the_platform(client, demo):
    body = client.get("/api/auth/me", headers=demo.headers("operator")).json()
    assert [(a["role"], a["node"]) for a in body["assignments"]] == [("operator", None)]
    assert body["scope"][0]["covers"] == "整个平台"


def test_logout_revokes_the_token(client, demo, app):
    token = login(client, "xx_officer").json()["token"]
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/auth/me", headers=bearer).status_code == 200
    out = client.post("/api/auth/logout", headers=bearer)
    assert out.status_code == 200, out.text
    assert out.headers["set-cookie"].startswith(f'{SESSION_COOKIE}=""') or \
        out.headers["set-cookie"].startswith(f"{SESSION_COOKIE}=;")
    assert_error(client.get("/api/auth/me", headers=bearer), 401)
    client.cookies.set(SESSION_COOKIE, token)
    assert client.get("/api/auth/me").status_code == 401
    with system_db(app) as s:
        actions = s.scalars(select(AuditRecord.action).where(AuditRecord.actor_name == "xx_officer")
                            .order_by(AuditRecord.id)).all()
    assert actions == ["login", "logout"]


def test_wrong_password_and_unknown_user_get_the_same_401(client, demo):
    wrong = assert_error(login(client, "xx_admin", "Wrong-password-1"), 401)
    unknown = assert_error(login(client, "nobody_here", "Wrong-password-1"), 401)
    assert wrong["message"] == unknown["message"]
    assert SESSION_COOKIE not in client.cookies


def test_logins_and_failures_are_audited(client, demo, app):
    assert login(client, "xx_by_officer", "Wrong-password-1").status_code == 401
    assert login(client, "nobody_here", "Wrong-password-1").status_code == 401
    assert login(client, "xx_by_officer").status_code == 201

    items = client.get("/api/audit", params={"object_type": "users"}, headers=demo.headers("xx_supervisor")).json()
    seen = [(r["action"], r["actor_name"]) for r in items["items"] if r["action"] in ("login", "login_failed")]
    assert seen == [("login", "xx_by_officer"), ("login_failed", "xx_by_officer")]  # newest first
    with system_db(app) as s:
        unknown = s.scalar(select(AuditRecord).where(AuditRecord.action == "login_failed",
                                                     AuditRecord.actor_name == "nobody_here"))
    assert unknown is not None and unknown.chain == 0 and unknown.address == "testclient"


def test_an_inactive_user_cannot_log_in_and_loses_open_sessions(client, demo):
    headers = demo.headers("xx_by_officer")
    user_id = client.get("/api/auth/me", headers=headers).json()["user"]["id"]
    off = client.patch(f"/api/users/{user_id}", json={"is_active": False}, headers=demo.headers("xx_by_admin"))
    assert off.status_code == 200 and off.json()["is_active"] is False, off.text
    assert_error(login(client, "xx_by_officer"), 401)
    assert client.get("/api/auth/me", headers=headers).status_code == 401


# --- throttling ------------------------------------------------------------------------------


def test_sixth_attempt_after_five_failures_waits_even_with_the_right_password(client, demo, clock):
    """Growing delays are covered by test_login_throttle.py. The clock stands still: the first
    wait is one second, which a busy machine could otherwise spend between two attempts."""
    for _ in range(5):
        assert login(client, "xx_leader", "Wrong-password-1").status_code == 401
    throttled = login(client, "xx_leader")
    body = assert_error(throttled, 429)
    assert 1 <= int(throttled.headers["retry-after"]) <= 15 * 60
    assert "秒后再试" in body["message"]
    # another account from the same address is not affected (the address limit is 20)
    assert login(client, "jj_leader").status_code == 201


@pytest.fixture
def strict_client(settings, demo):
    """An app over the same database that locks an address out after 3 failures."""
    from xinfang.platform.app import create_app

    app = create_app(replace(settings, throttle_per_address=3))
    with TestClient(app=app, raise_server_exceptions=False) as c:
        yield c
    app.state.engine.dispose()


def test_address_limit_applies_across_usernames(strict_client, clock):
    for username in ("xx_admin", "jj_admin", "nobody_here"):
        assert login(strict_client, username, "Wrong-password-1").status_code == 401
    throttled = login(strict_client, "xx_officer")  # the right password, a fresh account
    assert_error(throttled, 429)
    assert int(throttled.headers["retry-after"]) >= 1


# --- accounts and role grants ----------------------------------------------------------------


def create_user(client, demo, who: str, username: str, node_code: str | None):
    body = {"username": username, "display_name": "新用户", "password": "Abc-123456x",
            "node_id": demo.node(node_code).id if node_code else None}
    return client.post("/api/users", json=body, headers=demo.headers(who))


def grant(client, demo, who: str, user_id: int, role: str, node_code: str | None):
    return client.post(f"/api/users/{user_id}/roles", headers=demo.headers(who),
                       json={"role": role, "node_id": demo.node(node_code).id if node_code else None})


def test_county_admin_creates_users_in_own_county_only(client, demo, app):
    made = create_user(client, demo, "xx_admin", "xx_new", BAIYU)
    assert made.status_code == 201, made.text
    assert made.json()["node_id"] == demo.node(BAIYU).id
    with system_db(app) as s:
        user = s.scalar(select(User).where(User.username == "xx_new"))
        assert (user.county_id, user.township_id) == (demo.node(XIXIA).id, demo.node(BAIYU).id)
        assert user.password_hash.startswith("$argon2id$")

    other = create_user(client, demo, "xx_admin", "xx_elsewhere", JINJIANG)
    assert other.status_code in (403, 404), other.text
    assert_error(create_user(client, demo, "xx_admin", "xx_new", BAIYU), 409)
    weak = client.post("/api/users", headers=demo.headers("xx_admin"),
                       json={"username": "xx_weak", "display_name": "弱", "password": "12345678",
                             "node_id": demo.node(BAIYU).id})
    assert_error(weak, 400)
    assert create_user(client, demo, "xx_by_admin", "by_new", XIXIA).status_code in (403, 404)
    assert create_user(client, demo, "xx_officer", "no_rights", XIXIA).status_code == 403
    with system_db(app) as s:
        names = set(s.scalars(select(User.username)))
    assert "xx_new" in names and not names & {"xx_elsewhere", "xx_weak", "by_new", "no_rights"}


def test_grants_stay_within_subtree_and_grantable_roles(client, demo, app):
    user_id = create_user(client, demo, "xx_admin", "by_new", BAIYU).json()["id"]

    ok = grant(client, demo, "xx_by_admin", user_id, "officer", BAIYU)
    assert ok.status_code == 201, ok.text
    assert ok.json()["role"] == "officer" and ok.json()["node_id"] == demo.node(BAIYU).id
    assert grant(client, demo, "xx_by_admin", user_id, "grid_worker", "411323001001-01").status_code == 201
    assert_error(grant(client, demo, "xx_by_admin", user_id, "officer", BAIYU), 409)

    assert_error(grant(client, demo, "xx_by_admin", user_id, "county_admin", XIXIA), 404)  # county out of reach
    assert_error(grant(client, demo, "xx_by_admin", user_id, "supervisor", BAIYU), 403)
    assert_error(grant(client, demo, "xx_by_admin", user_id, "county_admin", BAIYU), 400)  # only at a county
    assert_error(grant(client, demo, "xx_by_admin", user_id, "township_admin", "411323001001"), 400)
    assert_error(grant(client, demo, "xx_by_admin", user_id, "operator", None), 403)
    assert grant(client, demo, "xx_by_admin", user_id, "officer", DANSHUI).status_code in (403, 404)
    assert grant(client, demo, "xx_admin", user_id, "officer", JINJIANG).status_code in (403, 404)
    assert_error(grant(client, demo, "xx_admin", user_id, "no_such_role", BAIYU), 400)
    assert_error(grant(client, demo, "xx_admin", user_id, "county_admin", BAIYU), 400)  # only at a county

    assert grant(client, demo, "xx_admin", user_id, "supervisor", BAIYU).status_code == 201
    # a user of another county cannot be reached at all
    jj_officer = client.get("/api/users", params={"q": "jj_officer"}, headers=demo.headers("jj_admin")).json()
    jj_id = jj_officer["items"][0]["id"]
    assert grant(client, demo, "xx_admin", jj_id, "officer", XIXIA).status_code in (403, 404)

    with system_db(app) as s:
        held = {(a.role, a.node_id) for a in s.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user_id))}
        assert held == {("officer", demo.node(BAIYU).id), ("grid_worker", demo.node("411323001001-01").id),
                        ("supervisor", demo.node(BAIYU).id)}
        assert s.scalar(select(RoleAssignment.id).where(RoleAssignment.user_id == jj_id,
                                                        RoleAssignment.node_id == demo.node(XIXIA).id)) is None


def test_a_grant_and_a_revoke_take_effect_on_the_next_request(client, demo):
    user_id = create_user(client, demo, "xx_admin", "by_new", BAIYU).json()["id"]
    me = demo.headers("by_new")
    assert client.get("/api/auth/me", headers=me).json()["assignments"] == []
    assert_error(client.get("/api/users", headers=me), 403)

    assignment = grant(client, demo, "xx_by_admin", user_id, "officer", BAIYU).json()
    listed = client.get("/api/users", params={"per_page": 200}, headers=me)
    assert listed.status_code == 200, listed.text
    names = {u["username"] for u in listed.json()["items"]}
    assert "xx_by_officer" in names and "xx_ds_officer" not in names

    # a township admin cannot revoke at a node above them; the county admin can
    county_grant = grant(client, demo, "xx_admin", user_id, "leader", XIXIA).json()
    assert client.delete(f"/api/users/{user_id}/roles/{county_grant['id']}",
                         headers=demo.headers("xx_by_admin")).status_code in (403, 404)
    assert client.delete(f"/api/users/{user_id}/roles/{county_grant['id']}",
                         headers=demo.headers("xx_admin")).status_code == 200

    revoked = client.delete(f"/api/users/{user_id}/roles/{assignment['id']}", headers=demo.headers("xx_by_admin"))
    assert revoked.status_code == 200, revoked.text
    assert client.get("/api/auth/me", headers=me).json()["assignments"] == []
    assert_error(client.get("/api/users", headers=me), 403)
    assert client.delete(f"/api/users/{user_id}/roles/{assignment['id']}",
                         headers=demo.headers("xx_by_admin")).status_code == 404


def test_an_admin_cannot_revoke_their_own_admin_role(client, demo):
    me = client.get("/api/auth/me", headers=demo.headers("xx_by_admin")).json()
    detail = client.get(f"/api/users/{me['user']['id']}", headers=demo.headers("xx_by_admin")).json()
    own = detail["assignments"][0]
    assert own["role"] == "township_admin"
    response = client.delete(f"/api/users/{me['user']['id']}/roles/{own['id']}", headers=demo.headers("xx_by_admin"))
    assert_error(response, 409)
