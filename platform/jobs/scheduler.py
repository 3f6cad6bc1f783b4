"""The Redis mode's one scheduler process (``xinfang scheduler``).

It dispatches runnable outbox rows to the dramatiq workers every tick, and runs the periodic
tasks on their intervals in a thread of its own, so a long deadline scan never delays the
jobs. Exactly one scheduler runs per deployment; web processes never do this work when
Redis is configured.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from sqlalchemy.orm import sessionmaker

from xinfang.platform import clock
from xinfang.platform.jobs.dispatcher import dispatch
from xinfang.platform.jobs.heartbeat import Heartbeat
from xinfang.platform.jobs.periodic import run_due

log = logging.getLogger(__name__)


def run_scheduler(session_factory: sessionmaker, send: Callable[[int], object], stop: threading.Event, *,
                  tick: float = 1.0, claim_seconds: float = 300, heartbeat: Heartbeat | None = None) -> None:
    """Loop until ``stop`` is set: dispatch every ``tick`` seconds; periodic tasks alongside.
    ``heartbeat`` (when given) is told every tick and after every periodic task, for monitors."""
    threading.Thread(target=_periodic_loop, args=(session_factory, stop, tick, heartbeat), daemon=True,
                     name="periodic-tasks").start()
    sent: dict[int, dt.datetime] = {}
    while not stop.is_set():
        try:
            if ids := dispatch(session_factory, send, sent=sent, claim_seconds=claim_seconds):
                log.info("dispatched %d job(s)", len(ids))
            if heartbeat is not None:
                heartbeat.beat()
        except Exception:  # the database or Redis is away: try again next tick
            log.exception("dispatching jobs failed")
        stop.wait(tick)


def _periodic_loop(session_factory: sessionmaker, stop: threading.Event, tick: float,
                   heartbeat: Heartbeat | None) -> None:
    last_run: dict[str, dt.datetime] = {}
    ran = heartbeat.task_ran if heartbeat is not None else None
    while not stop.is_set():
        try:
            for report in run_due(session_factory, clock.now(), last_run, ran):
                log.info("periodic task %s", report)
        except Exception:  # e.g. a task module fails to import: keep dispatching, try again
            log.exception("periodic tasks failed")
        stop.wait(tick)
