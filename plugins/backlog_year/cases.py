"""The 积案 of a campaign, step by step: candidates proposed from the data, confirmed, added
from screening or from above, removed with a reason; 六清楚; the class; 交办 (五包 包案 and
the 60-working-day clock); the leader's signed report; the 六有 dossier, its review and 销号.

Every function takes the route's scoped session (the caller's scope filters what it sees)
and writes through it, so the audit log records each change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from xinfang.platform.api import (
    COLUMN,
    OPEN_STATES,
    Actor,
    BadRequest,
    Campaign,
    CampaignPhase,
    Conflict,
    Forbidden,
    Level,
    Matter,
    MatterClock,
    MatterEvent,
    Node,
    authorize,
    campaign_matters,
    campaigns,
    clock,
    get_or_404,
    matter_clocks,
    matter_ownership,
)
from xinfang.plugins.backlog_year.models import BacklogCase, DossierFile, Settings
from xinfang.plugins.backlog_year.vocabulary import (
    CLASSES,
    CUTOFF,
    DOSSIER_DUE,
    SIX_CLEAR,
    SIX_HAVE,
    SOURCES,
)

CLOCK_KIND = "backlog"  # the core's clock rule: 60 working days from the 交办
MANAGE = ("campaigns", "tick")  # who works a 积案 at its node: the node's officers and leaders
MAX_CANDIDATES = 500


def within(model: Any, roots: list[Node]) -> Any:
    """Rows of ``model`` under any of the campaign's scope roots."""
    return or_(*(getattr(model, COLUMN[Level(r.level)]) == r.id for r in roots))


# --- settings ---------------------------------------------------------------------------------


def default_settings(campaign: Campaign) -> Settings:
    month, day = (int(p) for p in DOSSIER_DUE.split("-"))
    due = dt.date(campaign.starts_on.year, month, day)
    if not campaign.starts_on <= due <= campaign.ends_on:  # a late start: the dossiers are due at the end
        due = campaign.ends_on
    return Settings(campaign_id=campaign.id, node_id=campaign.node_id, cutoff=dt.date.fromisoformat(CUTOFF),
                    dossier_due_on=due)


def settings_of(session: Session, campaign: Campaign) -> Settings:
    found = session.scalar(select(Settings).where(Settings.campaign_id == campaign.id),
                           execution_options={"skip_scope": True})
    return found if found is not None else default_settings(campaign)


def set_settings(session: Session, actor: Actor, campaign: Campaign, cutoff: dt.date | None,
                 dossier_due_on: dt.date | None) -> Settings:
    owner = _node(session, campaign.node_id)
    if not authorize(actor, owner, "campaigns", "manage"):
        raise Forbidden("只有启用本活动的单位可以设置积案范围和建档时限")
    row = settings_of(session, campaign)
    if cutoff is not None:
        if cutoff >= campaign.starts_on:
            raise BadRequest("积案的发生截止日期应早于活动开始日期")
        row.cutoff = cutoff
    if dossier_due_on is not None:
        if not campaign.starts_on <= dossier_due_on <= campaign.ends_on:
            raise BadRequest(f"“六有”案卷报送时限应在活动期间({campaign.starts_on}至{campaign.ends_on})内")
        row.dossier_due_on = dossier_due_on
    session.add(row)
    session.flush()
    return row


# --- candidates and the ledger ---------------------------------------------------------------------


def candidates(session: Session, campaign: Campaign) -> list[dict]:
    """Open matters of the scope that look like 积案: the first petition of their chain arose on
    or before the cutoff, the same person still petitions (a repeat, the latest of its chain),
    and the matter is not on this campaign's ledger yet."""
    cutoff = settings_of(session, campaign).cutoff
    roots = campaigns.scope_roots(session, campaign)
    first = aliased(Matter)
    taken = select(BacklogCase.matter_id).where(BacklogCase.campaign_id == campaign.id)
    rows = session.execute(
        select(Matter, first.received_on).join(first, first.id == func.coalesce(Matter.repeat_of_id, Matter.id))
        .where(Matter.state.in_(OPEN_STATES), Matter.repeat_count >= 2, first.received_on <= cutoff,
               within(Matter, roots), Matter.id.not_in(taken))
        .order_by(first.received_on, Matter.repeat_count.desc(), Matter.id).limit(MAX_CANDIDATES)).all()
    latest: dict[int, tuple[Matter, dt.date]] = {}
    for matter, arose in rows:
        chain = matter.repeat_of_id or matter.id
        if chain not in latest or matter.repeat_count > latest[chain][0].repeat_count:
            latest[chain] = (matter, arose)
    names = {n.id: n.name for n in _nodes(session, {m.node_id for m, _ in latest.values()})}
    return [{"matter_id": m.id, "number": m.number, "node_id": m.node_id, "node_name": names.get(m.node_id, ""),
             "arose_on": arose.isoformat(), "repeat_count": m.repeat_count, "state": m.state,
             "category": m.category, "summary": m.summary[:120],
             "reasons": [f"{arose.isoformat()}发生(截止{cutoff.isoformat()})", f"第{m.repeat_count}次信访", "尚未息诉"]}
            for m, arose in latest.values()]


