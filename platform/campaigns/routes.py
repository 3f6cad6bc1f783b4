"""Campaigns over HTTP: types, enabling, phases, duties, ticks with evidence, progress, metrics."""

from __future__ import annotations

import dataclasses
import datetime as dt

from litestar import Request, get, patch, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody
from sqlalchemy import select

from xinfang.permissions.actor import authorize
from xinfang.platform import clock
from xinfang.platform.campaigns import matter_duties, service
from xinfang.platform.campaigns.models import Campaign
from xinfang.platform.campaigns.registry import campaign_type, campaign_types, describe
from xinfang.platform.errors import BadRequest, Forbidden
from xinfang.platform.matters.routes import get_matter
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Bounded, Code, Id, Line, Name, Note, OptionalId, PageNumber, PerPage
from xinfang.platform.web.paging import Page, page_of
from xinfang.platform.web.uploads import read_limited
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope, ScopedSession


def get_campaign(db: ScopedSession, campaign_id: int) -> Campaign:
    return get_or_404(db, Campaign, campaign_id, "专项活动", message="专项活动不存在或不在您的范围内")


def _node(db: ScopedSession, node_id: int | None, request: Request) -> Node:
    if node_id is None:
        node_id = current_actor(request).home_node_id or None
    return get_or_404(db, Node, node_id, "节点")


def _summary(db: ScopedSession, campaign: Campaign, request: Request) -> dict:
    ctype = campaign_types(request.app.state.plugins).get(campaign.type_key)
    return service.to_dict(db, campaign, ctype, clock.today())


@get("/api/campaign-types", opt={"permission": "campaigns:read"}, sync_to_thread=False, summary="可启用的专项活动类型")
def list_types(request: Request) -> list[dict]:
    return [describe(t) for t in campaign_types(request.app.state.plugins).values()]


@dataclasses.dataclass
class PhaseDates(Bounded):
    starts_on: dt.date
    ends_on: dt.date


@dataclasses.dataclass
class EnableBody(Bounded):
    type: Code
    title: Line
    scope_node_ids: list[Id]
    starts_on: dt.date
    ends_on: dt.date | None = None
    phases: dict[str, PhaseDates] = dataclasses.field(default_factory=dict)


@post("/api/campaigns", opt={"permission": "campaigns:manage"}, sync_to_thread=True, summary="启用专项活动")
def enable(request: Request, db: NamedDependency[ScopedSession], data: JSONBody[EnableBody]) -> dict:
    actor = current_actor(request)
    ctype = campaign_type(request.app.state.plugins, data.type)
    unknown = set(data.phases) - {p.key for p in ctype.phases}
    if unknown:
        raise BadRequest(f"该活动没有这些阶段:{'、'.join(sorted(unknown))}")
    campaign = service.enable(db, actor, ctype, data.title, data.scope_node_ids, data.starts_on, data.ends_on,
                              {k: (v.starts_on, v.ends_on) for k, v in data.phases.items()})
    db.commit()
    return _summary(db, campaign, request)


@get("/api/campaigns", opt={"permission": "campaigns:read"}, sync_to_thread=True, summary="专项活动列表")
def list_campaigns(request: Request, db: NamedDependency[ScopedSession], active: FromQuery[bool | None] = None,
                   page: FromQuery[PageNumber] = 1, per_page: FromQuery[PerPage] = 50) -> Page:
    query = select(Campaign).order_by(Campaign.starts_on.desc(), Campaign.id.desc())
    if active is not None:
        query = query.where(Campaign.status == ("active" if active else "closed"))
    return page_of(db, query, page, per_page, lambda c: _summary(db, c, request))


@get("/api/campaigns/{campaign_id:int}", opt={"permission": "campaigns:read"}, sync_to_thread=True,
     summary="专项活动详情")
