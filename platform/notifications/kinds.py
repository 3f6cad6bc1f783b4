"""Every kind of notice with its Chinese label: the core's (``models.KINDS``) and those the
plugins declare under ``notice_kind`` in ``xinfang_code_labels``. The one list the API checks
a ``kind`` against, labels its answers and the pages with."""

from __future__ import annotations

import pluggy

from xinfang.platform.extensions.manager import plugin_code_labels
from xinfang.platform.notifications.models import KINDS

FIELD = "notice_kind"


def notice_kinds(plugins: pluggy.PluginManager) -> dict[str, str]:
    """The plugins' kinds, then the core's (a plugin cannot relabel a core kind)."""
    return {**plugin_code_labels(plugins).get(FIELD, {}), **KINDS}
