"""Issue 12, finding 3: the operator administers counties and county admins, nothing inside.

It cannot grant itself (or anyone) roles inside a county except a county's county_admin,
cannot reset or switch off the accounts of a county's staff, a county admin it creates must
change the operator-set password at first login, and no GET route shows it personal data
or petition content. No admin grants roles to itself.
"""

from __future__ import annotations

from sqlalchemy import select

from tests.integration.test_accounts import BAIYU, XIXIA, assert_error, login, system_db
from tests.integration.test_route_walk import _call, _routes, ids  # noqa: F401 (the fixture)
from xinfang.platform.accounts.models import User
from xinfang.platform.audit.models import AuditRecord

NEW_ADMIN_PASSWORD = "Kaihu-Xixia-2026"


def _user_id(client, demo, username: str) -> int:
    found = client.get("/api/users", params={"q": username}, headers=demo.headers("operator")).json()
    return next(u["id"] for u in found["items"] if u["username"] == username)


def _grant(client, demo, who: str, user_id: int, role: str, node_code: str | None):
    return client.post(f"/api/users/{user_id}/roles", headers=demo.headers(who),
                       json={"role": role, "node_id": demo.node(node_code).id if node_code else None})


def _new_county_admin(client, demo, username: str = "xx_admin2") -> int:
    made = client.post("/api/users", headers=demo.headers("operator"),
                       json={"username": username, "display_name": "新管理员", "password": NEW_ADMIN_PASSWORD,
                             "node_id": demo.node(XIXIA).id})
    assert made.status_code == 201, made.text
    granted = _grant(client, demo, "operator", made.json()["id"], "county_admin", XIXIA)
    assert granted.status_code == 201, granted.text
    return made.json()["id"]


def test_the_two_request_escalation_is_closed(client, demo, ids):  # noqa: F811
    operator_id = _user_id(client, demo, "operator")
    for role in ("county_admin", "supervisor", "officer"):
        assert_error(_grant(client, demo, "operator", operator_id, role, XIXIA), 403)
    pii = client.get(f"/api/people/{ids['person_id']}/pii", headers=demo.headers("operator"))
    assert pii.status_code in (403, 404), pii.text
    assert client.get("/api/auth/me", headers=demo.headers("operator")).json()["assignments"] == [
        {"role": "operator", "node": None, "node_id": None, "node_name": None, "level": None,
         "role_label": "平台运维"}]


def test_no_admin_grants_roles_to_itself(client, demo):
    for who, role, node in (("xx_admin", "supervisor", XIXIA), ("xx_admin", "officer", BAIYU),
                            ("xx_by_admin", "officer", BAIYU), ("jj_admin", "leader", "350582")):
        body = assert_error(_grant(client, demo, who, _user_id(client, demo, who), role, node), 403)
        assert "自己" in body["message"]


def test_no_admin_resets_its_own_password_or_switches_itself_off(client, demo):
    """The reset route would skip the old password: one's own goes through change-password."""
    for who in ("xx_admin", "xx_by_admin", "jj_admin", "operator"):
        me = client.get("/api/auth/me", headers=demo.headers(who)).json()["user"]["id"]
        body = assert_error(client.patch(f"/api/users/{me}", json={"password": "Another-Secret-77"},
                                         headers=demo.headers(who)), 403)
        assert "修改密码" in body["message"]
        assert_error(client.patch(f"/api/users/{me}", json={"is_active": False}, headers=demo.headers(who)), 403)
        assert login(client, who).status_code == 201  # the old password still works
    # a name change on one's own account stays allowed
    me = client.get("/api/auth/me", headers=demo.headers("xx_admin")).json()["user"]["id"]
    renamed = client.patch(f"/api/users/{me}", json={"display_name": "县管理员"}, headers=demo.headers("xx_admin"))
    assert renamed.status_code == 200, renamed.text


def test_the_operator_grants_nothing_inside_a_county_but_its_county_admin(client, demo):
    officer = _user_id(client, demo, "xx_officer")
    for role, node in (("officer", XIXIA), ("supervisor", XIXIA), ("township_admin", BAIYU)):
        assert_error(_grant(client, demo, "operator", officer, role, node), 403)
    assert _new_county_admin(client, demo)


