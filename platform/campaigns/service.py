"""Enabling a campaign for part of the tree, its phases, the duties of each node, ticking
them with evidence, and progress rolled up village → township → county."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor, authorize
from xinfang.platform.campaigns.models import Campaign, CampaignAccess, CampaignPhase, CampaignScope, DutyTick
from xinfang.platform.errors import BadRequest, Conflict, Forbidden
from xinfang.platform.extensions.hookspecs import CampaignType, ChecklistItemSpec, ChecklistSpec
from xinfang.platform.extensions.manager import plugins_of
from xinfang.platform.files import storage_root, store_by_digest
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node

_DEPTH = {Level.COUNTY: 0, Level.TOWNSHIP: 1, Level.DEPARTMENT: 1, Level.VILLAGE: 2, Level.GRID: 3}


def _system_node(session: Session, node_id: int) -> Node:
    return session.execute(select(Node).where(Node.id == node_id), execution_options={"skip_scope": True}).scalar_one()


def subtree(session: Session, node: Node) -> list[Node]:
    column = getattr(Node, COLUMN[Level(node.level)])
    return list(session.execute(select(Node).where(column == node.id).order_by(Node.code),
                                execution_options={"skip_scope": True}).scalars())


def enable(session: Session, actor: Actor, ctype: CampaignType, title: str, scope_ids: list[int],
           starts_on: dt.date, ends_on: dt.date | None, phase_dates: dict[str, tuple[dt.date, dt.date]]) -> Campaign:
    """Switch a campaign on for the given scope roots (the county, or chosen townships)."""
    if not title.strip():
        raise BadRequest("请填写专项活动名称")
    if not scope_ids:
        raise BadRequest("请选择开展活动的范围(整个县,或若干乡镇/街道)")
    roots = []
    for node_id in scope_ids:
        node = get_or_404(session, Node, node_id, "所选范围", accept=lambda n: authorize(actor, n, "campaigns", "manage"))
        if node.level not in (Level.COUNTY, Level.TOWNSHIP):
            raise BadRequest("活动范围应为县或乡镇(街道)")
        roots.append(node)
    counties = {r.county_id or r.id for r in roots}
    if len(counties) != 1:
        raise BadRequest("一项活动只能在一个县的范围内开展")
    # The enabling office: the actor's own node that covers the whole scope (the deepest one).
    covering = [a for a in actor.holding("campaigns:manage") if all(a.covers(r) for r in roots)]
    if not covering:
        raise Forbidden("所选范围超出了您的管辖范围")
    owner = _system_node(session, max(covering, key=lambda a: _DEPTH[a.level]).node_id)
    defaults = default_phase_dates(ctype, starts_on)
    ends_on = ends_on or max(end for _, end in defaults.values())
    if ends_on < starts_on:
        raise BadRequest("结束日期不能早于开始日期")
    campaign = Campaign(node_id=owner.id, type_key=ctype.key, title=title.strip(), starts_on=starts_on,
                        ends_on=ends_on, created_by=actor.display_name)
    session.add(campaign)
    session.flush()
    seen: set[int] = set()
    for root in roots:
        for node in subtree(session, root):
            if node.id not in seen:
                seen.add(node.id)
                session.add(CampaignAccess(subject_id=campaign.id, node_id=node.id))
    if owner.id not in seen:  # the enabling office sees what it enabled
        session.add(CampaignAccess(subject_id=campaign.id, node_id=owner.id))
    session.flush()  # access first: the campaign's own rows are written where it is visible
    for root in roots:
        session.add(CampaignScope(campaign_id=campaign.id, node_id=root.id))
    for phase in ctype.phases:
        start, end = phase_dates.get(phase.key) or defaults[phase.key]
        check_phase(phase.name, start, end, starts_on, ends_on)
        session.add(CampaignPhase(campaign_id=campaign.id, key=phase.key, name=phase.name, starts_on=start,
                                  ends_on=end))
    session.flush()
    plugins_of(session).hook.xinfang_on_campaign_enabled(campaign=campaign, session=session)
    return campaign


def check_phase(name: str, start: dt.date, end: dt.date, first: dt.date, last: dt.date) -> None:
    """A phase runs forwards and inside the campaign's own dates."""
    if end < start:
        raise BadRequest(f"“{name}”阶段的结束日期不能早于开始日期")
    if start < first or end > last:
        raise BadRequest(f"“{name}”阶段({start}至{end})应在活动期间({first}至{last})之内")