def _nodes(session: Session, ids: set[int]) -> list[Node]:
    return list(session.scalars(select(Node).where(Node.id.in_(ids)), execution_options={"skip_scope": True}))


def _node(session: Session, node_id: int) -> Node:
    return session.execute(select(Node).where(Node.id == node_id), execution_options={"skip_scope": True}).scalar_one()


def _require(actor: Actor, node: Node) -> None:
    if not authorize(actor, node, *MANAGE):
        raise Forbidden(f"您不能办理{node.name}的积案")


def _active(campaign: Campaign) -> None:
    if campaign.status != "active":
        raise Conflict("该活动已结束,不能再登记")


def confirm(session: Session, actor: Actor, campaign: Campaign, matter: Matter, source: str, note: str,
            today: dt.date) -> BacklogCase:
    """Put a matter on the campaign's 积案 ledger: a proposed candidate, one found in 排查, or
    one handed down from above (its 交办函 in ``note``)."""
    _active(campaign)
    if source not in SOURCES:
        raise BadRequest(f"积案来源应为:{'、'.join(SOURCES.values())}")
    if source == "above" and not note.strip():
        raise BadRequest("上级交办的积案请填写交办机关和文号")
    node = _node(session, matter.node_id)
    if not campaigns.in_scope(session, campaign, node):
        raise BadRequest(f"该信访事项属于{node.name},不在本次活动范围内")
    _require(actor, node)
    if matter.state not in OPEN_STATES:
        raise Conflict("该信访事项已办结或息诉,不属于积案")
    existing = session.scalar(select(BacklogCase).where(BacklogCase.campaign_id == campaign.id,
                                                        BacklogCase.matter_id == matter.id))
    if existing is not None and existing.status != "removed":
        raise Conflict(f"信访事项{matter.number}已列入本次活动的积案台账")
    if source == "proposed" and matter.id not in {c["matter_id"] for c in candidates(session, campaign)}:
        raise BadRequest("该信访事项不在系统提出的积案候选中,请注明是排查发现或上级交办")
    if existing is not None:  # confirmed again after a removal: the row keeps its history
        existing.status, existing.source, existing.source_note = "confirmed", source, note.strip()
        existing.confirmed_on, existing.confirmed_by = today, actor.display_name
        return existing
    case = BacklogCase(campaign_id=campaign.id, matter_id=matter.id, node_id=node.id, source=source,
                       source_note=note.strip(), confirmed_on=today, confirmed_by=actor.display_name, findings={})
    session.add(case)
    session.flush()
    return case


def remove(session: Session, actor: Actor, campaign: Campaign, case: BacklogCase, reason: str) -> BacklogCase:
    _active(campaign)
    _require(actor, _node(session, case.node_id))
    if not reason.strip():
        raise BadRequest("移出积案台账须说明理由")
    if case.status != "confirmed":
        raise Conflict("只有化解中的积案可以移出")
    if case.assigned_on is not None:
        raise Conflict("该积案已交办并开始计时,不能移出;请按期化解并销号")
    case.status, case.removed_reason = "removed", reason.strip()
    return case


def _open_case(session: Session, actor: Actor, campaign: Campaign, case: BacklogCase) -> Node:
    _active(campaign)
    node = _node(session, case.node_id)
    _require(actor, node)
    if case.status != "confirmed":
        raise Conflict("该积案已" + ("销号" if case.status == "closed" else "移出台账") + ",不能再修改")
    return node


# --- 六清楚, class ------------------------------------------------------------------------------------


