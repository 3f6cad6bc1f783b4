"""The ``xinfang`` command line."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

import click

from xinfang.platform import clock
from xinfang.platform.logs import configure_logging
from xinfang.platform.settings import Settings


def _settings() -> Settings:
    return Settings.from_env()


def _plugins():
    """This command's one plugin manager: the core's domains and the installed plugins."""
    from xinfang.platform.extensions.manager import build_plugin_manager

    return build_plugin_manager()


def _session_factory(settings: Settings, plugins=None):
    from xinfang.platform import models  # noqa: F401
    from xinfang.platform.db import make_engine
    from xinfang.platform.sessions import make_session_factory

    return make_session_factory(make_engine(settings.database_url), settings, plugins=plugins or _plugins())


def _system_session(settings: Settings, plugins=None):
    from xinfang.tenants.scope import Scope

    session = _session_factory(settings, plugins)(scope=Scope.system())
    session.info["actor"] = {"id": None, "name": "命令行", "address": "cli"}
    return session


def _fail(message: str) -> None:
    click.echo(f"错误:{message}", err=True)
    sys.exit(1)


@click.group()
def main() -> None:
    """信访工作平台 command line."""
    configure_logging((os.environ.get("XINFANG_LOG_FORMAT") or "text").strip().lower())
    logging.getLogger("alembic").setLevel(logging.WARNING)


@main.group()
def db() -> None:
    """Database schema."""


def upgrade_database(settings: Settings, plugins=None) -> None:
    """Migrate the core and every installed plugin's branch to head, store the roles'
    permissions, and seal audit chains that end in unkeyed records with a keyed one
    (idempotent)."""
    from xinfang.permissions.store import announce_change, sync_policy
    from xinfang.platform.audit.log import seal_legacy_chains
    from xinfang.platform.migrate import MigrationProblem, upgrade

    plugins = plugins or _plugins()
    try:
        upgrade(settings.database_url, plugins)
    except MigrationProblem as problem:
        _fail(str(problem))
    with _system_session(settings, plugins) as session:
        changed = sync_policy(session, plugins)
        session.commit()
        if sealed := seal_legacy_chains(session):
            session.commit()
            click.echo(f"已为{len(sealed)}条旧审计链加封密钥记录", err=True)
    if changed and settings.redis_url:
        import redis

        announce_change(redis.Redis.from_url(settings.redis_url))


@db.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to the newest schema."""
    upgrade_database(_settings())
    click.echo("数据库已升级到最新版本")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the demo users as JSON on stdout.")
def demo(as_json: bool) -> None:
    """Load the demo counties and users (once)."""
    from xinfang.platform import demo as demo_data

    settings, plugins = _settings(), _plugins()
    upgrade_database(settings, plugins)
    with _system_session(settings, plugins) as session:
        if demo_data.is_loaded(session):
            click.echo("演示数据已存在,未重复导入", err=True)
        else:
            demo_data.load(session)
            session.commit()
            click.echo("演示数据已导入", err=True)
    if as_json:
        click.echo(json.dumps(demo_data.listing(), ensure_ascii=False))


@main.command("roles-table")
@click.option("--readme", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=Path(__file__).resolve().parents[1] / "README.md", show_default="the repository's README.md")
@click.option("--check", is_flag=True, help="Only report whether the README's tables are current (exit 1 if not).")
def roles_table(readme: Path, check: bool) -> None:
    """Write the role tables (who does what at each level) from permissions/roles.py into the README."""
    from xinfang.permissions import roles_table as table

    if check:
        if table.current(readme) != table.section():
            _fail(f"{readme}中的角色表与 permissions/roles.py 不一致，请运行 xinfang roles-table")
        click.echo("角色表与 permissions/roles.py 一致")
        return
    try:
        changed = table.write(readme)
    except ValueError as exc:
        _fail(str(exc))
    click.echo("已更新角色表" if changed else "角色表无变化")


@main.group()
def tenants() -> None:
    """The tenant tree."""


@tenants.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def tenants_import(file: Path) -> None:
    """Import a tree from CSV or XLSX (columns 层级, 代码, 名称, 上级代码): all rows or none."""
    from xinfang.platform.errors import ClerkError
    from xinfang.tenants.importer import import_tree

    with _system_session(_settings()) as session:
        try:
            result = import_tree(session, file.name, file.read_bytes())
        except ClerkError as exc:
            for detail in exc.details:
                click.echo(detail["message"], err=True)
            _fail(exc.message)
        session.commit()
    click.echo(f"导入完成:新建{result.created}个,重命名{result.renamed}个,未变{result.unchanged}个")


@main.group()
def users() -> None:
    """Accounts."""


