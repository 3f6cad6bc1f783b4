"""Issue 12, finding 7: a password change or reset, and a deactivation, end the old sessions."""

from __future__ import annotations

from tests.integration.test_accounts import assert_error, login

PASSWORD = "Xinfang-2026"


def _tokens(client, username: str, n: int) -> list[dict[str, str]]:
    tokens = [login(client, username).json()["token"] for _ in range(n)]
    client.cookies.clear()
    return [{"Authorization": f"Bearer {t}"} for t in tokens]


def _alive(client, headers: dict[str, str]) -> bool:
    status = client.get("/api/auth/me", headers=headers).status_code
    assert status in (200, 401)
    return status == 200


def test_changing_ones_password_ends_every_other_session(client, demo):
    here, laptop, phone = _tokens(client, "xx_officer", 3)
    wrong = client.post("/api/auth/password", headers=here,
                        json={"current_password": "Not-My-Password-1", "new_password": "Xin-Mima-2026a"})
    assert_error(wrong, 400)
    assert _alive(client, laptop)
    changed = client.post("/api/auth/password", headers=here,
                          json={"current_password": PASSWORD, "new_password": "Xin-Mima-2026a"})
    assert changed.status_code == 200, changed.text
    assert _alive(client, here) and not _alive(client, laptop) and not _alive(client, phone)
    assert_error(login(client, "xx_officer"), 401)
    assert login(client, "xx_officer", "Xin-Mima-2026a").status_code == 201


def test_an_admin_reset_ends_every_session_of_the_user(client, demo):
    sessions = _tokens(client, "xx_by_officer", 2)
    user_id = client.get("/api/auth/me", headers=sessions[0]).json()["user"]["id"]
    reset = client.patch(f"/api/users/{user_id}", json={"password": "Chongzhi-2026x"},
                         headers=demo.headers("xx_by_admin"))
    assert reset.status_code == 200, reset.text
    assert not any(_alive(client, h) for h in sessions)
    assert login(client, "xx_by_officer", "Chongzhi-2026x").status_code == 201


def test_reactivation_does_not_revive_old_sessions(client, demo):
    old = _tokens(client, "xx_by_officer", 1)[0]
    user_id = client.get("/api/auth/me", headers=old).json()["user"]["id"]
    admin = demo.headers("xx_by_admin")
    assert client.patch(f"/api/users/{user_id}", json={"is_active": False}, headers=admin).status_code == 200
    assert not _alive(client, old)
    assert client.patch(f"/api/users/{user_id}", json={"is_active": True}, headers=admin).status_code == 200
    assert not _alive(client, old)
    fresh = _tokens(client, "xx_by_officer", 1)[0]
    assert _alive(client, fresh)


def test_guessing_the_current_password_with_a_stolen_session_is_throttled(client, demo, clock):
    stolen = _tokens(client, "xx_officer", 1)[0]
    guess = {"current_password": "Guess-Number-1", "new_password": "Xin-Mima-2026a"}
    for _ in range(5):
        assert_error(client.post("/api/auth/password", headers=stolen, json=guess), 400)
    assert_error(client.post("/api/auth/password", headers=stolen, json=guess), 429)
    audited = client.get("/api/audit", params={"object_type": "users"}, headers=demo.headers("xx_supervisor")).json()
    assert sum(r["action"] == "password_change_failed" for r in audited["items"]) == 5
