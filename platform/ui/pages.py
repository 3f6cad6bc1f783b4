"""Mounting the pages the plugins declare (``xinfang_pages``) as routes of the app.

A page is a Litestar route handler at ``PageSpec.path``; it needs ``PageSpec.permission``
exactly like an API route (the app's guard checks it and scopes the request's session), so
the route contract tests and the outside-in walks cover pages with the API. A page whose
handler already declares a different permission or path is a plugin error: start-up fails.
"""

from __future__ import annotations

import pluggy
from litestar.handlers import HTTPRouteHandler

from xinfang.platform.extensions.hookspecs import PageSpec
from xinfang.platform.extensions.manager import plugin_pages


def page_route_handlers(plugins: pluggy.PluginManager) -> list[HTTPRouteHandler]:
    handlers = []
    for spec in plugin_pages(plugins):
        if spec.handler is None:
            raise RuntimeError(f"页面 {spec.path}({spec.title})没有处理函数:PageSpec.handler 必须是 Litestar 路由")
        handlers.append(_mounted(spec))
    return handlers


def _mounted(spec: PageSpec) -> HTTPRouteHandler:
    handler = spec.handler
    if not isinstance(handler, HTTPRouteHandler):
        raise RuntimeError(f"页面 {spec.path} 的处理函数不是 Litestar 路由(请用 @get/@post 装饰)")
    if spec.path not in handler.paths:
        raise RuntimeError(f"页面 {spec.path} 的处理函数挂在 {sorted(handler.paths)},与 PageSpec.path 不符")
    declared = handler.opt.get("permission")
    if declared is not None and declared != spec.permission:
        raise RuntimeError(f"页面 {spec.path} 声明的权限 {spec.permission} 与其路由的 {declared} 不符")
    handler.opt.update(permission=spec.permission, page=True, page_title=spec.title)
    handler.include_in_schema = False
    return handler