def move_phases(session: Session, campaign: Campaign, dates: dict[str, tuple[dt.date, dt.date]]) -> None:
    """Move phases of a campaign (all or nothing: every date is checked before one is changed)."""
    phases = {p.key: p for p in session.scalars(select(CampaignPhase).where(CampaignPhase.campaign_id == campaign.id))}
    for key, (start, end) in dates.items():
        if key not in phases:
            raise BadRequest(f"该活动没有“{key}”阶段")
        check_phase(phases[key].name, start, end, campaign.starts_on, campaign.ends_on)
    for key, (start, end) in dates.items():
        phases[key].starts_on, phases[key].ends_on = start, end


MIN_ANCHORED_DAYS = 14  # an anchored phase moved by a late start keeps at least two weeks


def _month_day(year: int, month_day: str) -> dt.date:
    month, day = (int(part) for part in month_day.split("-"))
    return dt.date(year, month, day)


def default_phase_dates(ctype: CampaignType, starts_on: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """Each phase's default dates for a campaign starting on ``starts_on``.

    Relative phases: ``first_day``/``last_day`` days after the start. Phases anchored to the
    year (``first_on``/``last_on``, "MM-DD" of the start's year) run in their order: the first
    begins on the start; each begins on its ``first_on`` or the day after the previous one
    ends, whichever is later, and ends on its ``last_on`` or after ``MIN_ANCHORED_DAYS`` days,
    whichever is later — so a boundary already past when the campaign starts pushes the later
    phases on, each at least two weeks long (and the year's end with them, if it must)."""
    out: dict[str, tuple[dt.date, dt.date]] = {}
    previous_end: dt.date | None = None
    for phase in ctype.phases:
        if not phase.anchored:
            out[phase.key] = (starts_on + dt.timedelta(days=phase.first_day),
                              starts_on + dt.timedelta(days=phase.last_day))
            continue
        start = starts_on if previous_end is None else max(_month_day(starts_on.year, phase.first_on or "01-01"),
                                                           previous_end + dt.timedelta(days=1))
        start = max(start, starts_on)
        end = max(_month_day(starts_on.year, phase.last_on or "12-31"),
                  start + dt.timedelta(days=MIN_ANCHORED_DAYS - 1))
        out[phase.key] = (start, end)
        previous_end = end
    return out


def close(campaign: Campaign, on: dt.date, note: str) -> None:
    if campaign.status != "active":
        raise Conflict("该活动已结束")
    campaign.status, campaign.closed_on, campaign.closing_note = "closed", on, note.strip()


def scope_roots(session: Session, campaign: Campaign) -> list[Node]:
    ids = session.scalars(select(CampaignScope.node_id).where(CampaignScope.campaign_id == campaign.id)).all()
    return [_system_node(session, i) for i in ids]


def in_scope(session: Session, campaign: Campaign, node: Node) -> bool:
    return any(node.ancestry_with_self().get(COLUMN[Level(r.level)]) == r.id for r in scope_roots(session, campaign))


# --- duties -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    first: dt.date
    last: dt.date


def periods(item: ChecklistItemSpec, first: dt.date, last: dt.date) -> list[Period]:
    """The periods in which an item is due between two dates (inclusive)."""
    if last < first:
        return []
    if item.recurrence == "once":
        return [Period("", "全程", first, last)]
    if item.recurrence == "day":
        return [Period(d.isoformat(), d.isoformat(), d, d)
                for d in (first + dt.timedelta(n) for n in range((last - first).days + 1))]
    if item.recurrence == "week":
        out, day = [], first
        while day <= last:
            year, week, weekday = day.isocalendar()
            end = min(day + dt.timedelta(days=7 - weekday), last)
            out.append(Period(f"{year}-W{week:02d}", f"{year}年第{week}周({day:%m-%d}至{end:%m-%d})", day, end))
            day = end + dt.timedelta(days=1)
        return out
    raise ValueError(f"unknown recurrence {item.recurrence!r}")


def checklist_window(session: Session, campaign: Campaign, checklist: ChecklistSpec) -> tuple[dt.date, dt.date]:
    if checklist.phase is None:
        return campaign.starts_on, campaign.closed_on or campaign.ends_on
    phase = session.scalar(select(CampaignPhase).where(CampaignPhase.campaign_id == campaign.id,
                                                       CampaignPhase.key == checklist.phase))
    end = min(phase.ends_on, campaign.closed_on) if campaign.closed_on else phase.ends_on
    return phase.starts_on, end


def duties(session: Session, ctype: CampaignType, campaign: Campaign, node: Node, today: dt.date) -> list[dict]:
    """Every duty of ``node`` up to ``today``: what is required, what is done, by whom, with what."""
    ticks = session.execute(select(DutyTick).where(DutyTick.campaign_id == campaign.id, DutyTick.node_id == node.id),
                            execution_options={"skip_scope": True}).scalars().all()
    done: dict[tuple[str, str, str], list[DutyTick]] = {}
    for t in ticks:
        done.setdefault((t.checklist, t.item, t.period), []).append(t)
    out = []
    for checklist in ctype.checklists:
        if checklist.level != node.level:
            continue
        first, last = checklist_window(session, campaign, checklist)
        for item in checklist.items:
            rows = []
            for period in periods(item, first, min(last, today)):
                made = sorted(done.get((checklist.key, item.key, period.key), []), key=lambda t: t.n)
                rows.append({"period": period.key, "label": period.label, "required": item.times,
                             "done": min(len(made), item.times),
                             "ticks": [tick_to_dict(t) for t in made]})
            out.append({"checklist": checklist.key, "checklist_title": checklist.title, "item": item.key,
                        "text": item.text, "recurrence": item.recurrence, "evidence_required": item.evidence,
                        "required": sum(r["required"] for r in rows), "done": sum(r["done"] for r in rows),
                        "periods": rows})
    return out


def find_item(ctype: CampaignType, checklist_key: str, item_key: str) -> tuple[ChecklistSpec, ChecklistItemSpec]:
    for checklist in ctype.checklists:
        if checklist.key == checklist_key:
            for item in checklist.items:
                if item.key == item_key:
                    return checklist, item
    raise BadRequest("该活动没有这一项任务")


@dataclass
class Evidence:
    filename: str
    content: bytes


def tick(session: Session, actor: Actor, ctype: CampaignType, campaign: Campaign, node: Node, checklist_key: str,
         item_key: str, done_on: dt.date, note: str, evidence: list[Evidence]) -> DutyTick:
    """Record a duty as done by ``node`` on ``done_on`` (the period is the one that day falls in)."""
    if campaign.status != "active":
        raise Conflict("该活动已结束,不能再登记")
    if not in_scope(session, campaign, node):
        raise Forbidden("该单位不在本次活动范围内")
    if not authorize(actor, node, "campaigns", "tick"):
        raise Forbidden("您不能为该单位登记活动任务")
    checklist, item = find_item(ctype, checklist_key, item_key)
    if checklist.level != node.level:
        raise BadRequest(f"这项任务由{checklist.level}层级完成,不属于该单位")
    first, last = checklist_window(session, campaign, checklist)
    if not first <= done_on <= last:
        raise BadRequest(f"这项任务的办理期间为{first}至{last}")
    if item.evidence and not evidence and not note.strip():
        raise BadRequest("这项任务需要上传佐证材料或填写说明")
    period = next(p for p in periods(item, first, last) if p.first <= done_on <= p.last)
    count = len(session.scalars(select(DutyTick.id).where(
        DutyTick.campaign_id == campaign.id, DutyTick.node_id == node.id, DutyTick.checklist == checklist.key,
        DutyTick.item == item.key, DutyTick.period == period.key)).all())
    if count >= item.times:
        raise Conflict(f"“{item.text}”在{period.label}已完成{item.times}次,无需重复登记")
    root = storage_root(session)
    files = [_store(root, e) for e in evidence]
    row = DutyTick(campaign_id=campaign.id, node_id=node.id, checklist=checklist.key, item=item.key,
                   period=period.key, n=count + 1, done_on=done_on, ticked_by_id=actor.user_id,
                   ticked_by=actor.display_name, note=note.strip(), evidence=files)
    return record_tick(session, campaign, row)


def record_tick(session: Session, campaign: Campaign, row: DutyTick) -> DutyTick:
    """Store a tick and fire ``xinfang_on_duty_ticked``, once, whoever ticks: the one way a
    tick is written (a clerk's, checked by ``tick``, or a plugin's automatic one)."""
    session.add(row)
    session.flush()
    plugins_of(session).hook.xinfang_on_duty_ticked(campaign=campaign, tick=row, session=session)
    return row


def store_evidence(session: Session, evidence: Evidence) -> dict[str, Any]:
    """Keep one uploaded file (a plugin's own evidence, e.g. a dossier's part): its name,
    SHA-256, size and stored path."""
    return _store(storage_root(session), evidence)


def _store(root: Path, evidence: Evidence) -> dict[str, Any]:
    """Evidence is kept once per content (the upload limit was applied when it was read)."""
    digest, relative = store_by_digest(root, "evidence", evidence.content)
    return {"filename": evidence.filename, "sha256": digest, "size": len(evidence.content), "path": relative}


# --- progress -----------------------------------------------------------------------------


def progress(session: Session, ctype: CampaignType, campaign: Campaign, root: Node, today: dt.date) -> dict:
    """``root`` and every node under it in the campaign's scope: required vs done, own and
    rolled up from the nodes below, with the items still behind."""
    nodes = [n for n in subtree(session, root) if in_scope(session, campaign, n)]
    by_parent: dict[int | None, list[Node]] = {}
    for n in nodes:
        by_parent.setdefault(n.parent_id, []).append(n)

    def walk(node: Node) -> dict:
        own = duties(session, ctype, campaign, node, today)
        required, done = sum(d["required"] for d in own), sum(d["done"] for d in own)
        children = [walk(c) for c in by_parent.get(node.id, []) if c.level != Level.DEPARTMENT]
        total_required = required + sum(c["total_required"] for c in children)
        total_done = done + sum(c["total_done"] for c in children)
        return {"node_id": node.id, "code": node.code, "name": node.name, "level": node.level,
                "required": required, "done": done, "total_required": total_required, "total_done": total_done,
                "rate": round(total_done / total_required, 4) if total_required else None,
                "behind": [{"item": d["item"], "text": d["text"], "missing": d["required"] - d["done"]}
                           for d in own if d["done"] < d["required"]],
                "children": children}

    if in_scope(session, campaign, root):
        return walk(root)
    # e.g. a county that enabled the campaign for two of its townships: roll those up
    ids = {n.id for n in nodes}
    tops = [walk(n) for n in nodes if n.parent_id not in ids and n.level != Level.DEPARTMENT]
    required, done = sum(t["total_required"] for t in tops), sum(t["total_done"] for t in tops)
    return {"node_id": root.id, "code": root.code, "name": root.name, "level": root.level, "required": 0,
            "done": 0, "total_required": required, "total_done": done,
            "rate": round(done / required, 4) if required else None, "behind": [], "children": tops}


def metrics(session: Session, ctype: CampaignType, campaign: Campaign, node: Node) -> list[dict]:
    """Each metric of the type for ``node``'s area against its target (``session``: one that
    reads the campaign's whole area, e.g. ``db.reading_as(Scope.system())``)."""
    out = []
    for metric in ctype.metrics:
        value, detail = metric.compute(session, campaign, node)
        out.append({"key": metric.key, "name": metric.name, "value": value, "target": metric.target,
                    "unit": metric.unit, "higher_is_better": metric.higher_is_better,
                    "met": metric.met(value, detail), "detail": detail})
    return out


# --- response bodies ----------------------------------------------------------------------


def to_dict(session: Session, campaign: Campaign, ctype: CampaignType | None, today: dt.date) -> dict:
    """A campaign as the API shows it: its type, scope and phases (which one is current)."""
    phases = session.scalars(select(CampaignPhase).where(CampaignPhase.campaign_id == campaign.id)
                             .order_by(CampaignPhase.starts_on)).all()
    return {"id": campaign.id, "type": campaign.type_key, "type_name": ctype.name if ctype else campaign.type_key,
            "title": campaign.title, "node_id": campaign.node_id, "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(), "status": campaign.status,
            "status_label": "进行中" if campaign.status == "active" else "已结束",
            "closed_on": campaign.closed_on.isoformat() if campaign.closed_on else None,
            "scope": [{"node_id": n.id, "code": n.code, "name": n.name} for n in scope_roots(session, campaign)],
            "phases": [{"key": p.key, "name": p.name, "starts_on": p.starts_on.isoformat(),
                        "ends_on": p.ends_on.isoformat(), "current": p.starts_on <= today <= p.ends_on}
                       for p in phases]}


def tick_to_dict(tick: DutyTick) -> dict:
    """A tick as the API shows it: who, when, and the evidence (never its storage path)."""
    return {"id": tick.id, "n": tick.n, "period": tick.period, "done_on": tick.done_on.isoformat(),
            "by": tick.ticked_by, "at": tick.ticked_at.isoformat(), "note": tick.note,
            "evidence": [{k: e[k] for k in ("filename", "sha256", "size")} for e in tick.evidence]}
