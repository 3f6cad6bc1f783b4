"""The plugin contract: every hook a campaign plugin may implement.

Built-in plugins use exactly these hooks and are found the same way as outside packages,
through the ``xinfang.campaigns`` entry-point group. Declaration hooks are called once at
start-up and return frozen spec objects. Every hook here is documented in
docs/plugin_hooks.md; a test fails if one is not.
"""

from __future__ import annotations

from dataclasses import dataclass

import pluggy

hookspec = pluggy.HookspecMarker("xinfang")
hookimpl = pluggy.HookimplMarker("xinfang")


@dataclass(frozen=True)
class PermissionSpec:
    """A permission a plugin adds (``object:action``), its Chinese label, and the roles it
    is granted to by default. Supervisors can only be granted read-only permissions."""

    permission: str
    label: str
    roles: tuple[str, ...] = ()


@hookspec
def xinfang_permissions() -> list[PermissionSpec]:
    """Permissions the plugin adds and the roles they are granted to."""


@hookspec
def xinfang_route_handlers() -> list:
    """Litestar route handlers the plugin serves. Each must declare
    ``opt={"permission": ...}`` like the core's routes; the contract test walks them too."""
