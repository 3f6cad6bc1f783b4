"""The Redis mode's job workers: ``dramatiq xinfang.platform.jobs.dramatiq_worker``.

Importing this module sets up the Redis broker from the environment (``XINFANG_*``) and
declares the one actor, ``run_outbox_job``. The message carries only an outbox row id; the
row is the record, and ``outbox.run`` claims it atomically, so a duplicate or re-delivered
message does nothing. Retries are the outbox's (the dispatcher re-sends a row that failed or
whose worker died), so dramatiq itself never retries. The database engine and the plugin
manager (which declares every job, the core's included: ``xinfang_jobs``) are built when the
worker process boots (never before dramatiq forks); the worker never imports the web app. Only the dramatiq CLI, the scheduler process and tests import this module.
"""

from __future__ import annotations

import logging
import threading

import dramatiq
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import Middleware
from sqlalchemy.orm import sessionmaker

from xinfang.platform.jobs import outbox
from xinfang.platform.settings import Settings

log = logging.getLogger(__name__)

QUEUE = "outbox"


class BuildAtBoot(Middleware):
    """Build this process's plugin manager and session factory when the worker process boots
    (after the fork), so the first job's time limit is not spent importing the domains."""

    def after_process_boot(self, broker: dramatiq.Broker) -> None:
        session_factory()


def build_broker(settings: Settings) -> RedisBroker:
    if not settings.redis_url:
        raise RuntimeError("XINFANG_REDIS_URL is not set: the dramatiq workers need Redis "
                           "(without it the web process runs the jobs itself)")
    broker = RedisBroker(url=settings.redis_url, namespace=settings.queue_namespace)
    broker.add_middleware(BuildAtBoot())
    return broker


def time_limit_ms(claim_seconds: float) -> int:
    """The actor's time limit: well inside the claim, so a job is stopped (and its row
    released) before another worker may take it over."""
    return int(claim_seconds * 1000 * 0.8)


settings = Settings.from_env()
broker = build_broker(settings)
dramatiq.set_broker(broker)

_factory: sessionmaker | None = None
_factory_lock = threading.Lock()


def session_factory() -> sessionmaker:
    """This process's session factory, carrying its one plugin manager, built on first use."""
    global _factory
    with _factory_lock:
        if _factory is None:
            from xinfang.platform import models  # noqa: F401  (every mapper, the audit listeners)
            from xinfang.platform.db import make_engine
            from xinfang.platform.extensions.manager import build_plugin_manager
            from xinfang.platform.sessions import make_session_factory

            _factory = make_session_factory(make_engine(settings.database_url), settings,
                                            plugins=build_plugin_manager())
        return _factory


@dramatiq.actor(queue_name=QUEUE, max_retries=0, time_limit=time_limit_ms(settings.job_claim_seconds))
def run_outbox_job(job_id: int) -> None:
    """Run one outbox row; a failure is recorded on the row, which the dispatcher re-sends."""
    try:
        outbox.run(session_factory(), job_id, claim_seconds=settings.job_claim_seconds)
    except Exception:  # noqa: BLE001 - already logged and recorded on the row by outbox.run
        log.warning("job %s failed; the dispatcher will send it again", job_id)
