"""督办 (seed 000: 应督尽督、督必有果、有责必究; seed 004: 立案督办、发函督办、现场督办):

an office (县信访局 or a 乡镇(街道) 信访办) issues an order over a matter or a unit below it,
with a due date and requirements → the handled unit reports back (text, optional file) →
the office records the result (督必有果). The office may suspend, resume or terminate an
order. An order still waiting for its first report after its due date is late; the periodic
scan tells the office once per due date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from xinfang.permissions.actor import Actor
from xinfang.platform.clock import CHINA
from xinfang.platform.errors import BadRequest, Conflict, Forbidden, NotFound
from xinfang.platform.files import store_by_digest
from xinfang.platform.jobs.periodic import PeriodicTask
from xinfang.platform.matters import timeline
from xinfang.platform.matters.models import Matter, MatterAccess, MatterUnit
from xinfang.platform.notifications.service import notify
from xinfang.platform.supervision.models import SupervisionOrder, SupervisionReport
from xinfang.platform.web.inputs import Bounded, Code, Id, Line, Note
from xinfang.tenants.levels import COLUMN, Level
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope

KINDS = {"case": "立案督办", "letter": "发函督办", "onsite": "现场督办", "special": "专项督办"}
STATUSES = {"open": "督办中", "reported": "已回报待办结", "closed": "已办结", "suspended": "已中止",
            "terminated": "已终止"}
OUTCOMES = {"done": "已落实", "partly": "部分落实", "failed": "未落实"}
OFFICE_LEVELS = (Level.COUNTY, Level.TOWNSHIP)
ACTIVE = ("open", "reported")
READ, WRITE, REPORT = "supervision:read", "supervision:write", "supervision:report"
_ALL = {"skip_scope": True}


@dataclasses.dataclass
class OrderIn(Bounded):
    kind: Code
    subject: Line
    requirements: Note
    due_on: dt.date
    matter_id: Id | None = None
    unit_id: Id | None = None  # required without a matter; with one, defaults to its handling unit
    office_id: Id | None = None  # needed only by someone who staffs more than one office
    issued_on: dt.date | None = None


@dataclasses.dataclass
class CloseIn(Bounded):
    outcome: Code
    result: Note
    accountability: Note = ""
    on: dt.date | None = None


@dataclasses.dataclass
class StepIn(Bounded):
    """Suspend or terminate (``reason`` required), resume (``due_on``: the new due date)."""

    reason: Note = ""
    due_on: dt.date | None = None
    on: dt.date | None = None


@dataclasses.dataclass
class Attachment:
    filename: str
    content: bytes


def _day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def node(session: Session, node_id: int) -> Node:
    return session.execute(select(Node).where(Node.id == node_id), execution_options=_ALL).scalar_one()


def _holds_at(actor: Actor, permission: str, node_id: int) -> bool:
    """A role granting ``permission`` held at this very node (not one above it): the office
    acts as itself, the unit reports as itself."""
    return any(a.node_id == node_id for a in actor.holding(permission))


def _office(session: Session, actor: Actor, office_id: int | None) -> Node:
    offices = sorted({a.node_id for a in actor.holding(WRITE) if a.node_id is not None})
    if office_id is None:
        if len(offices) != 1:
            raise BadRequest("您在多个单位任职,请用 office_id 指明以哪个单位的名义督办")
        office_id = offices[0]
    if office_id not in offices:
        raise Forbidden("只能以您任职的县信访部门或乡镇(街道)信访办的名义督办")
    office = node(session, office_id)
    if office.level not in OFFICE_LEVELS:
        raise BadRequest("督办由县(市、区)或乡镇(街道)信访工作机构发起")
    return office


def _below(office: Node, unit: Node) -> bool:
    return unit.id != office.id and unit.ancestry_with_self().get(COLUMN[Level(office.level)]) == office.id


def _handling_unit(session: Session, matter: Matter) -> int:
    lead = session.scalar(select(MatterUnit.unit_id).where(
        MatterUnit.matter_id == matter.id, MatterUnit.role == "lead",
        MatterUnit.status.not_in(("returned", "transferred"))))
    return lead or matter.node_id


def create(session: Session, actor: Actor, data: OrderIn, today: dt.date) -> SupervisionOrder:
    if data.kind not in KINDS:
        raise BadRequest(f"督办方式应为:{'、'.join(f'{k}({v})' for k, v in KINDS.items())}")
    problems = []
    if not data.subject.strip():
        problems.append("请填写督办事项")
    if not data.requirements.strip():
        problems.append("请填写督办要求")
    issued = data.issued_on or today
    if issued > today:
        problems.append("督办日期不能晚于今天")
    if data.due_on <= issued:
        problems.append("办理期限应晚于督办日期")
    if data.matter_id is None and data.unit_id is None:
        problems.append("请指明被督办的信访事项(matter_id)或单位(unit_id)")
    if problems:
        raise BadRequest(";".join(problems), details=[{"message": p} for p in problems])
    office = _office(session, actor, data.office_id)
    matter = None
    if data.matter_id is not None:
        matter = session.get(Matter, data.matter_id)
        if matter is None:
            raise NotFound("信访事项不存在或不在您的管辖范围内")
    unit_id = data.unit_id if data.unit_id is not None else _handling_unit(session, matter)
    unit = session.get(Node, unit_id)
    if unit is None:
        raise NotFound("被督办单位不存在或不在您的管辖范围内")
    if not _below(office, unit):
        raise BadRequest(f"只能督办{office.name}所辖的下级单位和部门" if unit.id != office.id else
                         "该事项由本单位自行办理,不能督办本单位;请指明被督办的下级单位(unit_id)")
    if matter is not None:
        handles = session.execute(select(MatterAccess.id).where(MatterAccess.subject_id == matter.id,
                                                                MatterAccess.node_id == unit.id),
                                  execution_options=_ALL).first()
        if handles is None:
            raise BadRequest(f"{unit.name}未承办该信访事项,不能就该事项对其督办")
    order = SupervisionOrder(node_id=unit.id, office_node_id=office.id, matter_id=matter.id if matter else None,
                             kind=data.kind, subject=data.subject.strip(), requirements=data.requirements.strip(),
                             issued_on=issued, due_on=data.due_on, status="open", issued_by=actor.display_name,
                             history=[_step("issue", KINDS[data.kind], issued, actor, data.requirements.strip())])
    session.add(order)
    session.flush()
    order.number = f"{office.code}-DB-{issued.year}-{order.id:05d}"
    if matter is not None:
        timeline.add(session, actor, matter, "supervision", KINDS[data.kind], issued, office.id,
                     f"{office.name}对{unit.name}{KINDS[data.kind]}(督办单 {order.number}),"
                     f"要求{_day(data.due_on)}前办理回报:{order.requirements}",
                     {"supervision_id": order.id, "number": order.number, "kind": order.kind,
                      "unit_id": unit.id, "due_on": data.due_on.isoformat()})
    notify(session, node_id=unit.id, kind="supervision", matter_id=order.matter_id,
           dedupe_key=f"supervision:{order.id}:issued", title=f"{KINDS[order.kind]}:{order.number}",
           text=f"{office.name}对本单位{KINDS[order.kind]}:{order.subject}。督办要求:{order.requirements}。"
                f"请于{_day(order.due_on)}前办理并回报。")
    session.flush()
    return order


def _step(action: str, label: str, on: dt.date, actor: Actor, note: str = "") -> dict:
    return {"action": action, "label": label, "on": on.isoformat(), "by": actor.display_name, "note": note}


def _effective(on: dt.date | None, order: SupervisionOrder, today: dt.date, what: str) -> dt.date:
    day = on or today
    if day > today or day < order.issued_on:
        raise BadRequest(f"{what}应在督办日期和今天之间")
    return day


def _as_office(actor: Actor, order: SupervisionOrder) -> None:
    if not _holds_at(actor, WRITE, order.office_node_id):
        raise Forbidden("只有发起督办的单位可以办结、中止、恢复或终止该督办")


def report(session: Session, actor: Actor, order: SupervisionOrder, text: str, on: dt.date | None,
           attachment: Attachment | None, storage_dir: Path, today: dt.date) -> SupervisionReport:
    """``attachment``: already read under the one upload limit (web.uploads.read_limited)."""
    """办理回报 by the handled unit; the office hears of it."""
    if not _holds_at(actor, REPORT, order.node_id):
        raise Forbidden("只有被督办单位的工作人员可以回报办理情况")
    if order.status not in ACTIVE:
        raise Conflict(f"该督办{STATUSES[order.status]},不能回报")
    if not text.strip():
        raise BadRequest("请填写办理情况")
    day = _effective(on, order, today, "回报日期")
    stored: dict = {}
    if attachment is not None:
        if not attachment.content:
            raise BadRequest("上传的附件是空文件")
        digest, relative = store_by_digest(storage_dir, "supervision", attachment.content)
        stored = {"filename": (attachment.filename or "附件")[-200:], "sha256": digest,
                  "size": len(attachment.content), "path": relative}
    row = SupervisionReport(node_id=order.node_id, order_id=order.id, reported_on=day, text=text.strip(),
                            attachment=stored, reported_by=actor.display_name)
    session.add(row)
    order.status = "reported"
    order.history = [*order.history, _step("report", "办理回报", day, actor, text.strip())]
    session.flush()
    unit = node(session, order.node_id)
    notify(session, node_id=order.office_node_id, kind="supervision_report", matter_id=order.matter_id,
           dedupe_key=f"supervision:{order.id}:report:{row.id}", title=f"督办回报:{order.number}",
           text=f"{unit.name}已回报{KINDS[order.kind]}“{order.subject}”的办理情况:{row.text}")
    return row


def close(session: Session, actor: Actor, order: SupervisionOrder, data: CloseIn, today: dt.date) -> SupervisionOrder:
    """督必有果: the office records what came of it, only after the unit has reported back."""
    _as_office(actor, order)
    if order.status != "reported":
        raise Conflict("被督办单位尚未回报办理情况,不能办结" if order.status == "open"
                       else f"该督办{STATUSES[order.status]},不能办结")
    if data.outcome not in OUTCOMES:
        raise BadRequest(f"督办结果应为:{'、'.join(f'{k}({v})' for k, v in OUTCOMES.items())}")
    if not data.result.strip():
        raise BadRequest("请填写督办结果")
    if data.outcome != "done" and not data.accountability.strip():
        raise BadRequest("督办事项未落实或部分落实的,请填写责任追究或后续措施(有责必究)")
    day = _effective(data.on, order, today, "办结日期")
    order.status, order.outcome, order.result = "closed", data.outcome, data.result.strip()
    order.accountability, order.ended_on = data.accountability.strip(), day
    order.history = [*order.history, _step("close", f"办结({OUTCOMES[data.outcome]})", day, actor,
                                           data.result.strip())]
    _on_matter(session, actor, order, "supervision_closed", "督办办结", day,
               f"督办单 {order.number} 办结:{OUTCOMES[data.outcome]}。{order.result}")
    session.flush()
    return order


def suspend(session: Session, actor: Actor, order: SupervisionOrder, data: StepIn, today: dt.date) -> SupervisionOrder:
    _as_office(actor, order)
    if order.status not in ACTIVE:
        raise Conflict(f"该督办{STATUSES[order.status]},不能中止")
    if not data.reason.strip():
        raise BadRequest("请填写中止督办的理由")
    day = _effective(data.on, order, today, "中止日期")
    order.status, order.suspended_on = "suspended", day
    order.history = [*order.history, _step("suspend", "中止督办", day, actor, data.reason.strip())]
    session.flush()
    return order


def resume(session: Session, actor: Actor, order: SupervisionOrder, data: StepIn, today: dt.date) -> SupervisionOrder:
    """Back to where it stood; the due date moves by the days it was suspended unless a new one is given."""
    _as_office(actor, order)
    if order.status != "suspended" or order.suspended_on is None:
        raise Conflict("只有已中止的督办可以恢复")
    day = _effective(data.on, order, today, "恢复日期")
    if day < order.suspended_on:
        raise BadRequest("恢复日期不能早于中止日期")
    if data.due_on is not None and data.due_on <= day:
        raise BadRequest("新的办理期限应晚于恢复日期")
    due = data.due_on or order.due_on + dt.timedelta(days=(day - order.suspended_on).days)
    reported = session.scalar(select(SupervisionReport.id).where(SupervisionReport.order_id == order.id).limit(1))
    order.status, order.suspended_on, order.due_on = ("reported" if reported else "open"), None, due
    order.history = [*order.history, _step("resume", "恢复督办", day, actor,
                                           f"办理期限为{_day(due)}" + (f";{data.reason.strip()}" if data.reason.strip()
                                                                      else ""))]
    session.flush()
    return order


def terminate(session: Session, actor: Actor, order: SupervisionOrder, data: StepIn,
              today: dt.date) -> SupervisionOrder:
    _as_office(actor, order)
    if order.status not in (*ACTIVE, "suspended"):
        raise Conflict(f"该督办{STATUSES[order.status]},不能终止")
    if not data.reason.strip():
        raise BadRequest("请填写终止督办的理由")
    day = _effective(data.on, order, today, "终止日期")
    order.status, order.ended_on, order.suspended_on = "terminated", day, None
    order.history = [*order.history, _step("terminate", "终止督办", day, actor, data.reason.strip())]
    _on_matter(session, actor, order, "supervision_terminated", "终止督办", day,
               f"督办单 {order.number} 终止:{data.reason.strip()}")
    session.flush()
    return order


def _on_matter(session: Session, actor: Actor, order: SupervisionOrder, action: str, label: str, on: dt.date,
               note: str) -> None:
    if order.matter_id is None:
        return
    matter = session.get(Matter, order.matter_id)
    if matter is not None:
        timeline.add(session, actor, matter, action, label, on, order.office_node_id, note,
                     {"supervision_id": order.id, "number": order.number})


def late_days(order: SupervisionOrder, today: dt.date) -> int:
    """Days past due while still waiting for the unit's first report (0: not late)."""
    return max((today - order.due_on).days, 0) if order.status == "open" else 0


