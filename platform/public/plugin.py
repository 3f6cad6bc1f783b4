"""The petitioner's side, registered through the plugin hooks like any domain."""

from __future__ import annotations

from xinfang.platform.extensions.hookspecs import PageSpec, hookimpl
from xinfang.platform.public import pages, routes
from xinfang.platform.public.models import RATINGS, STEPS


@hookimpl
def xinfang_route_handlers():
    return [*routes.route_handlers, *pages.route_handlers]


@hookimpl
def xinfang_pages():
    return [PageSpec(path, title, permission, handler) for path, title, permission, handler in pages.PAGES]


@hookimpl
def xinfang_code_labels():
    return {"rating": RATINGS, "evaluation_step": STEPS}