def record_findings(session: Session, actor: Actor, campaign: Campaign, case: BacklogCase, given: dict[str, str],
                    today: dt.date) -> BacklogCase:
    """Write some of the 六清楚, each a finding in words (an empty text is refused, not a tick)."""
    _open_case(session, actor, campaign, case)
    unknown = set(given) - set(SIX_CLEAR)
    if unknown or not given:
        raise BadRequest(f"“六清楚”的项目为:{'、'.join(SIX_CLEAR.values())}")
    empty = [SIX_CLEAR[k] for k, text in given.items() if len(text.strip()) < 4]
    if empty:
        raise BadRequest(f"请写明查清的情况(不少于4个字):{'、'.join(empty)}")
    findings = dict(case.findings or {})
    for key, text in given.items():
        findings[key] = {"text": text.strip(), "by": actor.display_name, "on": today.isoformat()}
    case.findings = findings  # a new dict: the JSON column sees the change
    return case


def classify(session: Session, actor: Actor, campaign: Campaign, case: BacklogCase, class_key: str,
             note: str) -> BacklogCase:
    _open_case(session, actor, campaign, case)
    if class_key not in CLASSES:
        raise BadRequest(f"分类应为:{'、'.join(CLASSES.values())}")
    if not note.strip():
        raise BadRequest("请写明分类的依据和化解办法")
    case.class_key, case.class_note = class_key, note.strip()
    return case


# --- 交办: 五包 and the 60 working days ------------------------------------------------------------------


def assign(session: Session, actor: Actor, campaign: Campaign, case: BacklogCase, matter: Matter,
           leader_user_id: int, unit: str, on: dt.date) -> BacklogCase:
    """Hand the 积案 to its 包案 leader (五包, whatever the county's rule for other 包案) and its
    responsible unit; the 60 working days start on the official calendar."""
    _open_case(session, actor, campaign, case)
    if case.assigned_on is not None:
        raise Conflict(f"该积案已于{case.assigned_on}交办")
    if not unit.strip():
        raise BadRequest("请填写责任单位")
    if on > clock.today():
        raise BadRequest("交办日期不能晚于今天")
    if not campaign.starts_on <= on <= campaign.ends_on:
        raise BadRequest(f"交办日期应在活动期间({campaign.starts_on}至{campaign.ends_on})内")
    current = matter_ownership.current(session, matter)
    if current is None or current.leader_user_id != leader_user_id or current.checklist != "five":
        matter_ownership.assign(session, actor, matter, leader_user_id,
                                f"信访积案化解年交办,由包案领导落实“五包”责任(责任单位:{unit.strip()})", on,
                                checklist="five")
    started = matter_clocks.start_counted(session, matter, CLOCK_KIND, case.node_id, on)
    case.assigned_on, case.responsible_unit, case.due_on = on, unit.strip(), started.due_on
    return case


def clock_of(session: Session, case: BacklogCase) -> MatterClock | None:
    if case.assigned_on is None:
        return None
    return session.scalar(select(MatterClock).where(MatterClock.matter_id == case.matter_id,
                                                    MatterClock.kind == CLOCK_KIND,
                                                    MatterClock.started_on == case.assigned_on)
                          .order_by(MatterClock.id.desc()).limit(1), execution_options={"skip_scope": True})


def overdue(case: BacklogCase, today: dt.date) -> bool:
    """Past its 60th working day and not 销号 by then."""
    if case.due_on is None or case.status == "removed":
        return False
    end = case.closed_on if case.closed_on is not None else today
    return end > case.due_on


# --- the report, the dossier, review and 销号 ------------------------------------------------------------


def sign_report(session: Session, actor: Actor, campaign: Campaign, case: BacklogCase, matter: Matter, text: str,
                today: dt.date) -> BacklogCase:
    """The 查办报告 signed in the app by the 包案 leader himself (a scan may be filed as well)."""
    _active(campaign)
    if case.status != "confirmed":
        raise Conflict("该积案已销号或移出台账")
    owner = matter_ownership.current(session, matter)
    if owner is None:
        raise Conflict("该积案尚未确定包案领导")
    if actor.user_id != owner.leader_user_id:
        raise Forbidden("查办报告须由包案领导本人签字")
    if len(text.strip()) < 10:
        raise BadRequest("请填写查办报告(查明的事实、处理意见和化解结果,不少于10个字)")
    case.report, case.report_signed_by_id = text.strip(), actor.user_id
    case.report_signed_by, case.report_signed_on = actor.display_name, today
    case.reviewed_on, case.reviewed_by, case.review_note = None, "", ""  # a new report needs a new review
    return case


