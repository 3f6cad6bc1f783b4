"""Plugins reach the core only through the facade, ``xinfang.platform.api`` (docs/facade.md)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FACADE = "xinfang.platform.api"
PLUGIN_FOLDERS = {ROOT / "plugins": "xinfang.plugins", ROOT / "tests" / "example_campaign": "xinfang_example_campaign"}


def core_imports(source: str, own: str) -> list[str]:
    """The ``xinfang.*`` modules ``source`` imports other than the facade and its own package."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else [])
        for name in names:
            if name.startswith("xinfang") and name != FACADE and not name.startswith(own):
                found.append(name)
    return found


def test_plugins_import_only_the_facade():
    offenders = {}
    for folder, own in PLUGIN_FOLDERS.items():
        own_package = "xinfang.plugins." if own == "xinfang.plugins" else own
        for path in folder.rglob("*.py"):
            if bad := core_imports(path.read_text(encoding="utf-8"), own_package):
                offenders[str(path.relative_to(ROOT))] = bad
    assert offenders == {}


def test_the_check_can_fail():
    source = "from xinfang.platform.api import Node\nfrom xinfang.platform.matters.models import Matter\n"
    assert core_imports(source, "xinfang.plugins.") == ["xinfang.platform.matters.models"]
    assert core_imports("import xinfang.tenants.scope\n", "xinfang.plugins.") == ["xinfang.tenants.scope"]
    assert core_imports("from xinfang.plugins.petition_month import areas\n", "xinfang.plugins.") == []
