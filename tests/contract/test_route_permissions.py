"""Every route, plugin routes included, declares the permission it needs."""

from __future__ import annotations

from dataclasses import replace

from litestar import get, post

from tests.routes import MUTATING, PUBLIC_ROUTES, walk
from xinfang.permissions.roles import DEFAULT_POLICY, PERMISSION_LABELS, is_read_only
from xinfang.platform.app import create_app
from xinfang.platform.extensions.hookspecs import PermissionSpec, hookimpl
from xinfang.platform.extensions.manager import build_plugin_manager, plugin_permissions
from xinfang.platform.settings import Settings
from xinfang.platform.web.guards import AUTHENTICATED, PUBLIC


class DeclaringPlugin:
    @hookimpl
    def xinfang_permissions(self):
        return [PermissionSpec("example:read", "查看示例", ("officer", "supervisor"))]

    @hookimpl
    def xinfang_route_handlers(self):
        @get("/api/example", opt={"permission": "example:read"}, sync_to_thread=False)
        def example() -> dict:
            return {}

        return [example]


class CarelessPlugin:
    @hookimpl
    def xinfang_route_handlers(self):
        @post("/api/careless", sync_to_thread=False)
        def careless() -> dict:
            return {}

        return [careless]


def _app(tmp_path, *plugins):
    settings = replace(Settings(), database_url=f"sqlite:///{tmp_path}/x.db")
    return create_app(settings, plugins=build_plugin_manager(plugins, load_entry_points=True))


def test_every_route_declares_a_known_permission(tmp_path):
    app = _app(tmp_path, DeclaringPlugin())
    routes = walk(app)
    assert ("GET", "/api/example") in {(r.method, r.path) for r in routes}, "plugin routes are walked"
    known = set(PERMISSION_LABELS) | {s.permission for s in plugin_permissions(app.state.plugins)}
    undeclared = [r for r in routes if r.permission is None]
    unknown = [r for r in routes if r.permission not in known | {PUBLIC, AUTHENTICATED, None}]
    assert undeclared == [] and unknown == []


def test_public_routes_are_exactly_the_listed_ones(tmp_path):
    public = {(r.method, r.path) for r in walk(_app(tmp_path)) if r.permission == PUBLIC}
    assert public == PUBLIC_ROUTES


# The changes AUTHENTICATED allows: one's own password (checked against the current one), from
# the API or the page's form, and which of one's own nodes one acts for (a cookie, nothing stored).
OWN_ACCOUNT_WRITES = {("POST", "/api/auth/password"), ("POST", "/account/password"), ("POST", "/account/node")}


def test_no_mutating_route_is_open_to_any_logged_in_user(tmp_path):
    """AUTHENTICATED skips the role check, so it is for one's own account only."""
    open_writes = {(r.method, r.path) for r in walk(_app(tmp_path))
                   if r.method in MUTATING and r.permission == AUTHENTICATED}
    assert open_writes == OWN_ACCOUNT_WRITES


def test_a_plugin_route_without_permission_is_caught(tmp_path):
    routes = walk(_app(tmp_path, CarelessPlugin()))
    assert [(r.method, r.path) for r in routes if r.permission is None] == [("POST", "/api/careless")]


def test_supervisor_templates_are_read_only():
    assert all(is_read_only(p) for p in DEFAULT_POLICY["supervisor"])


def test_operator_never_reads_petition_content_or_personal_data():
    assert not {p for p in DEFAULT_POLICY["operator"] if p.split(":")[0] in {"people", "pii", "audit"}}
