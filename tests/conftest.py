"""Shared fixtures: every database test runs on SQLite and on the real PostgreSQL.

Each xdist worker gets its own PostgreSQL database (created in the server at
XINFANG_TEST_PG_URL) and its own migrated SQLite template. With CI=true an unreachable
PostgreSQL or Redis fails the run; on a developer's machine those tests are skipped.
"""

from __future__ import annotations

import functools
import graphlib
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from xinfang.platform import (
    models,  # noqa: F401
)
from xinfang.platform.settings import Settings

PG_URL = os.environ.get("XINFANG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("XINFANG_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_SECRET = "test-secret"
KEEP_TABLES = {"alembic_version", "casbin_rules", "policy_version"}


def service_missing(what: str, error: Exception) -> None:
    message = f"{what} unreachable: {error}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: a missing service is a failure)", pytrace=False)
    pytest.skip(message)


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def test_plugins(*extra: object):
    """A plugin manager as the tests' deployment has it: the core, the installed plugins and
    the example outside campaign (tests/example_campaign), plus ``extra``."""
    from xinfang.platform.extensions.manager import build_plugin_manager

    return build_plugin_manager([example_campaign(), *extra])


test_plugins.__test__ = False  # a helper, not a test


def _migrate(url: str) -> None:
    from xinfang.permissions.store import sync_policy
    from xinfang.platform.db import make_engine
    from xinfang.platform.migrate import upgrade
    from xinfang.platform.sessions import make_session_factory
    from xinfang.tenants.scope import Scope

    plugins = test_plugins()
    upgrade(url, plugins)
    engine = make_engine(url)
    with make_session_factory(engine, replace(Settings(), secret_key=TEST_SECRET),
                              plugins=plugins)(scope=Scope.system()) as session:
        sync_policy(session, plugins)
        session.commit()
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    _migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str | Exception]:
    """A migrated PostgreSQL database of this worker's own, or the error that prevented it."""
    admin_url = make_url(PG_URL)
    name = f"xinfang_test_{_worker()}_{os.getpid()}"  # unique per process: parallel runs never collide
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server
        yield exc
        return
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    _migrate(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@functools.cache
def _emptying_sql(url: str) -> str:
    """The DELETEs and sequence resets that do what ``TRUNCATE <model tables> RESTART IDENTITY
    CASCADE`` did: the model tables but KEEP_TABLES, every table referencing them (the plugins'
    own tables, outside ``models.metadata``), and their sequences back to their start.

    Why not TRUNCATE: it gives each table and index a new file, scans shared buffers for each
    and syncs at commit — 0.3 s on a quiet machine, 3–4 s on a loaded one, before every
    PostgreSQL test — while deleting the few rows a test left takes milliseconds."""
    engine = create_engine(url)
    with engine.connect() as conn:
        edges = conn.execute(text(
            "SELECT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c "
            "JOIN pg_namespace n ON n.oid = c.connamespace WHERE c.contype = 'f' AND n.nspname = 'public'")).all()
        emptied = {t.name for t in models.metadata.sorted_tables if t.name not in KEEP_TABLES}
        while more := {child for child, parent in edges if parent in emptied} - emptied:  # CASCADE
            emptied |= more
        sequences = conn.execute(text(
            "SELECT s.oid::regclass::text, q.seqstart FROM pg_class s JOIN pg_sequence q ON q.seqrelid = s.oid "
            "JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') "
            "JOIN pg_class t ON t.oid = d.refobjid WHERE t.relname = ANY(:tables)"), {"tables": sorted(emptied)}).all()
    engine.dispose()
    # referencing tables first; a table referencing itself is emptied by its one DELETE
    order = graphlib.TopologicalSorter({t: {child for child, parent in edges if parent == t and child != t}
                                        for t in emptied})
    deletes = [f'DELETE FROM "{table}"' for table in order.static_order()]
    # setval, not ALTER SEQUENCE … RESTART: that would give the sequence a new file too
    resets = ", ".join(f"setval('{name}', {start}, false)" for name, start in sequences)
    return ";\n".join([*deletes, f"SELECT {resets}"])


def _fresh_pg(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(_emptying_sql(url)))
    engine.dispose()


class TestClock:
    """The clock a test sets; while installed, every "now" and "today" of the process is its."""

    def __init__(self) -> None:
        from xinfang.platform import clock

        self.now = clock.now()

    def __call__(self):
        return self.now

    def on(self, year: int, month: int, day: int, hour: int = 10, minute: int = 0, second: int = 0):
        """Set the clock to a local (Asia/Shanghai) time; returns it."""
        import datetime as dt

        from xinfang.platform.clock import CHINA

        self.now = dt.datetime(year, month, day, hour, minute, second, tzinfo=CHINA)
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Iterator[TestClock]:
    """A clock the test controls (starting at the real time), installed for the whole process."""
    from xinfang.platform import clock as process_clock

    test_clock = TestClock()
    with process_clock.use(test_clock):
        yield test_clock


@pytest.fixture(autouse=True)
def _fresh_list_counts(monkeypatch) -> None:
    """Long lists' counts are kept per process (platform/web/paging.py ``RECENT_COUNTS``), keyed
    by database, scope and statement: each test starts without those of an earlier test on the
    same database (a test that lowers ``EXACT_UP_TO`` would leave its count for the next)."""
    from xinfang.platform.web import paging

    monkeypatch.setattr(paging, "RECENT_COUNTS", paging.RecentCounts())


@pytest.fixture(autouse=True)
def _pinned_day(request) -> None:
    """``@pytest.mark.today(2026, 11, 16, 9)`` (on a test or a module's ``pytestmark``) sets the
    clock for tests whose records carry fixed dates: a week whose calendar data is known."""
    marker = request.node.get_closest_marker("today")
    if marker is not None:
        request.getfixturevalue("clock").on(*marker.args, **marker.kwargs)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, sqlite_template) -> str:
    if request.param == "sqlite":
        path = tmp_path / "xinfang.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_database")
    if isinstance(url, Exception):
        service_missing("PostgreSQL at " + PG_URL, url)
    _fresh_pg(url)
    return url


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    return replace(Settings(), database_url=database_url, storage_dir=tmp_path / "files", secret_key=TEST_SECRET,
                   audit_signing_key_file=tmp_path / "audit_signing_key.pem", run_background=False)


