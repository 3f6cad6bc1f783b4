"""Every hook of the plugin contract is documented in docs/plugin_hooks.md."""

from __future__ import annotations

import inspect
from pathlib import Path

from xinfang.platform.extensions import hookspecs

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugin_hooks.md"


def _hooks() -> list[str]:
    return [name for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
            if getattr(fn, "xinfang_spec", None) is not None]


def test_there_are_hooks():
    assert {"xinfang_permissions", "xinfang_route_handlers", "xinfang_campaign_types"} <= set(_hooks())


def test_every_hook_has_a_section():
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in _hooks() if f"### `{name}" not in text]
    assert missing == []
