"""Health, the OpenAPI document, and JSON errors (never a stack trace) for every kind of failure."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace

import pytest
import redis
from litestar import get
from litestar.testing import TestClient

from tests.conftest import REDIS_URL, service_missing, test_plugins
from xinfang.platform.app import create_app
from xinfang.platform.web.guards import PUBLIC

CJK = re.compile(r"[\u4e00-\u9fff]")
LEAKS = ("Traceback", 'File "', "RuntimeError", "secret-detail", "sqlalchemy")


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["status_code"] == status
    assert CJK.search(body["message"]), body
    for leak in LEAKS:
        assert leak not in response.text, leak
    return body


@pytest.fixture
def app_with(settings):
    """Build an app from changed settings; disposed at the end of the test."""
    made = []

    def build(plugins=None, **changes):
        app = create_app(replace(settings, **changes), plugins=plugins)
        made.append(app)
        return app

    yield build
    for app in made:
        app.state.engine.dispose()


def test_health_reports_the_database(client, settings):
    response = client.get("/health")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["database"]["dialect"] == ("sqlite" if settings.is_sqlite else "postgresql")
    assert body["database"]["revision"] >= "0001"
    assert body["redis"]["ok"] is True and "mode" in body["redis"]  # not configured


def test_health_reports_redis(app_with):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        service_missing("Redis at " + REDIS_URL, exc)
    with TestClient(app=app_with(redis_url=REDIS_URL)) as c:
        response = c.get("/health")
    assert response.status_code == 200, response.text
    assert response.json()["redis"] == {"ok": True}


def synced_plugins(settings):
    """A plugin manager, with the policy table already holding exactly what it grants: start-up
    then has no change to announce over Redis (the test below covers when it has)."""
    from xinfang.permissions.store import sync_policy
    from xinfang.platform.db import make_engine
    from xinfang.platform.extensions.manager import build_plugin_manager
    from xinfang.platform.sessions import make_session_factory
    from xinfang.tenants.scope import Scope

    plugins = build_plugin_manager()
    engine = make_engine(settings.database_url)
    with make_session_factory(engine, settings)(scope=Scope.system()) as session:
        sync_policy(session, plugins)
        session.commit()
    engine.dispose()
    return plugins


def test_health_is_degraded_when_redis_is_unreachable(app_with, settings):
    plugins = synced_plugins(settings)
    with TestClient(app=app_with(plugins=plugins, redis_url="redis://127.0.0.1:1/0")) as c:
        response = c.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded" and body["redis"]["ok"] is False
    assert body["database"]["ok"] is True


def test_app_starts_with_changed_policy_while_redis_is_down(app_with, settings):
    from sqlalchemy import text

    from xinfang.permissions.store import sync_policy
    from xinfang.platform.db import make_engine
    from xinfang.platform.sessions import make_session_factory
    from xinfang.tenants.scope import Scope

    engine = make_engine(settings.database_url)
    with engine.begin() as conn:  # as after an upgrade that changes a role template
        deleted = conn.execute(text("DELETE FROM casbin_rules WHERE v0 = 'supervisor' AND v1 = 'audit' "
                                    "AND v2 = 'export'")).rowcount
    assert deleted == 1
    try:
        with TestClient(app=app_with(redis_url="redis://127.0.0.1:1/0")) as c:
            response = c.get("/health")
        assert response.status_code == 503 and response.json()["redis"]["ok"] is False
    finally:  # the PostgreSQL database keeps its policy table between tests: put the rule back
        with make_session_factory(engine, settings)(scope=Scope.system()) as session:
            sync_policy(session, test_plugins())
            session.commit()
        engine.dispose()


def test_openapi_document_lists_our_paths(client):
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200, response.text
    document = json.loads(response.text)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "信访工作平台 API"
    paths = set(document["paths"])
    assert {"/health", "/api/auth/login", "/api/auth/me", "/api/users", "/api/nodes", "/api/nodes/import",
            "/api/audit"} <= paths
    assert "post" in document["paths"]["/api/nodes"]


def test_unknown_path_is_a_json_404(client):
    body = assert_json_error(client.get("/no/such/page"), 404)
    assert body["message"] == "请求的页面或数据不存在"
    assert_json_error(client.get("/api/nodes/999999999"), 401)  # unknown id, not logged in


def test_wrong_method_is_a_json_405(client):
    assert_json_error(client.delete("/health"), 405)
    assert_json_error(client.put("/api/auth/login", json={}), 405)


@pytest.mark.parametrize("content", [b"{not json", b'{"username": "a"', b"\xff\xfe"])
def test_malformed_json_is_a_json_400(client, content):
    response = client.post("/api/auth/login", content=content, headers={"Content-Type": "application/json"})
    assert_json_error(response, 400)


def test_missing_fields_are_a_json_400(client):
    body = assert_json_error(client.post("/api/auth/login", json={"username": "xx_admin"}), 400)
    assert body["details"], body


def test_unexpected_exception_is_a_generic_json_500(app, caplog):
    @get("/test-boom", opt={"permission": PUBLIC}, sync_to_thread=False)
    def boom() -> dict:
        raise RuntimeError("secret-detail from deep inside")

    app.register(boom)
    with TestClient(app=app, raise_server_exceptions=False) as c:
        response = c.get("/test-boom")
    body = assert_json_error(response, 500)
    assert body["message"] == "服务器内部错误,请稍后重试;如果反复出现请联系管理员"
    assert body["error"] == "internal_error"
    # the details go to the log, not to the client
    assert any("secret-detail" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_a_route_without_a_declared_permission_is_refused(app):
    @get("/test-undeclared", sync_to_thread=False)
    def undeclared() -> dict:
        return {"leaked": True}

    app.register(undeclared)
    with TestClient(app=app, raise_server_exceptions=False) as c:
        response = c.get("/test-undeclared")
    assert_json_error(response, 403)
    assert "leaked" not in response.text


def test_a_read_refused_after_committing_its_audit_record_is_its_answer_not_an_error(client, demo, caplog):
    """Looking up a verification code commits the audit record of the look-up, then answers
    404 when no document has it: the 404 is the answer (not "saved"), and nothing is logged
    as a failure after the commit."""
    response = client.get("/api/documents/code/2345-6789", headers=demo.headers("xx_officer"))
    body = assert_json_error(response, 404)
    assert "核验码" in body["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
