"""Backup and restore (platform/backup.py, `xinfang backup`): a populated instance — matters,
a rendered document on disk, audit chains — is backed up, restored into an empty database and
an empty storage directory, and comes back whole: every table's rows, every file by SHA-256,
every audit chain intact, the document downloadable. A damaged backup and a non-empty target
are refused. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import replace

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL
from xinfang.platform import backup
from xinfang.platform.cli import main
from xinfang.platform.jobs.embedded import run_pending


@pytest.fixture
def empty_target(settings, tmp_path):
    """Settings for a new, empty database and storage directory of the same kind."""
    if settings.is_sqlite:
        yield replace(settings, database_url=f"sqlite:///{tmp_path / 'restored.db'}",
                      storage_dir=tmp_path / "restored-files")
        return
    name = f"xinfang_restore_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield replace(settings, database_url=make_url(PG_URL).set(database=name).render_as_string(hide_password=False),
                  storage_dir=tmp_path / "restored-files")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _populate(app, client, demo) -> dict:
    headers = demo.headers("xx_by_officer")
    body = {"node_id": demo.node("411323001").id, "channel": "visit", "form": "individual", "kind": "claim",
            "category": "欠薪", "summary": "反映工地欠薪", "received_on": "2026-06-01",
            "petitioners": [{"name": "王五", "id_number": "11010519491231002X", "phone": "13912345678"}]}
    matter = client.post("/api/matters", json=body, headers=headers).json()
    assert client.post(f"/api/matters/{matter['id']}/actions/accept", json={"on": "2026-06-02"},
                       headers=headers).status_code == 200
    asked = client.post(f"/api/matters/{matter['id']}/documents/acceptance", json={}, headers=headers)
    assert asked.status_code == 202, asked.text
    run_pending(app.state.session_factory)
    return client.get(asked.json()["status_url"], headers=headers).json()


def _env(settings) -> dict[str, str]:
    return {"XINFANG_DATABASE_URL": settings.database_url, "XINFANG_STORAGE_DIR": str(settings.storage_dir),
            "XINFANG_SECRET_KEY": settings.secret_key,
            "XINFANG_AUDIT_SIGNING_KEY_FILE": str(settings.audit_signing_key_file)}


def test_a_backup_restores_whole_into_an_empty_instance(app, client, demo, settings, empty_target, tmp_path):
    document = _populate(app, client, demo)
    assert document["status"] == "done"
    runner = CliRunner()
    made = runner.invoke(main, ["backup", "create", str(tmp_path / "backups")], env=_env(settings))
    assert made.exit_code == 0, made.output
    (folder,) = (tmp_path / "backups").iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["matters"] == 1 and manifest["tables"]["audit_records"] > 10
    assert document["sha256"] in {digest for digest in manifest["files"].values()}

    restored = runner.invoke(main, ["backup", "restore", str(folder)], env=_env(empty_target))
    assert restored.exit_code == 0, restored.output
    assert "恢复完成并已核对" in restored.output and "审计链完整" in restored.output

    from litestar.testing import TestClient

    from tests.conftest import test_plugins
    from xinfang.platform.app import create_app

    again = create_app(empty_target, plugins=test_plugins())
    with TestClient(app=again) as c:
        login = c.post("/api/auth/login", json={"username": "xx_by_officer", "password": "Xinfang-2026"})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        pdf = c.get(document["file_url"], headers=headers)
        assert pdf.status_code == 200 and hashlib.sha256(pdf.content).hexdigest() == document["sha256"]
        assert c.get("/api/matters", headers=headers).json()["total"] == 1
    again.state.engine.dispose()

    # a second restore into the now populated target is refused, nothing touched
    refused = runner.invoke(main, ["backup", "restore", str(folder)], env=_env(empty_target))
    assert refused.exit_code == 1 and "不是空" in refused.output


def test_a_damaged_backup_is_reported(app, client, demo, settings, empty_target, tmp_path):
    _populate(app, client, demo)
    manifest = backup.create(settings, tmp_path / "backup")
    damaged = tmp_path / "backup" / "files" / next(iter(manifest["files"]))
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 1
    damaged.write_bytes(bytes(data))
    report = backup.restore(empty_target, tmp_path / "backup")
    assert not report.ok and any("SHA-256" in p for p in report.problems)
