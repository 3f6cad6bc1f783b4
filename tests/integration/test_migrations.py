"""An empty database migrates to head, matches the models exactly, and migrates down and up again."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, service_missing, test_plugins
from xinfang.platform.db import make_engine
from xinfang.platform.migrate import alembic_config, upgrade
from xinfang.platform.models import metadata

PLUGINS = test_plugins()  # the core and every installed plugin, each with its own branch


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    admin_url = make_url(PG_URL)
    name = f"xinfang_migr_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server
        service_missing("PostgreSQL at " + PG_URL, exc)
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _differences(url: str) -> list:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={
                "target_metadata": metadata,
                "compare_type": True,
                "render_as_batch": conn.dialect.name == "sqlite",
            })
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _revisions(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return set(MigrationContext.configure(conn).get_current_heads())
    finally:
        engine.dispose()


def test_empty_database_migrates_to_head_matching_the_models(empty_url):
    assert _tables(empty_url) == set()
    upgrade(empty_url, PLUGINS)
    heads = set(ScriptDirectory.from_config(alembic_config(empty_url, PLUGINS)).get_heads())  # branches are allowed
    assert heads and min(heads) >= "0001"
    assert _revisions(empty_url) == heads
    assert set(metadata.tables) <= _tables(empty_url)
    assert _differences(empty_url) == []

    # the comparison is not vacuous: a column the models lack shows up as a difference
    engine = make_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE nodes ADD COLUMN stray_column INTEGER"))
    engine.dispose()
    diffs = _differences(empty_url)
    assert any(d[0] == "remove_column" and d[2] == "nodes" and d[3].name == "stray_column" for d in diffs), diffs


def test_downgrade_to_base_then_upgrade_again(empty_url):
    upgrade(empty_url, PLUGINS)
    command.downgrade(alembic_config(empty_url, PLUGINS), "base")
    assert _tables(empty_url) - {"alembic_version"} == set()
    assert _revisions(empty_url) == set()
    upgrade(empty_url, PLUGINS)
    assert set(metadata.tables) <= _tables(empty_url)
    assert _differences(empty_url) == []


def test_a_saved_view_sorted_by_number_opens_in_registration_order_after_0029(empty_url):
    """The list no longer sorts by number (0029): a view saved with ``sort=number`` would
    answer 400, so the migration moves it to ``sort=id``, leaving the rest of its query."""
    upgrade(empty_url, PLUGINS, "0028")
    engine = make_engine(empty_url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO users (id, username, display_name, position, password_hash, is_active, created_at) "
                          "VALUES (1, 'clerk', '办事员', '', 'x', true, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO saved_views (user_id, name, query, created_at) VALUES "
                          "(1, '按编号', 'state=handling&sort=number&descending=false', CURRENT_TIMESTAMP), "
                          "(1, '按日期', 'sort=received_on', CURRENT_TIMESTAMP)"))
    upgrade(empty_url, PLUGINS)
    with engine.connect() as conn:
        queries = conn.execute(text("SELECT query FROM saved_views ORDER BY id")).scalars().all()
    engine.dispose()
    assert queries == ["state=handling&sort=id&descending=false", "sort=received_on"]
