"""Walking every registered route, for the contract and outside-in tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from litestar import Litestar

from xinfang.platform.web.guards import AUTHENTICATED, PUBLIC, PUBLIC_PATH_PREFIXES

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The only routes anyone may call without a permission (plus the OpenAPI documents).
PUBLIC_ROUTES = frozenset({("GET", "/health"), ("GET", "/health/detail"), ("POST", "/api/auth/login"), ("POST", "/api/auth/logout"),
                           # the reception notice seed 001 requires publishing (no login)
                           ("GET", "/public/reception/{township_code:str}"),
                           ("GET", "/api/public/reception/{township_code:str}"),
                           # the petitioner's side (issue 18, platform/public): progress by number and
                           # 查询码, evaluation, 网上信访, document verification — no login by design
                           ("POST", "/api/public/progress"), ("POST", "/api/public/progress/documents/{document_id:int}"),
                           ("POST", "/api/public/evaluations"), ("GET", "/api/public/submissions/{county_code:str}/form"),
                           ("POST", "/api/public/submissions/{county_code:str}"), ("POST", "/api/public/verify/code"),
                           ("POST", "/api/public/verify/file"),
                           ("GET", "/public/progress"), ("POST", "/public/progress"), ("POST", "/public/progress/evaluate"),
                           ("POST", "/public/progress/documents/{document_id:int}"),
                           ("GET", "/public/submit/{county_code:str}"), ("POST", "/public/submit/{county_code:str}"),
                           ("GET", "/public/verify"), ("POST", "/public/verify"),
                           # the web UI: its sign-in form and its vendored assets
                           ("GET", "/login"), ("POST", "/login"), ("POST", "/logout"),
                           ("GET", "/static/{file_path:path}")})


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    permission: str | None

    @property
    def params(self) -> list[tuple[str, str]]:
        return re.findall(r"\{(\w+):(\w+)\}", self.path)

    @property
    def has_id(self) -> bool:
        return any(name.endswith("_id") for name, _ in self.params)

    def url(self, values: dict[str, object]) -> str:
        return re.sub(r"\{(\w+):\w+\}", lambda m: str(values[m.group(1)]), self.path)


def walk(app: Litestar) -> list[Route]:
    """Every (method, path) the app serves, with the permission its handler declares."""
    found = []
    for route in app.routes:
        if route.path.startswith(PUBLIC_PATH_PREFIXES):
            continue
        for handler in route.route_handlers:
            for method in handler.http_methods:
                if method in ("OPTIONS", "HEAD"):
                    continue
                found.append(Route(method, route.path, handler.opt.get("permission")))
    return sorted(found, key=lambda r: (r.path, r.method))


def is_public(route: Route) -> bool:
    return route.permission == PUBLIC


def needs_login(route: Route) -> bool:
    return route.permission not in (PUBLIC, None)


__all__ = ["AUTHENTICATED", "MUTATING", "PUBLIC_ROUTES", "Route", "walk", "is_public", "needs_login"]
