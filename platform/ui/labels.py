"""Chinese labels for the codes stored in the database, for the ``label`` filter of the pages.

The tables the domains declare through ``xinfang_code_labels`` (the same ones the JSON API
labels its answers with), plus the sets only pages name (levels, permissions, acts, …), so a
page shows 已登记 where the database says ``registered``. Roles and permissions include
those the plugins declare."""

from __future__ import annotations

from collections.abc import Callable

import pluggy

from xinfang.permissions.roles import PERMISSION_LABELS
from xinfang.platform.extensions.manager import plugin_code_labels, plugin_permissions, plugin_roles
from xinfang.platform.matters import vocabulary
from xinfang.platform.matters.states import TRANSITIONS
from xinfang.platform.notifications.kinds import notice_kinds
from xinfang.platform.reporting.cycle import STATUS_LABELS
from xinfang.tenants.levels import LABELS as LEVEL_LABELS


def label_sets(plugins: pluggy.PluginManager) -> dict[str, dict[str, str]]:
    return {
        **plugin_code_labels(plugins),
        "level": {str(level.value): text for level, text in LEVEL_LABELS.items()},
        "role": {key: role.label for key, role in plugin_roles(plugins).items()},
        "permission": dict(PERMISSION_LABELS) | {p.permission: p.label for p in plugin_permissions(plugins)},
        "action": {key: t.label for key, t in TRANSITIONS.items()},
        "kind": dict(vocabulary.KINDS),
        "opinion": dict(vocabulary.OPINION_RESULTS),
        "joint_mode": dict(vocabulary.JOINT_MODES),
        "route": {str(k): v for k, v in vocabulary.ROUTES.items()},
        "delivery": dict(vocabulary.DELIVERY_METHODS),
        "report_status": dict(STATUS_LABELS),
        "notice": notice_kinds(plugins),
    }


def make_label(plugins: pluggy.PluginManager) -> Callable[[object, str | dict], str]:
    sets = label_sets(plugins)

    def label(code: object, kind: str | dict) -> str:
        """The Chinese label of ``code`` in the set named ``kind`` (or in the vocabulary
        ``kind`` itself, as the documents' filter takes it); an unknown code is shown as it
        is (never an empty cell), an empty one as a dash."""
        if code is None or code == "":
            return "—"
        vocabulary = kind if isinstance(kind, dict) else sets.get(kind, {})
        return vocabulary.get(code, vocabulary.get(str(code), str(code)))

    return label
