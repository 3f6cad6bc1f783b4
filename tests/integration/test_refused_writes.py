"""Issue 11, item 11: every write refused (403/409) to a logged-in user is in the audit log,
at most a limited number per user, in the user's county chain, and the chain stays intact."""

from __future__ import annotations

import time

from sqlalchemy import select

from xinfang.platform.audit.log import verify
from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.audit.refusals import REFUSALS_PER_WINDOW, REFUSED_ACTION, RefusalLimiter

XIXIA = "411323"


def _refusals(session, username: str) -> list[AuditRecord]:
    session.rollback()  # a fresh snapshot: the records are written after the answer
    return list(session.scalars(select(AuditRecord).where(AuditRecord.action == REFUSED_ACTION,
                                                          AuditRecord.actor_name == username)
                                .order_by(AuditRecord.seq)))


def test_a_supervisors_refused_write_is_in_the_audit_log(client, demo, system_session):
    county = demo.node(XIXIA)
    resp = client.post("/api/matters", json={"node_id": county.id}, headers=demo.headers("xx_supervisor"))
    assert resp.status_code == 403, resp.text
    [rec] = _refusals(system_session, "xx_supervisor")
    assert rec.chain == county.id and rec.object_type == "requests" and rec.object_id == "403"
    assert rec.detail.after["method"] == "POST" and rec.detail.after["path"] == "/api/matters"
    assert rec.detail.after["status"] == 403 and rec.detail.after["message"] == resp.json()["message"]
    assert verify(system_session, county.id).ok


def test_a_conflict_is_recorded_too(client, demo, system_session):
    headers = demo.headers("xx_admin")
    me = client.get("/api/auth/me", headers=demo.headers("xx_officer")).json()
    officer_id, node_id = me["user"]["id"], me["assignments"][0]["node_id"]
    again = client.post(f"/api/users/{officer_id}/roles", headers=headers,
                        json={"role": me["assignments"][0]["role"], "node_id": node_id})
    assert again.status_code == 409, again.text
    [rec] = _refusals(system_session, "xx_admin")
    assert rec.detail.after["status"] == 409 and rec.detail.after["route"] == "/api/users/{user_id:int}/roles"


def test_reads_anonymous_requests_and_bad_input_are_not_recorded(client, demo, system_session):
    supervisor = demo.headers("xx_supervisor")
    reads = [client.get(path, headers=demo.headers("jj_handler")).status_code
             for path in ("/api/audit", "/api/users", "/api/audit/verify")]
    assert 403 in reads, reads  # a refused read
    assert client.post("/api/matters", json={}).status_code == 401  # nobody logged in
    assert client.post("/api/auth/password", json={"current_password": 1}, headers=supervisor).status_code == 400
    records = system_session.scalars(select(AuditRecord).where(AuditRecord.action == REFUSED_ACTION)).all()
    assert records == []


def test_refusals_are_recorded_at_most_so_many_per_user(client, demo, system_session):
    supervisor = demo.headers("xx_supervisor")
    county = demo.node(XIXIA)
    for _ in range(REFUSALS_PER_WINDOW + 5):
        assert client.post("/api/matters", json={"node_id": county.id}, headers=supervisor).status_code == 403
    assert len(_refusals(system_session, "xx_supervisor")) == REFUSALS_PER_WINDOW
    # another user has a limit of its own
    assert client.post("/api/matters", json={"node_id": county.id},
                       headers=demo.headers("jj_supervisor")).status_code == 403
    assert len(_refusals(system_session, "jj_supervisor")) == 1


def test_the_limiter_says_how_many_it_left_out():
    limiter = RefusalLimiter(limit=2, window=0.3)
    assert [limiter.admit(7), limiter.admit(7), limiter.admit(7), limiter.admit(7)] == [0, 0, None, None]
    assert limiter.admit(8) == 0  # per user
    time.sleep(0.6)
    assert limiter.admit(7) == 2 and limiter.admit(7) == 0
