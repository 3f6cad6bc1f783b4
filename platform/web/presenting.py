"""What every JSON answer says the same way, whatever handler or serialiser built it.

One pass over the answer after its handler (an ``after_request`` hook), so that no handler
has to remember either rule:

- **times in Asia/Shanghai**: a datetime — an object, or a string a serialiser already wrote
  in UTC (``…+00:00``/``…Z``) — is given as the same instant at ``+08:00``, the offices' clock;
- **codes with their labels**: a field whose codes a domain labels (the ``xinfang_code_labels``
  hook: ``state``, ``channel``, ``role``, ``level`` …) gets ``<field>_label`` beside it, unless
  the handler gave one.

Dates (``…_on``) are calendar days and stay as they are. An answer whose text is signed as it
stands (the audit checkpoints) is wrapped in ``AsIs`` and passes untouched.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from litestar import Response

from xinfang.platform.clock import CHINA

# An ISO 8601 instant in UTC as isoformat() or msgspec writes it.
_UTC_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(\+00:00|Z)")
LABEL_SUFFIX = "_label"


class AsIs(dict):
    """An answer to send exactly as built (e.g. signed fields an offline checker re-serialises)."""


def local_time(value: dt.datetime) -> dt.datetime:
    """An aware datetime at +08:00 (a naive one is taken to be UTC, as the database keeps it)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(CHINA)


# Values that are given as they are: checked by exact type, so that an answer's many plain
# fields (ids, flags, short codes and names) cost one set lookup each, not the full walk.
_PLAIN = frozenset({int, float, bool, type(None)})


def _present(value: Any, labels: dict[str, dict[str, str]]) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if type(item) in _PLAIN:
                out[key] = item
                continue
            if isinstance(item, str):
                out[key] = _present_text(item) if 16 <= len(item) <= 32 else item
                labelled = labels.get(key) if isinstance(key, str) else None
                if labelled is not None and item in labelled:
                    label_key = key + LABEL_SUFFIX
                    if label_key not in value:
                        out[label_key] = labelled[item]
                continue
            out[key] = _present(item, labels)
        return out
    if isinstance(value, list | tuple):
        return [_present(item, labels) for item in value]
    if isinstance(value, dt.datetime):
        return local_time(value)
    if isinstance(value, str) and 16 <= len(value) <= 32:
        return _present_text(value)
    return value


def _present_text(value: str) -> str:
    """A UTC instant a serialiser wrote, as the same instant at +08:00; other text as it is."""
    if _UTC_STAMP.fullmatch(value):
        return local_time(dt.datetime.fromisoformat(value.replace("Z", "+00:00"))).isoformat()
    return value


def present(content: Any, labels: dict[str, dict[str, str]]) -> Any:
    """``content`` with local times and code labels (a new structure; the input is not changed)."""
    return _present(content, labels)


def make_presenter(labels: dict[str, dict[str, str]]):
    """The app's ``after_request`` hook: JSON answers (dicts and lists) are presented, files
    and pages pass untouched."""

    def after_request(response: Response) -> Response:
        if not isinstance(response, Response):  # a static file (ASGIFileResponse): nothing to present
            return response
        media_type = str(response.media_type or "")
        if isinstance(response.content, dict | list) and not isinstance(response.content, AsIs) and "json" in media_type:
            response.content = present(response.content, labels)
        return response

    return after_request