def read_campaign(request: Request, db: NamedDependency[ScopedSession], campaign_id: FromPath[Id]) -> dict:
    campaign = get_campaign(db, campaign_id)
    ctype = campaign_type(request.app.state.plugins, campaign.type_key)
    return {**_summary(db, campaign, request), "definition": describe(ctype)}


def manage_check(request: Request, db: ScopedSession, campaign: Campaign) -> None:
    owner = db.execute(select(Node).where(Node.id == campaign.node_id),
                       execution_options={"skip_scope": True}).scalar_one()
    if not authorize(current_actor(request), owner, "campaigns", "manage"):
        raise Forbidden("只有启用该活动的单位可以调整或结束活动")


@patch("/api/campaigns/{campaign_id:int}/phases", opt={"permission": "campaigns:manage"}, sync_to_thread=True,
       summary="调整阶段日期")
def move_phases(request: Request, db: NamedDependency[ScopedSession], campaign_id: FromPath[Id],
                data: JSONBody[dict[str, PhaseDates]]) -> dict:
    campaign = get_campaign(db, campaign_id)
    manage_check(request, db, campaign)
    service.move_phases(db, campaign, {k: (v.starts_on, v.ends_on) for k, v in data.items()})
    db.commit()
    return _summary(db, campaign, request)


@dataclasses.dataclass
class CloseBody(Bounded):
    note: Note = ""
    on: dt.date | None = None


@post("/api/campaigns/{campaign_id:int}/close", opt={"permission": "campaigns:manage"}, sync_to_thread=True,
      summary="提前结束活动", status_code=200)
def close(request: Request, db: NamedDependency[ScopedSession], campaign_id: FromPath[Id],
          data: JSONBody[CloseBody]) -> dict:
    campaign = get_campaign(db, campaign_id)
    manage_check(request, db, campaign)
    service.close(campaign, data.on or clock.today(), data.note)
    db.commit()
    return _summary(db, campaign, request)


@get("/api/campaigns/{campaign_id:int}/duties", opt={"permission": "campaigns:read"}, sync_to_thread=True,
     summary="本单位的活动任务及完成情况")
def read_duties(request: Request, db: NamedDependency[ScopedSession], campaign_id: FromPath[Id],
                node_id: FromQuery[OptionalId] = None, on: FromQuery[dt.date | None] = None) -> dict:
    campaign = get_campaign(db, campaign_id)
    node = _node(db, node_id, request)
    if not service.in_scope(db, campaign, node):  # e.g. the county office of a township campaign
        return {"node_id": node.id, "node_name": node.name, "in_scope": False, "duties": []}
    ctype = campaign_type(request.app.state.plugins, campaign.type_key)
    return {"node_id": node.id, "node_name": node.name, "in_scope": True,
            "duties": service.duties(db, ctype, campaign, node, on or clock.today())}


@dataclasses.dataclass
class TickForm(Bounded):
    node_id: Id
    checklist: Name
    item: Name
    done_on: dt.date | None = None
    note: Note = ""
    files: list[UploadFile] = dataclasses.field(default_factory=list)


@post("/api/campaigns/{campaign_id:int}/ticks", opt={"permission": "campaigns:tick"}, sync_to_thread=True,
      summary="登记完成一项任务(可上传佐证材料)")
def tick(request: Request, db: NamedDependency[ScopedSession], campaign_id: FromPath[Id],
         data: MultipartBody[TickForm]) -> dict:
    actor = current_actor(request)
    campaign = get_campaign(db, campaign_id)
    node = _node(db, data.node_id, request)
    ctype = campaign_type(request.app.state.plugins, campaign.type_key)
    row = service.tick(db, actor, ctype, campaign, node, data.checklist, data.item, data.done_on or clock.today(),
                       data.note, evidence_of(request, data.files))
    db.commit()
    return service.tick_to_dict(row)


