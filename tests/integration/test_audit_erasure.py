"""Erasure of personal data in audit details (issue 12): a county admin's route for one object,
and the daily retention rule; the chain verifies afterwards, and the erasures are in it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

from sqlalchemy import select

from tests.integration.test_audit_keyed import XIXIA, _pii_read, _records, _verify
from xinfang.platform.audit.erasure import RETENTION_BATCH, run_retention
from xinfang.platform.audit.log import ERASE_ACTION
from xinfang.platform.audit.models import AuditDetail, AuditRecord
from xinfang.platform.sessions import make_session_factory


def test_a_county_admin_erases_one_person_and_the_chain_still_verifies(app, client, demo, system_session):
    person_id = _pii_read(client, demo)
    chain = demo.node(XIXIA).id
    body = {"object_type": "people", "object_id": str(person_id), "reason": "信访人申请,匿名化处理"}
    for who in ("xx_supervisor", "xx_officer"):  # read-only, or not an admin
        assert client.post("/api/audit/erasures", json=body, headers=demo.headers(who)).status_code == 403
    # another county's admin sees none of these records
    other = client.post("/api/audit/erasures", json=body, headers=demo.headers("jj_admin"))
    assert other.status_code == 201 and other.json()["erased"] == 0, other.text
    assert client.post("/api/audit/erasures", json={**body, "reason": " "},
                       headers=demo.headers("xx_admin")).status_code == 400

    resp = client.post("/api/audit/erasures", json=body, headers=demo.headers("xx_admin"))
    assert resp.status_code == 201 and resp.json()["erased"] == 2, resp.text  # its creation and the read
    report = _verify(system_session, chain)
    assert report.ok and len(report.erased) == 2
    erasures = [r for r in _records(system_session, chain) if r.action == ERASE_ACTION]
    assert [r.actor_name for r in erasures] == ["xx_admin", "xx_admin"]
    assert sorted(int(r.object_id) for r in erasures) == sorted(report.erased)
    page = client.get("/api/audit", params={"per_page": 200}, headers=demo.headers("xx_supervisor")).json()
    assert "张三" not in json.dumps(page, ensure_ascii=False)
    again = client.post("/api/audit/erasures", json=body, headers=demo.headers("xx_admin"))
    assert again.json()["erased"] == 0  # nothing left to erase


def test_the_retention_rule_erases_old_details_only(app, client, demo, system_session, clock):
    chain = demo.node(XIXIA).id
    clock.on(2026, 3, 2, 9)
    _pii_read(client, demo)  # personal data written "long ago"
    clock.on(2026, 11, 20, 9)
    recent = client.post("/api/people", headers=demo.headers("xx_by_officer"),
                         json={"node_id": demo.node("411323001001").id, "name": "李四",
                               "id_number": "110105194912310046", "phone": "13812345679", "address": "城东社区2号"})
    assert recent.status_code == 201, recent.text
    factory = make_session_factory(app.state.engine, replace(app.state.settings, audit_retention_days=180),
                                   plugins=app.state.plugins)
    assert run_retention(make_session_factory(app.state.engine, replace(app.state.settings, audit_retention_days=0),
                                              plugins=app.state.plugins), clock()) == "未设置审计明细保存期限"

    report = run_retention(factory, clock())
    assert report.startswith("清除保存期满的审计明细") and int(report[len("清除保存期满的审计明细"):-1]) > 0
    system_session.rollback()
    old_cutoff = clock() - dt.timedelta(days=180)
    rows = system_session.execute(select(AuditRecord.at, AuditDetail.erased_at, AuditDetail.after).join(
        AuditDetail, (AuditDetail.chain == AuditRecord.chain) & (AuditDetail.seq == AuditRecord.seq))).all()
    assert all(erased is not None and after is None for at, erased, after in rows if at < old_cutoff)
    assert any(after and after.get("name") == "李四" for at, erased, after in rows if at >= old_cutoff)
    assert _verify(system_session, chain).ok
    assert run_retention(factory, clock()) == "清除保存期满的审计明细0条"  # idempotent
    assert RETENTION_BATCH >= 100
