"""The reception register (领导干部接待群众来访登记表, annex 3).

Each reception is recorded with what the leader decided and who handles it; it can open
a petition matter in one step. A hard matter the leader could not settle on the spot
goes to 包案 (seed 001: 确定包案领导,落实“四包”责任制) through the matter's ownership
(the county's 四包 by default, 五包 where the county chose it); the record names the leader.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor
from xinfang.platform.accounts.models import User
from xinfang.platform.column_checks import too_long
from xinfang.platform.errors import BadRequest, Conflict
from xinfang.platform.matters import ownership
from xinfang.platform.matters.conversion import Options, Source, open_matter
from xinfang.platform.matters.models import Matter
from xinfang.platform.matters.ownership import MatterOwnership
from xinfang.platform.matters.rules import category_problems, visit_problems
from xinfang.platform.people.files import Party, party_problems, person_file
from xinfang.platform.privacy.fields import Viewer
from xinfang.platform.reception.models import VISITOR_FIELDS, ReceptionRecord, RotaDuty
from xinfang.platform.reception.rota import ROTA_LEVELS
from xinfang.platform.web.inputs import Bounded, Code, Count, Id, IdNumber, Line, LongText, Name, Note, Phone
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node

STATUSES = {"resolved": "已化解", "handling": "已交办办理中", "ownership": "领导包案化解中"}


@dataclasses.dataclass
class ReceptionIn(Bounded):
    node_id: Id
    received_on: dt.date
    visitor_name: Name
    category: Code
    summary: LongText
    leader_name: Name = ""
    leader_position: Name = ""
    leader_user_id: Id | None = None
    duty_id: Id | None = None
    place: Line = ""
    visitor_id_number: IdNumber = ""
    visitor_phone: Phone = ""
    visitor_address: Line = ""
    headcount: Count = 1
    demands: LongText = ""
    decision: Note = ""
    assigned_unit: Line = ""
    result: Note = ""
    status: Code = "handling"
    # open a petition matter in the same step (申诉求决 by default)
    open_matter: bool = False
    matter_kind: Code = "claim"


LABELS = {"place": "接访地点", "leader_name": "接访领导", "leader_position": "职务", "visitor_name": "来访人姓名",
          "visitor_phone": "联系电话", "visitor_address": "住址", "assigned_unit": "交办单位"}
UPDATABLE = ("place", "category", "summary", "demands", "decision", "assigned_unit", "result", "status", "headcount")


def fill_from_duty(session: Session, data: ReceptionIn) -> RotaDuty | None:
    """A reception on a rota duty takes the leader, position and place from the duty."""
    if data.duty_id is None:
        return None
    duty = get_or_404(session, RotaDuty, data.duty_id, "接访安排")
    data.leader_name = data.leader_name or duty.leader_name
    data.leader_position = data.leader_position or duty.leader_position
    data.leader_user_id = data.leader_user_id or duty.leader_user_id
    data.place = data.place or duty.place
    return duty


def problems(session: Session, node: Node, data: ReceptionIn, today: dt.date, duty: RotaDuty | None = None) -> list[str]:
    found = party_problems(Party(data.visitor_name, data.visitor_id_number, data.visitor_phone, data.visitor_address),
                           "来访人")
    if node.level not in ROTA_LEVELS:
        found.append("接访登记应在县（市、区）、乡镇（街道）或村（社区）")
    if not data.leader_name.strip():
        found.append("接访领导姓名不能为空")
    if data.received_on > today:
        found.append("接访日期不能晚于今天")
    if duty is not None and (duty.on != data.received_on or duty.node_id != node.id):
        found.append("接访日期和单位应与所选接访安排一致")
    if data.leader_user_id is not None and session.get(User, data.leader_user_id) is None:
        found.append("所选领导的账号不存在或不在您的管辖范围内")
    found += visit_problems(session, node, data.category, data.summary, data.headcount)
    if data.status not in ("resolved", "handling"):
        found.append("登记时的办理状态应为:resolved(当场化解)或 handling(交办办理)")
    found += too_long(ReceptionRecord, dataclasses.asdict(data), LABELS, skip=("visitor_id_number",))
    return found


def create(session: Session, actor: Actor, data: ReceptionIn, today: dt.date) -> tuple[ReceptionRecord, Matter | None]:
    node = get_or_404(session, Node, data.node_id, "单位")
    duty = fill_from_duty(session, data)
    found = problems(session, node, data, today, duty)
    if found:
        raise BadRequest(";".join(found), details=[{"message": p} for p in found])
    record = add(session, actor, node, data)
    matter = to_matter(session, actor, record, Options(kind=data.matter_kind)) if data.open_matter else None
    return record, matter


def add(session: Session, actor: Actor, node: Node, data: ReceptionIn) -> ReceptionRecord:
    party = Party(data.visitor_name, data.visitor_id_number, data.visitor_phone, data.visitor_address).cleaned()
    person = person_file(session, node.id, party)
    record = ReceptionRecord(
        node_id=node.id, received_on=data.received_on, place=data.place.strip(), duty_id=data.duty_id,
        leader_user_id=data.leader_user_id, leader_name=data.leader_name.strip(),
        leader_position=data.leader_position.strip(), person_id=person.id if person else None,
        visitor_name=party.name, visitor_id_number=party.id_number, visitor_phone=party.phone,
        visitor_address=party.address, headcount=data.headcount, category=data.category,
        summary=data.summary.strip(), demands=data.demands.strip(), decision=data.decision.strip(),
        assigned_unit=data.assigned_unit.strip(), result=data.result.strip(), status=data.status,
        created_by=actor.username)
    session.add(record)
    session.flush()
    return record


def update(session: Session, record: ReceptionRecord, changes: dict[str, Any]) -> ReceptionRecord:
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise BadRequest(f"不能修改的字段:{'、'.join(sorted(unknown))}")
    status = changes.get("status", record.status)
    if status not in STATUSES:
        raise BadRequest(f"办理状态应为:{'、'.join(f'{k}({v})' for k, v in STATUSES.items())}")
    if status == "ownership" and record.status != "ownership":
        raise BadRequest("转领导包案请使用“包案”操作,并填写包案领导")
    if "summary" in changes and not str(changes["summary"]).strip():
        raise BadRequest("反映的问题不能为空")
    if "category" in changes:
        node = session.get(Node, record.node_id)
        if wrong := category_problems(session, node, changes["category"]):
            raise BadRequest(wrong[0])
    if changes.get("headcount", 1) < 1:
        raise BadRequest("来访人数至少为1")
    if problems := too_long(ReceptionRecord, changes, LABELS):
        raise BadRequest(";".join(problems))
    for key, value in changes.items():
        setattr(record, key, value.strip() if isinstance(value, str) and key != "status" else value)
    session.flush()
    return record


def to_matter(session: Session, actor: Actor, record: ReceptionRecord, options: Options) -> Matter:
    """一步登记为信访事项 (来访), linked both ways."""
    matter = open_matter(session, actor, Source(
        kind="reception", id=record.id, label="由领导接访登记转入", node_id=record.node_id,
        received_on=record.received_on, category=record.category, summary=record.summary, demands=record.demands,
        party=Party(record.visitor_name, record.visitor_id_number, record.visitor_phone, record.visitor_address),
        headcount=record.headcount, existing_matter_id=record.matter_id), options)
    record.matter_id = matter.id
    session.flush()
    return matter


def hand_to_ownership(session: Session, actor: Actor, record: ReceptionRecord, leader_user_id: int, note: str,
                      today: dt.date, options: Options) -> MatterOwnership:
    """确定包案领导 for a hard matter the leader could not settle on the spot.

    包案 belongs to the petition matter (``matters.ownership``: the county's 四包 or 五包
    checklist, ticked by the owning leader), so a reception not yet registered as a matter
    is registered first, in the same step."""
    if record.status == "resolved":
        raise Conflict("该来访已化解,无需领导包案")
    if record.matter_id is not None:
        matter = get_or_404(session, Matter, record.matter_id, "信访事项", message="该接访登记关联的信访事项不在您的管辖范围内")
    else:
        matter = to_matter(session, actor, record, options)
    owned = ownership.assign(session, actor, matter, leader_user_id, note, today)
    record.status, record.ownership_leader, record.ownership_on = "ownership", owned.leader_name, today
    session.flush()
    return owned


def ownership_views(session: Session, records: list[ReceptionRecord]) -> dict[int, dict]:
    """The matter's current 包案 (leader and checklist progress) for records handed to one."""
    ids = sorted({r.matter_id for r in records if r.matter_id and r.status == "ownership"})
    if not ids:
        return {}
    out = {}
    for matter in session.scalars(select(Matter).where(Matter.id.in_(ids))):
        found = ownership.view(session, matter)
        if found is not None:
            out[matter.id] = found
    return out


