"""The core's roles, registered through the plugin hooks like any plugin's."""

from __future__ import annotations

from xinfang.permissions.roles import role_specs
from xinfang.platform.extensions.hookspecs import hookimpl


@hookimpl
def xinfang_roles():
    return role_specs()