def evidence_of(request: Request, files: list[UploadFile] | UploadFile) -> list[service.Evidence]:
    """The uploaded evidence files (one file arrives bare, several as a list), each within the upload limit."""
    files = files if isinstance(files, list) else [files]
    return [service.Evidence(f.filename, read_limited(request, f, "单个佐证材料不能超过{mb}MB")) for f in files if f]


@get("/api/campaigns/{campaign_id:int}/progress", opt={"permission": "campaigns:read"}, sync_to_thread=True,
     summary="活动进度(逐级汇总,列出滞后单位)")
def read_progress(request: Request, db: NamedDependency[ScopedSession], campaign_id: FromPath[Id],
                  node_id: FromQuery[OptionalId] = None, on: FromQuery[dt.date | None] = None) -> dict:
    campaign = get_campaign(db, campaign_id)
    node = _node(db, node_id, request)
    ctype = campaign_type(request.app.state.plugins, campaign.type_key)
    return service.progress(db, ctype, campaign, node, on or clock.today())


@get("/api/campaigns/{campaign_id:int}/metrics", opt={"permission": "campaigns:read"}, sync_to_thread=True,
     summary="活动指标与目标")
def read_metrics(request: Request, db: NamedDependency[ScopedSession], campaign_id: FromPath[Id],
                 node_id: FromQuery[OptionalId] = None) -> list[dict]:
    campaign = get_campaign(db, campaign_id)
    node = _node(db, node_id, request)
    ctype = campaign_type(request.app.state.plugins, campaign.type_key)
    with db.reading_as(Scope.system()) as whole:  # a metric counts over the campaign's whole area
        return service.metrics(whole, ctype, campaign, node)


@get("/api/campaigns/{campaign_id:int}/matters", opt={"permission": "campaigns:read"}, sync_to_thread=True,
     summary="逐案任务进度(每件事项及全活动)")
def read_matter_progress(request: Request, db: NamedDependency[ScopedSession], campaign_id: FromPath[Id]) -> dict:
    campaign = get_campaign(db, campaign_id)
    ctype = campaign_type(request.app.state.plugins, campaign.type_key)
    return matter_duties.matter_progress(db, ctype, campaign)


@get("/api/campaigns/{campaign_id:int}/matters/{matter_id:int}", opt={"permission": "campaigns:read"},
     sync_to_thread=True, summary="一件信访事项的逐案任务及完成情况")
def read_matter_duties(request: Request, db: NamedDependency[ScopedSession], campaign_id: FromPath[Id],
                       matter_id: FromPath[Id]) -> dict:
    campaign = get_campaign(db, campaign_id)
    ctype = campaign_type(request.app.state.plugins, campaign.type_key)
    return matter_duties.matter_duties(db, ctype, campaign, get_matter(db, matter_id))


@dataclasses.dataclass
class MatterTickForm(Bounded):
    item: Name
    done_on: dt.date | None = None
    note: Note = ""
    files: list[UploadFile] = dataclasses.field(default_factory=list)


@post("/api/campaigns/{campaign_id:int}/matters/{matter_id:int}/ticks", opt={"permission": "campaigns:tick"},
      sync_to_thread=True, summary="登记一件事项的一项逐案任务(可上传佐证材料)")
def tick_matter(request: Request, db: NamedDependency[ScopedSession], campaign_id: FromPath[Id],
                matter_id: FromPath[Id], data: MultipartBody[MatterTickForm]) -> dict:
    campaign = get_campaign(db, campaign_id)
    matter = get_matter(db, matter_id)
    ctype = campaign_type(request.app.state.plugins, campaign.type_key)
    row = matter_duties.tick_matter(db, current_actor(request), ctype, campaign, matter, data.item,
                                    data.done_on or clock.today(), data.note, evidence_of(request, data.files))
    db.commit()
    return service.tick_to_dict(row)


route_handlers = [list_types, enable, list_campaigns, read_campaign, move_phases, close, read_duties, tick,
                  read_progress, read_metrics, read_matter_progress, read_matter_duties, tick_matter]
