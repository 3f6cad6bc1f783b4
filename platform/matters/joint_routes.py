"""Repeat links, leader ownership (包案) and joint handling (联办/联核/联复) over HTTP.

Each route answers with the matter's detail, as the lifecycle routes do.
"""

from __future__ import annotations

import dataclasses

from litestar import Request, delete, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody

from xinfang.platform import clock
from xinfang.platform.errors import BadRequest
from xinfang.platform.matters import joint, ownership, repeats, views
from xinfang.platform.matters.routes import get_matter
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Id, Line, LongText, Name, Note
from xinfang.tenants.scope import ScopedSession


@dataclasses.dataclass
class UnlinkBody:
    reason: Line


@delete("/api/matters/{matter_id:int}/repeat", opt={"permission": "matters:act"}, sync_to_thread=True,
        status_code=200, summary="撤销错误的重信重访关联(记入时间线和审计日志)")
def unlink_repeat(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id],
                  data: JSONBody[UnlinkBody]) -> dict:
    actor = current_actor(request)
    reason = data.reason.strip()
    if not reason:
        raise BadRequest("请填写撤销重信重访关联的理由")
    matter = repeats.unlink(db, actor, get_matter(db, matter_id), reason, clock.today())
    db.commit()
    return views.detail(db, actor, matter)


@dataclasses.dataclass
class OwnershipBody:
    leader_user_id: Id
    note: Note = ""


@put("/api/matters/{matter_id:int}/ownership", opt={"permission": "matters:act"}, sync_to_thread=True,
     summary="确定或更换包案领导(按本县设置落实四包或五包责任)")
def assign_ownership(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id],
                     data: JSONBody[OwnershipBody]) -> dict:
    actor = current_actor(request)
    matter = get_matter(db, matter_id)
    ownership.assign(db, actor, matter, data.leader_user_id, data.note, clock.today())
    db.commit()
    return views.detail(db, actor, matter)


@dataclasses.dataclass
class OwnershipItemBody:
    item: Name
    note: Note = ""
    evidence: Note = ""
    done: bool = True


@post("/api/matters/{matter_id:int}/ownership/items", opt={"permission": "matters:act"}, sync_to_thread=True,
      status_code=200, summary="包案领导落实包案责任清单中的一项(附说明和佐证材料)")
def tick_ownership_item(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id],
                        data: JSONBody[OwnershipItemBody]) -> dict:
    actor = current_actor(request)
    matter = get_matter(db, matter_id)
    ownership.tick(db, actor, matter, data.item, data.note, data.evidence, data.done, clock.today())
    db.commit()
    return views.detail(db, actor, matter)


@dataclasses.dataclass
class ContributionBody:
    contribution: LongText
    unit_id: Id | None = None


@post("/api/matters/{matter_id:int}/contributions", opt={"permission": "matters:act"}, sync_to_thread=True,
      status_code=200, summary="协办单位提交联办(联核、联复)意见,纳入牵头单位的联合答复")
def contribute(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id],
               data: JSONBody[ContributionBody]) -> dict:
    actor = current_actor(request)
    matter = get_matter(db, matter_id)
    joint.contribute(db, actor, matter, data.unit_id, data.contribution, clock.today())
    db.commit()
    return views.detail(db, actor, matter)


route_handlers = [unlink_repeat, assign_ownership, tick_ownership_item, contribute]
