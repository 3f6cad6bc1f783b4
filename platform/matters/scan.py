"""The periodic deadline scan: clock states, reminders, 督办 escalation and recomputation.

For every open clock it stores the state on ``today`` (county's ``due_soon_days``),
recomputes a due date made on an older or incomplete calendar (a year's holiday notice
may have arrived since), reminds the responsible unit when a duty falls due soon or
overdue, and escalates an overdue duty one level up the tree (条例第四十条), one more
level every ``escalate_every_days`` it stays overdue, never above the county.

It is idempotent: every change is derived from the stored data and ``today``, reminders
carry a unique dedupe key and escalation steps a unique (clock, level) key, so running it
twice for one day, or in two processes at once, changes nothing the second time. One SQL
query first finds the matters that may need something today (``_due_matters``), so a scan
with nothing to do costs one query however many matters there are
(tests/integration/test_scan_candidates.py holds it to never missing one). Each page of
those is then judged in a read-only transaction, so an hourly scan that finds nothing to
do never takes the SQLite write lock; the matters with something to change are judged
again with their rows locked and written in one transaction per page (one flush, one
audit append). If that transaction fails, the page is redone matter by matter, so a
broken matter fails only itself.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from sqlalchemy import CompoundSelect, Date, String, and_, case, cast, exists, func, literal, or_, select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from xinfang.platform.calendar.service import RECOMPUTE_JOB, WorkCalendar, load_calendar
from xinfang.platform.clock import CHINA, now
from xinfang.platform.db import read_only
from xinfang.platform.extensions.hookspecs import JobSpec
from xinfang.platform.jobs.periodic import PeriodicTask
from xinfang.platform.matters import clocks
from xinfang.platform.matters.models import Matter, MatterAccess, MatterClock, MatterEvent
from xinfang.platform.matters.rules import Rules, rules_for
from xinfang.platform.matters.supervision import BASIS, Supervision
from xinfang.platform.notifications.models import Notification
from xinfang.platform.notifications.service import notify_many, stored_keys
from xinfang.tenants.levels import ANCESTOR_COLUMNS, Level
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope

log = logging.getLogger(__name__)
SCANNER = {"id": None, "name": "系统(期限巡检)", "address": "scan"}
PAGE = 500
_WORST_FIRST = ("overdue", "due_soon", "on_time")


@dataclass
class ScanReport:
    today: dt.date
    clocks: int = 0  # open clocks looked at
    matters: int = 0  # matters written
    states: int = 0  # clock states changed
    recomputed: int = 0  # due dates moved by a newer calendar
    notices: int = 0
    escalations: int = 0
    closed: int = 0  # supervisions ended because their clock stopped
    retried: int = 0  # matters redone after another scan wrote them first
    failed: list[int] = field(default_factory=list)  # matters that raised (logged; the rest go on)

    def __str__(self) -> str:
        failed = f",{len(self.failed)}件事项处理出错(见日志)" if self.failed else ""
        return (f"{self.today.isoformat()}:检查期限{self.clocks}个,更新事项{self.matters}件,"
                f"状态变化{self.states}个,重新计算期限{self.recomputed}个,发送提醒{self.notices}条,"
                f"督办{self.escalations}次,结束督办{self.closed}项{failed}")


@dataclass(frozen=True)
class Tree:
    """Every node's parent, level and name (a deployment's tree is small: read once a scan)."""

    parent: dict[int, int | None]
    level: dict[int, str]
    name: dict[int, str]

    @classmethod
    def load(cls, session: Session) -> Tree:
        rows = session.execute(select(Node.id, Node.parent_id, Node.level, Node.name)).all()
        return cls({r.id: r.parent_id for r in rows}, {r.id: r.level for r in rows}, {r.id: r.name for r in rows})

    def counties(self) -> list[int]:
        return [node_id for node_id, level in self.level.items() if level == Level.COUNTY]

    def escalation_chain(self, node_id: int, accused_id: int | None) -> list[int]:
        """Where a duty of ``node_id`` escalates to, nearest first, up to its county. An
        accused unit and the units above it are skipped up to the accused unit's parent:
        督办 must not put an accusation in the hands of the accused (条例第三十条)."""
        chain: list[int] = []
        current = self.parent.get(node_id)
        while current is not None:
            chain.append(current)
            if self.level.get(current) == Level.COUNTY:
                break
            current = self.parent.get(current)
        if accused_id is not None and accused_id in chain:
            chain = chain[chain.index(accused_id) + 1:]
        return chain


@dataclass(frozen=True)
class Escalation:
    clock: MatterClock
    level: int
    from_node_id: int
    to_node_id: int


@dataclass
class Plan:
    """What one matter's clocks should hold on ``today`` and what must be sent."""

    targets: list[tuple[MatterClock, MatterClock]] = field(default_factory=list)  # (stored, as it should be)
    notices: list[dict] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    summary: tuple[dt.date | None, str | None] = (None, None)

    def changed(self) -> list[tuple[MatterClock, MatterClock]]:
        return [(c, t) for c, t in self.targets if _values(c) != _values(t)]

    def needs_write(self, matter: Matter) -> bool:
        return bool(self.changed() or self.notices or self.escalations
                    or self.summary != (matter.due_on, matter.deadline_state))


