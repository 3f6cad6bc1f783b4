"""Imports run one way: kernel → domains → plugins → the composition root, with no cycle
between modules. Read from the source (ast), every import counted, function-level ones too."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("platform", "tenants", "permissions", "plugins", "migrations")

KERNEL, DOMAIN, PLUGIN, ROOT_LAYER = 0, 1, 2, 3
# Longest prefix wins. Everything under xinfang.platform not named here is a domain.
LAYERS: dict[str, int] = {
    "xinfang.platform.settings": KERNEL,
    "xinfang.platform.db": KERNEL,
    "xinfang.platform.errors": KERNEL,
    "xinfang.platform.clock": KERNEL,
    "xinfang.platform.files": KERNEL,
    "xinfang.platform.templating": KERNEL,
    "xinfang.platform.audit": KERNEL,
    "xinfang.platform.jobs": KERNEL,
    "xinfang.platform.spreadsheets": KERNEL,
    "xinfang.platform.privacy": KERNEL,
    "xinfang.platform.extensions": KERNEL,
    "xinfang.platform.migrate": KERNEL,
    "xinfang.platform.sessions": KERNEL,
    "xinfang.platform.senders": KERNEL,
    "xinfang.platform.column_checks": KERNEL,
    "xinfang.platform.web": KERNEL,
    "xinfang.tenants.levels": KERNEL,
    "xinfang.tenants.models": KERNEL,
    "xinfang.tenants.scope": KERNEL,
    "xinfang.tenants.lookup": KERNEL,
    "xinfang.permissions": KERNEL,
    "xinfang.permissions.plugin": DOMAIN,
    "xinfang.platform.web.plugin": DOMAIN,
    "xinfang.platform.audit.plugin": DOMAIN,
    "xinfang.platform.audit.routes": DOMAIN,
    "xinfang.platform.audit.pages": DOMAIN,  # the audit desk: a page of the web UI
    "xinfang.platform": DOMAIN,
    "xinfang.tenants": DOMAIN,
    "xinfang.platform.api": DOMAIN,  # the facade: built on the domains, imported by plugins
    "xinfang.plugins": PLUGIN,
    # the composition root: wires everything together
    "xinfang.platform.app": ROOT_LAYER,
    "xinfang.platform.asgi": ROOT_LAYER,
    "xinfang.platform.cli": ROOT_LAYER,
    "xinfang.platform.jobs.dramatiq_worker": ROOT_LAYER,  # the worker process's entry point
    "xinfang.platform.models": ROOT_LAYER,
    "xinfang.platform.demo": ROOT_LAYER,
    "xinfang.migrations": ROOT_LAYER,
}
NAMES = {KERNEL: "kernel", DOMAIN: "domains", PLUGIN: "plugins", ROOT_LAYER: "composition root"}


def layer_of(module: str, layers: dict[str, int]) -> int:
    best = max((p for p in layers if module == p or module.startswith(p + ".")), key=len)
    return layers[best]


def source_modules() -> dict[str, str]:
    """module name → source, for every module of the core and the built-in plugins."""
    out = {}
    for folder in FOLDERS:
        for path in (ROOT / folder).rglob("*.py"):
            if "versions" in path.parts:  # migration scripts are frozen history
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out["xinfang." + ".".join(parts)] = path.read_text(encoding="utf-8")
    return out


def imports(sources: dict[str, str]) -> dict[str, set[str]]:
    """module → the modules of ``sources`` it imports (``from a import b`` counts as a.b if that is a module)."""
    graph: dict[str, set[str]] = {}
    for module, source in sources.items():
        found = set()
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.update(f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in sources else node.module
                             for a in node.names)
        graph[module] = {m for m in found if m in sources and m != module}
    return graph


def upward(graph: dict[str, set[str]], layers: dict[str, int]) -> list[str]:
    return sorted(f"{a} ({NAMES[layer_of(a, layers)]}) imports {b} ({NAMES[layer_of(b, layers)]})"
                  for a, targets in graph.items() for b in targets if layer_of(b, layers) > layer_of(a, layers))


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_runs_up_a_layer():
    assert upward(imports(source_modules()), LAYERS) == []


def test_no_import_cycle():
    assert cycles(imports(source_modules())) == []


def test_the_checker_fails_on_an_upward_import_and_a_cycle():
    synthetic = {
        "xinfang.platform.db": "from xinfang.platform.matters.models import Matter\n",
        "xinfang.platform.matters.models": "from xinfang.platform.db import Base\n",
        "xinfang.platform.matters.service": "def f():\n    from xinfang.plugins.petition_month import areas\n",
        "xinfang.plugins.petition_month.areas": "from xinfang.platform.api import Node\n",
        "xinfang.platform.api": "",
    }
    graph = imports(synthetic)
    assert upward(graph, LAYERS) == [
        "xinfang.platform.db (kernel) imports xinfang.platform.matters.models (domains)",
        "xinfang.platform.matters.service (domains) imports xinfang.plugins.petition_month.areas (plugins)"]
    assert cycles(graph) == [["xinfang.platform.db", "xinfang.platform.matters.models"]]
