"""Periodic tasks (deadline scans, Wednesday/Friday reminders …) and their embedded runner.

A task is a function ``run(session_factory, now) -> str`` that must be idempotent: it may
run twice for the same moment (two processes, a restart) and must then change nothing the
second time. Core domains and plugins alike declare their tasks through the
``xinfang_periodic_tasks`` hook; the runners take them from the process's one plugin
manager (the one the session factory carries).

Embedded mode (no Redis) runs them in a daemon thread of the web process. With Redis the
production scheduler process runs them instead (see deploy/), never the web processes.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import sessionmaker

from xinfang.platform import clock
from xinfang.platform.extensions.manager import plugin_periodic_tasks, plugins_of
from xinfang.platform.jobs.background import BackgroundLoop

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    every: dt.timedelta
    run: Callable[[sessionmaker, dt.datetime], str]


def registered(session_factory: sessionmaker) -> dict[str, PeriodicTask]:
    """Every task the plugins (the core's included) declare, by name."""
    return plugin_periodic_tasks(plugins_of(session_factory))


def run_due(session_factory: sessionmaker, now: dt.datetime, last_run: dict[str, dt.datetime],
            ran: Callable[[str, float, str], object] | None = None,
            stopping: threading.Event | None = None) -> list[str]:
    """Run every task whose interval has passed since its last run here; return their reports.
    ``ran(name, seconds, report)`` is told of each run (the scheduler's heartbeat). Once
    ``stopping`` is set no further task starts (the one in hand finishes)."""
    reports = []
    for task in registered(session_factory).values():
        if stopping is not None and stopping.is_set():
            break
        previous = last_run.get(task.name)
        if previous is not None and now - previous < task.every:
            continue
        started = time.perf_counter()
        try:
            report = str(task.run(session_factory, now))
            reports.append(f"{task.name}: {report}")
        except Exception:  # one failing task must not stop the others
            log.exception("periodic task %s failed", task.name)
            report = "失败(见日志)"
        if ran is not None:
            ran(task.name, time.perf_counter() - started, report)
        last_run[task.name] = now
    return reports


class EmbeddedRunner(BackgroundLoop):
    """The in-process scheduler of the embedded mode: checks every ``tick`` seconds."""

    name = "periodic-tasks"

    def __init__(self, session_factory: sessionmaker, tick: float = 60.0) -> None:
        super().__init__(tick)
        self.session_factory = session_factory
        self._last: dict[str, dt.datetime] = {}

    def pass_once(self) -> None:
        run_due(self.session_factory, clock.now(), self._last, stopping=self.stopping)