def to_dict(record: ReceptionRecord, node_names: dict[int, str], matter_numbers: dict[int, str],
            viewer: Viewer | None = None, owned: dict[int, dict] | None = None) -> dict:
    row = {
        "id": record.id, "node_id": record.node_id, "node_name": node_names.get(record.node_id, ""),
        "received_on": record.received_on.isoformat(), "place": record.place, "duty_id": record.duty_id,
        "leader_user_id": record.leader_user_id, "leader_name": record.leader_name,
        "leader_position": record.leader_position, "person_id": record.person_id,
        "visitor_name": record.visitor_name, "visitor_id_number": record.visitor_id_number,
        "visitor_phone": record.visitor_phone, "visitor_address": record.visitor_address,
        "headcount": record.headcount, "category": record.category, "summary": record.summary,
        "demands": record.demands, "decision": record.decision, "assigned_unit": record.assigned_unit,
        "result": record.result, "status": record.status, "status_label": STATUSES.get(record.status, record.status),
        "matter_id": record.matter_id, "matter_number": matter_numbers.get(record.matter_id or 0),
        "ownership_leader": record.ownership_leader,
        "ownership_on": record.ownership_on.isoformat() if record.ownership_on else None,
        "ownership": (owned or {}).get(record.matter_id or 0), "created_by": record.created_by,
        "created_at": record.created_at.isoformat(),
    }
    return VISITOR_FIELDS.redact(row, viewer or Viewer())