def order_dict(order: SupervisionOrder, names: dict[int, str], matter_number: str | None, today: dt.date,
               reports: list[SupervisionReport] | None = None) -> dict:
    late = late_days(order, today)
    row = {"id": order.id, "number": order.number, "kind": order.kind, "kind_label": KINDS[order.kind],
           "office_id": order.office_node_id, "office_name": names.get(order.office_node_id, ""),
           "unit_id": order.node_id, "unit_name": names.get(order.node_id or 0, ""),
           "matter_id": order.matter_id, "matter_number": matter_number, "subject": order.subject,
           "requirements": order.requirements, "issued_on": order.issued_on.isoformat(),
           "due_on": order.due_on.isoformat(), "status": order.status, "status_label": STATUSES[order.status],
           "late": late > 0, "overdue_days": late, "outcome": order.outcome,
           "outcome_label": OUTCOMES.get(order.outcome, ""), "result": order.result,
           "accountability": order.accountability, "ended_on": order.ended_on.isoformat() if order.ended_on else None,
           "suspended_on": order.suspended_on.isoformat() if order.suspended_on else None,
           "issued_by": order.issued_by, "history": list(order.history), "title": f"{KINDS[order.kind]}通知"}
    if reports is not None:
        row["reports"] = [{"id": r.id, "reported_on": r.reported_on.isoformat(), "text": r.text,
                           "reported_by": r.reported_by,
                           "attachment": {k: r.attachment[k] for k in ("filename", "sha256", "size")}
                           if r.attachment else None} for r in reports]
    return row