@users.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True, prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", "display_name", default="", help="Display name (姓名).")
@click.option("--node", "node_code", default=None, help="Home node code; omit for a platform operator.")
@click.option("--role", "roles", multiple=True, help="ROLE or ROLE@NODECODE; repeatable.")
def users_create(username: str, password: str, display_name: str, node_code: str | None, roles: tuple[str, ...]) -> None:
    """Create a user and grant roles."""
    from sqlalchemy import select

    from xinfang.platform.accounts.service import create_user, grant_role
    from xinfang.platform.errors import ClerkError
    from xinfang.tenants.models import Node

    with _system_session(_settings()) as session:
        def node_by(code: str | None) -> Node | None:
            if not code:
                return None
            node = session.scalar(select(Node).where(Node.code == code))
            if node is None:
                _fail(f"节点代码 {code} 不存在")
            return node

        try:
            user = create_user(session, username=username, display_name=display_name or username,
                               password=password, node=node_by(node_code))
            for spec in roles:
                role, _, code = spec.partition("@")
                grant_role(session, None, user, role, node_by(code or node_code))
        except ClerkError as exc:
            _fail(exc.message)
        session.commit()
    click.echo(f"已创建用户 {username}")


@main.group()
def audit() -> None:
    """The audit log."""


@audit.command("verify")
def audit_verify() -> None:
    """Check every county's chain with the audit key and the signed checkpoints; exit 1 and
    list the problems if any record was edited, deleted, re-ordered or cut off."""
    from sqlalchemy import select

    from xinfang.platform.audit.log import verify
    from xinfang.platform.audit.models import AuditChain

    bad = 0
    with _system_session(_settings()) as session:
        for chain in session.scalars(select(AuditChain.chain).order_by(AuditChain.chain)):
            report = verify(session, chain)
            label = "平台" if chain == 0 else f"县 {chain}"
            bad += len(report.problems)
            for p in report.problems:
                click.echo(f"[{label}] {p.message}")
            if report.erased:
                click.echo(f"[{label}] 明细已清除(匿名化,非篡改):序号 {', '.join(map(str, report.erased))}")
            if report.ok:
                click.echo(f"[{label}] 完整(已核对签名检查点{report.checkpoints}个)")
    if bad:
        _fail(f"发现{bad}处问题")


@main.group()
def backup() -> None:
    """Backups of the database and the stored files (platform/backup.py says how they stay consistent)."""


@backup.command("create")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def backup_create(folder: Path) -> None:
    """Write a backup into FOLDER/xinfang-<date-time>; safe while the service runs."""
    from xinfang.platform import backup as backups

    target = backups.default_folder(folder)
    try:
        manifest = backups.create(_settings(), target)
    except backups.BackupError as exc:
        _fail(str(exc))
    click.echo(f"备份完成:{target}(数据表{len(manifest['tables'])}张,共{sum(manifest['tables'].values())}行;"
               f"文件{len(manifest['files'])}个)")


@backup.command("restore")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def backup_restore(folder: Path) -> None:
    """Restore the backup in FOLDER into the configured empty database and storage directory,
    then check row counts, file SHA-256 and the audit chains (exit 1 on any difference)."""
    from xinfang.platform import backup as backups

    try:
        report = backups.restore(_settings(), folder)
    except backups.BackupError as exc:
        _fail(str(exc))
    for problem in report.problems:
        click.echo(problem)
    if not report.ok:
        _fail(f"恢复后核对发现{len(report.problems)}处问题")
    click.echo(f"恢复完成并已核对:数据表{report.tables}张,共{report.rows}行;文件{report.files}个;审计链完整")


