"""One serialisation style: a handler returns a plain dict (a ``Page``, a list of dicts) built
by a ``to_dict`` of its domain, or a ``Response`` — never a dataclass, msgspec Struct or ORM
object for Litestar to encode its own way (field order, dates and None would then differ
from one endpoint to the next)."""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import replace

from litestar import get
from litestar.response import Response
from litestar.response.base import ASGIResponse

from tests.conftest import test_plugins
from xinfang.platform.app import create_app
from xinfang.platform.extensions.hookspecs import hookimpl
from xinfang.platform.settings import Settings
from xinfang.platform.web.guards import PUBLIC_PATH_PREFIXES
from xinfang.platform.web.paging import Page


def _plain(annotation: object) -> bool:
    if annotation is Page or typing.is_typeddict(annotation):
        return True
    origin = typing.get_origin(annotation) or annotation
    if origin is list:
        return all(_plain(a) for a in typing.get_args(annotation))
    # a Response (pages' Template included) or an ASGI response (the static files router's files)
    return origin is dict or (isinstance(origin, type) and issubclass(origin, Response | ASGIResponse))


def offenders(app) -> list[str]:
    found = []
    for route in app.routes:
        if route.path.startswith(PUBLIC_PATH_PREFIXES):
            continue
        for handler in route.route_handlers:
            returns = handler.parsed_fn_signature.return_type.annotation
            if not _plain(returns):
                found.append(f"{route.path} {handler.handler_name} -> {returns!r}")
    return sorted(set(found))


def test_every_handler_returns_a_plain_body(tmp_path):
    app = create_app(replace(Settings(), database_url=f"sqlite:///{tmp_path}/x.db"), plugins=test_plugins())
    assert offenders(app) == []


@dataclasses.dataclass
class Out:
    id: int


def test_the_check_refuses_a_dataclass_body(tmp_path):
    class Plugin:
        @hookimpl
        def xinfang_route_handlers(self):
            @get("/api/dataclass-body", opt={"permission": "matters:read"}, sync_to_thread=False)
            def dataclass_body() -> Out:
                return Out(1)

            return [dataclass_body]

    app = create_app(replace(Settings(), database_url=f"sqlite:///{tmp_path}/x.db"), plugins=test_plugins(Plugin()))
    assert [o.split(" ")[0] for o in offenders(app)] == ["/api/dataclass-body"]
