"""Hands runnable outbox rows to the broker (the Redis mode's dispatcher).

The outbox row is the record; a broker message is only a wake-up call for a worker. So a
row is sent again whenever it may have been lost: when a worker's claim on it expired (the
worker died mid-job), or when it is still pending ``resend_seconds`` after it was sent
(Redis lost the message, or a dead worker had prefetched it). Duplicate messages are
harmless because ``outbox.run`` claims a row atomically and ignores one that is done or
claimed by a live worker.

The memory of what was sent when (``sent``) keeps a queued row from being sent again on
every tick; it lives in the one scheduler process. After a restart it is empty and every
pending row is sent once more, which only costs a few no-op messages.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy.orm import sessionmaker

from xinfang.platform import clock
from xinfang.platform.jobs import outbox

log = logging.getLogger(__name__)


def dispatch(session_factory: sessionmaker, send: Callable[[int], object], *, now: dt.datetime | None = None,
             sent: dict[int, dt.datetime] | None = None, claim_seconds: float = outbox.CLAIM_SECONDS,
             resend_seconds: float | None = None, limit: int = 1000) -> list[int]:
    """Send every runnable row not sent in the last ``resend_seconds`` (default: the claim
    time); returns the ids sent. ``sent`` is the caller's memory across calls."""
    from xinfang.tenants.scope import Scope

    now = now or clock.now()
    sent = {} if sent is None else sent
    resend = dt.timedelta(seconds=claim_seconds if resend_seconds is None else resend_seconds)
    with session_factory(scope=Scope.system()) as session:
        if failed := outbox.fail_abandoned(session, now, claim_seconds):
            log.warning("%d job(s) failed: their worker died during the last allowed attempt", failed)
        session.commit()
        ids = outbox.runnable(session, now, limit, claim_seconds)
    # Forget rows that are no longer runnable (claimed, done): if a claim expires later, the
    # row must go out at once rather than wait for the resend interval.
    for job_id in set(sent) - set(ids):
        del sent[job_id]
    out = []
    for job_id in ids:
        previous = sent.get(job_id)
        if previous is not None and now - previous < resend:
            continue
        send(job_id)
        sent[job_id] = now
        out.append(job_id)
    return out
