"""What operations read from a web process: request ids on responses and log lines,
``/health/detail`` (queue and scheduler), ``/metrics`` for the platform operator only, and
JSON log lines when asked for."""

from __future__ import annotations

import json
import logging

import pytest
import redis

from tests.conftest import REDIS_URL, service_missing
from xinfang.platform.jobs.heartbeat import Heartbeat
from xinfang.platform.logs import JsonFormatter, _install_record_factory
from xinfang.platform.web.operations import REQUEST_ID


def test_request_ids_are_answered_and_made_when_missing(client):
    given = client.get("/health", headers={"X-Request-ID": "nginx-7f3a"})
    assert given.headers["x-request-id"] == "nginx-7f3a"
    made = client.get("/health", headers={"X-Request-ID": "not safe; rm -rf"})
    assert made.headers["x-request-id"] != "not safe; rm -rf" and len(made.headers["x-request-id"]) == 32


def test_health_detail_reports_the_queue(client, demo):
    body = client.get("/health/detail").json()
    assert body["status"] == "ok" and body["jobs"]["pending"] >= 0 and body["jobs"]["ok"] is True
    assert body["scheduler"]["ok"] is True and "网站进程内" in body["scheduler"]["mode"]


def test_metrics_are_the_operators_only(client, demo):
    client.get("/api/matters", headers=demo.headers("xx_officer"))
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers=demo.headers("xx_admin")).status_code == 403
    resp = client.get("/metrics", headers=demo.headers("operator"))
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/plain")
    assert 'xinfang_request_seconds_count{method="GET",route="/api/matters",status="2xx"}' in resp.text
    assert "xinfang_jobs_pending " in resp.text


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        service_missing("Redis at " + REDIS_URL, exc)
    yield client
    for key in client.scan_iter("heartbeat-test:*"):
        client.delete(key)


def test_the_scheduler_heartbeat_through_redis(redis_client):
    beats = Heartbeat(redis_client, "heartbeat-test")
    assert beats.last_beat_age() is None
    beats.beat()
    beats.task_ran("matter_deadlines", 1.25, "检查期限3个")
    assert 0 <= beats.last_beat_age() < 5
    assert beats.tasks()["matter_deadlines"]["seconds"] == 1.25


def test_json_log_lines_carry_the_request_id():
    _install_record_factory()
    token = REQUEST_ID.set("abc123")
    try:
        record = logging.getLogger("xinfang.test").makeRecord("xinfang.test", logging.INFO, __file__, 1,
                                                              "事项已登记", None, None)
    finally:
        REQUEST_ID.reset(token)
    line = json.loads(JsonFormatter("%(levelname)s %(name)s %(request_id)s %(message)s",
                                    json_ensure_ascii=False).format(record))
    assert line == {"levelname": "INFO", "name": "xinfang.test", "request_id": "abc123", "message": "事项已登记"}
