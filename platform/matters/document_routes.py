"""A matter's documents over HTTP: which steps call for which document and which exist, and
generating one from a recorded step (202 and the document's status URL; download and
verification are the documents routes')."""

from __future__ import annotations

import dataclasses
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy import select

from xinfang.platform.documents import routes as document_routes
from xinfang.platform.documents import service as documents
from xinfang.platform.documents.models import Document
from xinfang.platform.errors import BadRequest
from xinfang.platform.matters import documents as matter_documents
from xinfang.platform.matters import views
from xinfang.platform.matters.models import Matter, MatterEvent
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Bounded, Id, Line, Name
from xinfang.tenants.scope import ScopedSession


def _matter(request: Request, db: ScopedSession, matter_id: int) -> Matter:
    return views.with_materials(db, current_actor(request), matter_id, "或生成该事项的文书")


def _listing(db: ScopedSession, matter: Matter) -> dict[str, Any]:
    """Every step that calls for a document, with the documents made of it."""
    made = db.scalars(select(Document).where(Document.subject.like(matter_documents.subject_ref(matter) + "/%"))
                      .order_by(Document.id)).all()
    events = db.scalars(select(MatterEvent).where(MatterEvent.matter_id == matter.id,
                                                  MatterEvent.action.in_(matter_documents.BY_ACTION))
                        .order_by(MatterEvent.id)).all()
    steps = []
    for event in events:
        kind = matter_documents.BY_ACTION[event.action]
        docs = [d for d in made if d.subject == matter_documents.subject_ref(matter, event)]
        steps.append({"event_id": event.id, "action": event.action, "label": event.label, "on": event.on.isoformat(),
                      "document_kind": kind.key, "document_title": kind.title,
                      "documents": [documents.to_dict(db, d) for d in docs]})
    return {"matter_id": matter.id, "number": matter.number, "steps": steps,
            "documents": [documents.to_dict(db, d) for d in made],
            "kinds": [{"key": k.key, "title": k.title} for k in matter_documents.KINDS.values()]}


@get("/api/matters/{matter_id:int}/documents", opt={"permission": "matters:read"}, sync_to_thread=True,
     summary="事项各环节应出具的文书及已生成的文书（受理告知书、处理意见书、复查复核意见书等）")
def list_documents(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id]) -> dict:
    return _listing(db, _matter(request, db, matter_id))


@dataclasses.dataclass
class MatterDocumentBody(Bounded):
    event_id: Id | None = None  # the step (timeline entry); default: the latest of its kind
    number: Line = ""  # 文号 the office gives it
    issuer: Name = ""  # default: the acting unit's body (e.g. 白羽街道办事处)
    copy_to: Line = ""  # 抄送


@post("/api/matters/{matter_id:int}/documents/{kind:str}", opt={"permission": "documents:create"},
      sync_to_thread=True, status_code=202,
      summary="按已办理的环节生成文书（acceptance 受理告知书、non_acceptance 不予受理告知书、assignment 转送交办单、"
              "extension 延期告知书、opinion 信访处理意见书、review_opinion 复查意见书、rereview_opinion 复核意见书、"
              "agreement 调解（和解）协议书）：立即返回 202 和状态查询地址")
def generate(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id], kind: FromPath[str],
             data: JSONBody[MatterDocumentBody]) -> Response:
    matter = _matter(request, db, matter_id)
    found = matter_documents.KINDS.get(kind)
    if found is None:
        raise BadRequest(f"没有“{kind}”这种事项文书，可选："
                         + "、".join(f"{k.key}({k.title})" for k in matter_documents.KINDS.values()))
    event = matter_documents.step(db, matter, found, data.event_id)
    document = documents.generate(
        db, current_actor(request), found.spec.key, event.node_id,
        {"event_id": event.id, "number": data.number, "issuer": data.issuer, "copy_to": data.copy_to},
        subject=matter, subject_ref=matter_documents.subject_ref(matter, event))
    db.commit()
    return document_routes.accepted(request, db, document, event_id=event.id)


route_handlers = [list_documents, generate]
