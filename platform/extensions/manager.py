"""The one plugin manager of a process, and what its hooks declare, gathered.

The core registers its own domains first (``DEFAULT_PLUGINS``, Datasette's pattern), then
the packages found under the ``xinfang.campaigns`` entry points. The app factory, the CLI,
the dramatiq worker and the scheduler each build the manager once and pass it on; the
session factory carries it (``session.info["plugins"]``), so a service or a job handed only
a session fires events and finds jobs and templates through the same manager.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

import pluggy

from xinfang.platform.extensions import hookspecs

ENTRY_POINT_GROUP = "xinfang.campaigns"

# The core's own plugins, one per domain: each registers its routes, permissions, periodic
# tasks, jobs and document templates through the hooks outside plugins use.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "xinfang.permissions.plugin",
    "xinfang.platform.web.plugin",
    "xinfang.platform.accounts.plugin",
    "xinfang.tenants.plugin",
    "xinfang.platform.audit.plugin",
    "xinfang.platform.people.plugin",
    "xinfang.platform.calendar.plugin",
    "xinfang.platform.notifications.plugin",
    "xinfang.platform.matters.plugin",
    "xinfang.platform.documents.plugin",
    "xinfang.platform.campaigns.plugin",
    "xinfang.platform.ledgers.plugin",
    "xinfang.platform.reception.plugin",
    "xinfang.platform.reporting.plugin",
    "xinfang.platform.intake.plugin",
    "xinfang.platform.supervision.plugin",
    "xinfang.platform.statistics.plugin",
    "xinfang.platform.public.plugin",
    "xinfang.platform.ui.plugin",
    "xinfang.migrations.plugin",
)


def build_plugin_manager(extra: Iterable[object] = (), load_entry_points: bool = True) -> pluggy.PluginManager:
    """The core's plugins, the installed ones (entry points) and ``extra`` (tests)."""
    manager = pluggy.PluginManager("xinfang")
    manager.add_hookspecs(hookspecs)
    for name in DEFAULT_PLUGINS:
        manager.register(importlib.import_module(name), name=name)
    if load_entry_points:
        manager.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    for plugin in extra:
        if not manager.is_registered(plugin):  # also found through its entry point
            manager.register(plugin)
    return manager


def plugins_of(holder: Any) -> pluggy.PluginManager:
    """The manager a session (or a session factory) carries."""
    info = holder.kw.get("info", {}) if hasattr(holder, "kw") else holder.info
    manager = info.get("plugins")
    if manager is None:
        raise RuntimeError("the session factory was built without the plugin manager; "
                           "pass plugins= to make_session_factory()")
    return manager


def _gather(results: Iterable[Iterable[Any] | None]) -> list[Any]:
    # pluggy returns the last registered plugin first: reverse, so the core comes first
    return [item for items in reversed(list(results)) for item in (items or ())]


def plugin_permissions(manager: pluggy.PluginManager) -> list[hookspecs.PermissionSpec]:
    return _gather(manager.hook.xinfang_permissions())


def plugin_roles(manager: pluggy.PluginManager) -> dict[str, hookspecs.RoleSpec]:
    roles: dict[str, hookspecs.RoleSpec] = {}
    for role in _gather(manager.hook.xinfang_roles()):
        if role.key in roles:
            raise RuntimeError(f"two plugins declare the role {role.key!r}")
        roles[role.key] = role
    return roles


def plugin_route_handlers(manager: pluggy.PluginManager) -> list:
    return _gather(manager.hook.xinfang_route_handlers())


def _unique(items: list[Any], what: str, key: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items:
        name = getattr(item, key)
        if name in out:
            raise RuntimeError(f"two {what} are named {name!r}")
        out[name] = item
    return out


def plugin_periodic_tasks(manager: pluggy.PluginManager) -> dict[str, Any]:
    return _unique(_gather(manager.hook.xinfang_periodic_tasks()), "periodic tasks", "name")


def plugin_jobs(manager: pluggy.PluginManager) -> dict[str, hookspecs.JobSpec]:
    return _unique(_gather(manager.hook.xinfang_jobs()), "jobs", "name")


def plugin_templates(manager: pluggy.PluginManager) -> dict[str, Any]:
    return _unique(_gather(manager.hook.xinfang_document_templates()), "document templates", "key")


def plugin_pages(manager: pluggy.PluginManager) -> list[hookspecs.PageSpec]:
    return _gather(manager.hook.xinfang_pages())


def plugin_navigation(manager: pluggy.PluginManager) -> list[hookspecs.NavItem]:
    return sorted(_gather(manager.hook.xinfang_navigation()), key=lambda item: item.order)


def plugin_migrations(manager: pluggy.PluginManager) -> list[hookspecs.MigrationSpec]:
    return list(_unique(_gather(manager.hook.xinfang_migrations()), "migration branches", "branch").values())


def plugin_code_labels(manager: pluggy.PluginManager) -> dict[str, dict[str, str]]:
    """Every plugin's code labels merged by field; a code two plugins label differently under
    the same field is left out (an answer must not guess which one it means)."""
    merged: dict[str, dict[str, str]] = {}
    ambiguous: set[tuple[str, str]] = set()
    for labels in manager.hook.xinfang_code_labels():
        for field_name, codes in (labels or {}).items():
            known = merged.setdefault(field_name, {})
            for code, label in codes.items():
                if known.get(code, label) != label:
                    ambiguous.add((field_name, code))
                known[code] = label
    for field_name, code in ambiguous:
        merged[field_name].pop(code, None)
    return merged
