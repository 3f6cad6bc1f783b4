"""The plugin contract: every hook a campaign plugin may implement.

Built-in plugins use exactly these hooks and are found the same way as outside packages,
through the ``xinfang.campaigns`` entry-point group. Declaration hooks are called once at
start-up and return frozen spec objects. Every hook here is documented in
docs/plugin_hooks.md; a test fails if one is not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("xinfang")
hookimpl = pluggy.HookimplMarker("xinfang")


@dataclass(frozen=True)
class PermissionSpec:
    """A permission a plugin adds (``object:action``), its Chinese label, and the roles it
    is granted to by default. Supervisors can only be granted read-only permissions."""

    permission: str
    label: str
    roles: tuple[str, ...] = ()


@hookspec
def xinfang_permissions() -> list[PermissionSpec]:
    """Permissions the plugin adds and the roles they are granted to."""


@dataclass(frozen=True)
class RoleSpec:
    """A role a plugin adds: its key, Chinese label and description, the permissions it holds
    by default, and the roles whose holders may grant it. ``read_only`` roles (like the
    纪工委 supervisor) may only hold ``read``/``export``/``verify`` permissions: start-up
    refuses anything else."""

    key: str
    label: str
    description: str = ""
    permissions: tuple[str, ...] = ()
    read_only: bool = False
    granted_by: tuple[str, ...] = ("county_admin",)


@hookspec
def xinfang_roles() -> list[RoleSpec]:
    """Roles the plugin adds (the core's own roles come through this hook too)."""


@hookspec
def xinfang_code_labels() -> dict[str, dict[str, str]]:
    """The Chinese labels of the codes the plugin's answers carry, by field name, e.g.
    ``{"state": {"registered": "已登记", …}}``: every JSON answer that holds such a field
    gets ``<field>_label`` beside it (platform/web/presenting.py)."""


@hookspec
def xinfang_route_handlers() -> list:
    """Litestar route handlers the plugin serves. Each must declare
    ``opt={"permission": ...}`` like the core's routes; the contract test walks them too."""


@dataclass(frozen=True)
class JobSpec:
    """A background job: ``run(session_factory, payload) -> str`` (a short report), enqueued
    by name with ``enqueue(session, name, payload)``. It must be idempotent."""

    name: str
    run: Callable[[Any, dict[str, Any]], str]


@hookspec
def xinfang_jobs() -> list[JobSpec]:
    """Background jobs the plugin runs (web process, dramatiq workers and tests alike)."""


@dataclass(frozen=True)
class DocumentContext:
    """What a document's ``build`` gets: a session to read with, who asks, the unit the
    document is issued for, what the person asking gave (``params``), the record it is about
    (``subject``: a matter, a campaign, or None) and the day it is made."""

    session: Any
    actor: Any
    node: Any
    params: dict[str, Any]
    today: Any
    subject: Any = None


@dataclass(frozen=True)
class DocumentSpec:
    """A kind of document: ``build(context) -> inputs`` gathers the data from the records (or
    takes what the person asking gave), ``template`` (made with ``template(...)``) checks the
    inputs and lays them out. The documents service is the only caller of ``build``; it then
    renders, stores and hashes. ``key`` is the kind stored on every document it makes."""

    key: str
    title: str
    template: Any
    build: Callable[[DocumentContext], dict[str, Any]]
    # Documents of this kind are read (listed, opened, downloaded, verified by staff) only by
    # holders of this permission besides documents:read: a plugin's sensitive kinds, e.g. the
    # order campaign's notices to a person, stay out of the general documents list.
    read_permission: str | None = None

    def describe(self) -> dict[str, Any]:
        return {**self.template.describe(), "key": self.key, "title": self.title}


@hookspec
def xinfang_document_templates() -> list[DocumentSpec]:
    """The kinds of document the plugin produces (``DocumentSpec``: a build function and a template)."""


@dataclass(frozen=True)
class PageSpec:
    """A server-rendered page of the coming UI: a path, its Chinese title, the permission it
    needs, and the Litestar handler that renders it."""

    path: str
    title: str
    permission: str
    handler: Any = None


@hookspec
def xinfang_pages() -> list[PageSpec]:
    """Pages the plugin adds to the web UI."""


@dataclass(frozen=True)
class NavItem:
    """An entry of the UI's menu: shown to users who hold ``permission``; ``order`` sorts."""

    label: str
    href: str
    permission: str
    order: int = 100


@hookspec
def xinfang_navigation() -> list[NavItem]:
    """Menu entries the plugin adds to the web UI."""


@dataclass(frozen=True)
class MigrationSpec:
    """The plugin's own Alembic branch: its label and the folder of its revision scripts
    (added to ``version_locations``). Its first revision has ``branch_labels = (branch,)``
    and ``depends_on`` the core revision whose tables it references."""

    branch: str
    location: str


@hookspec
def xinfang_migrations() -> list[MigrationSpec]:
    """The plugin's Alembic branch; ``xinfang db upgrade`` upgrades every installed one."""


# --- campaigns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseSpec:
    """A phase with default dates relative to the campaign's start (day 0 = first day), or
    anchored to the calendar year of the start: ``first_on``/``last_on`` as ``"MM-DD"``
    (seed 003: 集中化解 ``"07-01"``–``"09-30"``). Anchored phases follow each other; one whose
    boundary has already passed when the campaign starts is moved to keep at least
    ``MIN_ANCHORED_DAYS`` days (``campaigns.service.default_phase_dates``)."""

    key: str
    name: str
    first_day: int = 0
    last_day: int = 0
    first_on: str | None = None  # "MM-DD" in the start's year; the first phase begins on the start
    last_on: str | None = None

    @property
    def anchored(self) -> bool:
        return self.first_on is not None


@dataclass(frozen=True)
class ChecklistItemSpec:
    """One duty. ``recurrence``: once per campaign, or per ``week`` / ``day``; ``times``:
    how often per period (screening twice a week = week, 2)."""

    key: str
    text: str
    recurrence: str = "once"  # once | week | day
    times: int = 1
    evidence: bool = False  # ticking it requires an evidence file or note


@dataclass(frozen=True)
class ChecklistSpec:
    """The duties of one tenant level in one phase (``phase`` None: the whole campaign)."""

    key: str
    title: str
    level: str  # county | township | village | grid | department
    items: tuple[ChecklistItemSpec, ...]
    phase: str | None = None


MATTER_SOURCES = ("backlog", "ownership", "campaign")


@dataclass(frozen=True)
class MatterChecklistSpec:
    """Duties per matter (五个一, 九个一 …) for the matters a campaign takes on, within its
    scope: ``matters="backlog"`` — those on the backlog ledger (积案); ``"ownership"`` — those
    under a leader's 包案; ``"campaign"`` — those the campaign's own plugin takes on, named by
    its ``xinfang_campaign_matters`` hook (the 积案 a 积案化解年 confirmed). Each item is done once per matter (``recurrence``/``times`` are
    refused), ticked with evidence like any duty; the tick fires ``xinfang_on_duty_ticked``."""

    key: str
    title: str
    items: tuple[ChecklistItemSpec, ...]
    matters: str = "backlog"  # one of MATTER_SOURCES


@dataclass(frozen=True)
class MetricSpec:
    """A figure computed from the data for a node over the campaign's dates, with its target.

    ``compute(session, campaign, node) -> (value, detail)`` runs in a system-scoped session
    and must confine itself to ``node``'s subtree."""

    key: str
    name: str
    target: float | None
    unit: str
    compute: Callable[[Any, Any, Any], tuple[float | None, dict[str, Any]]]
    higher_is_better: bool = True
    # ``judge(value, detail) -> bool | None``: whether the target is met, for a metric the target
    # alone cannot judge (e.g. "down on the period before"); default: value against target.
    judge: Callable[[float | None, dict[str, Any]], bool | None] | None = None

    def met(self, value: float | None, detail: dict[str, Any]) -> bool | None:
        """The one answer to "met?" that the API and the plugin's own reports give."""
        if self.judge is not None:
            return self.judge(value, detail)
        if value is None or self.target is None:
            return None
        return value >= self.target if self.higher_is_better else value <= self.target


@dataclass(frozen=True)
class CampaignLink:
    """A page of the plugin's own about one campaign (its documents, its ledgers …), offered on
    the generic campaign page to those holding ``permission``. ``href`` names the campaign as
    ``{campaign_id}``; the page itself is declared with ``xinfang_pages`` like any page."""

    label: str
    href: str
    permission: str
    description: str = ""

    def for_campaign(self, campaign_id: int) -> str:
        return self.href.format(campaign_id=campaign_id)


@dataclass(frozen=True)
class CampaignType:
    key: str
    name: str
    description: str
    source: str  # where the rules come from (a seed document, a notice)
    phases: tuple[PhaseSpec, ...]
    checklists: tuple[ChecklistSpec, ...] = ()
    matter_checklist: MatterChecklistSpec | None = None  # duties per matter (e.g. 五个一)
    metrics: tuple[MetricSpec, ...] = ()
    documents: tuple[DocumentSpec, ...] = ()
    ledgers: tuple[str, ...] = ()  # keys of the core ledgers it uses (screening, backlog, rota …)
    links: tuple[CampaignLink, ...] = ()  # the plugin's own pages about a campaign (generic page shows them)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def days(self) -> int:
        """Default length; for phases anchored to the year, until the last one's ``last_on``."""
        return max(p.last_day for p in self.phases) + 1

    @property
    def anchored(self) -> bool:
        return any(p.anchored for p in self.phases)


@hookspec
def xinfang_campaign_types() -> list[CampaignType]:
    """Campaign types the plugin provides."""


@hookspec
def xinfang_campaign_matters(campaign: Any, session: Any) -> dict[int, int] | None:
    """For a campaign of the plugin's own type whose ``matter_checklist`` has
    ``matters="campaign"``: matter id → the node it is taken on at; ``None`` for other types."""


@hookspec
def xinfang_periodic_tasks() -> list:
    """``PeriodicTask`` objects (platform/jobs/periodic.py) the plugin runs; each must do
    nothing for nodes outside an active campaign's scope."""


@hookspec
def xinfang_on_campaign_enabled(campaign: Any, session: Any) -> None:
    """Event: an admin enabled a campaign of one of the plugin's types (same transaction)."""


@hookspec
def xinfang_on_phase_entered(campaign: Any, phase: Any, session: Any) -> None:
    """Event: a campaign entered a phase (called by the periodic campaign task once per phase)."""


@hookspec
def xinfang_on_duty_ticked(campaign: Any, tick: Any, session: Any) -> None:
    """Event: a checklist duty was ticked (same transaction); a per-matter duty's tick has
    ``tick.matter_id`` set."""


__all__ = ["PermissionSpec", "RoleSpec", "JobSpec", "PageSpec", "NavItem", "CampaignLink", "MigrationSpec", "PhaseSpec", "ChecklistItemSpec", "ChecklistSpec",
           "MatterChecklistSpec", "MATTER_SOURCES", "MetricSpec", "DocumentSpec", "DocumentContext",
           "CampaignType", "hookimpl", "hookspec"]
