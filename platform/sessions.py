"""The session factory: every session carries a ``Scope`` (``xinfang.tenants.scope``) that
filters reads and checks writes. Kept out of db.py so the database layer (engine, base,
column types) never imports the tenant scope built on it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from xinfang.platform.audit.keys import AuditKeys
from xinfang.platform.column_checks import check_text_columns
from xinfang.platform.settings import Settings
from xinfang.tenants.scope import ScopedSession


def make_session_factory(engine: Engine, settings: Settings | None = None, plugins: Any = None) -> sessionmaker:
    """The settings' file store and audit keys, and ``plugins`` (the process's plugin
    manager) travel in every session's ``info``, so a background job handed only the factory
    knows where generated files go and which jobs, templates and listeners exist, and every
    session can append to the audit chain (without keys a write fails rather than going
    unkeyed into the log). Every flush checks text against its columns (``column_checks``)."""
    info: dict[str, Any] = (
        {"storage_dir": Path(settings.storage_dir), "audit": AuditKeys.from_settings(settings),
         "notification_sender": settings.notification_sender,
         "audit_retention_days": settings.audit_retention_days,
         "public_host": settings.public_host} if settings else {})
    if plugins is not None:
        info["plugins"] = plugins
    factory = sessionmaker(bind=engine, class_=ScopedSession, expire_on_commit=False, info=info)
    event.listen(factory, "before_flush", check_text_columns)
    return factory
