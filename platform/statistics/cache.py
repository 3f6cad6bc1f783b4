"""Computed figures, kept per process so a dashboard opened again is not recounted.

An entry is keyed by everything its answer depends on: the viewer's scope (so one viewer's
figures are never served to another with a different scope, even for the same node), the
node, the period, the day counted on, and the head of the county's audit chain — every write
in the county is audited and moves that head, so any change of the data makes a new key and
the old entry is never read again. Entries are evicted oldest first beyond ``SIZE``."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from sqlalchemy import select

from xinfang.platform.audit.models import AuditChain
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession

SIZE = 512


class FiguresCache:
    def __init__(self, size: int = SIZE) -> None:
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def get_or_compute(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)
        return value


def data_version(db: ScopedSession, node: Node) -> str:
    """The head hash of the audit chain of the node's county (empty before its first write)."""
    county = node.county_id or node.id
    head = db.execute(select(AuditChain.last_hash).where(AuditChain.chain == county),
                      execution_options={"skip_scope": True}).scalar_one_or_none()
    return head or ""


def key(db: ScopedSession, node: Node, *parts: Hashable) -> tuple:
    scope = db.scope
    return (scope.mode, scope.grants, node.id, data_version(db, node), *parts)


def of(app_state: Any) -> FiguresCache:
    """The process's cache, made on first use and kept on the app's state."""
    cache = getattr(app_state, "statistics_cache", None)
    if cache is None:
        cache = app_state.statistics_cache = FiguresCache()
    return cache
