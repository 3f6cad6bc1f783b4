"""Alembic environment: the models' metadata, batch mode on SQLite (ALTER TABLE there is limited)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import pool

from xinfang.platform.db import make_engine
from xinfang.platform.models import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `xinfang db upgrade`")
run_migrations_online()
