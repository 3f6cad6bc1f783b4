"""The core's Alembic branch, declared like a plugin's (``xinfang_migrations``)."""

from __future__ import annotations

from pathlib import Path

from xinfang.platform.extensions.hookspecs import MigrationSpec, hookimpl

CORE_BRANCH = "core"


@hookimpl
def xinfang_migrations():
    return [MigrationSpec(CORE_BRANCH, str(Path(__file__).resolve().parent / "versions"))]
