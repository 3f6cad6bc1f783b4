"""Annexes 3 and 4 as spreadsheets: export in the annex's columns, import all rows or none.

Annex 4's columns follow what seed 001 says the notice must carry: the leader's name,
position and duties, the time and the place of reception. Annex 3's follow the SPEC's
list for the register: leader, date, place, visitors, matter, decision, unit, result.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor
from xinfang.platform.reception import register, rota
from xinfang.platform.reception.models import ReceptionRecord, RotaDuty
from xinfang.platform.spreadsheets.layouts import Column, Layout, import_all, parse_date, parse_int, parse_one
from xinfang.platform.spreadsheets.places import Places
from xinfang.platform.spreadsheets.reading import Row
from xinfang.platform.spreadsheets.repeats import SeenRows
from xinfang.tenants.models import Node

ROTA = Layout("领导接访安排表", (
    Column("seq", "序号"),
    Column("node_name", "接访单位", ("单位",)),
    Column("on", "接访时间", ("接访日期", "日期")),
    Column("weekday", "星期"),
    Column("slot_label", "时段"),
    Column("leader_name", "姓名", ("接访领导", "领导姓名")),
    Column("leader_position", "职务"),
    Column("duties", "分管工作"),
    Column("place", "接访地点", ("地点",)),
    Column("leader_kind_label", "领导类别"),
    Column("note", "备注"),
), required=("on", "leader_name", "place"), filename="reception-rota")

REGISTER = Layout("领导干部接待群众来访登记表", (
    Column("seq", "序号"),
    Column("node_name", "接访单位", ("单位",)),
    Column("received_on", "接访日期", ("日期", "来访日期")),
    Column("place", "接访地点", ("地点",)),
    Column("leader_name", "接访领导"),
    Column("leader_position", "职务"),
    Column("visitor_name", "来访人姓名", ("来访人", "姓名")),
    Column("visitor_id_number", "身份证号", ("身份证号码",)),
    Column("visitor_phone", "联系电话", ("电话",)),
    Column("visitor_address", "住址", ("家庭住址",)),
    Column("headcount", "来访人数", ("人数",)),
    Column("category", "问题类别", ("类别",)),
    Column("summary", "反映问题", ("反映的问题", "来访事由")),
    Column("demands", "诉求", ("主要诉求",)),
    Column("decision", "领导处理意见", ("处理意见", "领导批示")),
    Column("assigned_unit", "交办单位", ("承办单位",)),
    Column("result", "办理结果"),
    Column("status_label", "办理状态", ("状态",)),
    Column("matter_number", "信访事项编号"),
    Column("ownership_leader", "包案领导"),
), required=("received_on", "leader_name", "visitor_name", "category", "summary"), filename="reception-register")


def import_rota(session: Session, actor: Actor, target: Node, filename: str, data: bytes) -> int:
    places = Places(session, target, rota.ROTA_LEVELS)

    def check(row: Row) -> tuple[tuple[Node, rota.DutyIn] | None, list[str]]:
        cells, problems = row.values, []
        node = places.find(cells.get("node_name", ""), problems)
        on = parse_date(cells.get("on", ""), "接访时间", problems, required=True)
        slot = parse_one(rota.SLOTS, cells.get("slot_label", "")) if cells.get("slot_label") else "day"
        if slot is None:
            problems.append(f"时段应为:{'、'.join(rota.SLOTS.values())}")
        kind = (parse_one(rota.LEADER_KINDS, cells.get("leader_kind_label", ""))
                if cells.get("leader_kind_label") else "leader")
        if kind is None:
            problems.append(f"领导类别应为:{'、'.join(rota.LEADER_KINDS.values())}")
        if node is None or on is None or problems:
            return None, problems
        item = rota.DutyIn(node_id=node.id, on=on, leader_name=cells.get("leader_name", ""),
                           place=cells.get("place", ""), slot=slot, leader_position=cells.get("leader_position", ""),
                           duties=cells.get("duties", ""), leader_kind=kind, note=cells.get("note", ""))
        problems += rota.duty_problems(session, node, item)
        if session.scalar(select(RotaDuty.id).where(RotaDuty.node_id == node.id, RotaDuty.on == on,
                                                    RotaDuty.slot == slot,
                                                    RotaDuty.leader_name == item.leader_name.strip())) is not None:
            problems.append("该领导在该时段已有接访安排")
        return (node, item), problems

    return import_all(ROTA, filename, data, check, lambda pair: rota.add_duty(session, actor, pair[0], pair[1]))


def import_register(session: Session, actor: Actor, target: Node, filename: str, data: bytes,
                    today: dt.date) -> int:
    places = Places(session, target, rota.ROTA_LEVELS)
    seen = SeenRows()

    def check(row: Row) -> tuple[tuple[Node, register.ReceptionIn] | None, list[str]]:
        cells, problems = row.values, []
        node = places.find(cells.get("node_name", ""), problems)
        received_on = parse_date(cells.get("received_on", ""), "接访日期", problems, required=True)
        headcount = parse_int(cells.get("headcount", ""), "来访人数", problems, 1)
        status = parse_one(register.STATUSES, cells.get("status_label", "")) if cells.get("status_label") else "handling"
        if status not in ("resolved", "handling"):
            problems.append("办理状态应为:已化解、已交办办理中(领导包案请导入后在系统中办理)")
        if node is None or received_on is None or problems:
            return None, problems
        item = register.ReceptionIn(
            node_id=node.id, received_on=received_on, visitor_name=cells.get("visitor_name", ""),
            category=cells.get("category", ""), summary=cells.get("summary", ""),
            leader_name=cells.get("leader_name", ""), leader_position=cells.get("leader_position", ""),
            place=cells.get("place", ""), visitor_id_number=cells.get("visitor_id_number", ""),
            visitor_phone=cells.get("visitor_phone", ""), visitor_address=cells.get("visitor_address", ""),
            headcount=headcount, demands=cells.get("demands", ""), decision=cells.get("decision", ""),
            assigned_unit=cells.get("assigned_unit", ""), result=cells.get("result", ""), status=status)
        problems += register.problems(session, node, item, today)
        key = (node.id, received_on, item.visitor_name.strip(), item.summary.strip())
        seen.check(key, row.number, problems, lambda: session.scalar(select(ReceptionRecord.id).where(
            ReceptionRecord.node_id == node.id, ReceptionRecord.received_on == received_on,
            ReceptionRecord.visitor_name == key[2], ReceptionRecord.summary == key[3])) is not None,
            "登记表中已有同一单位、同一日期、同一来访人的相同问题")
        return (node, item), problems

    return import_all(REGISTER, filename, data, check, lambda pair: register.add(session, actor, pair[0], pair[1]))
