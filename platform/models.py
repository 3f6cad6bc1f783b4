"""Imports every model module, so ``Base.metadata`` (Alembic, tests) knows every table,
and the audit listeners are registered before any session is used."""

from xinfang.permissions import store as _permissions  # noqa: F401
from xinfang.platform.accounts import models as _accounts  # noqa: F401
from xinfang.platform.audit import log as _audit_log  # noqa: F401
from xinfang.platform.audit import models as _audit  # noqa: F401
from xinfang.platform.calendar import models as _calendar  # noqa: F401
from xinfang.platform.db import Base
from xinfang.platform.jobs import outbox as _outbox  # noqa: F401
from xinfang.platform.matters import models as _matters  # noqa: F401
from xinfang.platform.people import models as _people  # noqa: F401
from xinfang.tenants import models as _tenants  # noqa: F401

metadata = Base.metadata
