"""The matter desk's attachments, bulk assign and saved views over HTTP (both databases).

Attachments: only PDF/JPEG/PNG by content, within the upload limit, SHA-256 listed and checked
on download, upload and download audited, supervisor read-only, other county 404, accused 403.
Bulk assign: through the single assign's service, matter by matter, refusals reported by row.
Saved views: per user; the built-in 我的待办/本单位 views narrow the list."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from sqlalchemy import select

from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.matters.attachments import MatterAttachment
from xinfang.platform.matters.models import Matter

pytestmark = pytest.mark.today(2026, 3, 10)
HTML = {"Accept": "text/html"}
ID = "11010519491231002X"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489") + b"\0" * 16


def _post(client, demo, user, url, data=None, files=None):
    return client.post(url, data=data, files=files, headers={**HTML, **demo.headers(user)}, follow_redirects=False)


def _register(client, demo, user="xx_by_officer", summary="反映房屋拆迁补偿未到位") -> int:
    form = {"channel": "visit", "form": "individual", "kind": "claim", "category": "城镇房屋拆迁",
            "summary": summary, "headcount": "1", "p1_name": "王五", "p1_id_number": ID}
    resp = _post(client, demo, user, "/matters/new", form)
    assert resp.status_code == 303, resp.text
    return int(re.search(r"/matters/(\d+)", resp.headers["location"]).group(1))


def _audits(session, action: str, object_type: str) -> int:
    session.rollback()  # a fresh snapshot: the app wrote since the last read
    return len(session.scalars(select(AuditRecord).where(AuditRecord.action == action,
                                                         AuditRecord.object_type == object_type)).all())


def test_attachments_by_content_with_digest_audited_and_scoped(client, demo, system_session):
    matter_id = _register(client, demo)
    url = f"/api/matters/{matter_id}/attachments"
    headers = demo.headers("xx_by_officer")
    made = client.post(url, headers=headers, files={"file": ("来信.pdf", io.BytesIO(PDF))}, data={"note": "来信原件"})
    assert made.status_code == 201, made.text
    assert made.json()["sha256"] == hashlib.sha256(PDF).hexdigest() and made.json()["media_type"] == "application/pdf"
    assert _audits(system_session, "create", "matter_attachments") == 1
    # a program renamed to .pdf, or a text file, is refused by its content; nothing is kept
    fake = client.post(url, headers=headers, files={"file": ("扫描件.pdf", io.BytesIO(b"MZ\x90\x00not a pdf"))})
    assert fake.status_code == 400 and "PDF、JPEG或PNG" in fake.json()["message"]
    too_big = b"%PDF-1.4\n" + b"0" * (client.app.state.settings.upload_max_bytes)
    big = client.post(url, headers=headers, files={"file": ("大.pdf", io.BytesIO(too_big))})
    assert big.status_code in (400, 413), big.status_code
    assert len(system_session.scalars(select(MatterAttachment)).all()) == 1
    # listed with its digest, downloaded byte for byte, the download audited
    listed = client.get(url, headers=demo.headers("xx_officer")).json()["items"]
    assert [a["filename"] for a in listed] == ["来信.pdf"]
    got = client.get(listed[0]["download"], headers=demo.headers("xx_supervisor"))
    assert got.status_code == 200 and got.content == PDF and got.headers["x-content-sha256"] == listed[0]["sha256"]
    assert _audits(system_session, "attachment_downloaded", "matter_attachments") == 1
    # the supervisor reads but never writes; another county does not find the matter
    assert client.post(url, headers=demo.headers("xx_supervisor"),
                       files={"file": ("a.png", io.BytesIO(PNG))}).status_code == 403
    assert client.get(url, headers=demo.headers("jj_officer")).status_code == 404
    assert client.get(listed[0]["download"], headers=demo.headers("jj_officer")).status_code == 404
    # the page: the list with the digest, the form, and a refusal shown on the page
    page = client.get(f"/matters/{matter_id}", headers={**HTML, **demo.headers("xx_by_officer")}).text
    assert listed[0]["sha256"] in page and 'enctype="multipart/form-data"' in page
    assert "上传附件" not in client.get(f"/matters/{matter_id}", headers={**HTML, **demo.headers("xx_supervisor")}).text
    ok = _post(client, demo, "xx_by_officer", f"/matters/{matter_id}/attachments", files={"file": ("照片.png", io.BytesIO(PNG))})
    assert ok.status_code == 303 and ok.headers["location"].endswith("#attachments")
    bad = _post(client, demo, "xx_by_officer", f"/matters/{matter_id}/attachments",
                files={"file": ("说明.png", io.BytesIO("文字".encode()))})
    assert bad.status_code == 400 and "PDF、JPEG或PNG" in bad.text
    # a corrupted stored file is refused rather than sent
    system_session.rollback()
    row = system_session.scalar(select(MatterAttachment).where(MatterAttachment.filename == "照片.png"))
    (client.app.state.settings.storage_dir / row.path).write_bytes(PNG + b"changed")
    assert client.get(f"{url}/{row.id}/file", headers=headers).status_code == 409


def test_bulk_assign_reports_refusals_by_row_and_assigns_the_rest(client, demo, system_session):
    first, second, third = (_register(client, demo, summary=f"批量交办测试{n}") for n in range(3))
    zjj = demo.node("411323-ZJJ").id
    # the second one is assigned meanwhile by someone else
    assert _post(client, demo, "xx_officer", f"/matters/{second}/acts/assign", {"lead_unit_id": str(zjj)}).status_code == 303
    resp = _post(client, demo, "xx_officer", "/matters/bulk-assign",
                 {"matter_id": [str(first), str(second), str(third)], "lead_unit_id": str(zjj), "back": "open=true"})
    assert resp.status_code == 200, resp.text
    assert "已交办2件，1件未交办" in resp.text and 'href="/matters?open=true"' in resp.text
    assert {m: system_session.get(Matter, m).state for m in (first, second, third)} == \
        {first: "assigned", second: "assigned", third: "assigned"}
    assert re.search(rf'{system_session.get(Matter, second).number}</a></td>\s*<td><span class="badge bad">未交办</span>', resp.text)
    # nothing ticked, no unit: a clear 400; the supervisor and a handler may not
    assert _post(client, demo, "xx_officer", "/matters/bulk-assign", {"lead_unit_id": str(zjj)}).status_code == 400
    assert _post(client, demo, "xx_officer", "/matters/bulk-assign", {"matter_id": str(first)}).status_code == 400
    assert _post(client, demo, "xx_supervisor", "/matters/bulk-assign",
                 {"matter_id": str(first), "lead_unit_id": str(zjj)}).status_code == 403
    # the list offers the boxes to an assigner only, when a matter on the page can be assigned
    _register(client, demo, summary="批量交办测试3")
    officer = client.get("/matters", headers={**HTML, **demo.headers("xx_officer")}).text
    assert 'action="/matters/bulk-assign"' in officer
    handler = client.get("/matters", headers={**HTML, **demo.headers("xx_handler")}).text
    assert "bulk-assign" not in handler


def test_saved_views_are_per_user_and_built_in_views_narrow_the_list(client, demo, system_session):
    mine = _register(client, demo, summary="我的视图测试事项")
    resp = _post(client, demo, "xx_by_officer", "/matters/views",
                 {"name": "待交办的", "query": "state=registered&page=3&bogus=1&q="})
    assert resp.status_code == 303 and resp.headers["location"] == "/matters?state=registered"
    page = client.get("/matters", headers={**HTML, **demo.headers("xx_by_officer")}).text
    assert "待交办的" in page and 'href="/matters?state=registered"' in page
    assert "待交办的" not in client.get("/matters", headers={**HTML, **demo.headers("xx_by_admin")}).text
    again = _post(client, demo, "xx_by_officer", "/matters/views", {"name": "待交办的", "query": "open=true"})
    assert again.status_code == 409 and "已有名为" in again.text
    assert _post(client, demo, "xx_by_officer", "/matters/views", {"name": "空", "query": ""}).status_code == 400
    assert _post(client, demo, "xx_supervisor", "/matters/views", {"name": "x", "query": "open=true"}).status_code == 403
    view_id = re.search(r'name="view_id" value="(\d+)"', page).group(1)
    assert _post(client, demo, "xx_by_admin", "/matters/views/delete", {"view_id": view_id}).status_code == 404
    assert _post(client, demo, "xx_by_officer", "/matters/views/delete", {"view_id": view_id}).status_code == 303
    assert "待交办的" not in client.get("/matters", headers={**HTML, **demo.headers("xx_by_officer")}).text
    # 我的待办: what I registered is mine; after it is assigned to 住建局, it is 住建局's, not the township's
    number = system_session.get(Matter, mine).number
    listed = client.get("/matters?view=mine", headers={**HTML, **demo.headers("xx_by_officer")}).text
    assert number in listed
    assert number not in client.get("/matters?view=mine", headers={**HTML, **demo.headers("xx_handler")}).text
    zjj = demo.node("411323-ZJJ").id
    assert _post(client, demo, "xx_officer", f"/matters/{mine}/acts/assign", {"lead_unit_id": str(zjj)}).status_code == 303
    assert number in client.get("/matters?view=mine", headers={**HTML, **demo.headers("xx_handler")}).text
    assert number in client.get("/matters?view=unit", headers={**HTML, **demo.headers("xx_handler")}).text
    assert client.get("/matters?view=nobody", headers={**HTML, **demo.headers("xx_handler")}).status_code == 400


def test_workbench_cards_open_filtered_lists_and_show_supervision_days_left(client, demo):
    import datetime as dt

    from xinfang.platform import clock

    township = demo.node("411323001")
    due = clock.today() + dt.timedelta(days=3)
    made = client.post("/api/supervisions", headers=demo.headers("xx_officer"),
                       json={"kind": "letter", "subject": "排查台账不完整", "requirements": "限期补齐并回报",
                             "due_on": due.isoformat(), "unit_id": township.id})
    assert made.status_code in (200, 201), made.text
    page = client.get("/", headers={**HTML, **demo.headers("xx_by_officer")}).text
    card = page[page.index(">督办<"):]
    assert "待回报·发函督办：排查台账不完整" in card[:2000] and "剩3天" in card[:2000]
    assert 'href="/matters?view=mine"' in page and 'href="/matters?state=registered"' in page
    # the office that issued it sees it only once it is late or reported; the supervisor reads the card too
    assert "排查台账不完整" not in client.get("/", headers={**HTML, **demo.headers("xx_officer")}).text
    assert client.get("/", headers={**HTML, **demo.headers("xx_supervisor")}).status_code == 200
