"""The request's notion of "now": the real clock, unless the app was given another.

Reporting deadlines (Wednesday/Friday), lateness and "today's" reception schedule depend
on the time of the request. Tests drive a whole week by setting ``app.state.clock`` to a
function returning an aware datetime; nothing else ever sets it.
"""

from __future__ import annotations

import datetime as dt

from litestar.connection import ASGIConnection

from xinfang.platform.db import utcnow
from xinfang.platform.timeutil import CHINA


def request_now(connection: ASGIConnection) -> dt.datetime:
    clock = connection.app.state.get("clock")
    return clock() if clock is not None else utcnow()


def request_today(connection: ASGIConnection) -> dt.date:
    return request_now(connection).astimezone(CHINA).date()
