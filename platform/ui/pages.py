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
            raise RuntimeError(f"page {spec.path} ({spec.title}) has no handler: PageSpec.handler must be a route")
        handlers.append(_mounted(spec))
    return handlers


def _mounted(spec: PageSpec) -> HTTPRouteHandler:
    handler = spec.handler
    if not isinstance(handler, HTTPRouteHandler):
        raise RuntimeError(f"page {spec.path}: the handler is not a Litestar route (decorate it with @get/@post)")
    if spec.path not in handler.paths:
        raise RuntimeError(f"page {spec.path}: the handler serves {sorted(handler.paths)}, not PageSpec.path")
    declared = handler.opt.get("permission")
    if declared is not None and declared != spec.permission:
        raise RuntimeError(f"page {spec.path}: PageSpec says {spec.permission}, its route says {declared}")
    handler.opt.update(permission=spec.permission, page=True, page_title=spec.title)
    handler.include_in_schema = False
    return handler
