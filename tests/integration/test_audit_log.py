"""The audit log: every write recorded, one hash chain per county, tampering found by position."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, text

from xinfang.platform.audit.log import verify
from xinfang.platform.audit.models import AuditRecord

XIXIA = "411323"


def _chain(demo) -> int:
    return demo.node(XIXIA).id


def _ids(session, chain: int) -> list[int]:
    return list(session.scalars(select(AuditRecord.id).where(AuditRecord.chain == chain).order_by(AuditRecord.id)))


def test_writes_are_recorded_with_before_and_after(client, demo, system_session):
    headers = demo.headers("xx_admin")
    township = demo.node("411323001")
    resp = client.patch(f"/api/nodes/{township.id}", json={"name": "白羽街道办事处"}, headers=headers)
    assert resp.status_code == 200
    rec = system_session.scalars(select(AuditRecord).where(AuditRecord.object_type == "nodes",
                                                           AuditRecord.action == "update")).one()
    assert rec.detail.before == {"name": "白羽街道"} and rec.detail.after == {"name": "白羽街道办事处"}
    assert rec.actor_name == "xx_admin" and rec.node_id == township.id and rec.chain == _chain(demo)


def test_a_rolled_back_savepoint_leaves_no_records(demo, system_session):
    """What a savepoint wrote and then took back never happened: no record of it in the chain
    (what came before the savepoint is recorded, whether or not a record was written inside it)."""
    from xinfang.platform.audit.log import record
    from xinfang.tenants.models import Node

    township = system_session.get(Node, demo.node("411323001").id)
    village = system_session.get(Node, demo.node("411323001001").id)
    system_session.info["actor"] = {"id": None, "name": "测试", "address": ""}
    township.name = "白羽街道(保留)"
    system_session.flush()
    with system_session.begin_nested() as savepoint:
        village.name = "城东社区(撤销)"
        system_session.flush()
        record(system_session, action="checked", object_type="nodes", object_id=village.id, node_id=village.id)
        savepoint.rollback()
    system_session.commit()
    changed = system_session.scalars(select(AuditRecord).where(AuditRecord.object_type == "nodes",
                                                               AuditRecord.action.in_(("update", "checked")))).all()
    assert [(r.action, r.object_id) for r in changed] == [("update", str(township.id))]
    assert verify(system_session, _chain(demo)).ok


def test_chains_are_per_county_and_intact(demo, system_session):
    xixia, jinjiang = demo.node(XIXIA).id, demo.node("350582").id
    assert len(_ids(system_session, xixia)) > 10 and len(_ids(system_session, jinjiang)) > 10
    assert verify(system_session, xixia).ok and verify(system_session, jinjiang).ok


def _tamper(app, session, sql: str, **params) -> None:
    """Change the table behind the application's back, as an intruder with SQL access would."""
    session.rollback()  # end the test session's read snapshot first
    with app.state.engine.begin() as conn:
        conn.execute(text(sql), params)


def test_an_edited_record_is_reported_by_position(app, demo, system_session):
    ids = _ids(system_session, _chain(demo))
    _tamper(app, system_session, "UPDATE audit_records SET actor_name = '别人' WHERE id = :id", id=ids[4])
    problems = verify(system_session, _chain(demo)).problems
    assert [(p.position, p.kind) for p in problems] == [(5, "modified")]


def test_a_deleted_record_is_reported_by_position(app, demo, system_session):
    ids = _ids(system_session, _chain(demo))
    _tamper(app, system_session, "DELETE FROM audit_records WHERE id = :id", id=ids[2])
    problems = verify(system_session, _chain(demo)).problems
    assert [(p.position, p.kind, p.seq) for p in problems] == [(3, "missing", 4)]


def test_a_deleted_tail_is_reported(app, demo, system_session):
    ids = _ids(system_session, _chain(demo))
    _tamper(app, system_session, "DELETE FROM audit_records WHERE id = :id", id=ids[-1])
    problems = verify(system_session, _chain(demo)).problems
    assert [p.kind for p in problems] == ["truncated"]


def test_reordered_records_are_reported(app, demo, system_session):
    """Swap the whole content of records 3 and 4 (each still hashes correctly on its own)."""
    ids = _ids(system_session, _chain(demo))
    a, b = ids[2], ids[3]
    system_session.rollback()
    cols = "chain, seq, prev_hash, hash, hash_scheme, at, actor_id, actor_name, address, object_type, object_id, " \
           "action, detail_hash, fields, node_id, county_id, township_id, village_id, grid_id, department_id"
    with app.state.engine.begin() as conn:
        rows = {r.id: r for r in conn.execute(text(f"SELECT id, {cols} FROM audit_records WHERE id IN (:a, :b)"),
                                              {"a": a, "b": b})}
        conn.execute(text("UPDATE audit_records SET seq = -seq WHERE id IN (:a, :b)"), {"a": a, "b": b})
        for target, source in ((a, rows[b]), (b, rows[a])):
            values = {c.strip(): getattr(source, c.strip()) for c in cols.split(",")}
            sets = ", ".join(f"{k} = :{k}" for k in values if k != "fields")
            conn.execute(text(f"UPDATE audit_records SET {sets}, fields = (SELECT fields FROM audit_records "
                              f"WHERE id = :src) WHERE id = :target"), {**values, "target": target, "src": source.id})
    problems = verify(system_session, _chain(demo)).problems
    assert {(p.position, p.kind) for p in problems} >= {(3, "out_of_order")}
    assert all(p.kind != "modified" for p in problems if p.position == 3)


def test_verify_endpoint_and_supervisor_filters(app, client, demo, system_session):
    headers = demo.headers("xx_supervisor")
    assert client.get("/api/audit/verify", headers=headers).json()["ok"] is True
    ids = _ids(system_session, _chain(demo))
    _tamper(app, system_session, "UPDATE audit_records SET object_id = '999' WHERE id = :id", id=ids[6])
    body = client.get("/api/audit/verify", headers=headers).json()
    assert body["ok"] is False
    chain = next(c for c in body["chains"] if c["chain"] == _chain(demo))
    assert chain["problems"][0]["position"] == 7 and chain["problems"][0]["kind"] == "modified"

    page = client.get("/api/audit", params={"object_type": "nodes", "action": "create"}, headers=headers).json()
    assert page["total"] > 0 and {i["action"] for i in page["items"]} == {"create"}
    assert all(i["chain"] == _chain(demo) for i in page["items"])
    other = client.get("/api/audit", headers=demo.headers("jj_supervisor")).json()
    assert other["total"] > 0 and all(i["chain"] == demo.node("350582").id for i in other["items"])


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_is_itself_audited(client, demo, system_session, fmt):
    resp = client.get("/api/audit/export", params={"format": fmt, "object_type": "nodes"},
                      headers=demo.headers("xx_supervisor"))
    assert resp.status_code == 200
    if fmt == "xlsx":
        rows = list(load_workbook(io.BytesIO(resp.content)).active.iter_rows(values_only=True))
    else:
        rows = [line.split(",") for line in resp.content.decode("utf-8-sig").splitlines()]
    assert rows[0][:3] == ("序号", "时间", "操作人") or rows[0][:3] == ["序号", "时间", "操作人"]
    assert len(rows) > 5
    assert system_session.scalar(select(func.count()).where(AuditRecord.action == "export")) == 1


def test_admin_without_export_permission_cannot_export(client, demo):
    assert client.get("/api/audit/export", headers=demo.headers("xx_admin")).status_code == 403
    assert client.get("/api/audit", headers=demo.headers("xx_officer")).status_code == 403
