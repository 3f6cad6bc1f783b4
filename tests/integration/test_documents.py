"""Compliance documents over HTTP: asked for (202), rendered by the job, read back with
poppler (a real Chinese text layer, the Noto CJK SC fonts embedded as subsets, the table
header on every page), verified by hash, and rendered idempotently."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

from sqlalchemy import select

from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.documents.models import Document
from xinfang.platform.documents.service import RENDER_JOB, render_document
from xinfang.platform.jobs import outbox
from xinfang.platform.jobs.embedded import run_pending
from xinfang.tenants.scope import Scope

QINGYANG = "350582001"  # 青阳街道, 晋江市 (seed 001)
TITLE = "关于开展“大排查”“大接访”“大化解”信访月专项活动的通知"
NUMBER = "晋政青〔2024〕62号"
BODY = ["为切实把矛盾纠纷排查在源头、把信访问题化解在基层,决定在辖区范围内开展信访月专项活动。",
        "各社区应于每周三、五汇总排查的信访突出问题向信访办报送相关清单。"]
NOTICE = {"issuer": "青阳街道办事处", "number": NUMBER, "title": TITLE, "addressee": "各社区居委会,各相关单位:",
          "body": BODY, "attachments": ["矛盾纠纷排查化解清单", "信访积案和突出问题化解清单"], "date": "2024-09-18"}
COLUMNS = ["序号", "排查日期", "当事人", "矛盾纠纷简要情况", "责任部门", "责任领导", "化解措施", "化解时限"]


def _ask(client, demo, inputs=None, kind="notice", user="jj_qy_officer", node=QINGYANG):
    return client.post("/api/documents", headers=demo.headers(user),
                       json={"kind": kind, "node_id": demo.node(node).id, "inputs": inputs or NOTICE})


def _rendered(app, client, demo, **kwargs) -> dict:
    resp = _ask(client, demo, **kwargs)
    assert resp.status_code == 202, resp.text
    run_pending(app.state.session_factory)
    doc = client.get(resp.json()["status_url"], headers=demo.headers("jj_qy_officer")).json()
    assert doc["status"] == "done", doc
    return doc


def _download(client, demo, doc, tmp_path, user="jj_qy_officer") -> Path:
    resp = client.get(f"/api/documents/{doc['id']}/file", headers=demo.headers(user))
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/pdf", resp.text
    path = tmp_path / f"download-{doc['id']}.pdf"
    path.write_bytes(resp.content)
    return path


def _text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *pages, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def _verify(client, demo, content: bytes, user="jj_supervisor"):
    return client.post("/api/documents/verify", headers=demo.headers(user),
                       files={"data": ("upload.pdf", content, "application/pdf")})


def _files(app) -> list[Path]:
    return sorted(p for p in Path(app.state.settings.storage_dir).rglob("*") if p.is_file())


def test_a_notice_is_rendered_by_a_job_with_a_real_text_layer(app, client, demo, tmp_path, system_session):
    resp = _ask(client, demo)
    assert resp.status_code == 202, resp.text
    asked = resp.json()
    assert asked["status"] == "pending" and resp.headers["location"] == asked["status_url"]
    assert client.get(f"/api/documents/{asked['id']}/file", headers=demo.headers("jj_qy_officer")).status_code == 409
    assert _files(app) == []  # nothing is rendered in the request

    assert run_pending(app.state.session_factory) == 1
    doc = client.get(asked["status_url"], headers=demo.headers("jj_qy_officer")).json()
    assert doc["status"] == "done" and doc["title"] == TITLE and doc["number"] == NUMBER
    assert doc["issuer"] == "青阳街道办事处" and doc["author"]["name"] == "庄文斌"
    assert doc["inputs"]["body"] == BODY and doc["inputs"]["date"] == "2024-09-18"

    path = _download(client, demo, doc, tmp_path)
    text = _text(path)
    for expected in (TITLE, NUMBER, BODY[0][:20], "各社区居委会", "附件：1.矛盾纠纷排查化解清单", "2024年9月18日",
                     "— 1 —"):
        assert expected in text.replace("\n", ""), (expected, text)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    cjk = [line.split() for line in fonts.splitlines() if "Noto-Serif-CJK-SC" in line]
    assert cjk and all(re.match(r"^[A-Z]{6}\+", f[0]) for f in cjk), fonts  # subset-tagged
    assert all(f[-5:-2] == ["yes", "yes", "yes"] for f in cjk), fonts  # embedded, subset, unicode map
    assert "JP" not in fonts, "the Japanese face of the .ttc must not be embedded"

    stored = Path(app.state.settings.storage_dir) / system_session.get(Document, doc["id"]).file_path
    on_disk, downloaded = (hashlib.sha256(p.read_bytes()).hexdigest() for p in (stored, path))
    assert doc["sha256"] == on_disk == downloaded
    assert doc["size"] == stored.stat().st_size and doc["pages"] == _page_count(path) == 1

    generated = system_session.scalars(select(AuditRecord).where(AuditRecord.action == "document_generated")).all()
    assert [(r.object_id, r.detail.after["sha256"], r.actor_name) for r in generated] == [(str(doc["id"]), doc["sha256"],
                                                                                     "jj_qy_officer")]
    created = system_session.scalars(select(AuditRecord).where(AuditRecord.object_type == "documents",
                                                              AuditRecord.action == "create")).one()
    assert created.detail.after["inputs"] == "(已隐去)" and created.detail.after["title"] == TITLE


def test_a_three_page_table_repeats_its_header_and_never_splits_a_row(app, client, demo, tmp_path):
    rows = [[str(n), "2024-09-20", f"当事人{n:03d}", f"第{n:03d}号纠纷:因宅基地边界与邻居发生争执,多次协商未果",
             "司法所", "李副主任", f"措施{n:03d}:入户调解并现场测量", "2024-10-10"] for n in range(1, 76)]
    doc = _rendered(app, client, demo, kind="ledger", inputs={
        "title": "矛盾纠纷排查化解清单", "annex": "附件1", "columns": COLUMNS, "rows": rows, "issuer": "莲屿社区",
        "widths": [4, 8, 8, 30, 10, 10, 22, 8]})
    path = _download(client, demo, doc, tmp_path)
    pages = _page_count(path)
    assert pages == doc["pages"] >= 3
    page_of: dict[str, int] = {}
    for page in range(1, pages + 1):
        text = _text(path, page)
        for column in ("矛盾纠纷简要情况", "责任部门", "责任领导", "化解措施", "化解时限"):
            assert column in text, (page, column)
        assert f"— {page} —" in text
        for n in range(1, 76):
            for marker in (f"当事人{n:03d}", f"措施{n:03d}"):
                if marker in text:
                    page_of.setdefault(marker, page)
    assert len(page_of) == 150, "every row is printed"
    assert all(page_of[f"当事人{n:03d}"] == page_of[f"措施{n:03d}"] for n in range(1, 76)), "no row is split"


def test_verify_recognises_the_file_and_refuses_a_changed_byte(app, client, demo, tmp_path, system_session):
    doc = _rendered(app, client, demo)
    content = _download(client, demo, doc, tmp_path, user="jj_supervisor").read_bytes()
    ok = _verify(client, demo, content)
    assert ok.status_code == 200, ok.text
    assert ok.json()["match"] is True and ok.json()["document"]["id"] == doc["id"]
    changed = bytearray(content)
    changed[len(changed) // 2] ^= 0x01
    no = _verify(client, demo, bytes(changed)).json()
    assert no["match"] is False and "document" not in no and no["sha256"] == hashlib.sha256(changed).hexdigest()
    # another county's supervisor holds the real file, but it is not a document of theirs
    assert _verify(client, demo, content, user="xx_supervisor").json()["match"] is False
    verified = system_session.scalars(select(AuditRecord).where(AuditRecord.action == "document_verified")
                                      .order_by(AuditRecord.id)).all()
    assert [(r.actor_name, r.detail.after["match"]) for r in verified] == [("jj_supervisor", True), ("jj_supervisor", False),
                                                                ("xx_supervisor", False)]


def test_the_render_job_twice_keeps_one_file_and_one_hash(app, client, demo):
    doc = _rendered(app, client, demo)
    files = _files(app)
    assert len(files) == 1
    first = files[0].read_bytes()

    # the same job again, and a second job for the same document: nothing changes
    with app.state.session_factory(scope=Scope.system()) as s:
        outbox.enqueue(s, RENDER_JOB, {"document_id": doc["id"]})
        s.commit()
    assert run_pending(app.state.session_factory) == 1
    assert "未重复生成" in render_document(app.state.session_factory, doc["id"])
    # a worker that died after writing the file but before recording it: the re-render
    # writes the same bytes to the same path
    with app.state.session_factory(scope=Scope.system()) as s:
        s.get(Document, doc["id"]).status = "rendering"
        s.commit()
    render_document(app.state.session_factory, doc["id"])
    again = client.get(f"/api/documents/{doc['id']}", headers=demo.headers("jj_qy_officer")).json()
    assert again["status"] == "done" and again["sha256"] == doc["sha256"]
    assert _files(app) == files and files[0].read_bytes() == first


def test_supervisors_read_and_verify_but_cannot_create(app, client, demo, tmp_path):
    doc = _rendered(app, client, demo)
    headers = demo.headers("jj_supervisor")
    assert _ask(client, demo, user="jj_supervisor").status_code == 403
    listed = client.get("/api/documents", headers=headers, params={"node_id": demo.node(QINGYANG).id}).json()
    assert [d["id"] for d in listed["items"]] == [doc["id"]] and listed["items"][0]["sha256"] == doc["sha256"]
    assert client.get(f"/api/documents/{doc['id']}", headers=headers).status_code == 200
    content = _download(client, demo, doc, tmp_path, user="jj_supervisor").read_bytes()
    assert _verify(client, demo, content).json()["match"] is True
    assert {t["key"] for t in client.get("/api/documents/templates", headers=headers).json()} >= {"notice", "ledger"}


def test_outsiders_neither_see_nor_create(app, client, demo):
    doc = _rendered(app, client, demo)
    for user in ("xx_officer", "jj_ml_officer"):  # another county; the sibling 梅岭街道
        assert client.get(f"/api/documents/{doc['id']}", headers=demo.headers(user)).status_code == 404
        assert client.get(f"/api/documents/{doc['id']}/file", headers=demo.headers(user)).status_code == 404
    assert _ask(client, demo, user="jj_ml_officer").status_code in (403, 404)
    assert client.get("/api/documents", headers=demo.headers("jj_ml_officer")).json()["total"] == 0


def test_bad_inputs_are_refused_with_a_clear_message(client, demo):
    missing = _ask(client, demo, inputs={k: v for k, v in NOTICE.items() if k != "title"})
    assert missing.status_code == 400 and "请填写“标题”" in missing.json()["message"]
    unknown = client.post("/api/documents", headers=demo.headers("jj_qy_officer"),
                          json={"kind": "memo", "node_id": demo.node(QINGYANG).id, "inputs": {}})
    assert unknown.status_code == 400 and "未知的文书类型" in unknown.json()["message"]
    ragged = _ask(client, demo, kind="ledger", inputs={"title": "清单", "columns": ["序号", "当事人"],
                                                      "rows": [["1", "甲"], ["2"]]})
    assert ragged.status_code == 400 and "第2行有1个单元格,应为2个" in ragged.json()["message"]
    bad_date = _ask(client, demo, inputs={**NOTICE, "date": "2024年9月18日"})
    assert bad_date.status_code == 400 and "成文日期" in bad_date.json()["message"]


def test_a_changed_file_on_disk_is_not_served(app, client, demo, system_session):
    doc = _rendered(app, client, demo)
    stored = Path(app.state.settings.storage_dir) / system_session.get(Document, doc["id"]).file_path
    stored.write_bytes(stored.read_bytes() + b"\n%")
    resp = client.get(f"/api/documents/{doc['id']}/file", headers=demo.headers("jj_qy_officer"))
    assert resp.status_code == 409 and "校验值不符" in resp.json()["message"]


def test_a_failed_rendering_says_why_and_is_retried(app, client, demo, tmp_path):
    from xinfang.platform.documents import registry
    from xinfang.platform.extensions.hookspecs import hookimpl

    class TestTemplate:
        """A plugin declaring one template; ``spec`` is what is deployed now."""

        @hookimpl
        def xinfang_document_templates(self):
            return [self.spec]

    broken = tmp_path / "broken.html"
    broken.write_text('{% extends "base.html" %}{% block content %}{{ title }}{{ missing_field }}{% endblock %}')
    plugin = TestTemplate()
    plugin.spec = registry.as_given(registry.template("test_broken", "测试模板", broken, [registry.Field("title", "标题")]))
    app.state.plugins.register(plugin)
    try:
        resp = _ask(client, demo, kind="test_broken", inputs={"title": "坏模板"})
        assert resp.status_code == 202, resp.text
        run_pending(app.state.session_factory)
        doc = client.get(resp.json()["status_url"], headers=demo.headers("jj_qy_officer")).json()
        assert doc["status"] == "failed" and "missing_field" in doc["error"] and doc["sha256"] is None
        with app.state.session_factory(scope=Scope.system()) as s:
            job = s.scalars(select(outbox.OutboxJob).where(outbox.OutboxJob.name == RENDER_JOB)).one()
            assert job.status == "pending" and job.attempts == 1  # retried later
        fixed = tmp_path / "fixed.html"  # the template is corrected and deployed
        fixed.write_text('{% extends "base.html" %}{% block content %}<p>{{ title }}</p>{% endblock %}')
        plugin.spec = registry.as_given(registry.template("test_broken", "测试模板", fixed,
                                                          [registry.Field("title", "标题")]))
        run_pending(app.state.session_factory)
        doc = client.get(resp.json()["status_url"], headers=demo.headers("jj_qy_officer")).json()
        assert doc["status"] == "done" and doc["error"] is None and _files(app)
    finally:
        app.state.plugins.unregister(plugin)
