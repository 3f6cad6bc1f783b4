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


def upgrade(database_url: str, plugins: pluggy.PluginManager, revision: str = "heads") -> None:
    command.upgrade(alembic_config(database_url, plugins), revision)


def revision(database_url: str, plugins: pluggy.PluginManager, message: str) -> None:
    command.revision(alembic_config(database_url, plugins), message=message, autogenerate=True)
