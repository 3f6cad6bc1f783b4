"""The web UI's own routes (sign-in, the assets) and pages, registered like any plugin's."""

from __future__ import annotations

from litestar.static_files import create_static_files_router

from xinfang.platform.extensions.hookspecs import NavItem, PageSpec, hookimpl
from xinfang.platform.ui import health_page, home, sign_in
from xinfang.platform.ui.rendering import STATIC
from xinfang.platform.web.guards import AUTHENTICATED, PUBLIC


@hookimpl
def xinfang_route_handlers():
    # a new router each time: every app the process builds gets its own
    static = create_static_files_router("/static", directories=[STATIC], opt={"permission": PUBLIC},
                                        include_in_schema=False, name="static")
    return [*sign_in.route_handlers, static]


@hookimpl
def xinfang_pages():
    return [PageSpec("/", "工作台", AUTHENTICATED, home.start),
            PageSpec("/nodes/{node_id:int}", "单位", "tenants:read", home.node_page),
            PageSpec("/admin/health", "平台运行状况", health_page.PERMISSION, health_page.health_page)]


@hookimpl
def xinfang_navigation():
    return [NavItem("工作台", "/", AUTHENTICATED, order=0),
            NavItem("平台运行状况", "/admin/health", health_page.PERMISSION, order=690),
            NavItem("修改密码", "/account/password", AUTHENTICATED, order=900),
            NavItem("接口文档", "/schema", AUTHENTICATED, order=950)]
