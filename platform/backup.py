"""Backups a county office can restore: the database and the stored files, consistent with
each other, and a manifest to check a restore against.

Consistency without stopping the service: the database is dumped first, from one snapshot
(PostgreSQL: an exported snapshot that ``pg_dump --snapshot`` and the row counts share;
SQLite: the online backup API), then the storage directory is copied. Files are written
before the rows that name them commit and are never changed in place (platform/files.py),
so every file the dump refers to already exists when the copy starts; a file written after
the snapshot is merely an extra. The manifest holds the row count of every table at the
snapshot and the SHA-256 of every file copied.

A restore goes only into an empty database and an empty storage directory; it then checks
the counts, every file against its SHA-256, and every audit chain (the audit key must be
the one the backup was taken with — keep it, and the checkpoint key, with the backups:
docs/audit.md).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, make_url

from xinfang.platform import clock
from xinfang.platform.settings import Settings

MANIFEST, PG_DUMP, SQLITE_COPY, FILES = "manifest.json", "database.dump", "database.sqlite3", "files"


class BackupError(Exception):
    """A backup or restore that cannot go on, with a message for the administrator."""


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _libpq(url: str) -> str:
    """The URL pg_dump and pg_restore understand (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _counts(conn: Connection) -> dict[str, int]:
    tables = sorted(inspect(conn).get_table_names())
    return {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}


def _revision(conn: Connection) -> list[str]:
    return sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def create(settings: Settings, target: Path) -> dict:
    """Write a backup into ``target`` (a new or empty folder); returns the manifest."""
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"备份目录 {target} 不是空目录")
    if settings.is_sqlite:
        counts, revision = _sqlite_copy(settings, target / SQLITE_COPY)
    else:
        counts, revision = _pg_dump(settings, target / PG_DUMP)
    files = _copy_files(Path(settings.storage_dir), target / FILES)
    manifest = {"created_at": clock.now().isoformat(), "database": "sqlite" if settings.is_sqlite else "postgresql",
                "revision": revision, "tables": counts, "files": files}
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def _pg_dump(settings: Settings, path: Path) -> tuple[dict[str, int], list[str]]:
    """pg_dump from a snapshot exported by a transaction that also counts the rows."""
    engine = create_engine(settings.database_url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            counts, revision = _counts(conn), _revision(conn)
            subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                            f"--file={path}", _libpq(settings.database_url)], check=True, capture_output=True, text=True)
            conn.rollback()
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"pg_dump 失败:{exc.stderr.strip()}") from exc
    finally:
        engine.dispose()
    return counts, revision


def _sqlite_copy(settings: Settings, path: Path) -> tuple[dict[str, int], list[str]]:
    """SQLite's online backup: a consistent copy while the service keeps writing."""
    source = sqlite3.connect(make_url(settings.database_url).database)
    copy = sqlite3.connect(path)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return _counts(conn), _revision(conn)
    finally:
        engine.dispose()


def _copy_files(source: Path, target: Path) -> dict[str, str]:
    """Copy the storage tree (not the temporary ``.part`` files of writes under way)."""
    found: dict[str, str] = {}
    if not source.exists():
        return found
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.name.endswith(".part"):
            continue
        relative = path.relative_to(source).as_posix()
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / relative)
        found[relative] = _digest(target / relative)
    return found


def restore(settings: Settings, source: Path) -> RestoreReport:
    """Restore the backup in ``source`` into the configured (empty) database and storage
    directory, then check it; the report lists every difference found."""
    manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    kind = "sqlite" if settings.is_sqlite else "postgresql"
    if manifest["database"] != kind:
        raise BackupError(f"该备份来自 {manifest['database']} 数据库,不能恢复到 {kind}")
    storage = Path(settings.storage_dir)
    if storage.exists() and any(storage.iterdir()):
        raise BackupError(f"文件目录 {storage} 不是空目录,恢复只能在空的环境中进行")
    engine = create_engine(settings.database_url)
    try:
        with engine.connect() as conn:
            if inspect(conn).get_table_names():
                raise BackupError("目标数据库不是空的:恢复只能写入新建的空数据库")
        engine.dispose()
        if settings.is_sqlite:
            shutil.copy2(source / SQLITE_COPY, make_url(settings.database_url).database)
        else:
            subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                            f"--dbname={_libpq(settings.database_url)}", str(source / PG_DUMP)],
                           check=True, capture_output=True, text=True)
        report = RestoreReport()
        with engine.connect() as conn:
            counts = _counts(conn)
        for table, expected in manifest["tables"].items():
            if counts.get(table) != expected:
                report.problems.append(f"表 {table}:备份时 {expected} 行,恢复后 {counts.get(table)} 行")
        report.tables, report.rows = len(counts), sum(counts.values())
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"pg_restore 失败:{exc.stderr.strip()}") from exc
    finally:
        engine.dispose()
    for relative, digest in manifest["files"].items():
        copied = source / FILES / relative
        if not copied.exists() or _digest(copied) != digest:
            report.problems.append(f"文件 {relative} 缺失或与备份清单的 SHA-256 不符")
            continue
        (storage / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(copied, storage / relative)
        report.files += 1
    report.problems += _audit_problems(settings)
    return report


def _audit_problems(settings: Settings) -> list[str]:
    from sqlalchemy import select

    from xinfang.platform.audit.log import verify
    from xinfang.platform.audit.models import AuditChain
    from xinfang.platform.db import make_engine
    from xinfang.platform.sessions import make_session_factory
    from xinfang.tenants.scope import Scope

    engine = make_engine(settings.database_url)
    problems = []
    try:
        with make_session_factory(engine, settings)(scope=Scope.system()) as session:
            for chain in session.scalars(select(AuditChain.chain).order_by(AuditChain.chain)):
                problems += [f"审计链 {chain}:{p.message}" for p in verify(session, chain).problems]
    finally:
        engine.dispose()
    return problems


def default_folder(root: Path) -> Path:
    """``root/xinfang-YYYYmmdd-HHMMSS`` in Asia/Shanghai time."""
    return root / f"xinfang-{clock.now().astimezone(clock.CHINA):%Y%m%d-%H%M%S}"