@pytest.fixture
def app(settings):
    """The app with the installed plugins plus the example outside campaign (tests/example_campaign),
    so route walks and campaign tests cover plugin routes and a real campaign type."""
    from xinfang.platform.app import create_app

    application = create_app(settings, plugins=test_plugins())
    yield application
    application.state.engine.dispose()


def example_campaign():
    import importlib

    folder = str(Path(__file__).resolve().parent / "example_campaign")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module("xinfang_example_campaign.plugin")


@pytest.fixture
def client(app):
    from litestar.testing import TestClient

    with TestClient(app=app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def fuzz_app(sqlite_template, tmp_path_factory):
    """One app per fuzzing module, on a copy of the migrated SQLite template with the demo tree
    and users (the fuzzers leave the data in whatever state they drove it to)."""
    from xinfang.platform import demo as demo_data
    from xinfang.platform.app import create_app
    from xinfang.platform.extensions.manager import build_plugin_manager
    from xinfang.tenants.scope import Scope

    folder = tmp_path_factory.mktemp("fuzz")
    shutil.copy(sqlite_template, folder / "xinfang.db")
    app = create_app(replace(Settings(), database_url=f"sqlite:///{folder / 'xinfang.db'}",
                             storage_dir=folder / "files", secret_key="fuzz-secret", run_background=False),
                     plugins=build_plugin_manager([example_campaign()]))
    with app.state.session_factory(scope=Scope.system()) as session:
        session.info["actor"] = {"id": None, "name": "测试", "address": "test"}
        demo_data.load(session)
        session.commit()
    app.state.fuzz_demo = Demo(app)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def system_session(app):
    from xinfang.tenants.scope import Scope

    # DEFERRED on SQLite, so a test's checks never hold the write lock other sessions need
    with app.state.session_factory(scope=Scope.system(), bind=app.state.read_engine) as session:
        session.info["actor"] = {"id": None, "name": "测试", "address": "test"}
        yield session


@pytest.fixture
def demo(app, system_session) -> Demo:
    from xinfang.platform import demo as demo_data

    demo_data.load(system_session)
    system_session.commit()
    return Demo(app)


class Demo:
    """The demo tenants, with helpers to find nodes and act as a demo user."""

    def __init__(self, app) -> None:
        self.app = app
        self._tokens: dict[str, str] = {}

    def node(self, code: str):
        from xinfang.tenants.models import Node
        from xinfang.tenants.scope import Scope

        with self.app.state.session_factory(scope=Scope.system(), bind=self.app.state.read_engine) as s:
            return s.scalar(select(Node).where(Node.code == code))

    def token(self, username: str) -> str:
        """A session token made directly (argon2 verification is covered by the login tests)."""
        if username not in self._tokens:
            from xinfang.platform import clock
            from xinfang.platform.accounts.models import AuthSession, User
            from xinfang.platform.accounts.service import token_hash
            from xinfang.tenants.scope import Scope

            token = f"test-token-{username}"
            with self.app.state.session_factory(scope=Scope.system()) as s:
                user = s.scalar(select(User).where(User.username == username))
                s.add(AuthSession(token_hash=token_hash(token, self.app.state.settings.secret_key), user_id=user.id,
                                  expires_at=clock.now() + timedelta(days=3650)))  # outlives any clock a test sets
                s.commit()
            self._tokens[username] = token
        return self._tokens[username]

    def actor(self, session, username: str):
        """The user's ``Actor`` as the web guard resolves it, read on ``session``'s connection."""
        from xinfang.platform.accounts.service import authenticate

        token = self.token(username)  # first: on SQLite the session's connection may hold the write lock
        return authenticate(session.connection(), self.app.state.policy, token, self.app.state.settings.secret_key)

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}
