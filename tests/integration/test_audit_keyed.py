"""The keyed audit chain: someone with SQL access but without the keys can neither rewrite
history nor cut its tail unnoticed; erased personal data is not tampering; supervisors
check the signed checkpoints offline with the public key alone."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import event, select, text

from xinfang.platform.audit.checkpoints import checkpoint_heads, sign
from xinfang.platform.audit.checkpoints import run as run_checkpoints
from xinfang.platform.audit.erasure import erase_details
from xinfang.platform.audit.log import digest, seal_legacy_chains, verify
from xinfang.platform.audit.models import ERASED, LEGACY_SCHEME, AuditRecord

XIXIA = "411323"
VILLAGE = "411323001001"
XINFANG = str(Path(sys.executable).with_name("xinfang"))
NOW = dt.datetime(2030, 3, 4, 2, 0, tzinfo=dt.UTC)  # any moment: checkpoints take the time they are given


def _chain(demo) -> int:
    return demo.node(XIXIA).id


def _verify(session, chain: int):
    session.rollback()  # a fresh read snapshot: the intruder wrote on another connection
    return verify(session, chain)


def _records(session, chain: int) -> list[AuditRecord]:
    session.rollback()
    return list(session.scalars(select(AuditRecord).where(AuditRecord.chain == chain).order_by(AuditRecord.id)))


def _sql(app, session, sql: str, **params) -> None:
    """Change the tables behind the application's back, as an intruder with SQL access would."""
    session.rollback()
    with app.state.engine.begin() as conn:
        conn.execute(text(sql), params)


def _rewrite_unkeyed(app, session, chain: int, start: int, change: dict, scheme: int) -> None:
    """Edit the record at index ``start`` and recompute every hash from there on with plain
    SHA-256 (the attacker has no key), the head row included."""
    records = _records(session, chain)
    prev_hash = records[start - 1].hash if start else ""
    session.expunge_all()
    updates = []
    for i, rec in enumerate(records[start:]):
        if i == 0:
            for key, value in change.items():
                setattr(rec, key, value)
        rec.hash_scheme = scheme
        if scheme == LEGACY_SCHEME:
            rec.before, rec.after = rec.values()[:2] if rec.detail_hash is None else (None, {"rewritten": True})
        rec.prev_hash = prev_hash
        rec.hash = prev_hash = digest(rec.hashed_fields())
        updates.append({"id": rec.id, "hash": rec.hash, "prev": rec.prev_hash, "scheme": scheme,
                        "action": rec.action, "after": json.dumps(rec.after) if scheme == LEGACY_SCHEME else None})
    with app.state.engine.begin() as conn:
        for u in updates:
            conn.execute(text("UPDATE audit_records SET hash = :hash, prev_hash = :prev, hash_scheme = :scheme, "
                              "action = :action, after = :after WHERE id = :id"), u)
        conn.execute(text("UPDATE audit_chains SET last_hash = :h WHERE chain = :c"), {"h": prev_hash, "c": chain})


def _pii_read(client, demo) -> int:
    body = {"node_id": demo.node(VILLAGE).id, "name": "张三", "id_number": "11010519491231002X",
            "phone": "13812345678", "address": "城东社区1号"}
    person = client.post("/api/people", json=body, headers=demo.headers("xx_by_officer")).json()
    resp = client.get(f"/api/people/{person['id']}/pii", headers=demo.headers("xx_officer"))
    assert resp.status_code == 200, resp.text
    return person["id"]


def test_a_rewrite_with_recomputed_plain_sha256_is_detected(app, client, demo, system_session):
    """A pii_read turned into a login, every later hash recomputed: the HMAC does not match."""
    _pii_read(client, demo)
    chain = _chain(demo)
    records = _records(system_session, chain)
    index = next(i for i, r in enumerate(records) if r.action == "pii_read")
    _rewrite_unkeyed(app, system_session, chain, index, {"action": "login"}, scheme=2)
    problems = _verify(system_session, chain).problems
    assert problems and problems[0].kind == "modified" and problems[0].position == index + 1
    assert client.get("/api/audit/verify", headers=demo.headers("xx_supervisor")).json()["ok"] is False


def test_a_rewrite_relabelled_as_unkeyed_legacy_records_is_detected(app, client, demo, system_session):
    """Old records keep a plain SHA-256 (scheme 1); an attacker who relabels new ones as old
    is caught: unkeyed records may only come before the first keyed one."""
    _pii_read(client, demo)
    chain = _chain(demo)
    index = next(i for i, r in enumerate(_records(system_session, chain)) if r.action == "pii_read")
    _rewrite_unkeyed(app, system_session, chain, index, {"action": "login"}, scheme=LEGACY_SCHEME)
    kinds = {p.kind for p in _verify(system_session, chain).problems}
    assert "downgraded" in kinds

    _rewrite_unkeyed(app, system_session, chain, 0, {}, scheme=LEGACY_SCHEME)  # the whole chain
    assert [p.kind for p in _verify(system_session, chain).problems] == ["unsealed"]


