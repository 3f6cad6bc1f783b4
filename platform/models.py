"""Imports every model module, so ``Base.metadata`` (Alembic, tests) knows every table,
and the audit listeners are registered before any session is used."""

from xinfang.permissions import store as _permissions  # noqa: F401
from xinfang.platform.accounts import models as _accounts  # noqa: F401
from xinfang.platform.audit import log as _audit_log  # noqa: F401
from xinfang.platform.audit import models as _audit  # noqa: F401
from xinfang.platform.calendar import models as _calendar  # noqa: F401
from xinfang.platform.campaigns import models as _campaigns  # noqa: F401
from xinfang.platform.db import Base
from xinfang.platform.documents import models as _documents  # noqa: F401
from xinfang.platform.intake import models as _intake  # noqa: F401
from xinfang.platform.jobs import outbox as _outbox  # noqa: F401
from xinfang.platform.ledgers import models as _ledgers  # noqa: F401
from xinfang.platform.matters import attachments as _matter_attachments  # noqa: F401
from xinfang.platform.matters import models as _matters  # noqa: F401
from xinfang.platform.matters import ownership as _matter_ownership  # noqa: F401
from xinfang.platform.matters import saved_views as _saved_views  # noqa: F401
from xinfang.platform.matters import supervision as _matter_supervision  # noqa: F401
from xinfang.platform.notifications import models as _notifications  # noqa: F401
from xinfang.platform.people import models as _people  # noqa: F401
from xinfang.platform.public import models as _public  # noqa: F401
from xinfang.platform.reception import models as _reception  # noqa: F401
from xinfang.platform.reporting import models as _reporting  # noqa: F401
from xinfang.platform.statistics import models as _statistics  # noqa: F401
from xinfang.platform.supervision import models as _supervision  # noqa: F401
from xinfang.tenants import models as _tenants  # noqa: F401

metadata = Base.metadata