def _values(clock: MatterClock) -> tuple:
    return clock.due_on, clock.calendar_version, clock.provisional, clock.state


def _target(clock: MatterClock, calendar: WorkCalendar) -> MatterClock:
    """A detached copy of the clock with its due date on ``calendar``. Only a due date made on
    another calendar can move: one made on this calendar (provisional or not) comes out the
    same, and every December most open clocks end in a year without holiday data yet."""
    target = MatterClock(**{a.key: getattr(clock, a.key) for a in MatterClock.__mapper__.column_attrs})
    if target.calendar_version != calendar.version:
        clocks.recompute(target, calendar)
    return target


def _day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def plan(matter: Matter, open_clocks: list[MatterClock], today: dt.date, rules: Rules, calendar: WorkCalendar,
         tree: Tree, sent: set[str]) -> Plan:
    """Judge one matter without changing anything (``sent``: dedupe keys already stored)."""
    result = Plan()
    duties: list[MatterClock] = []
    for clock in open_clocks:
        target = _target(clock, calendar)
        target.state = clocks.state_on(target, today, rules.due_soon_days)
        result.targets.append((clock, target))
        if not clocks.RULES[clock.kind].escalates:
            continue  # a window for the petitioner or the unit, not a duty that can be late
        duties.append(target)
        spec = clocks.RULES[clock.kind]
        what = f"信访事项{matter.number}({matter.category})“{spec.label}”"
        if target.state == "due_soon":
            left = (target.due_on - today).days
            when = "今天" if left == 0 else f"{_day(target.due_on)}(还有{left}天)"
            result.notices.append({
                "node_id": clock.node_id, "kind": "due_soon",
                "dedupe_key": f"deadline:{clock.id}:due_soon:{target.due_on}", "title": f"期限临近:{matter.number}",
                "text": f"{what}的期限将于{when}届满({spec.basis}),请抓紧办理。"})
        elif target.state == "overdue":
            late = (today - target.due_on).days
            result.notices.append({
                "node_id": clock.node_id, "kind": "overdue",
                "dedupe_key": f"deadline:{clock.id}:overdue:{target.due_on}", "title": f"已超期:{matter.number}",
                "text": f"{what}的期限已于{_day(target.due_on)}届满({spec.basis}),已超期{late}日,请立即办理。"})
            step = _next_step(clock, today, rules, tree, matter.accused_node_id)
            if step is not None:
                result.escalations.append(step)
    result.notices = [n for n in result.notices if n["dedupe_key"] not in sent]
    if duties:
        result.summary = (min(d.due_on for d in duties), min((d.state for d in duties), key=_WORST_FIRST.index))
    return result


def _next_step(clock: MatterClock, today: dt.date, rules: Rules, tree: Tree, accused_id: int | None) -> Escalation | None:
    """The first step when a duty is overdue, then one more every ``escalate_every_days``."""
    chain = tree.escalation_chain(clock.node_id, accused_id)
    level = clock.escalation_level
    if level >= len(chain):
        return None  # at the county already (or nothing above the unit)
    if level > 0 and (clock.escalated_on is None or (today - clock.escalated_on).days < rules.escalate_every_days):
        return None
    return Escalation(clock, level + 1, chain[level - 1] if level > 0 else clock.node_id, chain[level])


