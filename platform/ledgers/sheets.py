"""Annexes 1 and 2 as spreadsheets: export in the annex's columns, import all rows or none.

Seed 001 names the annexes but does not print their columns; these are the columns the
issue and SPEC list for them (the unit, date found, parties, category, summary, risk,
responsible unit, leader and person, measures, the plan of 一案一策, deadline, progress,
status; for annex 2 the matter and its 五个一).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor
from xinfang.platform.ledgers import backlog, screening
from xinfang.platform.ledgers import vocabulary as v
from xinfang.platform.ledgers.models import ScreeningEntry
from xinfang.platform.matters.models import Matter
from xinfang.platform.spreadsheets.layouts import (
    Column,
    Layout,
    import_all,
    parse_date,
    parse_int,
    parse_many,
    parse_one,
)
from xinfang.platform.spreadsheets.places import Places
from xinfang.platform.spreadsheets.reading import Row
from xinfang.platform.spreadsheets.repeats import SeenRows
from xinfang.tenants.levels import Level
from xinfang.tenants.models import Node

SCREENING = Layout("矛盾纠纷排查化解清单", (
    Column("seq", "序号"),
    Column("node_name", "社区(网格)", ("社区(网格)", "社区", "网格", "所属单位", "排查单位")),
    Column("found_on", "排查时间", ("排查日期", "发现时间")),
    Column("party_name", "当事人", ("当事人姓名", "姓名")),
    Column("party_id_number", "身份证号", ("身份证号码",)),
    Column("party_phone", "联系电话", ("电话",)),
    Column("other_parties", "其他当事人"),
    Column("headcount", "涉及人数", ("人数",)),
    Column("category", "问题类别", ("矛盾纠纷类别", "类别")),
    Column("summary", "问题简要情况", ("简要情况", "基本情况")),
    Column("risk_labels", "可能引发的风险", ("风险",)),
    Column("responsible_unit", "责任单位", ("责任部门",)),
    Column("responsible_leader", "责任领导", ("包案领导",)),
    Column("responsible_person", "责任人", ("责任人员",)),
    Column("measures", "化解措施"),
    Column("plan", "化解方案(一案一策)", ("化解方案", "一案一策")),
    Column("deadline", "化解时限"),
    Column("progress", "进展情况", ("化解进展",)),
    Column("status_label", "化解状态", ("状态",)),
    Column("matter_number", "信访事项编号"),
), required=("found_on", "party_name", "category", "summary"), filename="screening-ledger")

BACKLOG = Layout("信访积案和突出问题化解清单", (
    Column("seq", "序号"),
    Column("node_name", "责任单位", ("单位", "所属单位")),
    Column("matter_number", "信访事项编号", ("事项编号",)),
    Column("petitioners", "信访人"),
    Column("category", "问题类别"),
    Column("summary", "问题简要情况"),
    Column("reason_labels", "列入原因"),
    Column("cause", "积案成因"),
    Column("leader", "包案领导", ("一个领导包案",)),
    Column("task_team", "工作专班", ("一个工作专班",)),
    Column("plan", "化解方案", ("一套化解方案",)),
    Column("minutes", "会议纪要", ("一份会议纪要",)),
    Column("stabilising", "稳控措施", ("一套稳控措施",)),
    Column("deadline", "化解时限"),
    Column("progress", "进展情况"),
    Column("status_label", "化解状态", ("状态",)),
), required=("matter_number", "reason_labels", "deadline"), filename="backlog-ledger")


def import_screening(session: Session, actor: Actor, target: Node, filename: str, data: bytes,
                     today: dt.date) -> int:
    places = Places(session, target, screening.SCREENED_LEVELS)
    seen = SeenRows()

    def check(row: Row) -> tuple[tuple[Node, screening.ScreeningIn] | None, list[str]]:
        cells, problems = row.values, []
        node = places.find(cells.get("node_name", ""), problems)
        found_on = parse_date(cells.get("found_on", ""), "排查时间", problems, required=True)
        deadline = parse_date(cells.get("deadline", ""), "化解时限", problems)
        headcount = parse_int(cells.get("headcount", ""), "涉及人数", problems, 1)
        risks, unknown = parse_many(v.RISKS, cells.get("risk_labels", ""))
        if unknown:
            problems.append(f"可能引发的风险“{'、'.join(unknown)}”应为:{'、'.join(v.RISKS.values())}")
        status = _status(cells, problems)
        if node is None or found_on is None or problems:
            return None, problems
        item = screening.ScreeningIn(
            node_id=node.id, found_on=found_on, party_name=cells.get("party_name", ""),
            category=cells.get("category", ""), summary=cells.get("summary", ""),
            party_id_number=cells.get("party_id_number", ""), party_phone=cells.get("party_phone", ""),
            other_parties=cells.get("other_parties", ""), headcount=headcount, risks=risks,
            responsible_unit=cells.get("responsible_unit", ""), responsible_leader=cells.get("responsible_leader", ""),
            responsible_person=cells.get("responsible_person", ""), measures=cells.get("measures", ""),
            plan=cells.get("plan", ""), deadline=deadline, progress=cells.get("progress", ""), status=status)
        problems += screening.problems(session, node, item, today)
        key = (node.id, found_on, item.party_name.strip(), item.summary.strip())
        seen.check(key, row.number, problems, lambda: session.scalar(select(ScreeningEntry.id).where(
            ScreeningEntry.node_id == node.id, ScreeningEntry.found_on == found_on,
            ScreeningEntry.party_name == key[2], ScreeningEntry.summary == key[3])) is not None,
            "清单中已有同一单位、同一日期、同一当事人的相同问题")
        return (node, item), problems

    return import_all(SCREENING, filename, data, check,
                      lambda pair: screening.add(session, actor, pair[0], pair[1], today))


def _status(cells: dict[str, str], problems: list[str]) -> str:
    """The 化解状态 column (empty: not yet resolved)."""
    status = parse_one(v.STATUSES, cells.get("status_label", "")) if cells.get("status_label") else "pending"
    if status is None:
        problems.append(f"化解状态应为:{'、'.join(v.STATUSES.values())}")
    return status or "pending"


def import_backlog(session: Session, actor: Actor, target: Node, filename: str, data: bytes, today: dt.date) -> int:
    places = Places(session, target, (Level.TOWNSHIP, Level.VILLAGE, Level.DEPARTMENT))
    seen: dict[str, int] = {}

    def check(row: Row) -> tuple[tuple[Node, Matter, backlog.BacklogIn] | None, list[str]]:
        cells, problems = row.values, []
        node = places.find(cells.get("node_name", ""), problems)
        number = cells.get("matter_number", "").strip()
        matter = session.scalar(select(Matter).where(Matter.number == number)) if number else None
        if not number:
            problems.append("缺少信访事项编号")
        elif matter is None:
            problems.append(f"信访事项“{number}”不存在或不在您的管辖范围内")
        elif number in seen:
            problems.append(f"信访事项与第{seen[number]}行重复")
        seen.setdefault(number, row.number)
        deadline = parse_date(cells.get("deadline", ""), "化解时限", problems, required=True)
        reasons, unknown = parse_many(v.BACKLOG_REASONS, cells.get("reason_labels", ""))
        if unknown:
            problems.append(f"列入原因“{'、'.join(unknown)}”应为:{'、'.join(v.BACKLOG_REASONS.values())}")
        status = _status(cells, problems)
        if node is None or matter is None or deadline is None or problems:
            return None, problems
        item = backlog.BacklogIn(matter_id=matter.id, deadline=deadline, node_id=node.id, reasons=reasons,
                                 cause=cells.get("cause", ""), leader=cells.get("leader", ""),
                                 task_team=cells.get("task_team", ""), plan=cells.get("plan", ""),
                                 minutes=cells.get("minutes", ""), stabilising=cells.get("stabilising", ""),
                                 progress=cells.get("progress", ""), status=status)
        problems += backlog.problems(session, item, today)
        return (node, matter, item), problems

    return import_all(BACKLOG, filename, data, check,
                      lambda t: backlog.add(session, actor, t[0], t[1], t[2], today))