def scan_late(session_factory: sessionmaker, today: dt.date) -> int:
    """Tell each office of its orders still unreported past their due date, once per due date."""
    told = 0
    with session_factory(scope=Scope.system()) as session:
        session.info["actor"] = {"id": None, "name": "督办期限检查", "address": ""}
        late = session.scalars(select(SupervisionOrder).where(SupervisionOrder.status == "open",
                                                              SupervisionOrder.due_on < today)
                               .order_by(SupervisionOrder.id)).all()
        for order in late:
            unit = node(session, order.node_id)
            notice = notify(session, node_id=order.office_node_id, kind="supervision_late", matter_id=order.matter_id,
                            dedupe_key=f"supervision:{order.id}:late:{order.due_on}", title=f"督办逾期:{order.number}",
                            text=f"{unit.name}未在{_day(order.due_on)}前回报{KINDS[order.kind]}“{order.subject}”"
                                 f"的办理情况,已逾期{(today - order.due_on).days}日。")
            told += notice is not None
        session.commit()
    return told


def run(session_factory: sessionmaker, now: dt.datetime) -> str:
    moment = now if now.tzinfo is not None else now.replace(tzinfo=dt.UTC)
    today = moment.astimezone(CHINA).date()
    return f"{today} 督办逾期提醒{scan_late(session_factory, today)}条"


TASK = PeriodicTask("supervision_late", dt.timedelta(hours=1), run)