def _apply(session: Session, matter: Matter, result: Plan, today: dt.date, tree: Tree, seeing: set[int],
           report: ScanReport) -> list[dict]:
    """Stage the plan's writes in the session (flushed with the page) and return the notices
    to send (``seeing``: the nodes with access to the matter already)."""
    with session.no_autoflush:
        for clock, target in result.changed():
            if clock.due_on != target.due_on:
                report.recomputed += 1
                spec = clocks.RULES[clock.kind]
                session.add(MatterEvent(
                    matter_id=matter.id, on=today, actor_id=None, actor_name=SCANNER["name"], node_id=clock.node_id,
                    action="deadline_recomputed", label="期限重新计算",
                    note=f"工作日历更新后重新计算“{spec.label}”期限:届满日由{_day(clock.due_on)}改为{_day(target.due_on)}",
                    data={"clock_id": clock.id, "kind": clock.kind, "from": clock.due_on.isoformat(),
                          "to": target.due_on.isoformat(), "calendar_version": target.calendar_version,
                          "provisional": target.provisional}))
            if clock.state != target.state:
                report.states += 1
            clock.due_on, clock.calendar_version, clock.provisional, clock.state = _values(target)
        notices = [_escalate(session, matter, step, today, tree, seeing) for step in result.escalations]
        report.escalations += len(result.escalations)
        # the list summary as clocks.refresh_matter stores it (the plan worked it out over the same clocks)
        if (matter.due_on, matter.deadline_state) != result.summary:
            matter.due_on, matter.deadline_state = result.summary
    return [*notices, *({"matter_id": matter.id, **n} for n in result.notices)]


def _escalate(session: Session, matter: Matter, step: Escalation, today: dt.date, tree: Tree,
              seeing: set[int]) -> dict:
    """Record the step on the matter and let the upper node see it; the notice that tells it."""
    clock = step.clock
    spec = clocks.RULES[clock.kind]
    late = (today - clock.due_on).days
    responsible, upper = tree.name.get(clock.node_id, ""), tree.name.get(step.to_node_id, "")
    text = (f"{responsible}承办的信访事项{matter.number}({matter.category})“{spec.label}”期限已于"
            f"{_day(clock.due_on)}届满,已超期{late}日,依据{BASIS}提请{upper}督办(第{step.level}级督办)。")
    clock.escalation_level, clock.escalated_on = step.level, today
    session.add(Supervision(matter_id=matter.id, clock_id=clock.id, from_node_id=step.from_node_id,
                            to_node_id=step.to_node_id, level=step.level, on=today, due_on=clock.due_on))
    if step.to_node_id not in seeing:
        session.add(MatterAccess(subject_id=matter.id, node_id=step.to_node_id, reason="supervise"))
        seeing.add(step.to_node_id)
    session.add(MatterEvent(matter_id=matter.id, on=today, actor_id=None, actor_name=SCANNER["name"],
                            node_id=step.to_node_id, action="supervise", label="超期督办", note=text,
                            data={"clock_id": clock.id, "kind": clock.kind, "level": step.level,
                                  "from_node_id": step.from_node_id, "to_node_id": step.to_node_id,
                                  "due_on": clock.due_on.isoformat(), "overdue_days": late}))
    return {"node_id": step.to_node_id, "kind": "supervise", "matter_id": matter.id,
            "dedupe_key": f"supervise:{clock.id}:{step.level}", "title": f"督办:{matter.number}", "text": text}


def _close_finished(session: Session, matter_ids: list[int]) -> dict[int, int]:
    """End the supervisions whose clock has stopped (met late, or the matter ended); how
    many, per matter."""
    rows = session.execute(select(Supervision, MatterClock.stopped_on)
                           .join(MatterClock, MatterClock.id == Supervision.clock_id)
                           .where(Supervision.matter_id.in_(matter_ids), Supervision.status == "open",
                                  MatterClock.stopped_on.is_not(None))).all()
    closed: dict[int, int] = {}
    for supervision, stopped_on in rows:
        supervision.status, supervision.closed_on = "closed", stopped_on
        closed[supervision.matter_id] = closed.get(supervision.matter_id, 0) + 1
    return closed


