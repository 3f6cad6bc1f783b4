"""Running Alembic from code (the CLI, ``make run`` and the tests all come through here).

The core's revisions and each installed plugin's branch are found through the
``xinfang_migrations`` hook: every declared folder goes into ``version_locations``, and
``upgrade`` takes every head, so one command migrates the core and all plugins.
"""

from __future__ import annotations

import os
from pathlib import Path

import pluggy
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util import CommandError
from sqlalchemy import create_engine

import xinfang.migrations
from xinfang.platform.extensions.manager import plugin_migrations


def alembic_config(database_url: str, plugins: pluggy.PluginManager) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(list(xinfang.migrations.__path__)[0])))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations",
                           os.pathsep.join(spec.location for spec in plugin_migrations(plugins)))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


class MigrationProblem(Exception):
    """The database and the installed code disagree in a way a person must settle; the
    message (Chinese) says what is wrong and what to do, instead of Alembic's traceback."""


def check_branches(config: Config, plugins: pluggy.PluginManager) -> None:
    """Every declared branch folder exists, and every revision the database records is one
    the installed core and plugins know (a plugin uninstalled after it migrated is not)."""
    specs = plugin_migrations(plugins)
    for spec in specs:
        if not Path(spec.location).is_dir():
            raise MigrationProblem(f"插件迁移分支“{spec.branch}”声明的迁移脚本目录不存在({spec.location}),"
                                   "请重新安装提供该分支的插件后再运行")
    script = ScriptDirectory.from_config(config)
    url = config.get_main_option("sqlalchemy.url")
    if url is None:  # alembic_config always sets it
        raise MigrationProblem("迁移配置缺少数据库地址")
    engine = create_engine(url.replace("%%", "%"))
    try:
        with engine.connect() as conn:
            recorded = MigrationContext.configure(conn).get_current_heads()
    finally:
        engine.dispose()
    unknown = []
    for rev in recorded:
        try:
            if script.get_revision(rev) is None:
                unknown.append(rev)
        except (ResolutionError, CommandError):
            unknown.append(rev)
    if unknown:
        branches = "、".join(spec.branch for spec in specs)
        raise MigrationProblem(
            f"数据库已迁移到版本 {'、'.join(unknown)},但已安装的核心和插件中没有这个版本"
            f"(已安装的迁移分支:{branches})。多半是建立这些数据表的插件已卸载或未安装:"
            "请先安装该插件再运行;若确定不再使用该插件,请先备份数据库,再删除该插件的数据表,"
            "并从 alembic_version 表中删去上述版本")


def upgrade(database_url: str, plugins: pluggy.PluginManager, revision: str = "heads") -> None:
    """Migrate the core and every installed plugin's branch; ``MigrationProblem`` when a
    branch is missing on either side."""
    config = alembic_config(database_url, plugins)
    check_branches(config, plugins)
    command.upgrade(config, revision)


def revision(database_url: str, plugins: pluggy.PluginManager, message: str) -> None:
    command.revision(alembic_config(database_url, plugins), message=message, autogenerate=True)


def ancestry_id_indexes(tables: tuple[str, ...], columns: tuple[str, ...], pairs: bool) -> None:
    """A migration step (core 0028 and each plugin's matching revision): every ancestor column's
    index on ``tables`` becomes (column, id) (``pairs``), or back to the column alone. The
    callers pass their tables and columns as they stood, so the step stays what it was."""
    from alembic import op

    for table in tables:
        for column in columns:
            pair, single = f"ix_{table}_{column}_id", f"ix_{table}_{column}"
            if pairs:
                op.create_index(pair, table, [column, "id"], unique=False)
                op.drop_index(single, table_name=table)
            else:
                op.create_index(single, table, [column], unique=False)
                op.drop_index(pair, table_name=table)
