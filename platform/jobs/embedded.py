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

log = logging.getLogger(__name__)


def run_pending(session_factory: sessionmaker, limit: int = 100) -> int:
    """Run every runnable job once, in this thread; returns how many ran."""
    from xinfang.tenants.scope import Scope

    with session_factory(scope=Scope.system()) as session:
        ids = outbox.runnable(session, clock.now(), limit)
    done = 0
    for job_id in ids:
        try:
            if outbox.run(session_factory, job_id) is not None:
                done += 1
        except Exception:  # recorded on the job row; the others still run
            log.warning("job %s failed; it will be retried", job_id)
    return done


class EmbeddedExecutor:
    def __init__(self, session_factory: sessionmaker, poll: float = 1.0) -> None:
        self.session_factory = session_factory
        self.poll = poll
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="outbox-jobs")

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                run_pending(self.session_factory)
            except Exception:
                log.exception("outbox executor pass failed")
            self._wake.wait(self.poll)
            self._wake.clear()
