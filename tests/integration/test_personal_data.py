"""Personal data: masked unless opened by a pii:read holder, and every opening is audited."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import select

from xinfang.platform.audit.models import AuditRecord

ID = "11010519491231002X"
MASKED = "1101**********002X"
VILLAGE = "411323001001"


def _create(client, demo, username="xx_by_officer", node=VILLAGE, **extra):
    body = {"node_id": demo.node(node).id, "name": "张三", "id_number": ID, "phone": "13812345678",
            "address": "城东社区1号", **extra}
    return client.post("/api/people", json=body, headers=demo.headers(username))


def test_registration_validates_and_answers_masked(client, demo, system_session):
    bad = _create(client, demo, id_number="110105194912310021")
    assert bad.status_code == 400 and "校验位" in bad.json()["message"]
    resp = _create(client, demo)
    assert resp.status_code == 201
    assert resp.json()["id_number"] == MASKED and resp.json()["phone"] == "138****5678"
    again = _create(client, demo)
    assert again.status_code == 409
    created = system_session.scalars(select(AuditRecord).where(AuditRecord.object_type == "people")).one()
    assert created.detail.after["id_number"] == MASKED, "the audit log never stores the full number"


def test_lists_and_details_are_masked_for_everyone(client, demo):
    _create(client, demo)
    for user in ("xx_by_officer", "xx_handler", "xx_admin", "xx_supervisor"):
        resp = client.get("/api/people", headers=demo.headers(user))
        if user == "xx_handler":  # a department handler's scope is the department
            assert resp.json()["total"] == 0
            continue
        assert resp.status_code == 200 and resp.json()["items"][0]["id_number"] == MASKED, user


def test_opening_the_full_value_needs_pii_read_and_is_audited(client, demo, system_session):
    person = _create(client, demo).json()
    detail = client.get(f"/api/people/{person['id']}", headers=demo.headers("xx_by_officer")).json()
    assert detail["id_number"] == MASKED and detail["may_reveal"] is True
    full = client.get(f"/api/people/{person['id']}/pii", headers=demo.headers("xx_by_officer"))
    assert full.status_code == 200 and full.json()["id_number"] == ID and full.json()["phone"] == "13812345678"
    reads = system_session.scalars(select(AuditRecord).where(AuditRecord.action == "pii_read")).all()
    assert len(reads) == 1 and reads[0].actor_name == "xx_by_officer" and reads[0].object_id == str(person["id"])
    assert ID not in str(reads[0].detail.after)
    admin = client.get(f"/api/people/{person['id']}/pii", headers=demo.headers("xx_admin"))
    assert admin.status_code == 403 and "权限" in admin.json()["message"]
    assert client.get(f"/api/people/{person['id']}", headers=demo.headers("xx_admin")).json()["may_reveal"] is False


def test_operator_never_reads_personal_data(client, demo):
    person = _create(client, demo).json()
    for path in ("/api/people", f"/api/people/{person['id']}", f"/api/people/{person['id']}/pii"):
        assert client.get(path, headers=demo.headers("operator")).status_code == 403


def test_exports_are_masked_unless_a_pii_reader_asks(client, demo, system_session):
    _create(client, demo)
    masked = client.get("/api/people/export", headers=demo.headers("xx_admin"))
    rows = list(load_workbook(io.BytesIO(masked.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("姓名", "身份证号") and rows[1][1] == MASKED
    refused = client.get("/api/people/export", params={"unmask": "true"}, headers=demo.headers("xx_admin"))
    assert refused.status_code == 403
    full = client.get("/api/people/export", params={"unmask": "true", "format": "csv"},
                      headers=demo.headers("xx_officer"))
    assert full.status_code == 200 and ID in full.content.decode("utf-8-sig")
    exports = system_session.scalars(select(AuditRecord).where(AuditRecord.action == "export")).all()
    assert [e.detail.after["unmasked"] for e in exports] == [False, True]


def test_one_file_per_person_across_visible_nodes(client, demo):
    _create(client, demo)
    _create(client, demo, username="xx_ds_officer", node="411323100201")
    county = client.get("/api/people", params={"id_number": ID}, headers=demo.headers("xx_officer")).json()
    assert county["total"] == 2
    first = county["items"][0]["id"]
    files = client.get(f"/api/people/{first}", headers=demo.headers("xx_officer")).json()["files"]
    assert len(files) == 2
    township = client.get(f"/api/people/{first}", headers=demo.headers("xx_by_officer")).json()["files"]
    assert len(township) == 1
