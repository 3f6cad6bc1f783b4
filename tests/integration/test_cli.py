"""The ``xinfang`` command line, run as a subprocess against a SQLite file."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select, text

from tests.conftest import TEST_SECRET, test_plugins
from tests.entry_points import with_example_installed
from xinfang.permissions.roles import ROLES
from xinfang.platform.accounts.models import User
from xinfang.platform.app import create_app
from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.db import make_engine
from xinfang.platform.sessions import make_session_factory
from xinfang.platform.settings import Settings
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope

XINFANG = str(Path(sys.executable).with_name("xinfang"))


def run(db_url: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "XINFANG_DATABASE_URL": db_url, "XINFANG_SECRET_KEY": TEST_SECRET}
    env.pop("XINFANG_REDIS_URL", None)
    workdir = Path(db_url.split("///", 1)[1]).parent  # anything the CLI writes (var/) stays in tmp
    env = with_example_installed(env, workdir)  # the test databases carry its Alembic branch
    return subprocess.run([XINFANG, *args], env=env, cwd=workdir, check=False, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture
def migrated(tmp_path, sqlite_template) -> str:
    path = tmp_path / "x.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def with_demo(migrated) -> str:
    """The migrated database with the demo data, loaded in this process (faster than the CLI)."""
    from xinfang.platform import demo

    engine = make_engine(migrated)
    with make_session_factory(engine, replace(Settings(), secret_key=TEST_SECRET),
                              plugins=test_plugins())(scope=Scope.system()) as s:
        s.info["actor"] = {"id": None, "name": "测试", "address": "test"}
        demo.load(s)
        s.commit()
    engine.dispose()
    return migrated


def scalar(db_url: str, statement):
    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)(scope=Scope.system()) as s:
            return s.scalar(statement)
    finally:
        engine.dispose()


def test_db_upgrade_on_an_empty_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    for _ in range(2):  # and again: nothing to do
        done = run(url, "db", "upgrade")
        assert done.returncode == 0, done.stderr
        assert "数据库已升级到最新版本" in done.stdout
    assert scalar(url, text("SELECT version_num FROM alembic_version")) >= "0001"
    assert scalar(url, text("SELECT count(*) FROM casbin_rules")) > 0
    assert scalar(url, select(func.count()).select_from(Node)) == 0


def test_upgrade_with_a_plugin_branch_no_longer_installed_says_what_to_do(migrated):
    """The test databases carry the example campaign's branch; without the plugin installed the
    command explains in Chinese and changes nothing (it used to end in Alembic's traceback)."""
    env = {**os.environ, "XINFANG_DATABASE_URL": migrated, "XINFANG_SECRET_KEY": TEST_SECRET}
    env.pop("XINFANG_REDIS_URL", None)
    before = scalar(migrated, text("SELECT count(*) FROM alembic_version"))
    done = subprocess.run([XINFANG, "db", "upgrade"], env=env, cwd=Path(migrated.split("///", 1)[1]).parent,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "Can't locate revision" not in done.stderr
    assert "错误:数据库已迁移到版本 npv_0002,但已安装的核心和插件中没有这个版本" in done.stderr
    assert "请先安装该插件再运行" in done.stderr
    assert scalar(migrated, text("SELECT count(*) FROM alembic_version")) == before


def test_serve_hands_its_one_plugin_manager_to_the_app(tmp_path, monkeypatch):
    """One plugin manager per process: the one that migrated and synced the roles serves."""
    import uvicorn
    from click.testing import CliRunner

    from xinfang.platform import app as app_module
    from xinfang.platform import cli
    from xinfang.platform.extensions import manager

    built, served = [], []
    real = manager.build_plugin_manager

    def counting(*args, **kwargs):
        built.append(real(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(manager, "build_plugin_manager", counting)
    monkeypatch.setattr(app_module, "build_plugin_manager", counting)
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append(app))
    monkeypatch.setenv("XINFANG_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.db'}")
    monkeypatch.setenv("XINFANG_SECRET_KEY", TEST_SECRET)
    monkeypatch.delenv("XINFANG_REDIS_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli.main, ["serve"])
    assert result.exit_code == 0, result.output
    assert len(built) == 1 and len(served) == 1
    assert served[0].state.plugins is built[0]
    served[0].state.engine.dispose()


def test_demo_json_lists_every_role_in_both_counties_once(migrated):
    first = run(migrated, "demo", "--json")
    assert first.returncode == 0, first.stderr
    listing = json.loads(first.stdout)
    assert isinstance(listing, list) and listing
    codes = set(scalar_codes(migrated))
    nodes_used = set()
    for entry in listing:
        assert {"username", "password", "roles"} <= set(entry), entry
        assert entry["password"] == "Xinfang-2026"
        assert entry["roles"], entry
        for grant in entry["roles"]:
            assert grant["role"] in ROLES
            if grant["role"] == "operator":
                assert grant["node"] is None
            else:
                assert grant["node"] in codes, grant
                nodes_used.add(grant["node"])
    assert {g["role"] for e in listing for g in e["roles"]} == set(ROLES)
    assert {"411323", "350582"} <= nodes_used
    for county in ("411323", "350582"):
        townships = {c for c in nodes_used if len(c) == 9 and c.startswith(county)}
        assert len(townships) >= 2, (county, townships)
    usernames = [e["username"] for e in listing]
    assert len(usernames) == len(set(usernames))

    users, nodes = scalar(migrated, select(func.count()).select_from(User)), len(codes)
    assert users == len(listing)
    second = run(migrated, "demo", "--json")
    assert second.returncode == 0, second.stderr
    assert json.loads(second.stdout) == listing
    assert "已存在" in second.stderr
    assert scalar(migrated, select(func.count()).select_from(User)) == users
    assert len(scalar_codes(migrated)) == nodes


def scalar_codes(db_url: str) -> list[str]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return list(conn.scalars(select(Node.code)))
    finally:
        engine.dispose()


def test_users_create_then_log_in_over_http(with_demo):
    done = run(with_demo, "users", "create", "--username", "by_clerk1", "--password", "abc12345xy", "--name", "张三",
               "--node", "411323001", "--role", "officer")
    assert done.returncode == 0, done.stderr
    assert "by_clerk1" in done.stdout

    app = create_app(replace(Settings(), database_url=with_demo))
    try:
        with TestClient(app=app) as c:
            logged_in = c.post("/api/auth/login", json={"username": "by_clerk1", "password": "abc12345xy"})
            assert logged_in.status_code == 201, logged_in.text
            me = c.get("/api/auth/me", headers={"Authorization": f"Bearer {logged_in.json()['token']}"}).json()
    finally:
        app.state.engine.dispose()
    assert me["user"]["display_name"] == "张三"
    assert [(a["role"], a["node"]) for a in me["assignments"]] == [("officer", "411323001")]

    duplicate = run(with_demo, "users", "create", "--username", "by_clerk1", "--password", "abc12345xy",
                    "--node", "411323001")
    assert duplicate.returncode == 1 and "by_clerk1" in duplicate.stderr
    unknown_node = run(with_demo, "users", "create", "--username", "by_clerk2", "--password", "abc12345xy",
                       "--node", "999999")
    assert unknown_node.returncode == 1 and "999999" in unknown_node.stderr
    assert scalar(with_demo, select(User.id).where(User.username == "by_clerk2")) is None


def test_audit_verify_finds_a_tampered_record(with_demo):
    intact = run(with_demo, "audit", "verify")
    assert intact.returncode == 0, intact.stdout + intact.stderr
    assert "完整" in intact.stdout

    county = scalar(with_demo, select(Node.id).where(Node.code == "411323"))
    engine = make_engine(with_demo)
    with engine.begin() as conn:
        ids = list(conn.scalars(select(AuditRecord.id).where(AuditRecord.chain == county).order_by(AuditRecord.id)))
        assert len(ids) >= 3
        conn.execute(text("UPDATE audit_records SET after = :after WHERE id = :id"),
                     {"after": json.dumps({"name": "篡改"}), "id": ids[2]})
    engine.dispose()

    tampered = run(with_demo, "audit", "verify")
    assert tampered.returncode == 1, tampered.stdout
    assert f"[县 {county}] 第3条记录" in tampered.stdout
    assert "被修改" in tampered.stdout
    assert "[平台] 完整" in tampered.stdout  # the other chains are still reported whole


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_with_demo_answers_health(tmp_path):
    port = free_port()
    env = {**os.environ, "XINFANG_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}"}
    env.pop("XINFANG_REDIS_URL", None)
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([XINFANG, "serve", "--port", str(port), "--demo"], env=env, cwd=tmp_path,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        # the demo data (hundreds of matters, their documents) takes seconds on a quiet machine
        # and minutes on a loaded one; a server that exits or never answers still fails
        deadline, body = time.monotonic() + 300, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                body = response.json()
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert body is not None, (tmp_path / "serve.log").read_text()
        assert body["status"] == "ok" and body["database"]["dialect"] == "sqlite"
        login = httpx.post(f"http://127.0.0.1:{port}/api/auth/login", timeout=30,
                           json={"username": "xx_admin", "password": "Xinfang-2026"})
        assert login.status_code == 201, login.text
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
