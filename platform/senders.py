"""Delivering a notice beyond the in-app list: the ``NotificationSender`` protocol.

Every notice is stored in-app first (platform/notifications); a background job then hands
it to the deployment's sender, chosen by ``XINFANG_NOTIFICATION_SENDER``: ``log`` (the
default: a log line naming who would be told, nothing is sent anywhere) or
``package.module:factory`` for a deployment's own sender (an SMS gateway, say), built once
per process with no arguments. A sender raises to have the job retried later.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, runtime_checkable

log = logging.getLogger("xinfang.notifications")

DEFAULT_SENDER = "log"


@dataclass(frozen=True)
class Recipient:
    user_id: int
    username: str
    display_name: str


@dataclass(frozen=True)
class Outgoing:
    """One stored notice and the people it reaches (the node's staff, or one person)."""

    notification_id: int
    kind: str
    title: str
    text: str
    node_id: int | None
    matter_id: int | None
    recipients: tuple[Recipient, ...]


@runtime_checkable
class NotificationSender(Protocol):
    name: str

    def send(self, message: Outgoing) -> str:
        """Deliver ``message``; return a short report for the job row, raise to retry."""


class LoggingSender:
    """Writes who would be told to the log; claims no delivery."""

    name = "log"

    def send(self, message: Outgoing) -> str:
        names = "、".join(r.display_name or r.username for r in message.recipients) or "(无在岗人员)"
        log.info("notification %s [%s] %s -> %s", message.notification_id, message.kind, message.title, names)
        return f"提醒 {message.notification_id} 已在站内送达 {len(message.recipients)} 人;未配置短信等外部通道,仅记录日志"


@lru_cache(maxsize=8)
def load_sender(spec: str = DEFAULT_SENDER) -> NotificationSender:
    """The sender named by the setting (built once per process)."""
    if spec in ("", DEFAULT_SENDER):
        return LoggingSender()
    module_name, _, attr = spec.partition(":")
    if not attr:
        raise ValueError(f"XINFANG_NOTIFICATION_SENDER 应为 log 或 模块:工厂函数,而不是 {spec!r}")
    sender = getattr(importlib.import_module(module_name), attr)()
    if not isinstance(sender, NotificationSender):
        raise TypeError(f"{spec} 未实现 NotificationSender(需要 name 属性和 send(message) 方法)")
    return sender