def test_legacy_chains_verify_once_sealed(app, demo, system_session):
    """A chain written before keyed hashes (scheme 1) verifies after `db upgrade` seals it, and
    its old records can no longer be changed."""
    chain = _chain(demo)
    _rewrite_unkeyed(app, system_session, chain, 0, {}, scheme=LEGACY_SCHEME)  # as written by the old code
    system_session.rollback()
    assert chain in seal_legacy_chains(system_session)
    system_session.commit()
    assert seal_legacy_chains(system_session) == []  # idempotent
    assert _verify(system_session, chain).ok
    records = _records(system_session, chain)
    assert records[-1].action == "chain_keyed" and records[-2].hash_scheme == LEGACY_SCHEME
    _rewrite_unkeyed(app, system_session, chain, 3, {"action": "login"}, scheme=LEGACY_SCHEME)
    assert _verify(system_session, chain).problems


def test_a_record_committed_while_verifying_is_not_taken_for_a_cut(app, client, demo, system_session):
    """`xinfang audit verify` runs beside the service: a write committed just after the records
    were read lengthens the head, which must not read as records cut off the tail."""
    chain = _chain(demo)
    system_session.rollback()
    written = []

    def write_after_the_records_are_read(state):
        if written or not state.is_select or state.statement.column_descriptions[0].get("entity") is not AuditRecord:
            return None
        frozen = state.invoke_statement().freeze()
        written.append(_pii_read(client, demo))  # committed by the service on its own connection
        return frozen()

    event.listen(system_session, "do_orm_execute", write_after_the_records_are_read)
    try:
        report = verify(system_session, chain)
    finally:
        event.remove(system_session, "do_orm_execute", write_after_the_records_are_read)
    assert written and report.ok, [p.message for p in report.problems]
    assert _verify(system_session, chain).ok  # and the new records verify once read


def test_truncation_after_a_checkpoint_is_detected(app, demo, system_session):
    chain = _chain(demo)
    assert "签署检查点" in run_checkpoints(app.state.session_factory, NOW)
    assert run_checkpoints(app.state.session_factory, NOW + dt.timedelta(hours=1)) == "签署检查点0个"  # once a day
    assert _verify(system_session, chain).checkpoints == 1
    records = _records(system_session, chain)
    keep, last_seq = records[-4], records[-1].seq
    # cut the last three records and make the head row agree, as someone with SQL access can
    _sql(app, system_session, "DELETE FROM audit_records WHERE chain = :c AND seq > :s", c=chain, s=keep.seq)
    _sql(app, system_session, "DELETE FROM audit_details WHERE chain = :c AND seq > :s", c=chain, s=keep.seq)
    _sql(app, system_session, "UPDATE audit_chains SET last_seq = :s, last_hash = :h WHERE chain = :c",
         s=keep.seq, h=keep.hash, c=chain)
    problems = _verify(system_session, chain).problems
    assert [p.kind for p in problems] == ["truncated"]
    assert "检查点" in problems[0].message and problems[0].seq == last_seq


def test_a_record_rewritten_under_a_checkpoint_is_reported(app, demo, system_session):
    chain = _chain(demo)
    run_checkpoints(app.state.session_factory, NOW)
    last = _records(system_session, chain)[-1]
    _sql(app, system_session, "UPDATE audit_checkpoints SET seq = :s WHERE chain = :c", s=last.seq - 1, c=chain)
    assert [p.kind for p in _verify(system_session, chain).problems] == ["checkpoint"]  # signature no longer valid


def test_an_erased_detail_verifies_with_a_clear_status(app, client, demo, system_session):
    person_id = _pii_read(client, demo)
    chain = _chain(demo)
    created = system_session.scalars(select(AuditRecord).where(AuditRecord.object_type == "people",
                                                               AuditRecord.action == "create")).one()
    assert created.detail.after["name"] == "张三" and created.fields and "name" in created.fields
    assert created.before is None and created.after is None  # the chain record holds no personal data
    system_session.info["actor"] = {"id": None, "name": "保存期限", "address": ""}
    read = system_session.scalars(select(AuditRecord).where(AuditRecord.action == "pii_read")).one()
    assert erase_details(system_session, "people", person_id, "保存期满,匿名化") == 2  # its creation and the read
    system_session.commit()

    report = _verify(system_session, chain)
    assert report.ok and report.erased == [created.seq, read.seq]
    body = client.get("/api/audit/verify", headers=demo.headers("xx_supervisor")).json()
    county = next(c for c in body["chains"] if c["chain"] == chain)
    assert county["ok"] and county["detail_erased"] == [created.seq, read.seq] and "已按规定清除" in county["notes"][0]
    page = client.get("/api/audit", params={"object_type": "people"}, headers=demo.headers("xx_supervisor")).json()
    assert [(i["detail"], i["after"]) for i in page["items"] if i["action"] == "create"] == [("erased", ERASED)]
    assert "张三" not in json.dumps(client.get("/api/audit", params={"per_page": 200},
                                               headers=demo.headers("xx_supervisor")).json(), ensure_ascii=False)


