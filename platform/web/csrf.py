"""CSRF protection for writes authenticated by the session cookie.

Login sets a second, script-readable cookie ``xinfang_csrf`` holding a value derived from
the session token with the secret key. A cookie-authenticated POST/PUT/PATCH/DELETE must
send it back in the ``X-CSRF-Token`` header or, from a page's form, the ``_csrf`` field: a
foreign site can make the browser send the cookies but cannot read them. Requests with a
bearer token are exempt (browsers never add that header on their own).
"""

from __future__ import annotations

import hashlib
import hmac

from litestar import Request
from litestar.connection import ASGIConnection

from xinfang.platform.errors import Forbidden

CSRF_COOKIE = "xinfang_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "_csrf"
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


class CsrfRefused(Forbidden):
    """A write whose CSRF token is missing or wrong (a stale page, or a forged request)."""

    code = "csrf"


def csrf_token(session_token: str, secret: str) -> str:
    """Bound to the session: a token planted from a sibling host cannot match a login."""
    return hmac.new(secret.encode(), f"csrf:{session_token}".encode(), hashlib.sha256).hexdigest()


async def check_csrf(connection: ASGIConnection, session_token: str) -> None:
    expected = csrf_token(session_token, connection.app.state.settings.secret_key)
    sent = connection.headers.get(CSRF_HEADER, "")
    if not sent and isinstance(connection, Request) and connection.content_type[0] in _FORMS:
        sent = str((await connection.form()).get(CSRF_FIELD) or "")
    if not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfRefused("页面安全令牌(CSRF)缺失或不符,请刷新页面后重试;"
                        "接口调用请在 X-CSRF-Token 请求头中带上 xinfang_csrf Cookie 的值")
