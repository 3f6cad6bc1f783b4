"""The plugin's routes: generate one of the campaign's documents (202 and the document's
status URL, rendered by the documents job), and read the figures the closing report uses.

Both answer only for a petition-month campaign the caller's scope sees and a node with a
part in its scope; anything else is a 404, as for any record out of reach.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy import select

from xinfang.platform.api import (
    COLUMN,
    BadRequest,
    Bounded,
    Campaign,
    Document,
    Id,
    Level,
    Line,
    Name,
    Node,
    NotFound,
    OptionalId,
    Scope,
    ScopedSession,
    clock,
    current_actor,
    get_or_404,
    visible_node,
)
from xinfang.platform.api import documents as documents_service
from xinfang.plugins.petition_month import documents
from xinfang.plugins.petition_month.areas import areas
from xinfang.plugins.petition_month.duties import KEY
from xinfang.plugins.petition_month.references import KINDS, campaign_ref

READ, GENERATE = "petition_month:read", "petition_month:generate"
BASE = "/api/campaigns/{petition_month_id:int}/petition-month"


def petition_month(db: ScopedSession, campaign_id: int) -> Campaign:
    return get_or_404(db, Campaign, campaign_id, "信访月专项活动", accept=lambda c: c.type_key == KEY,
                      message="信访月专项活动不存在或不在您的范围内")


def campaign_node(request: Request, db: ScopedSession, campaign: Campaign, node_id: int | None) -> Node:
    node = visible_node(db, node_id if node_id is not None else current_actor(request).home_node_id)
    with db.reading_as(Scope.system()) as whole:
        if not areas(whole, campaign, node):
            raise BadRequest(f"{node.name}不在本次活动范围内")
    return node


@dataclasses.dataclass
class GenerateBody(Bounded):
    node_id: Id | None = None  # the unit the document is for (default: the caller's own)
    number: Line = ""  # 文号
    issuer: Name = ""  # default: the unit's office (e.g. 青阳街道办事处)
    on: dt.date | None = None  # the document's date; for the reception notice, the day announced


def make_document(request: Request, db: ScopedSession, campaign: Campaign, document_key: str, node_id: int | None,
                  params: dict) -> Document:
    """Generate one of the campaign's documents for a node in its area (committed; the
    documents job renders it). The API's route and the plugin's page both call this."""
    spec = documents.BY_KEY.get(document_key)
    if spec is None:
        raise NotFound(f"没有“{document_key}”这种文书,可选:"
                       + "、".join(f"{k}({s.title})" for k, s in documents.BY_KEY.items()))
    campaign_id, node_id = campaign.id, campaign_node(request, db, campaign, node_id).id
    db.rollback()
    actor = current_actor(request)
    # SQLite: the county's figures are read without holding the write lock
    with db.reading_as(Scope.system(), read_engine=request.app.state.read_engine) as whole:
        built = documents_service.build_inputs(whole, actor, spec.key, node_id, params,
                                               subject=whole.get(Campaign, campaign_id))
    document = documents_service.generate(db, actor, spec.key, node_id, built=built,
                                          subject_ref=campaign_ref(campaign_id))
    db.commit()
    executor = getattr(request.app.state, "executor", None)
    if executor is not None:  # embedded mode: start now rather than at the next poll
        executor.wake()
    return document


def documents_made(db: ScopedSession, campaign: Campaign, node: Node) -> list[Document]:
    """The campaign's documents generated for ``node``'s area, newest first."""
    ref = campaign_ref(campaign.id)
    return [d for d in db.scalars(select(Document).where(
        Document.kind.in_(KINDS), getattr(Document, COLUMN[Level(node.level)]) == node.id)
        .order_by(Document.created_at.desc(), Document.id.desc()).limit(500)) if d.inputs.get("campaign_ref") == ref]


@post(BASE + "/documents/{document_key:str}", opt={"permission": GENERATE}, sync_to_thread=True, status_code=202,
      summary="生成信访月专项活动文书(plan 实施方案通知、annex1–annex4 附件台账、reception_notice 接访公告、"
              "summary 总结报告):立即返回 202 和状态查询地址")
def generate(request: Request, db: NamedDependency[ScopedSession], petition_month_id: FromPath[Id],
             document_key: FromPath[str], data: JSONBody[GenerateBody]) -> Response:
    campaign = petition_month(db, petition_month_id)
    document = make_document(request, db, campaign, document_key, data.node_id,
                             {"number": data.number.strip(), "issuer": data.issuer.strip(), "on": data.on})
    body = {**documents_service.to_dict(db, document), "document_key": document_key}
    return Response(body, status_code=202, headers={"Location": body["status_url"]})


@get(BASE + "/summary", opt={"permission": READ}, sync_to_thread=True,
     summary="信访月专项活动汇总:排查、接访、积案、报送、指标与目标、各单位进度(总结报告所用数据)及已生成的文书")
def read_summary(request: Request, db: NamedDependency[ScopedSession], petition_month_id: FromPath[Id],
                 node_id: FromQuery[OptionalId] = None, on: FromQuery[dt.date | None] = None) -> dict:
    campaign = petition_month(db, petition_month_id)
    node = campaign_node(request, db, campaign, node_id)
    with db.reading_as(Scope.system()) as whole:
        found = documents.summary_figures(whole, whole.get(Campaign, campaign.id), whole.get(Node, node.id),
                                          on or clock.today())
    made = documents_made(db, campaign, node)
    return {**found, "node_id": node.id, "node_name": node.name,
            "document_keys": [{"key": k, "title": s.title} for k, s in documents.BY_KEY.items()],
            "documents": [documents_service.to_dict(db, d) for d in made]}


route_handlers = [generate, read_summary]
