"""Ticking the duties that the platform's own records prove (a periodic task).

For every active petition-month campaign it looks at each node of the campaign's scope
and each automatic duty (``duties.AUTOMATIC``) period by period, up to today, and adds the
ticks the records prove: screening entries (distinct days a node screened), the Wednesday
and Friday submissions, the week's rota against the seed's rules (``week_violations``), the
published rota (the daily notice), and the closing report once generated. Two duties are
a state rather than a history — 应列尽列 and “四包” — so they are judged for the current
week only, as things stand when the task runs. Each tick's note names the records that
prove it, and the tick is by the system, not a person.

Idempotent: a period already holding its required ticks (by hand or by this task) is left
alone, so a second run adds nothing; two runs at once collide on the ticks' unique key and
the loser retries, then finds them stored. Nodes outside a campaign's scope are never
looked at, and campaigns of other types, closed ones and those long over are skipped.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from xinfang.platform.api import (
    DONE,
    LEADER_KINDS,
    WEEKDAYS,
    Campaign,
    ChecklistItemSpec,
    ChecklistSpec,
    Document,
    DutyTick,
    Level,
    Node,
    PeriodicTask,
    RotaDuty,
    Scope,
    ScreeningEntry,
    Submission,
    WorkCalendar,
    campaigns,
    clock,
    cycle,
    load_calendar,
    read_only,
    week_violations,
)
from xinfang.plugins.petition_month import figures
from xinfang.plugins.petition_month.areas import nodes_under, within
from xinfang.plugins.petition_month.duties import AUTOMATIC, CHECKLISTS, KEY
from xinfang.plugins.petition_month.references import SUMMARY_KIND, campaign_ref

log = logging.getLogger(__name__)

TASK_NAME = "petition_month_auto_ticks"
EVERY = dt.timedelta(minutes=30)
# Records entered a few days after the end (the last Friday's report) still tick their duty.
GRACE = dt.timedelta(days=7)
TICKER = "系统(依据平台记录自动登记)"
ACTOR = {"id": None, "name": TICKER, "address": TASK_NAME}


@dataclass(frozen=True)
class Proposed:
    node_id: int
    checklist: str
    item: str
    period: str
    n: int
    done_on: dt.date
    note: str


@dataclass
class Records:
    """One campaign's records, read once per run."""

    session: Session
    campaign: Campaign
    today: dt.date
    calendar: WorkCalendar
    nodes: dict[int, Node]
    screening: list[ScreeningEntry]
    submissions: dict[tuple[int, str, dt.date], Submission]
    duties: list[RotaDuty]
    weeks: dict[tuple[int, dt.date], list[dict]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # indexed once: a county has thousands of grids, each looked at period by period
        self.screened: dict[int, list[ScreeningEntry]] = defaultdict(list)
        for e in sorted(self.screening, key=lambda e: (e.found_on, e.id)):
            self.screened[e.node_id].append(e)
            if e.village_id is not None and e.village_id != e.node_id:
                self.screened[e.village_id].append(e)  # a community counts its grids' screening
        self.rota: dict[int, list[RotaDuty]] = defaultdict(list)
        for d in self.duties:
            self.rota[d.node_id].append(d)

    def violations(self, township: Node, day: dt.date) -> list[dict]:
        monday = day - dt.timedelta(days=day.weekday())
        key = (township.id, monday)
        if key not in self.weeks:
            self.weeks[key] = week_violations(self.session, township, monday)
        return self.weeks[key]


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _on(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def _ids(rows) -> str:
    return "、".join(f"#{r.id}" for r in rows)


def _clip(day: dt.date, period: campaigns.Period, today: dt.date) -> dt.date:
    return max(period.first, min(day, period.last, today))


# --- evidence, one kind of record each ------------------------------------------------------


def _screening(records: Records, node: Node, period: campaigns.Period) -> list[tuple[dt.date, str]]:
    """One proof per distinct day the node screened (a community counts its grids' days)."""
    days: dict[dt.date, list[ScreeningEntry]] = {}
    for e in records.screened.get(node.id, []):
        if period.first <= e.found_on <= period.last:
            days.setdefault(e.found_on, []).append(e)
    return [(day, f"{_on(day)}排查发现问题{len(found)}件(矛盾纠纷排查化解清单 {_ids(found)})")
            for day, found in days.items()]


def _submissions(records: Records, node: Node, period: campaigns.Period, kind: str) -> list[tuple[dt.date, str]]:
    """One proof per reporting day (Wednesday, Friday) of the period that has its submission;
    a day moved by a holiday is proved by the submission of the day it moved to."""
    proofs = []
    for day in _days(period.first, period.last):
        if day.weekday() not in cycle.REPORT_WEEKDAYS:
            continue
        due = day
        while not records.calendar.is_workday(due):
            due += dt.timedelta(days=1)
        found = records.submissions.get((node.id, kind, due))
        if found is None:
            continue
        moved = f",节假日顺延至{_on(due)}报送" if due != day else ""
        state = "逾期报送" if found.late else "按时报送"
        proofs.append((found.submitted_at.astimezone(clock.CHINA).date(),
                       (f"星期{WEEKDAYS[day.weekday()]}({_on(day)})应报的{cycle.KINDS[kind]}:报送记录 #{found.id}"
                       f"({state}{moved})")))
    return proofs


def _own_duties(records: Records, node: Node, days: list[dt.date]) -> list[RotaDuty]:
    return [d for d in records.rota.get(node.id, []) if d.on in days]


def _township_of(records: Records, node: Node) -> Node:
    return node if node.level == Level.TOWNSHIP else records.nodes[node.township_id]


def _rota(records: Records, node: Node, period: campaigns.Period, item: str) -> list[tuple[dt.date, str]]:
    """The week's rota against seed 001's rules; daily rules are judged on every day of the
    period (街道每日安排领导、社区主干每日轮值: weekends and holidays included), weekly ones on
    the whole week, as the rota is planned."""
    found = [v for v in records.violations(_township_of(records, node), period.first) if v["node_id"] == node.id]
    days = _days(period.first, period.last)
    monday = period.first - dt.timedelta(days=period.first.weekday())
    week = _days(monday, monday + dt.timedelta(days=6))
    end = _clip(period.last, period, records.today)
    if item in ("main_leaders", "first_grid_head"):
        rule = "main_leaders_weekly" if item == "main_leaders" else "first_grid_head_weekly"
        kind = "main" if item == "main_leaders" else "first_grid_head"
        if any(v["rule"] == rule for v in found):
            return []
        duties = [d for d in _own_duties(records, node, week) if d.leader_kind == kind]
        if not duties:
            return []
        shown = "、".join(f"{_on(d.on)}{d.leader_name}" for d in duties)
        return [(_clip(duties[0].on, period, records.today),
                 f"本周{LEADER_KINDS[kind]}接访:{shown}(接访安排 {_ids(duties)})")]
    duties = _own_duties(records, node, days)
    if item in ("daily_leader", "community_daily"):
        rule = "township_daily" if item == "daily_leader" else "community_daily"
        if any(v["rule"] == rule and v["on"] and period.first.isoformat() <= v["on"] <= period.last.isoformat()
               for v in found):
            return []
        return [(end, (f"本期{len(days)}天每天均已安排接访（{_on(days[0])}至{_on(days[-1])}，"
                      f"接访安排 {_ids(duties)}）"))]
    # the notice (信访办要每天发布接访公告): every day's duty published on or before that day
    for day in days:
        if not any(d.on == day and d.published_at is not None and d.published_at.astimezone(clock.CHINA).date() <= day
                   for d in duties):
            return []
    published = [d for d in duties if d.published_at is not None]
    return [(end, f"本期{len(days)}天的接访安排均已提前发布公告（接访安排 {_ids(published)}）")]


def _current(records: Records, period: campaigns.Period) -> bool:
    return period.first <= records.today <= period.last


def _ownership(records: Records, node: Node, period: campaigns.Period) -> list[tuple[dt.date, str]]:
    if not _current(records, period):
        return []
    state = figures.ownership(records.session, [node], records.campaign.starts_on, records.today)
    if len(state.done) < len(state.hard):
        return []
    if not state.hard:
        return [(records.today, f"截至{_on(records.today)},接访中没有未化解的疑难复杂事项需要包案")]
    return [(records.today, (f"截至{_on(records.today)},接访中未化解的疑难复杂事项{len(state.hard)}件均已确定包案领导、"
                            f"落实“四包”(接访登记 {_ids(state.done)})"))]


def _listing(records: Records, node: Node, period: campaigns.Period) -> list[tuple[dt.date, str]]:
    if not _current(records, period):
        return []
    state = figures.backlog_listing(records.session, [node], records.today)
    if state.unlisted or state.incomplete:
        return []
    if not state.due:
        return [(records.today, f"截至{_on(records.today)},辖区内没有超期、重复或进京到省的在办信访事项")]
    return [(records.today, (f"截至{_on(records.today)},超期、重复和进京到省的在办信访事项{len(state.due)}件均已列入"
                            f"积案化解清单并落实“五个一”(积案清单 {_ids(state.complete)})"))]


def _document(records: Records, node: Node, period: campaigns.Period) -> list[tuple[dt.date, str]]:
    ref = campaign_ref(records.campaign.id)
    found = [d for d in records.session.scalars(select(Document).where(
        Document.node_id == node.id, Document.kind == SUMMARY_KIND, Document.status == DONE).order_by(Document.id))
        if d.inputs.get("campaign_ref") == ref]
    if not found:
        return []
    made = found[0]
    return [(made.rendered_at.astimezone(clock.CHINA).date() if made.rendered_at else records.today,
             f"已生成总结报告:文书 #{made.id}“{made.title}”,SHA-256 {made.sha256[:16]}…")]


def _proofs(records: Records, source: str, node: Node, checklist: ChecklistSpec, item: ChecklistItemSpec,
            period: campaigns.Period) -> list[tuple[dt.date, str]]:
    if source == "screening":
        return _screening(records, node, period)
    if source == "submission":
        return _submissions(records, node, period, "screening" if item.key == "report_screening" else "reception")
    if source == "rota":
        return _rota(records, node, period, item.key)
    if source == "ownership":
        return _ownership(records, node, period)
    if source == "backlog":
        return _listing(records, node, period)
    if source == "document":
        return _document(records, node, period)
    raise ValueError(f"unknown evidence source {source!r}")


# --- planning and writing --------------------------------------------------------------------


def plan(session: Session, campaign: Campaign, today: dt.date, calendar: WorkCalendar) -> list[Proposed]:
    """The ticks ``campaign`` lacks that the records prove, up to ``today``."""
    roots = campaigns.scope_roots(session, campaign)
    nodes = nodes_under(session, roots)
    first, last = campaign.starts_on, campaign.closed_on or campaign.ends_on
    monday = first - dt.timedelta(days=first.weekday())
    sunday = last + dt.timedelta(days=6 - last.weekday())
    villages = [n.id for n in nodes if n.level == Level.VILLAGE]
    records = Records(
        session, campaign, today, calendar, {n.id: n for n in nodes},
        screening=list(session.scalars(select(ScreeningEntry).where(
            within(ScreeningEntry, roots), ScreeningEntry.found_on >= first, ScreeningEntry.found_on <= last))),
        submissions={(s.node_id, s.kind, s.due_on): s for s in session.scalars(select(Submission).where(
            Submission.node_id.in_(villages), Submission.due_on >= first,
            Submission.due_on <= last + dt.timedelta(days=10)))} if villages else {},
        duties=list(session.scalars(select(RotaDuty).where(within(RotaDuty, roots), RotaDuty.on >= monday,
                                                           RotaDuty.on <= sunday).order_by(RotaDuty.on, RotaDuty.id))))
    have: dict[tuple[int, str, str, str], list[dt.date]] = defaultdict(list)
    for t in session.scalars(select(DutyTick).where(DutyTick.campaign_id == campaign.id)):
        have[(t.node_id, t.checklist, t.item, t.period)].append(t.done_on)
    out = []
    for checklist in CHECKLISTS:
        start, end = campaigns.checklist_window(session, campaign, checklist)
        for item in checklist.items:
            source = AUTOMATIC.get((checklist.key, item.key))
            if source is None:
                continue
            for period in campaigns.periods(item, start, min(end, today)):
                for node in (n for n in nodes if n.level == checklist.level):
                    ticked = have[(node.id, checklist.key, item.key, period.key)]
                    if len(ticked) >= item.times:
                        continue
                    # a day already ticked (by hand, say) is not proved twice
                    proofs = [p for p in _proofs(records, source, node, checklist, item, period) if p[0] not in ticked]
                    for n, (done_on, note) in enumerate(proofs[:item.times - len(ticked)], start=len(ticked) + 1):
                        out.append(Proposed(node.id, checklist.key, item.key, period.key, n, done_on, note))
    return out


def _write(session: Session, campaign: Campaign, proposed: list[Proposed]) -> int:
    for p in proposed:  # through the service, so xinfang_on_duty_ticked fires for these too
        campaigns.record_tick(session, campaign, DutyTick(
            campaign_id=campaign.id, node_id=p.node_id, checklist=p.checklist, item=p.item, period=p.period, n=p.n,
            done_on=p.done_on, ticked_by_id=None, ticked_by=TICKER, note=p.note, evidence=[]))
    return len(proposed)


def tick_campaign(session_factory: sessionmaker, campaign_id: int, today: dt.date) -> int:
    """Judge in a read-only transaction; write only when something is missing, judged again
    under the write lock (once more if another run stored the same ticks first)."""
    engine = session_factory.kw["bind"]
    with session_factory(scope=Scope.system(), bind=read_only(engine)) as reader:
        campaign = reader.get(Campaign, campaign_id)
        if not plan(reader, campaign, today, load_calendar(reader)):
            return 0
    for attempt in range(2):
        with session_factory(scope=Scope.system()) as session:
            session.info["actor"] = dict(ACTOR)
            campaign = session.get(Campaign, campaign_id)
            try:
                added = _write(session, campaign, plan(session, campaign, today, load_calendar(session)))
                session.commit()
                return added
            except IntegrityError:
                session.rollback()
                if attempt:
                    raise
    return 0


def active_campaigns(session: Session, today: dt.date) -> list[int]:
    return list(session.scalars(select(Campaign.id).where(
        Campaign.type_key == KEY, Campaign.status == "active", Campaign.starts_on <= today,
        Campaign.ends_on >= today - GRACE).order_by(Campaign.id)))


def run(session_factory: sessionmaker, now: dt.datetime) -> str:
    moment = now if now.tzinfo is not None else now.replace(tzinfo=dt.UTC)
    today = moment.astimezone(clock.CHINA).date()
    engine = session_factory.kw["bind"]
    with session_factory(scope=Scope.system(), bind=read_only(engine)) as reader:
        ids = active_campaigns(reader, today)
    added, failed = 0, 0
    for campaign_id in ids:
        try:
            added += tick_campaign(session_factory, campaign_id, today)
        except Exception:  # one campaign's failure must not stop the others
            log.exception("petition-month auto ticks failed for campaign %s", campaign_id)
            failed += 1
    return f"{today.isoformat()}:检查信访月专项活动{len(ids)}项,依据平台记录自动登记任务{added}项" + (
        f",{failed}项活动出错(见日志)" if failed else "")


TASK = PeriodicTask(TASK_NAME, EVERY, run)
