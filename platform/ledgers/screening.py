"""The screening ledger (矛盾纠纷排查化解清单, annex 1): one row per issue found.

``problems()`` checks an entry without writing anything, so the API and the spreadsheet
import share one set of rules (an import checks every row first and writes none if any
row is wrong).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor
from xinfang.platform.column_checks import too_long
from xinfang.platform.errors import BadRequest
from xinfang.platform.ledgers import changes as changes_
from xinfang.platform.ledgers import vocabulary as v
from xinfang.platform.ledgers.models import PARTY_FIELDS, ScreeningEntry
from xinfang.platform.matters.conversion import Options, Source, open_matter
from xinfang.platform.matters.models import Matter
from xinfang.platform.matters.rules import category_problems
from xinfang.platform.people.files import Party, party_problems, person_file
from xinfang.platform.privacy.fields import Viewer
from xinfang.platform.web.inputs import Bounded, Code, Count, Id, IdNumber, Line, LongText, Name, Note, Phone
from xinfang.tenants.levels import Level
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node

# The county's 信访局 screens too (seed 000: 县、乡、村、组四级 矛盾纠纷排查全覆盖).
SCREENED_LEVELS = (Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE, Level.GRID)
LABELS = {"party_name": "当事人姓名", "party_phone": "联系电话", "other_parties": "其他当事人", "category": "问题类别",
          "responsible_unit": "责任单位", "responsible_leader": "责任领导", "responsible_person": "责任人"}


@dataclasses.dataclass
class ScreeningIn(Bounded):
    node_id: Id
    found_on: dt.date
    party_name: Name
    category: Code
    summary: LongText
    party_id_number: IdNumber = ""
    party_phone: Phone = ""
    other_parties: Line = ""
    headcount: Count = 1
    risks: list[Code] = dataclasses.field(default_factory=list)
    responsible_unit: Line = ""
    responsible_leader: Name = ""
    responsible_person: Name = ""
    measures: Note = ""
    plan: Note = ""
    deadline: dt.date | None = None
    progress: Note = ""
    status: Code = "pending"


# Fields a later update may change (the party and the date found stay as recorded).
UPDATABLE = ("category", "summary", "other_parties", "headcount", "risks", "responsible_unit", "responsible_leader",
             "responsible_person", "measures", "plan", "deadline", "progress", "status")


def node_of(session: Session, node_id: int | None) -> Node:
    return get_or_404(session, Node, node_id, "单位")


def problems(session: Session, node: Node, data: ScreeningIn, today: dt.date) -> list[str]:
    found = party_problems(Party(data.party_name, data.party_id_number, data.party_phone))
    if node.level not in SCREENED_LEVELS:
        found.append("排查记录应登记在县（市、区）、乡镇（街道）、村（社区）或网格")
    found += _content_problems(session, node, data.category, data.summary, data.risks, data.headcount, data.status,
                               data.found_on, data.deadline)
    if data.found_on > today:
        found.append("排查日期不能晚于今天")
    found += too_long(ScreeningEntry, dataclasses.asdict(data), LABELS, skip=("party_id_number",))
    return found


def _content_problems(session: Session, node: Node, category: str, summary: str, risks: list[str], headcount: int,
                      status: str, found_on: dt.date, deadline: dt.date | None) -> list[str]:
    found = category_problems(session, node, category)
    if not summary.strip():
        found.append("问题简要情况不能为空")
    found += v.check_many(v.RISKS, risks, "可能引发的风险")
    if headcount < 1:
        found.append("涉及人数至少为1")
    if status not in v.STATUSES:
        found.append(f"化解状态应为:{'、'.join(v.STATUSES.values())}")
    if deadline is not None and deadline < found_on:
        found.append("化解时限不能早于排查日期")
    return found


def create(session: Session, actor: Actor, data: ScreeningIn, today: dt.date) -> ScreeningEntry:
    node = node_of(session, data.node_id)
    found = problems(session, node, data, today)
    if found:
        raise BadRequest(";".join(found), details=[{"message": p} for p in found])
    return add(session, actor, node, data, today)


def add(session: Session, actor: Actor, node: Node, data: ScreeningIn, today: dt.date) -> ScreeningEntry:
    """Write an entry already checked by ``problems()``."""
    party = Party(data.party_name, data.party_id_number, data.party_phone).cleaned()
    person = person_file(session, node.id, party)
    entry = ScreeningEntry(
        node_id=node.id, found_on=data.found_on, person_id=person.id if person else None, party_name=party.name,
        party_id_number=party.id_number, party_phone=party.phone, other_parties=data.other_parties.strip(),
        headcount=data.headcount, category=data.category, summary=data.summary.strip(), risks=list(data.risks),
        responsible_unit=data.responsible_unit.strip(), responsible_leader=data.responsible_leader.strip(),
        responsible_person=data.responsible_person.strip(), measures=data.measures.strip(), plan=data.plan.strip(),
        deadline=data.deadline, progress=data.progress.strip(), status=data.status, created_by=actor.username)
    return changes_.insert(session, entry, today)


def update(session: Session, entry: ScreeningEntry, changes: dict, today: dt.date) -> ScreeningEntry:
    changes_.refuse_unknown(changes, UPDATABLE)
    merged = {k: getattr(entry, k) for k in UPDATABLE} | changes
    node = node_of(session, entry.node_id)
    found = _content_problems(session, node, merged["category"], merged["summary"], merged["risks"],
                              merged["headcount"], merged["status"], entry.found_on, merged["deadline"])
    found += too_long(ScreeningEntry, changes, LABELS)
    if found:
        raise BadRequest(";".join(found), details=[{"message": p} for p in found])
    changes_.apply(entry, changes, today)
    session.flush()
    return entry


def to_matter(session: Session, actor: Actor, entry: ScreeningEntry, options: Options) -> Matter:
    """一步转为信访事项: register it and keep the link both ways."""
    matter = open_matter(session, actor, Source(
        kind="screening", id=entry.id, label="由矛盾纠纷排查化解清单转入", node_id=entry.node_id,
        received_on=entry.found_on, category=entry.category, summary=entry.summary,
        party=Party(entry.party_name, entry.party_id_number, entry.party_phone), headcount=entry.headcount,
        existing_matter_id=entry.matter_id), options)
    entry.matter_id = matter.id
    if entry.status == "pending":
        entry.status = "in_progress"
    session.flush()
    return matter


def is_overdue(entry: ScreeningEntry, today: dt.date) -> bool:
    return entry.status != "resolved" and entry.deadline is not None and entry.deadline < today


def to_dict(entry: ScreeningEntry, node_names: dict[int, str], today: dt.date,
            viewer: Viewer | None = None, matter_numbers: dict[int, str] | None = None) -> dict:
    row = {
        "id": entry.id, "node_id": entry.node_id, "node_name": node_names.get(entry.node_id, ""),
        "found_on": entry.found_on.isoformat(), "person_id": entry.person_id, "party_name": entry.party_name,
        "party_id_number": entry.party_id_number, "party_phone": entry.party_phone,
        "other_parties": entry.other_parties, "headcount": entry.headcount, "category": entry.category,
        "summary": entry.summary, "risks": list(entry.risks), "risk_labels": v.labels(v.RISKS, entry.risks),
        "responsible_unit": entry.responsible_unit, "responsible_leader": entry.responsible_leader,
        "responsible_person": entry.responsible_person, "measures": entry.measures, "plan": entry.plan,
        "deadline": entry.deadline.isoformat() if entry.deadline else None, "progress": entry.progress,
        "status": entry.status, "status_label": v.label(v.STATUSES, entry.status),
        "resolved_on": entry.resolved_on.isoformat() if entry.resolved_on else None,
        "overdue": is_overdue(entry, today), "matter_id": entry.matter_id,
        "matter_number": (matter_numbers or {}).get(entry.matter_id or 0),
        "created_by": entry.created_by, "created_at": entry.created_at.isoformat(),
    }
    return PARTY_FIELDS.redact(row, viewer or Viewer())
