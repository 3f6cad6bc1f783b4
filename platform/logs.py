"""The platform's log lines: text or JSON (``XINFANG_LOG_FORMAT=json``, one object per line for
a log shipper), each with the id of the request it belongs to (``-`` outside a request), so
one clerk's failed request can be followed through every line it caused. nginx passes its
``$request_id`` as ``X-Request-ID`` (deploy/nginx/xinfang-proxy.conf); the response carries it
back (platform/web/operations.py).

Every log record gets ``request_id`` (a record factory), so any formatter may use it; the
processes' entry points (``xinfang …`` and the ASGI module) call ``configure_logging`` once.
"""

from __future__ import annotations

import logging

from pythonjsonlogger.json import JsonFormatter

from xinfang.platform.web.operations import REQUEST_ID

TEXT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
_installed = False


def _install_record_factory() -> None:
    global _installed
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def record(*args, **kwargs) -> logging.LogRecord:
        made = make(*args, **kwargs)
        made.request_id = REQUEST_ID.get()
        return made

    logging.setLogRecordFactory(record)
    _installed = True


def configure_logging(log_format: str = "text", level: int = logging.INFO) -> None:
    """The root handler's format, for a process's entry point (a root logger already set up —
    pytest's, say — is left alone)."""
    if log_format not in ("text", "json"):
        raise ValueError(f"XINFANG_LOG_FORMAT 应为 text 或 json,而不是 {log_format!r}")
    _install_record_factory()
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
                                           json_ensure_ascii=False))
    else:
        handler.setFormatter(logging.Formatter(TEXT))
    logging.basicConfig(level=level, handlers=[handler])
