"""Issue 12, finding 10: passwords and usernames, security headers, Secure cookies, CSRF."""

from __future__ import annotations

from dataclasses import replace

import pytest
from litestar.testing import TestClient

from tests.integration.test_accounts import BAIYU, assert_error, login
from xinfang.platform.demo import DEMO_PASSWORD, USERS

CSRF_COOKIE = "xinfang_csrf"


def _new_user(client, demo, username: str, password: str):
    return client.post("/api/users", headers=demo.headers("xx_admin"),
                       json={"username": username, "display_name": "新用户", "password": password,
                             "node_id": demo.node(BAIYU).id})


@pytest.mark.parametrize(("username", "password"), [
    ("by_clerk", "abc12345"),            # short
    ("by_clerk", "by_clerk2026!"),       # contains the username
    ("by_clerk", "BY_CLERK-2026"),       # … in any case
    ("by_clerk", "qwertyuiop"),          # a common password
    ("by_clerk", "Password123"),         # … in any case
    ("by_clerk", "woaini1314520"),       # a common Chinese one
    ("xx_admіn2", "Xinfang-2026"),       # a Cyrillic і in the name
    ("By_Clerk", "Xinfang-2026"),        # upper case
    ("ab", "Xinfang-2026"),              # too short a name
    ("by clerk", "Xinfang-2026"),
    ("a" * 33, "Xinfang-2026"),
])
def test_weak_passwords_and_unsafe_usernames_are_refused(client, demo, username, password):
    assert_error(_new_user(client, demo, username, password), 400)


def test_the_demo_password_and_safe_names_are_accepted(client, demo):
    from xinfang.platform.accounts.passwords import password_problem, username_problem

    assert all(password_problem(DEMO_PASSWORD, u[0]) is None and username_problem(u[0]) is None for u in USERS)
    assert _new_user(client, demo, "by.clerk-01", "Baiyu-Jiedao-2026").status_code == 201


def test_every_response_carries_the_security_headers(client, demo):
    for response in (client.get("/health"), client.get("/api/no-such-route"),
                     login(client, "xx_officer"), client.get("/api/auth/me", headers=demo.headers("xx_officer")),
                     client.get("/public/reception/411323001")):
        csp = response.headers.get("content-security-policy", "")
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, (response.url, csp)
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"


def test_auth_answers_exports_and_personal_data_are_not_stored(client, demo):
    officer = demo.headers("xx_officer")
    for response in (login(client, "xx_officer"), client.get("/api/auth/me", headers=officer),
                     client.get("/api/people/export", headers=officer),
                     client.get("/api/matters/export", headers=officer)):
        assert response.status_code < 300, response.text
        assert response.headers["cache-control"] == "no-store", response.url


def test_the_session_cookie_is_secure_only_behind_tls(client, demo, settings):
    assert "secure" not in login(client, "xx_officer").headers["set-cookie"].lower()
    from xinfang.platform.app import create_app

    app = create_app(replace(settings, cookie_secure=True))
    with TestClient(app=app, base_url="https://testserver.local", raise_server_exceptions=False) as tls:
        cookies = login(tls, "xx_officer").headers.get_list("set-cookie")
    app.state.engine.dispose()
    assert len(cookies) == 2 and all("secure" in c.lower() for c in cookies), cookies


def test_cookie_authenticated_writes_need_the_csrf_token(client, demo):
    answer = login(client, "xx_admin")
    token = client.cookies[CSRF_COOKIE]
    csrf_cookie = next(c for c in answer.headers.get_list("set-cookie") if c.startswith(CSRF_COOKIE))
    assert "httponly" not in csrf_cookie.lower() and "samesite=strict" in csrf_cookie.lower()
    user_id = answer.json()["user"]["id"]

    assert client.get("/api/auth/me").status_code == 200  # reads need no token
    body = assert_error(client.patch(f"/api/users/{user_id}", json={"position": "局长"}), 403)
    assert "CSRF" in body["message"] or "令牌" in body["message"]
    assert_error(client.patch(f"/api/users/{user_id}", json={"position": "局长"}, headers={"X-CSRF-Token": "x" * 43}),
                 403)
    ok = client.patch(f"/api/users/{user_id}", json={"position": "局长"}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 200, ok.text
    # a bearer token is never sent by a browser on its own: no CSRF token needed
    bearer = {"Authorization": f"Bearer {answer.json()['token']}"}
    cookies = dict(client.cookies)
    client.cookies.clear()
    assert client.patch(f"/api/users/{user_id}", json={"position": "主任"}, headers=bearer).status_code == 200
    # forms of the coming web pages send it as the field `_csrf`
    for name, value in cookies.items():
        client.cookies.set(name, value)
    assert_error(client.post("/api/auth/logout", data={"other": "x"}), 403)
    out = client.post("/api/auth/logout", data={"_csrf": token})
    assert out.status_code == 200, out.text
