"""The embedded mode's background threads, stopped between units of work at shutdown.

A daemon thread dies with the process wherever it is: a job half-run stays claimed until its
claim expires (and spends an attempt), a periodic task's transaction is cut off. So stopping
asks the thread to finish the unit in hand (a job, a task), start no other, and waits for
it — bounded, so a stuck job cannot hold the process: what is still running then is left to
the outbox's claim expiry (the job is retried) and said in the log.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)

# How long shutdown waits for the job or task in hand (a 20-page ledger renders in ~5 s).
STOP_GRACE_SECONDS = 30.0


class BackgroundLoop:
    """A named daemon thread running ``pass_once`` every ``interval`` seconds until stopped.
    ``stopping`` is the flag the work checks between its units."""

    name = "background"

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.stopping = threading.Event()
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name=self.name)

    def pass_once(self) -> None:
        raise NotImplementedError

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> bool:
        """Let the unit in hand finish, start no other; True when the thread has ended."""
        self.stopping.set()
        self._wake.set()
        if not self._thread.is_alive():
            return True
        self._thread.join(grace)
        if self._thread.is_alive():
            log.warning("%s still busy after %.0f s at shutdown; an unfinished job is retried "
                        "when its claim expires", self.name, grace)
            return False
        return True

    def _loop(self) -> None:
        while not self.stopping.is_set():
            try:
                self.pass_once()
            except Exception:
                log.exception("%s pass failed", self.name)
            self._wake.wait(self.interval)
            self._wake.clear()
