"""Refused writes in the audit log (issue 11): a logged-in user's write answered 403 or 409
is recorded, so a supervisor trying to change a matter, or a clerk probing another unit's
records, shows in the county's chain.

Recorded after the answer is sent (a background task of the error response, in a thread and
a session of its own, once the request's session is closed, so no request holds two
connections), and at most ``REFUSALS_PER_WINDOW`` per user per ``WINDOW_SECONDS`` in each
process: refusals cannot flood a county's chain, and the next record after a quiet spell
says how many were left out.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from typing import Any

from xinfang.platform.audit.log import record
from xinfang.platform.web.addresses import client_address
from xinfang.tenants.scope import Scope

log = logging.getLogger("xinfang.audit")

REFUSED_ACTION = "refused"
REFUSED_STATUSES = frozenset({403, 409})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REFUSALS_PER_WINDOW = 20
WINDOW_SECONDS = 600.0


class RefusalLimiter:
    """Per user: at most ``limit`` records in any ``window`` seconds; counts what it drops."""

    def __init__(self, limit: int = REFUSALS_PER_WINDOW, window: float = WINDOW_SECONDS) -> None:
        self.limit, self.window = limit, window
        self._mutex = threading.Lock()
        self._recent: dict[int, deque[float]] = {}
        self._dropped: dict[int, int] = {}

    def admit(self, user_id: int) -> int | None:
        """None if this refusal is not to be recorded, else how many were dropped before it."""
        now = time.monotonic()
        with self._mutex:
            recent = self._recent.setdefault(user_id, deque())
            while recent and recent[0] <= now - self.window:
                recent.popleft()
            if len(recent) >= self.limit:
                self._dropped[user_id] = self._dropped.get(user_id, 0) + 1
                return None
            recent.append(now)
            return self._dropped.pop(user_id, 0)


def refusal_to_record(request: Any, status: int, body: dict[str, Any]) -> dict[str, Any] | None:
    """What to record for this error answer, or None (not a refused write by a logged-in user,
    or over the user's limit)."""
    actor = getattr(request.state, "actor", None)
    if status not in REFUSED_STATUSES or request.method not in WRITE_METHODS or actor is None:
        return None
    state = request.app.state
    limiter = getattr(state, "refusal_limiter", None)
    if limiter is None:
        return None
    dropped = limiter.admit(actor.user_id)
    if dropped is None:
        return None
    route = getattr(request.scope.get("route_handler"), "paths", None)
    return {"actor": {"id": actor.user_id, "name": actor.username, "address": client_address(request),
                      "node_id": actor.home_node_id},
            "node_id": actor.home_node_id,
            "after": {"method": request.method, "path": request.url.path[:300],
                      "route": sorted(route)[0] if route else "", "status": status,
                      "error": body.get("error", ""), "message": str(body.get("message", ""))[:300],
                      **({"not_recorded_before": dropped} if dropped else {})}}


def write_refusal(session_factory: Any, refusal: dict[str, Any]) -> None:
    """Append the record in a session of its own; a failure here is logged, never answered."""
    try:
        with session_factory(scope=Scope.system()) as session:
            session.info["actor"] = refusal["actor"]
            record(session, action=REFUSED_ACTION, object_type="requests", object_id=refusal["after"]["status"],
                   node_id=refusal["node_id"], after=refusal["after"])
            session.commit()
    except Exception:  # noqa: BLE001 - the refusal itself was already answered
        log.exception("could not record a refused write")
