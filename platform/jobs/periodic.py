"""Periodic tasks (deadline scans, Wednesday/Friday reminders …) and their embedded runner.

A task is a function ``run(session_factory, now) -> str`` that must be idempotent: it may
run twice for the same moment (two processes, a restart) and must then change nothing the
second time. Modules register their tasks with ``@periodic(...)`` at import; the module
list in ``TASK_MODULES`` is imported by ``registered()``, which adds the tasks plugins
return from the ``xinfang_periodic_tasks`` hook.

Embedded mode (no Redis) runs them in a daemon thread of the web process. With Redis the
production scheduler process runs them instead (see deploy/), never the web processes.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pluggy
from sqlalchemy.orm import sessionmaker

from xinfang.platform import clock

log = logging.getLogger(__name__)

# Modules that define periodic tasks; each registers its own with @periodic.
TASK_MODULES: list[str] = ["xinfang.platform.matters.scan", "xinfang.platform.reporting.reminders",
                            "xinfang.platform.campaigns.phases", "xinfang.platform.audit.checkpoints"]


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    every: dt.timedelta
    run: Callable[[sessionmaker, dt.datetime], str]


_TASKS: dict[str, PeriodicTask] = {}


def periodic(name: str, every: dt.timedelta):
    def register(fn: Callable[[sessionmaker, dt.datetime], str]):
        _TASKS[name] = PeriodicTask(name, every, fn)
        return fn
    return register


def registered(plugins: pluggy.PluginManager | None = None) -> dict[str, PeriodicTask]:
    """The core's tasks and the plugins' (``xinfang_periodic_tasks``); without a manager,
    the plugins installed under the ``xinfang.campaigns`` entry points."""
    for module in TASK_MODULES:
        importlib.import_module(module)
    tasks = dict(_TASKS)
    for task in plugin_tasks(plugins):
        if task.name in tasks:
            raise RuntimeError(f"two periodic tasks are named {task.name!r}")
        tasks[task.name] = task
    return tasks


def plugin_tasks(plugins: pluggy.PluginManager | None = None) -> list[PeriodicTask]:
    manager = plugins if plugins is not None else installed_plugins()
    return [task for tasks in manager.hook.xinfang_periodic_tasks() for task in tasks]


@functools.cache
def installed_plugins() -> pluggy.PluginManager:
    from xinfang.platform.extensions.manager import build_plugin_manager

    return build_plugin_manager()


def run_due(session_factory: sessionmaker, now: dt.datetime, last_run: dict[str, dt.datetime],
            plugins: pluggy.PluginManager | None = None) -> list[str]:
    """Run every task whose interval has passed since its last run here; return their reports."""
    reports = []
    for task in registered(plugins).values():
        previous = last_run.get(task.name)
        if previous is not None and now - previous < task.every:
            continue
        try:
            reports.append(f"{task.name}: {task.run(session_factory, now)}")
        except Exception:  # one failing task must not stop the others
            log.exception("periodic task %s failed", task.name)
        last_run[task.name] = now
    return reports


class EmbeddedRunner:
    """The in-process scheduler of the embedded mode: checks every ``tick`` seconds."""

    def __init__(self, session_factory: sessionmaker, tick: float = 60.0,
                 plugins: pluggy.PluginManager | None = None) -> None:
        self.session_factory = session_factory
        self.tick = tick
        self.plugins = plugins
        self._stop = threading.Event()
        self._last: dict[str, dt.datetime] = {}
        self._thread = threading.Thread(target=self._loop, daemon=True, name="periodic-tasks")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            run_due(self.session_factory, clock.now(), self._last, self.plugins)
            self._stop.wait(self.tick)