def _seeing(session: Session, matter_ids: list[int]) -> dict[int, set[int]]:
    """The nodes that can see each matter already."""
    seeing: dict[int, set[int]] = {m: set() for m in matter_ids}
    rows = session.execute(select(MatterAccess.subject_id, MatterAccess.node_id)
                           .where(MatterAccess.subject_id.in_(matter_ids)))
    for subject_id, node_id in rows:
        seeing[subject_id].add(node_id)
    return seeing


def _candidate_keys(open_clocks: list[MatterClock]) -> list[str]:
    """Every dedupe key a plan for these clocks could produce (for one bounded lookup)."""
    keys = []
    for c in open_clocks:
        keys += [f"deadline:{c.id}:due_soon:{c.due_on}", f"deadline:{c.id}:overdue:{c.due_on}"]
    return keys


def _load(session: Session, matter_ids: list[int], lock: bool = False) -> dict[int, tuple[Matter, list[MatterClock]]]:
    matters = select(Matter).where(Matter.id.in_(matter_ids)).order_by(Matter.id)
    open_clocks = (select(MatterClock).where(MatterClock.matter_id.in_(matter_ids), MatterClock.stopped_on.is_(None))
                   .order_by(MatterClock.id))
    if lock:
        matters, open_clocks = matters.with_for_update(), open_clocks.with_for_update()
    found = {m.id: (m, []) for m in session.scalars(matters.execution_options(populate_existing=True))}
    for clock in session.scalars(open_clocks.execution_options(populate_existing=True)):
        found[clock.matter_id][1].append(clock)
    return found


def _recomputed_keys(found: dict[int, tuple[Matter, list[MatterClock]]], calendar: WorkCalendar) -> list[str]:
    """Keys for the due dates the clocks will have after recomputation, too."""
    keys = []
    for _, open_clocks in found.values():
        keys += _candidate_keys([_target(clock, calendar) for clock in open_clocks])
    return keys


def scan(session_factory: sessionmaker, today: dt.date) -> ScanReport:
    """Bring every open clock up to ``today``; see the module docstring."""
    report = ScanReport(today)
    engine = session_factory.kw["bind"]
    rules_cache: dict[int | None, Rules] = {}
    with session_factory(scope=Scope.system(), bind=read_only(engine)) as reader:
        calendar, tree = load_calendar(reader), Tree.load(reader)
        reader.rollback()
        for county_id in tree.counties():
            rules_cache[county_id] = rules_for(reader, county_id)
        finishing = (select(Supervision.matter_id).join(MatterClock, MatterClock.id == Supervision.clock_id)
                     .where(Supervision.status == "open", MatterClock.stopped_on.is_not(None)))
        report.clocks = reader.scalar(select(func.count()).select_from(MatterClock)
                                      .where(MatterClock.stopped_on.is_(None))) or 0
        closing = set(reader.scalars(finishing))
        candidates = sorted(closing | set(reader.scalars(_due_matters(today, calendar.version, rules_cache))))
        for start in range(0, len(candidates), PAGE):
            ids = candidates[start:start + PAGE]
            found = _load(reader, ids)
            sent = stored_keys(reader, _recomputed_keys(found, calendar))
            todo = []
            for matter_id, (matter, open_clocks) in found.items():
                if matter.county_id not in rules_cache:
                    rules_cache[matter.county_id] = rules_for(reader, matter.county_id)
                rules = rules_cache[matter.county_id]
                if matter_id in closing or _judged_dirty(matter, open_clocks, today, rules, calendar, tree, sent):
                    todo.append(matter_id)
            reader.rollback()  # end the read snapshot before writing
            if todo:
                _write_all(session_factory, todo, today, rules_cache, calendar, tree, report)
    return report