@audit.command("verify-checkpoints")
@click.option("--public-key", "public_key_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The checkpoint public key (PEM), from GET /api/audit/public-key.")
@click.option("--checkpoints", "checkpoints_file", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The checkpoints (JSON), from GET /api/audit/checkpoints.")
def audit_verify_checkpoints(public_key_file: Path, checkpoints_file: Path) -> None:
    """Check downloaded checkpoints offline, with the public key alone (no database, no settings)."""
    from xinfang.platform.audit.checkpoints import check_offline
    from xinfang.platform.audit.keys import load_public_key

    try:
        public_key = load_public_key(public_key_file.read_bytes())
        data = json.loads(checkpoints_file.read_text(encoding="utf-8"))
    except (ValueError, TypeError) as exc:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        _fail(f"无法读取公钥或检查点文件:{exc}")
    checkpoints = data.get("checkpoints", []) if isinstance(data, dict) else data
    if not isinstance(checkpoints, list) or not all(isinstance(c, dict) for c in checkpoints):
        _fail("检查点文件格式不对:应为 GET /api/audit/checkpoints 下载的 JSON")
    valid, problems = check_offline(public_key, checkpoints)
    for problem in problems:
        click.echo(problem)
    if problems:
        _fail(f"{len(checkpoints)}个检查点中发现{len(problems)}处问题")
    click.echo(f"{valid}个检查点签名有效,各链只增不减")


@audit.command("public-key")
def audit_public_key() -> None:
    """Print the checkpoint public key (PEM) to hand to the supervisors."""
    from xinfang.platform.audit.keys import AuditKeys, public_key_pem

    click.echo(public_key_pem(AuditKeys.from_settings(_settings()).public_key()), nl=False)


def _demo_reminders(settings: Settings, plugins) -> None:
    """The deadline scan once, so the demo's due-soon and overdue matters have their notices."""
    from xinfang.platform import clock
    from xinfang.platform.matters import scan

    scan.scan(_session_factory(settings, plugins), clock.today())


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo", "with_demo", is_flag=True, help="Load the demo data when the database is empty.")
@click.option("--workers", default=1, show_default=True, type=int, help="Web worker processes.")
def serve(host: str, port: int, with_demo: bool, workers: int) -> None:
    """Migrate, then serve the web app."""
    import uvicorn

    from xinfang.platform import demo as demo_data
    from xinfang.tenants.models import Node

    settings, plugins = _settings(), _plugins()
    upgrade_database(settings, plugins)
    if with_demo:
        from sqlalchemy import select

        with _system_session(settings, plugins) as session:
            if session.scalar(select(Node.id).limit(1)) is None:
                started = time.monotonic()
                demo_data.load(session)
                session.commit()
                made = demo_data.load_matters(session)
                demo_data.load_activity(session)
                session.commit()
                _demo_reminders(settings, plugins)
                click.echo(f"已导入演示数据（含{made}件信访事项，用时{time.monotonic() - started:.1f}秒），"
                           f"演示账号密码均为 {demo_data.DEMO_PASSWORD}", err=True)
    if host in ("0.0.0.0", "::"):
        click.echo(f"信访工作平台已启动：本机请打开 http://127.0.0.1:{port}/ ；本单位其他电脑请打开 "
                   f"http://<本机局域网地址>:{port}/ （hostname -I 可查看本机地址）。按 Ctrl+C 停止", err=True)
    else:
        click.echo(f"信访工作平台已启动：请用浏览器打开 http://{host}:{port}/ 。按 Ctrl+C 停止", err=True)
    if workers == 1:
        from xinfang.platform.app import create_app

        # the app gets this process's one plugin manager (the one that migrated and synced roles)
        uvicorn.run(create_app(settings, plugins=plugins), host=host, port=port, log_level="info")
    else:
        # each worker is a process of its own: it imports the ASGI module and builds its own
        uvicorn.run("xinfang.platform.asgi:app", host=host, port=port, workers=workers, log_level="info")


@main.command()
@click.option("--tick", default=1.0, show_default=True, type=float, help="Seconds between dispatch passes.")
def scheduler(tick: float) -> None:
    """Run the one scheduler process (Redis mode): hand jobs to the dramatiq workers, run the
    periodic tasks the plugins (the core's included) declare."""
    import signal
    import threading

    from xinfang.platform.jobs.scheduler import run_scheduler

    settings = _settings()
    if not settings.redis_url:
        _fail("未配置 XINFANG_REDIS_URL。未使用 Redis 时,后台任务由网站进程自行运行,无需启动调度进程")
    from xinfang.platform.jobs.dramatiq_worker import run_outbox_job

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    click.echo("调度进程已启动", err=True)
    import redis

    from xinfang.platform.jobs.heartbeat import Heartbeat

    heartbeat = Heartbeat(redis.Redis.from_url(settings.redis_url), settings.queue_namespace)
    run_scheduler(_session_factory(settings), run_outbox_job.send, stop,
                  tick=tick, claim_seconds=settings.job_claim_seconds, heartbeat=heartbeat)
    click.echo("调度进程已停止", err=True)


@main.group()
def matters() -> None:
    """Petition matters."""


@matters.command("scan")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day to judge deadlines on, YYYY-MM-DD (default: today in Asia/Shanghai).")
def matters_scan(today) -> None:
    """Run the deadline scan once: states, reminders, 督办 (idempotent)."""
    from xinfang.platform.matters.scan import scan

    click.echo(str(scan(_session_factory(_settings()), today.date() if today else clock.today())))


@main.group()
def tasks() -> None:
    """Periodic tasks (deadline scans, reminders)."""


@tasks.command("run")
@click.option("--name", "names", multiple=True, help="Run only these tasks (default: all).")
def tasks_run(names: tuple[str, ...]) -> None:
    """Run the periodic tasks once, now (they are idempotent)."""
    from xinfang.platform.jobs.periodic import registered

    factory = _session_factory(_settings())
    now = clock.now()
    for task in registered(factory).values():
        if not names or task.name in names:
            click.echo(f"{task.name}: {task.run(factory, now)}")
