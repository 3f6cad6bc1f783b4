"""Every notice kind an installed plugin declares fits the column that stores it."""

from __future__ import annotations

from tests.conftest import test_plugins
from xinfang.platform.notifications.kinds import notice_kinds
from xinfang.platform.notifications.models import KINDS, Notification


def test_every_declared_notice_kind_fits_its_column():
    width = Notification.__table__.c.kind.type.length
    kinds = notice_kinds(test_plugins())
    assert set(kinds) > set(KINDS), "the installed plugins declare kinds of their own"
    assert [kind for kind in kinds if len(kind) > width] == []