def _due_matters(today: dt.date, calendar_version: str, rules: dict[int | None, Rules]) -> CompoundSelect:
    """The matters whose open clocks may need something on ``today``, found in SQL so that a
    scan with nothing to do reads only them (a superset of what ``plan`` would write, which
    judges each in Python): a due date made on another calendar (``_target``); a stored
    state that today's date contradicts; a late duty whose next 督办 step is due, or one
    whose reminder was never stored; a list summary out of step with its duties."""
    default = Rules()
    # the matter's county is joined only when the counties' rules differ (usually they do not)
    by_county = any((r.due_soon_days, r.escalate_every_days) != (default.due_soon_days, default.escalate_every_days)
                    for r in rules.values())

    def per_county(values: dict[int | None, dt.date], fallback: dt.date) -> ColumnElement:
        if not by_county:
            return literal(fallback, Date)
        return case({c: v for c, v in values.items() if c is not None}, value=Matter.county_id, else_=fallback)

    soon = per_county({c: today + dt.timedelta(days=r.due_soon_days) for c, r in rules.items()},
                      today + dt.timedelta(days=default.due_soon_days))
    step_due = per_county({c: today - dt.timedelta(days=r.escalate_every_days) for c, r in rules.items()},
                          today - dt.timedelta(days=default.escalate_every_days))
    expected = case((MatterClock.paused_since.is_not(None), "on_time"), (MatterClock.due_on < today, "overdue"),
                    (MatterClock.due_on <= soon, "due_soon"), else_="on_time")
    duty = MatterClock.kind.in_([k for k, r in clocks.RULES.items() if r.escalates])
    # the length of a duty's 督办 chain up to its county: the unit's ancestors (an accused unit
    # on the way only shortens it, which merely makes the matter a candidate once too often)
    above = sum((case((and_(getattr(Node, column).is_not(None), getattr(Node, column) != Node.id), 1), else_=0)
                 for column in ANCESTOR_COLUMNS), start=literal(0))
    reminder = ("deadline:" + cast(MatterClock.id, String) + ":" + expected + ":" + cast(MatterClock.due_on, String))
    unsent = ~exists().where(Notification.dedupe_key == reminder)
    worst = func.min(case((MatterClock.state == "overdue", 0), (MatterClock.state == "due_soon", 1), else_=2))
    clock_due = select(MatterClock.matter_id)
    if by_county:
        clock_due = clock_due.join(Matter, Matter.id == MatterClock.matter_id)
    clock_due = (clock_due.join(Node, Node.id == MatterClock.node_id)
                 .where(MatterClock.stopped_on.is_(None),
                        or_(and_(MatterClock.rule != clocks.FIXED, MatterClock.calendar_version != calendar_version),
                            MatterClock.state != expected,
                            and_(duty, expected == "overdue", MatterClock.escalation_level < above,
                                 or_(MatterClock.escalation_level == 0, MatterClock.escalated_on <= step_due)),
                            and_(duty, expected != "on_time", unsent))))
    # the list summary: wrong where a matter has open duties, or set where it has none (read
    # through the summary's own indexes, not by walking every matter)
    open_duty = and_(MatterClock.stopped_on.is_(None), duty)
    summaries = (select(MatterClock.matter_id, func.min(MatterClock.due_on).label("due_on"), worst.label("worst"))
                 .where(open_duty).group_by(MatterClock.matter_id).subquery())
    summarised = (select(Matter.id, Matter.due_on, Matter.deadline_state)
                  .where(or_(Matter.due_on.is_not(None), Matter.deadline_state.is_not(None))).subquery())
    stored_worst = case((summarised.c.deadline_state == "overdue", 0), (summarised.c.deadline_state == "due_soon", 1),
                        (summarised.c.deadline_state == "on_time", 2), else_=-1)
    summary_off = (select(summaries.c.matter_id).outerjoin(summarised, summarised.c.id == summaries.c.matter_id)
                   .where(or_(summarised.c.id.is_(None), summarised.c.due_on.is_(None),
                              summarised.c.due_on != summaries.c.due_on, stored_worst != summaries.c.worst)))
    summary_left = (select(Matter.id)
                    .where(or_(Matter.due_on.is_not(None), Matter.deadline_state.is_not(None)),
                           ~exists().where(MatterClock.matter_id == Matter.id, open_duty)))
    return union(clock_due, summary_off, summary_left)