def add_file(session: Session, actor: Actor, campaign: Campaign, case: BacklogCase, part: str,
             stored: list[dict[str, Any]], note: str, today: dt.date) -> list[DossierFile]:
    _open_case(session, actor, campaign, case)
    if part not in SIX_HAVE:
        raise BadRequest(f"“六有”案卷的部分应为:{'、'.join(SIX_HAVE.values())}")
    if not stored:
        raise BadRequest("请选择要归档的文件")
    rows = [DossierFile(case_id=case.id, node_id=case.node_id, part=part, filename=s["filename"][:200],
                        sha256=s["sha256"], size=s["size"], path=s["path"], note=note.strip(),
                        added_by=actor.display_name, added_on=today) for s in stored]
    session.add_all(rows)
    session.flush()
    return rows


def files_of(session: Session, case_ids: list[int]) -> dict[int, list[DossierFile]]:
    out: dict[int, list[DossierFile]] = {}
    if case_ids:
        for row in session.scalars(select(DossierFile).where(DossierFile.case_id.in_(case_ids))
                                   .order_by(DossierFile.id)):
            out.setdefault(row.case_id, []).append(row)
    return out


def dossier(session: Session, case: BacklogCase, matter: Matter, files: list[DossierFile],
            nine: dict | None = None) -> list[dict]:
    """The six parts of the 六有 dossier: what the records give, the files filed, and whether
    the part is complete (and if not, what it lacks)."""
    owner = matter_ownership.current(session, matter)
    by_part: dict[str, list[DossierFile]] = {}
    for f in files:
        by_part.setdefault(f.part, []).append(f)
    missing_clear = [SIX_CLEAR[k] for k in SIX_CLEAR if k not in (case.findings or {})]
    nine_done = {i["item"] for i in (nine or {}).get("items", []) if i["done"]}
    has = {
        "case": (not missing_clear, "“六清楚”尚未全部查清:" + "、".join(missing_clear)),
        "assignment": (case.assigned_on is not None, "尚未交办"),
        "leader_doc": (owner is not None and case.responsible_unit != "", "尚未确定包案领导和责任单位"),
        "report": (case.report_signed_on is not None, "缺少包案领导签字的查办报告"),
        "reply": (bool(by_part.get("reply")), "缺少答复信访人的书面材料和回访材料"),
        "stabilising": (bool(by_part.get("stabilising")) or "stabilising" in nine_done, "缺少稳控措施材料"),
    }
    return [{"part": key, "title": title, "complete": has[key][0], "lacks": "" if has[key][0] else has[key][1],
             "files": [file_to_dict(f) for f in by_part.get(key, [])]} for key, title in SIX_HAVE.items()]


def file_to_dict(row: DossierFile) -> dict:
    return {"id": row.id, "part": row.part, "filename": row.filename, "sha256": row.sha256, "size": row.size,
            "note": row.note, "added_by": row.added_by, "added_on": row.added_on.isoformat()}


def review(session: Session, actor: Actor, campaign: Campaign, case: BacklogCase, matter: Matter, note: str,
           today: dt.date, nine: dict) -> BacklogCase:
    """The township/county 信访办 reviews the complete dossier (审理把关) before 销号."""
    node = _open_case(session, actor, campaign, case)
    if not authorize(actor, node, "matters", "assign"):
        raise Forbidden("案卷由乡镇(街道)或县信访办审理")
    lacking = [p for p in dossier(session, case, matter, files_of(session, [case.id]).get(case.id, []), nine)
               if not p["complete"]]
    if lacking:
        raise Conflict("“六有”案卷不完整,不能审理:" + ";".join(f"{p['title']}({p['lacks']})" for p in lacking))
    case.reviewed_on, case.reviewed_by, case.review_note = today, actor.display_name, note.strip()
    return case


def close(session: Session, actor: Actor, campaign: Campaign, case: BacklogCase, matter: Matter, on: dt.date,
          nine: dict) -> BacklogCase:
    """结案销号: only with a complete 六有 dossier that the 信访办 has reviewed. Stops the 60-day clock."""
    _open_case(session, actor, campaign, case)
    lacking = [p for p in dossier(session, case, matter, files_of(session, [case.id]).get(case.id, []), nine)
               if not p["complete"]]
    if lacking:
        raise Conflict("“六有”案卷不完整,不能销号:" + ";".join(f"{p['title']}({p['lacks']})" for p in lacking))
    if case.reviewed_on is None:
        raise Conflict("案卷尚未经信访办审理,不能销号")
    if on < case.reviewed_on:
        raise BadRequest("销号日期不能早于审理日期")
    case.status, case.closed_on, case.closed_by = "closed", on, actor.display_name
    running = clock_of(session, case)
    if running is not None and running.stopped_on is None:
        matter_clocks.stop_counted(session, matter, running, on)
    session.add(MatterEvent(matter_id=matter.id, on=on, actor_id=actor.user_id, actor_name=actor.display_name,
                            node_id=case.node_id, action="backlog_closed", label="信访积案结案销号",
                            from_state=None, to_state=None, note=case.review_note, data={"case_id": case.id}))
    return case


