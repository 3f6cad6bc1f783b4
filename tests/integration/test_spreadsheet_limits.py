"""Over HTTP: every import endpoint refuses a bomb with a clear 400 and writes nothing, and
every export survives hostile stored text (formulas, characters XML cannot hold)."""

from __future__ import annotations

import csv
import functools
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests import spreadsheet_bombs as bombs
from xinfang.platform import models

TOWNSHIP, VILLAGE = "411323001", "411323001001"

# path, user, node the file is for (None: the endpoint takes no node)
IMPORTS = {
    "/api/nodes/import": ("operator", None),
    "/api/matters/import": ("xx_officer", None),
    "/api/ledgers/screening/import": ("xx_by_officer", TOWNSHIP),
    "/api/ledgers/backlog/import": ("xx_by_officer", TOWNSHIP),
    "/api/reception/rota/import": ("xx_by_officer", TOWNSHIP),
    "/api/reception/records/import": ("xx_by_officer", TOWNSHIP),
}


@functools.cache
def shared_string_bomb() -> bytes:
    return bombs.huge_shared_string(512)


def _counts(session) -> dict[str, int]:
    session.rollback()  # a fresh snapshot on PostgreSQL too
    return {t.name: session.scalar(select(func.count()).select_from(t)) for t in models.metadata.sorted_tables}


@pytest.mark.parametrize("path", list(IMPORTS))
def test_an_import_refuses_a_bomb_and_writes_nothing(client, demo, system_session, path):
    user, code = IMPORTS[path]
    headers = demo.headers(user)
    params = {"node_id": demo.node(code).id} if code else {}
    before = _counts(system_session)
    resp = client.post(path, headers=headers, params=params,
                       files={"data": ("台账.xlsx", shared_string_bomb(), "application/octet-stream")})
    assert resp.status_code == 400, resp.text
    assert "解压后超过100MB" in resp.json()["message"] and "未导入任何数据" in resp.json()["message"]
    assert _counts(system_session) == before


def test_an_upload_over_the_size_setting_is_refused(client, demo, system_session, app):
    limit = app.state.settings.upload_max_bytes
    resp = client.post("/api/ledgers/screening/import", headers=demo.headers("xx_by_officer"),
                       params={"node_id": demo.node(TOWNSHIP).id},
                       files={"data": ("清单.csv", b"x" * (limit + 1), "text/csv")})
    assert resp.status_code == 400 and f"超过{limit >> 20}MB" in resp.json()["message"]


FORMULA = '=HYPERLINK("http://evil.example","点我")'
RANGE = {"start": "2026-11-01", "end": "2026-11-30"}  # around the samples' fixed day, whatever today is
RANGED = {"/api/reception/rota/export"}  # the exports that take a date range (others refuse unknown parameters)
EXPORTS = {  # path: user
    "/api/matters/export": "xx_by_officer",
    "/api/people/export": "xx_by_officer",
    "/api/ledgers/screening/export": "xx_by_officer",
    "/api/ledgers/backlog/export": "xx_by_officer",
    "/api/reception/rota/export": "xx_by_officer",
    "/api/reception/records/export": "xx_by_officer",
    "/api/audit/export": "xx_supervisor",
}


def test_every_export_neutralises_formulas_and_survives_unwritable_characters(app, client, demo, database_url):
    from sqlalchemy import update

    from tests.integration.ledger_samples import ledger_samples
    from xinfang.platform.ledgers.models import ScreeningEntry
    from xinfang.platform.matters.models import Matter
    from xinfang.platform.people.models import Person
    from xinfang.platform.reception.models import ReceptionRecord, RotaDuty

    ledger_samples(app, demo)
    # stored directly, as old data or another way in would have it (PostgreSQL text cannot hold NUL)
    control = "\x0b\x01" if database_url.startswith("postgresql") else "\x00\x0b"
    name = f"{FORMULA}{control}张三"
    with app.state.engine.begin() as conn:
        for column in (Person.name, Matter.summary, ScreeningEntry.party_name, RotaDuty.leader_name,
                       ReceptionRecord.visitor_name):
            conn.execute(update(column.class_).values({column.key: name}))
    for path, user in EXPORTS.items():
        for fmt in ("xlsx", "csv"):
            resp = client.get(path, headers=demo.headers(user), params={"format": fmt, **(RANGE if path in RANGED else {})})
            assert resp.status_code == 200, (path, fmt, resp.text)
            cells = _cells(resp.content, fmt)
            assert all(not isinstance(c, str) or not c.startswith(("=", "+", "-", "@", "\t", "\r"))
                       for c, _ in cells if fmt == "csv"), (path, fmt)
            assert all(kind != "f" for _, kind in cells), (path, fmt)  # no formula cell in XLSX
            if path != "/api/audit/export":  # the audit log has no row the direct update changed
                # the text is there, as text, with each unwritable character marked
                assert any(isinstance(c, str) and f"{FORMULA}\ufffd\ufffd张三" in c for c, _ in cells), (path, fmt)


def _cells(content: bytes, fmt: str) -> list[tuple[object, str]]:
    if fmt == "csv":
        return [(c, "s") for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for c in row]
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [(c.value, c.data_type) for row in sheet.iter_rows() for c in row]