def test_the_operator_cannot_reset_or_switch_off_county_staff(client, demo):
    operator = demo.headers("operator")
    for username in ("xx_officer", "xx_supervisor", "xx_by_admin", "jj_leader"):
        user_id = _user_id(client, demo, username)
        for change in ({"password": "Another-Secret-77"}, {"is_active": False}, {"display_name": "改名"}):
            assert_error(client.patch(f"/api/users/{user_id}", json=change, headers=operator), 403)
    assert login(client, "xx_officer").status_code == 201
    # users it creates live at a county, not inside one
    inside = client.post("/api/users", headers=operator,
                         json={"username": "by_someone", "display_name": "某人", "password": NEW_ADMIN_PASSWORD,
                               "node_id": demo.node(BAIYU).id})
    assert_error(inside, 403)


def test_a_county_admin_set_up_by_the_operator_must_change_the_password_first(client, demo, app):
    user_id = _new_county_admin(client, demo)
    token = login(client, "xx_admin2", NEW_ADMIN_PASSWORD).json()["token"]
    client.cookies.clear()
    bearer = {"Authorization": f"Bearer {token}"}
    for method, path in (("GET", "/api/auth/me"), ("GET", "/api/users"), ("GET", "/api/matters"),
                         ("POST", "/api/nodes")):
        body = assert_error(client.request(method, path, headers=bearer, json={} if method == "POST" else None), 403)
        assert "修改密码" in body["message"], body
    changed = client.post("/api/auth/password", headers=bearer,
                          json={"current_password": NEW_ADMIN_PASSWORD, "new_password": "Wo-de-Mima-2026"})
    assert changed.status_code == 200, changed.text
    assert client.get("/api/auth/me", headers=bearer).status_code == 200
    assert client.get("/api/users", headers=bearer).status_code == 200

    # the operator may reset it again (the admin forgot it): again a forced change
    reset = client.patch(f"/api/users/{user_id}", json={"password": "Chongzhi-Mima-99"},
                         headers=demo.headers("operator"))
    assert reset.status_code == 200, reset.text
    assert client.get("/api/auth/me", headers=bearer).status_code == 401  # the reset ended the session
    again = login(client, "xx_admin2", "Chongzhi-Mima-99").json()["token"]
    client.cookies.clear()
    assert_error(client.get("/api/auth/me", headers={"Authorization": f"Bearer {again}"}), 403)
    assert client.post("/api/auth/logout", headers={"Authorization": f"Bearer {again}"}).status_code == 200
    with system_db(app) as s:
        assert s.scalar(select(User.must_change_password).where(User.id == user_id)) is True


def test_the_operators_county_events_land_in_that_countys_chain(client, demo, app):
    user_id = _new_county_admin(client, demo)
    assert client.patch(f"/api/users/{user_id}", json={"password": "Chongzhi-Mima-99"},
                        headers=demo.headers("operator")).status_code == 200
    with system_db(app) as s:
        rows = s.execute(select(AuditRecord.chain, AuditRecord.object_type, AuditRecord.action)
                         .where(AuditRecord.actor_name == "operator")).all()
    assert {(t, a) for _, t, a in rows} >= {("users", "create"), ("role_assignments", "create"), ("users", "update")}
    assert {chain for chain, _, _ in rows} == {demo.node(XIXIA).id}


# What the demo data and the ids fixture put into 白羽街道: none of it may reach the operator.
PRIVATE = ("张三", "11010519491231002X", "1049123", "13812345678", "城东社区1号", "赵六", "反映工地欠薪", "欠薪",
           "测试提醒", "关于做好信访接待工作的通知")


def test_the_operator_walks_every_get_route_and_sees_no_personal_data(app, client, demo, ids):  # noqa: F811
    operator = demo.headers("operator")
    answered = 0
    leaks = []
    for route in [r for r in _routes(app) if r.method == "GET"]:
        response = _call(client, route, ids, operator, {})
        assert response.status_code < 500, (route.path, response.text[:200])
        answered += response.status_code == 200
        text = response.content.decode("utf-8", "replace")
        leaks += [(route.path, word) for word in PRIVATE if word in text]
    assert answered >= 5 and leaks == []
