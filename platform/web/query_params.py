"""An API read refuses query parameters it does not declare (400, in Chinese).

A misspelt or unsupported filter (``/api/matters?from=…``) would otherwise be ignored and
the caller would take the unfiltered list for the filtered one. What a route declares is
read from Litestar's own parameter model of the route (its dependencies' parameters
included), so the check cannot drift from the handlers.
"""

from __future__ import annotations

from litestar import Litestar, Request
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from xinfang.platform.errors import BadRequest

CHECKED_PREFIX = "/api/"


def declared_query_names(app: Litestar) -> dict[object, frozenset[str]]:
    """Each HTTP handler's function → the query parameter names it accepts (keyed by the
    function: the handler objects guards receive are copies of those the routes hold)."""
    out: dict[object, frozenset[str]] = {}
    for route in app.routes:
        for handler, model in getattr(route, "route_handler_map", {}).values():
            out[handler.fn] = out.get(handler.fn, frozenset()) | {p.field_alias for p in model.expected_query_params}
    return out


async def query_guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    if not isinstance(connection, Request) or connection.method != "GET":
        return
    if not connection.url.path.startswith(CHECKED_PREFIX) or not connection.query_params:
        return
    state = connection.app.state
    names = state.get("query_names")
    if names is None:
        names = state.query_names = declared_query_names(connection.app)
    allowed = names.get(getattr(handler, "fn", None))
    if allowed is None:  # a handler the map does not know: nothing to compare with
        return
    unknown = sorted(set(connection.query_params) - allowed)
    if unknown:
        raise BadRequest(f"不支持的查询参数：{'、'.join(unknown)}（本接口可用的查询参数："
                         f"{'、'.join(sorted(allowed)) or '无'}）",
                         details=[{"parameter": name, "message": "不支持的查询参数"} for name in unknown])
