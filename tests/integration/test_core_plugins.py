"""The core is its own first plugin: one manager per process lists the core's domains and the
installed plugins; every route, task, job and template comes through the hooks."""

from __future__ import annotations

from tests.conftest import test_plugins
from xinfang.platform.extensions.manager import (
    DEFAULT_PLUGINS,
    plugin_jobs,
    plugin_navigation,
    plugin_pages,
    plugin_periodic_tasks,
    plugin_route_handlers,
    plugin_templates,
)


def test_the_core_registers_through_the_hooks():
    plugins = test_plugins()
    assert set(DEFAULT_PLUGINS) <= {name for name, _ in plugins.list_name_plugin()}
    assert {"matter_deadlines", "reporting_reminders", "campaign_phases"} <= set(plugin_periodic_tasks(plugins))
    assert "documents.render" in plugin_jobs(plugins)
    assert {"notice", "ledger"} <= set(plugin_templates(plugins))
    # a handler has its paths; a router (the UI's static files) its one path
    paths = {path for handler in plugin_route_handlers(plugins) for path in (getattr(handler, "paths", None) or [handler.path])}
    assert {"/health", "/api/matters", "/api/no-petition-village/honours", "/login", "/static"} <= paths


def test_pages_and_navigation_come_from_plugins():
    plugins = test_plugins()
    pages = [(p.path, p.permission) for p in plugin_pages(plugins)]
    assert pages[-1] == ("/campaigns/no-petition-village/honours", "no_petition_village:read"), "the plugin's last"
    assert {("/", "authenticated"), ("/nodes/{node_id:int}", "tenants:read")} <= set(pages), "the core's pages"
    menu = [(n.label, n.permission) for n in plugin_navigation(plugins)]
    assert menu[0] == ("工作台", "authenticated") and ("“无访村”名单", "no_petition_village:read") in menu


def test_the_worker_does_not_import_the_web_app():
    import ast
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "platform" / "jobs" / "dramatiq_worker.py").read_text()
    imported = {f"{n.module}.{a.name}" for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom)
                for a in n.names}
    assert "xinfang.platform.extensions.manager.build_plugin_manager" in imported  # it learns jobs from there
    assert not {m for m in imported if m.startswith("xinfang.platform.app")}
