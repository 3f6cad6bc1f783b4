"""Shared by the benchmarks: a throw-away database of the bench's own."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def database(postgres: bool, name: str, keep: bool = False) -> Iterator[str]:
    """SQLite in a temp dir, or a database created (and dropped) in the PostgreSQL server at
    XINFANG_TEST_PG_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/test)."""
    if not postgres:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    server = make_url(os.environ.get("XINFANG_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    name = f"{name}_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        if keep:
            print(f"kept database {name}")
        else:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
