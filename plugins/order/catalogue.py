"""The county's catalogue of prohibited behaviours and its retention setting.

The catalogue is the county's (its rows sit at the county node), but every office of the
county records incidents against it, so it is read over the whole county, never wider."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinfang.platform.api import Actor, BadRequest, Conflict, Level, Node, Scope, ScopedSession
from xinfang.plugins.order.models import Behaviour, CountySettings
from xinfang.plugins.order.vocabulary import CLAUSE_SHORT, CLAUSES, DEFAULT_RETENTION_DAYS


def county_of(node: Node) -> int:
    return node.id if node.level == Level.COUNTY else int(node.county_id or 0)


def check_clause(clause: str) -> str:
    """A behaviour rests on Art. 26 item 一–六 or Art. 20, or it is not a behaviour the statute prohibits."""
    clause = (clause or "").strip()
    if not clause:
        raise BadRequest("每种行为都必须注明所依据的《信访工作条例》条款(第二十六条第一至六项或第二十条),"
                         "未注明条款的不能保存")
    if clause not in CLAUSES:
        raise BadRequest("依据条款只能是《信访工作条例》第二十六条第一至六项或第二十条:"
                         + "、".join(f"{k}({v})" for k, v in CLAUSE_SHORT.items()))
    return clause


def add_behaviour(db: Session, actor: Actor, county: Node, name: str, clause: str, description: str) -> Behaviour:
    if county.level != Level.COUNTY:
        raise BadRequest("行为目录由县级维护,请选择县")
    name = name.strip()
    if not name:
        raise BadRequest("请填写行为名称")
    clause = check_clause(clause)
    if db.scalar(select(Behaviour.id).where(Behaviour.node_id == county.id, Behaviour.name == name)) is not None:
        raise Conflict(f"行为目录中已有“{name}”")
    number = (db.scalar(select(func.max(Behaviour.number)).where(Behaviour.node_id == county.id)) or 0) + 1
    row = Behaviour(node_id=county.id, number=number, name=name, clause=clause, description=description.strip(),
                    created_by=actor.display_name or actor.username)
    db.add(row)
    db.flush()
    return row


def behaviours(session: Session, county_id: int) -> list[Behaviour]:
    """The county's catalogue (a route reads it under ``reading_as(Scope.system())``: every
    office of the county uses it, and it holds no personal data)."""
    return list(session.scalars(select(Behaviour).where(Behaviour.node_id == county_id)
                                .order_by(Behaviour.number, Behaviour.id)))


def county_behaviours(db: ScopedSession, county_id: int) -> list[Behaviour]:
    with db.reading_as(Scope.system()) as whole:
        return behaviours(whole, county_id)


def behaviour_to_dict(row: Behaviour) -> dict:
    return {"id": row.id, "number": row.number, "name": row.name, "description": row.description,
            "clause": row.clause, "clause_text": CLAUSES[row.clause], "clause_short": CLAUSE_SHORT[row.clause],
            "county_id": row.node_id}


def retention_days(session: Session, county_id: int) -> int:
    days = session.scalar(select(CountySettings.retention_days).where(CountySettings.node_id == county_id))
    return DEFAULT_RETENTION_DAYS if days is None else days


def set_retention(db: Session, actor: Actor, county: Node, days: int) -> CountySettings:
    if county.level != Level.COUNTY:
        raise BadRequest("保存期限由县级设置,请选择县")
    if days < 30:
        raise BadRequest("保存期限不能少于30天(异议复核需要时间)")
    row = db.scalar(select(CountySettings).where(CountySettings.node_id == county.id))
    if row is None:
        row = CountySettings(node_id=county.id, retention_days=days)
        db.add(row)
    row.retention_days, row.set_by = days, actor.display_name or actor.username
    db.flush()
    return row
