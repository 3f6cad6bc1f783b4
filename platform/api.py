"""The plugin facade: the one module a plugin imports from the core (docs/facade.md).

Everything a campaign plugin needs is named here — the hook markers and spec objects, the
scoped session and its scope, the tenant tree, errors a clerk understands, the clock, jobs,
documents, and the services and models of the domains a campaign reads or acts on. A
contract test fails when a module under plugins/ or tests/example_campaign imports any
other core module, so the core may reorganise everything behind this list.
"""

from __future__ import annotations

from xinfang.permissions.actor import Actor, authorize
from xinfang.platform import clock
from xinfang.platform.audit.erasure import erase_details
from xinfang.platform.audit.log import record
from xinfang.platform.calendar.service import WEEKDAYS, WorkCalendar, load_calendar
from xinfang.platform.campaigns import matter_duties as campaign_matters
from xinfang.platform.campaigns import service as campaigns
from xinfang.platform.campaigns.models import Campaign, CampaignPhase, DutyTick
from xinfang.platform.campaigns.registry import campaign_type
from xinfang.platform.campaigns.routes import evidence_of
from xinfang.platform.db import Base, UTCDateTime, read_only
from xinfang.platform.documents import service as documents
from xinfang.platform.documents.models import DONE, Document
from xinfang.platform.documents.registry import (
    ANNEXES,
    LEDGER_TEMPLATE,
    NOTICE_TEMPLATE,
    TEMPLATE_DIR,
    Field,
    template,
)
from xinfang.platform.errors import BadRequest, ClerkError, Conflict, Forbidden, NotFound
from xinfang.platform.extensions.hookspecs import (
                                                   CampaignLink,
                                                   CampaignType,
                                                   ChecklistItemSpec,
                                                   ChecklistSpec,
                                                   DocumentContext,
                                                   DocumentSpec,
                                                   JobSpec,
                                                   MatterChecklistSpec,
                                                   MetricSpec,
                                                   MigrationSpec,
                                                   NavItem,
                                                   PageSpec,
                                                   PermissionSpec,
                                                   PhaseSpec,
                                                   RoleSpec,
                                                   hookimpl,
)
from xinfang.platform.extensions.manager import plugins_of
from xinfang.platform.files import storage_root, store_by_digest
from xinfang.platform.jobs.outbox import enqueue
from xinfang.platform.jobs.periodic import PeriodicTask
from xinfang.platform.ledgers import backlog, screening
from xinfang.platform.ledgers.models import BacklogEntry, ScreeningEntry
from xinfang.platform.ledgers.sheets import BACKLOG, SCREENING
from xinfang.platform.ledgers.vocabulary import FIVE_ONES
from xinfang.platform.matters import clocks as matter_clocks
from xinfang.platform.matters import ownership as matter_ownership
from xinfang.platform.matters.models import Matter, MatterClock, MatterEvent, MatterPetitioner
from xinfang.platform.matters.ownership import MatterOwnership, MatterOwnershipItem
from xinfang.platform.matters.states import OPEN_STATES
from xinfang.platform.matters.views import matter_numbers, person_matters_query
from xinfang.platform.migrate import ancestry_id_indexes
from xinfang.platform.notifications.models import Notification
from xinfang.platform.notifications.service import notify_role
from xinfang.platform.people.models import PERSON_FIELDS, Person
from xinfang.platform.privacy.fields import Viewer
from xinfang.platform.reception import register, rota
from xinfang.platform.reception.models import ReceptionRecord, RotaDuty
from xinfang.platform.reception.rota import LEADER_KINDS, week_violations
from xinfang.platform.reception.sheets import REGISTER, ROTA
from xinfang.platform.reporting import cycle
from xinfang.platform.reporting.models import Submission
from xinfang.platform.spreadsheets.layouts import Layout
from xinfang.platform.spreadsheets.writing import check_format, spreadsheet_response
from xinfang.platform.templating import cn_date
from xinfang.platform.ui.frame import acting_node_id
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.guards import AUTHENTICATED, PUBLIC, current_actor
from xinfang.platform.web.inputs import Bounded, Code, Id, Line, Name, Note, OptionalId
from xinfang.platform.web.subtree import visible_node
from xinfang.platform.web.uploads import read_limited
from xinfang.tenants.levels import COLUMN, LABELS, Level
from xinfang.tenants.lookup import get_or_404, node_names
from xinfang.tenants.models import Node, NodeBound
from xinfang.tenants.scope import Scope, ScopedSession

__all__ = [
    # hooks and the spec objects they return (docs/plugin_hooks.md)
    "hookimpl", "CampaignLink", "CampaignType", "ChecklistItemSpec", "ChecklistSpec", "DocumentContext", "DocumentSpec", "JobSpec", "MatterChecklistSpec", "MetricSpec",
    "MigrationSpec", "ancestry_id_indexes", "NavItem", "PageSpec", "PermissionSpec", "PhaseSpec", "RoleSpec", "PeriodicTask",
    # pages: a page handler answers with render_page(request, "<its page_templates/ file>", …) (docs/plugin_hooks.md)
    "render_page", "acting_node_id",
    # sessions, scope, tables of a plugin's own
    "Base", "NodeBound", "UTCDateTime", "Scope", "ScopedSession", "read_only",
    # the tenant tree, actors
    "Node", "Level", "LABELS", "COLUMN", "Actor", "authorize", "current_actor", "visible_node", "get_or_404", "node_names",
    "PUBLIC", "AUTHENTICATED",
    # bounded request types (a clear 400 for out-of-range input; docs/facade.md)
    "Bounded", "Code", "Id", "Line", "Name", "Note", "OptionalId",
    # the audit log: a recorded event (a read, a decision) and the erasure of one object's details (docs/audit.md)
    "record", "erase_details",
    # files: the one store (by SHA-256), an upload read within the size limit, spreadsheet exports
    "storage_root", "store_by_digest", "read_limited", "check_format", "spreadsheet_response",
    # people (一人一档): the file and the rules that mask it
    "Person", "PERSON_FIELDS", "Viewer",
    # errors a clerk understands (4xx with a Chinese message)
    "BadRequest", "Conflict", "Forbidden", "NotFound", "ClerkError",
    # the clock
    "clock", "WorkCalendar", "load_calendar", "WEEKDAYS",
    # jobs
    "enqueue",
    # notices to a role's holders at a node (kinds declared as ``notice_kind`` code labels; docs/plugin_hooks.md)
    "notify_role", "Notification",
    # documents
    "documents", "Document", "DONE", "template", "Field", "TEMPLATE_DIR", "ANNEXES", "NOTICE_TEMPLATE", "LEDGER_TEMPLATE", "cn_date",
    # campaigns
    "campaigns", "campaign_matters", "campaign_type", "evidence_of", "plugins_of", "Campaign", "CampaignPhase", "DutyTick",
    # matters
    "Matter", "MatterClock", "MatterEvent", "MatterPetitioner", "person_matters_query", "matter_clocks",
    "matter_ownership", "MatterOwnership", "MatterOwnershipItem", "OPEN_STATES", "matter_numbers",
    # ledgers, reception, reporting
    "screening", "backlog", "ScreeningEntry", "BacklogEntry", "SCREENING", "BACKLOG", "FIVE_ONES",
    "register", "rota", "ReceptionRecord", "RotaDuty", "REGISTER", "ROTA", "LEADER_KINDS", "week_violations",
    "cycle", "Submission", "Layout",
]