def _judged_dirty(matter: Matter, open_clocks: list[MatterClock], today: dt.date, rules: Rules,
                  calendar: WorkCalendar, tree: Tree, sent: set[str]) -> bool:
    try:
        return plan(matter, open_clocks, today, rules, calendar, tree, sent).needs_write(matter)
    except Exception:  # noqa: BLE001 - judged again, under lock, where a failure is logged
        return True


def _write_all(session_factory: sessionmaker, matter_ids: list[int], today: dt.date,
               rules_cache: dict[int | None, Rules], calendar: WorkCalendar, tree: Tree, report: ScanReport) -> None:
    """A page in one transaction; if that fails (a broken matter, or another scan wrote the
    same reminder first), each of its matters in a transaction of its own, so that a broken
    matter fails only itself."""
    try:
        _write_page(session_factory, matter_ids, today, rules_cache, calendar, tree, report)
        return
    except Exception:  # noqa: BLE001 - redone matter by matter below, where a failure is logged
        log.info("deadline scan: %d matters written one by one", len(matter_ids), exc_info=True)
    for matter_id in matter_ids:
        try:
            _write(session_factory, matter_id, today, rules_cache, calendar, tree, report)
        except Exception:  # one broken matter must not stop every other matter's reminders
            log.exception("deadline scan failed for matter %s", matter_id)
            report.failed.append(matter_id)


def _write(session_factory: sessionmaker, matter_id: int, today: dt.date, rules_cache: dict[int | None, Rules],
           calendar: WorkCalendar, tree: Tree, report: ScanReport) -> None:
    """One matter; once more if another scan wrote the same reminder or escalation step
    first (the retry then finds them stored)."""
    for attempt in range(2):
        try:
            _write_page(session_factory, [matter_id], today, rules_cache, calendar, tree, report)
            return
        except IntegrityError:
            if attempt:
                raise
            report.retried += 1


def _write_page(session_factory: sessionmaker, matter_ids: list[int], today: dt.date,
                rules_cache: dict[int | None, Rules], calendar: WorkCalendar, tree: Tree, report: ScanReport) -> None:
    """Judge the matters again with their rows locked and write what they need in one
    transaction: a bulk read of each kind of row, one flush and one audit append for the page
    (writing matter by matter cost ~25 statements each). Raises, having written nothing, if
    any of them fails."""
    partial = ScanReport(today)
    with session_factory(scope=Scope.system()) as session:
        session.info["actor"] = dict(SCANNER)
        found = _load(session, matter_ids, lock=True)
        sent = stored_keys(session, _recomputed_keys(found, calendar))
        plans = {}
        for matter_id, (matter, open_clocks) in found.items():
            rules = rules_cache.get(matter.county_id) or rules_for(session, matter.county_id)
            plans[matter_id] = plan(matter, open_clocks, today, rules, calendar, tree, sent)
        closed = _close_finished(session, list(plans))
        written = [m for m, p in plans.items() if p.needs_write(found[m][0]) or closed.get(m)]
        if not written:
            session.rollback()
            return
        seeing = _seeing(session, written)
        notices: list[dict] = []
        for matter_id in written:
            notices += _apply(session, found[matter_id][0], plans[matter_id], today, tree, seeing[matter_id], partial)
        partial.notices = len(notify_many(session, notices))
        partial.closed, partial.matters = sum(closed.values()), len(written)
        session.commit()
    for name in ("matters", "states", "recomputed", "notices", "escalations", "closed"):
        setattr(report, name, getattr(report, name) + getattr(partial, name))


def run(session_factory: sessionmaker, now: dt.datetime) -> str:
    """The hourly task: today's date as the offices live it (Asia/Shanghai)."""
    moment = now if now.tzinfo is not None else now.replace(tzinfo=dt.UTC)
    return str(scan(session_factory, moment.astimezone(CHINA).date()))


TASK = PeriodicTask("matter_deadlines", dt.timedelta(hours=1), run)


def recompute_job(session_factory: sessionmaker, payload: dict) -> str:
    """The same scan at once, after a year's holiday notice was entered (idempotent)."""
    return run(session_factory, now())


RECOMPUTE = JobSpec(RECOMPUTE_JOB, recompute_job)
