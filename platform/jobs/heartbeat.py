"""What the scheduler tells the monitors: that it is alive, and how long each periodic task
took last time. Kept in Redis under the deployment's queue namespace (the scheduler exists
only in the Redis mode), read by ``/health/detail`` and ``/metrics`` in any web process."""

from __future__ import annotations

import json
import time
from typing import Any

HEARTBEAT_TTL = 120  # seconds: a scheduler silent this long is reported missing


def _key(namespace: str, *parts: str) -> str:
    return ":".join((namespace, "scheduler", *parts))


class Heartbeat:
    def __init__(self, redis_client: Any, namespace: str) -> None:
        self.redis, self.namespace = redis_client, namespace

    def beat(self) -> None:
        self.redis.set(_key(self.namespace, "heartbeat"), f"{time.time():.3f}", ex=HEARTBEAT_TTL)

    def task_ran(self, name: str, seconds: float, report: str) -> None:
        self.redis.hset(_key(self.namespace, "tasks"), name,
                        json.dumps({"finished": time.time(), "seconds": round(seconds, 3), "report": report[:500]},
                                   ensure_ascii=False))

    def last_beat_age(self) -> float | None:
        """Seconds since the scheduler's last beat; None when none within the TTL."""
        value = self.redis.get(_key(self.namespace, "heartbeat"))
        return None if value is None else max(0.0, time.time() - float(value))

    def tasks(self) -> dict[str, dict]:
        raw = self.redis.hgetall(_key(self.namespace, "tasks"))
        return {(k.decode() if isinstance(k, bytes) else k): json.loads(v) for k, v in raw.items()}
