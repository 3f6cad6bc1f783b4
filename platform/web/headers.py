"""Security headers on every response, added as it is sent (errors and 404s included).

The API's answers and the staff pages carry logins, personal data and exports, so none may
be kept by a browser or proxy cache: ``Cache-Control: no-store`` on everything but the
vendored assets and the public reception notice (which set their own).
Inline styles stay allowed for the server-rendered pages; inline scripts never.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
                           "frame-ancestors 'none'")
CACHEABLE_PREFIXES = ("/static/", "/public/")
HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


async def add_security_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in HEADERS.items():
        headers[name] = value
    if not scope.get("path", "").startswith(CACHEABLE_PREFIXES):
        headers["cache-control"] = "no-store"
