"""Building the plugin manager (in the app factory, never at import time)."""

from __future__ import annotations

from collections.abc import Iterable

import pluggy

from xinfang.platform.extensions import hookspecs

ENTRY_POINT_GROUP = "xinfang.campaigns"


def build_plugin_manager(extra: Iterable[object] = (), load_entry_points: bool = True) -> pluggy.PluginManager:
    manager = pluggy.PluginManager("xinfang")
    manager.add_hookspecs(hookspecs)
    if load_entry_points:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in extra:
        if not manager.is_registered(plugin):  # also found through its entry point
            manager.register(plugin)
    return manager


def plugin_permissions(manager: pluggy.PluginManager) -> list[hookspecs.PermissionSpec]:
    return [spec for specs in manager.hook.xinfang_permissions() for spec in specs]


def plugin_route_handlers(manager: pluggy.PluginManager) -> list:
    return [handler for handlers in manager.hook.xinfang_route_handlers() for handler in handlers]