# --- reading ------------------------------------------------------------------------------------------------


def nine_ones(session: Session, ctype: Any, campaign: Campaign, matter: Matter) -> dict:
    return campaign_matters.matter_duties(session, ctype, campaign, matter)


def phase_of(phases: list[CampaignPhase], day: dt.date | None) -> str | None:
    if day is None:
        return None
    return next((p.key for p in phases if p.starts_on <= day <= p.ends_on), None)


def to_dict(session: Session, case: BacklogCase, matter: Matter, today: dt.date, *,
            files: list[DossierFile] | None = None, nine: dict | None = None, hide_notes: bool = False) -> dict:
    """A 积案 as the API and pages show it; with ``files``/``nine`` its dossier too."""
    running = clock_of(session, case)
    out: dict[str, Any] = {
        "id": case.id, "campaign_id": case.campaign_id, "matter_id": case.matter_id, "number": matter.number,
        "node_id": case.node_id, "category": matter.category, "summary": "" if hide_notes else matter.summary,
        "received_on": matter.received_on.isoformat(), "repeat_count": matter.repeat_count,
        "source": case.source, "source_label": SOURCES[case.source], "source_note": case.source_note,
        "status": case.status, "confirmed_on": case.confirmed_on.isoformat(), "confirmed_by": case.confirmed_by,
        "removed_reason": case.removed_reason,
        "findings": [{"key": k, "title": t, **(case.findings or {}).get(k, {"text": "", "by": "", "on": None})}
                     for k, t in SIX_CLEAR.items()],
        "findings_done": sum(k in (case.findings or {}) for k in SIX_CLEAR),
        "class_key": case.class_key, "class_label": CLASSES.get(case.class_key or "", ""),
        "class_note": case.class_note, "assigned_on": case.assigned_on.isoformat() if case.assigned_on else None,
        "responsible_unit": case.responsible_unit, "due_on": case.due_on.isoformat() if case.due_on else None,
        "overdue": overdue(case, today), "clock": matter_clocks.to_dict(running) if running else None,
        "ownership": matter_ownership.view(session, matter, hide_notes=hide_notes),
        "report": "" if hide_notes else case.report, "report_signed_by": case.report_signed_by,
        "report_signed_on": case.report_signed_on.isoformat() if case.report_signed_on else None,
        "reviewed_by": case.reviewed_by, "reviewed_on": case.reviewed_on.isoformat() if case.reviewed_on else None,
        "review_note": case.review_note, "closed_on": case.closed_on.isoformat() if case.closed_on else None,
        "closed_by": case.closed_by,
    }
    if files is not None:
        parts = dossier(session, case, matter, files, nine)
        out["dossier"] = parts
        out["dossier_complete"] = all(p["complete"] for p in parts)
    if nine is not None:
        out["nine_ones"] = nine
    return out


def ledger(session: Session, campaign: Campaign) -> list[tuple[BacklogCase, Matter]]:
    """The campaign's 积案 the session's scope sees, oldest matter first."""
    return list(session.execute(
        select(BacklogCase, Matter).join(Matter, Matter.id == BacklogCase.matter_id)
        .where(BacklogCase.campaign_id == campaign.id)
        .order_by(Matter.received_on, BacklogCase.id)).all())


def taken_on(session: Session, campaign: Campaign) -> dict[int, int]:
    """matter id → node, for the core's per-matter checklist (九个一): the 积案 not removed."""
    rows = session.execute(select(BacklogCase.matter_id, BacklogCase.node_id).where(
        BacklogCase.campaign_id == campaign.id, BacklogCase.status != "removed"),
        execution_options={"skip_scope": True}).all()
    return {m: n for m, n in rows}


def get_case(session: Session, campaign: Campaign, case_id: int) -> BacklogCase:
    return get_or_404(session, BacklogCase, case_id, "积案", accept=lambda c: c.campaign_id == campaign.id)