def test_details_cleared_or_edited_behind_the_applications_back_are_tampering(app, client, demo, system_session):
    _pii_read(client, demo)
    chain = _chain(demo)
    created = system_session.scalars(select(AuditRecord).where(AuditRecord.object_type == "people",
                                                               AuditRecord.action == "create")).one()
    page = client.get("/api/audit", params={"object_type": "people", "action": "create"},
                      headers=demo.headers("xx_supervisor")).json()
    assert page["items"][0]["after"]["id_number"] == "1101**********002X"  # masked, as stored
    _sql(app, system_session, "UPDATE audit_details SET after = :a WHERE chain = :c AND seq = :s",
         a=json.dumps({"name": "李四"}), c=chain, s=created.seq)
    assert [p.message for p in _verify(system_session, chain).problems] == [
        f"第{_position(system_session, created)}条记录(序号{created.seq})的明细被修改"]
    _sql(app, system_session, "UPDATE audit_details SET after = NULL, salt = '', erased_at = :t "
         "WHERE chain = :c AND seq = :s", t=NOW, c=chain, s=created.seq)
    assert "没有清除记录" in _verify(system_session, chain).problems[0].message
    _sql(app, system_session, "DELETE FROM audit_details WHERE chain = :c AND seq = :s", c=chain, s=created.seq)
    assert "明细被删除" in _verify(system_session, chain).problems[0].message


def _position(session, rec: AuditRecord) -> int:
    return [r.id for r in _records(session, rec.chain)].index(rec.id) + 1


def _offline(tmp_path: Path, public_key: str, checkpoints) -> subprocess.CompletedProcess:
    (tmp_path / "pub.pem").write_text(public_key)
    (tmp_path / "cps.json").write_text(json.dumps(checkpoints, ensure_ascii=False))
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINFANG_")}
    env["XINFANG_DATABASE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # proves no database is used
    return subprocess.run([XINFANG, "audit", "verify-checkpoints", "--public-key", str(tmp_path / "pub.pem"),
                           "--checkpoints", str(tmp_path / "cps.json")], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, check=False)


def test_supervisors_verify_checkpoints_offline_with_the_public_key(app, client, demo, system_session, tmp_path):
    keys = app.state.session_factory.kw["info"]["audit"]
    run_checkpoints(app.state.session_factory, NOW)
    _pii_read(client, demo)  # the chain grows; the next day's checkpoint is higher
    with app.state.session_factory() as session:
        checkpoint_heads(session, keys, NOW + dt.timedelta(days=1))
        session.commit()
    headers = demo.headers("xx_supervisor")
    pem = client.get("/api/audit/public-key", headers=headers)
    assert pem.status_code == 200 and pem.text.startswith("-----BEGIN PUBLIC KEY-----")
    download = client.get("/api/audit/checkpoints", headers=headers).json()
    assert {c["chain"] for c in download["checkpoints"]} == {_chain(demo)}  # the supervisor's county only
    assert len(download["checkpoints"]) == 2

    good = _offline(tmp_path, pem.text, download)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "2个检查点签名有效" in good.stdout

    forged = json.loads(json.dumps(download))
    forged["checkpoints"][0]["hash"] = "0" * 64
    bad = _offline(tmp_path, pem.text, forged)
    assert bad.returncode == 1 and "签名无效" in bad.stdout

    # a later day signed with a lower seq (the tail was cut and the chain went on): signed, but shrinking
    first = download["checkpoints"][0]
    shrunk = {**first, "day": "2031-01-01", "seq": first["seq"] - 2}
    shrunk["signature"] = sign(keys.signing_key(), shrunk)
    cut = _offline(tmp_path, pem.text, download["checkpoints"] + [shrunk])
    assert cut.returncode == 1 and "链尾被截断" in cut.stdout

    other_key = _offline(tmp_path, "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n"
                         "-----END PUBLIC KEY-----\n", download)
    assert other_key.returncode == 1 and "签名无效" in other_key.stdout
