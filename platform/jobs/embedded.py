"""The embedded mode's job executor: a thread that takes pending outbox rows and runs them.

With Redis configured this does not run; the dispatcher sends the rows to dramatiq
workers instead (platform/jobs/dramatiq_worker.py).
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import sessionmaker

from xinfang.platform import clock
from xinfang.platform.jobs import outbox
from xinfang.platform.jobs.background import BackgroundLoop

log = logging.getLogger(__name__)


def run_pending(session_factory: sessionmaker, limit: int = 100, stopping: threading.Event | None = None) -> int:
    """Run every runnable job once, in this thread; returns how many ran. Once ``stopping``
    is set no further job starts (the one in hand finishes)."""
    from xinfang.tenants.scope import Scope

    with session_factory(scope=Scope.system()) as session:
        ids = outbox.runnable(session, clock.now(), limit)
    done = 0
    for job_id in ids:
        if stopping is not None and stopping.is_set():
            break
        try:
            if outbox.run(session_factory, job_id) is not None:
                done += 1
        except Exception:  # recorded on the job row; the others still run
            log.warning("job %s failed; it will be retried", job_id)
    return done


class EmbeddedExecutor(BackgroundLoop):
    """Runs pending jobs every ``poll`` seconds, at once when woken (a job was enqueued)."""

    name = "outbox-jobs"

    def __init__(self, session_factory: sessionmaker, poll: float = 1.0) -> None:
        super().__init__(poll)
        self.session_factory = session_factory

    def pass_once(self) -> None:
        run_pending(self.session_factory, stopping=self.stopping)
