"""The tenant tree over HTTP: list, read, create, rename, move, import."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, MultipartBody
from sqlalchemy import select

from xinfang.permissions.actor import authorize
from xinfang.platform.errors import BadRequest, Forbidden
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Code, Id, Name, OptionalId, PageNumber, PerPage, Upload
from xinfang.platform.web.paging import Page, page_of
from xinfang.platform.web.uploads import upload_bytes
from xinfang.tenants import tree
from xinfang.tenants.importer import import_tree
from xinfang.tenants.levels import Level
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession


def get_node(db: NamedDependency[ScopedSession], node_id: int | None) -> Node:
    return get_or_404(db, Node, node_id, "节点")


@get("/api/nodes", opt={"permission": "tenants:read"}, sync_to_thread=True, summary="组织架构节点列表")
def list_nodes(db: NamedDependency[ScopedSession], level: FromQuery[str | None] = None, parent_id: FromQuery[OptionalId] = None, q: FromQuery[str | None] = None,
               page: FromQuery[PageNumber] = 1, per_page: FromQuery[PerPage] = 100) -> Page:
    query = select(Node).order_by(Node.code)
    if level:
        try:
            query = query.where(Node.level == Level(level).value)
        except ValueError as exc:
            raise BadRequest(f"未知的层级“{level}”") from exc
    if parent_id is not None:
        query = query.where(Node.parent_id == parent_id)
    if q:
        query = query.where(Node.name.contains(q) | Node.code.startswith(q))
    return page_of(db, query, page, per_page, Node.to_dict)


@get("/api/nodes/{node_id:int}", opt={"permission": "tenants:read"}, sync_to_thread=True, summary="节点详情")
def read_node(db: NamedDependency[ScopedSession], node_id: FromPath[Id]) -> dict:
    node = get_node(db, node_id)
    children = db.scalars(select(Node).where(Node.parent_id == node.id).order_by(Node.code)).all()
    return {**node.to_dict(), "children": [c.to_dict() for c in children]}


@dataclass
class NodeIn:
    level: Code
    code: Code
    name: Name
    parent_id: Id | None = None


def create_as(request: Request, db: ScopedSession, level: str, code: str, name: str, parent_id: int | None) -> Node:
    """A new node under ``parent_id`` (a county: the operator only); the API and the page call it."""
    actor = current_actor(request)
    parent = get_node(db, parent_id) if parent_id is not None else None
    if parent is None and not authorize(actor, None, "platform", "operate"):
        raise Forbidden("只有平台运维人员可以新建县级节点")
    try:
        kind = Level(level)
    except ValueError as exc:
        raise BadRequest(f"未知的层级“{level}”") from exc
    return tree.create_node(db, kind, code, name, parent)


@post("/api/nodes", opt={"permission": "tenants:manage"}, sync_to_thread=True, summary="新建节点")
def create(request: Request, db: NamedDependency[ScopedSession], data: JSONBody[NodeIn]) -> dict:
    node = create_as(request, db, data.level, data.code, data.name, data.parent_id)
    db.commit()
    return node.to_dict()


@dataclass
class NodePatch:
    name: Name


@patch("/api/nodes/{node_id:int}", opt={"permission": "tenants:manage"}, sync_to_thread=True, summary="重命名节点")
def rename(request: Request, db: NamedDependency[ScopedSession], node_id: FromPath[Id], data: JSONBody[NodePatch]) -> dict:
    node = get_node(db, node_id)
    rename_as(request, db, node, data.name)
    db.commit()
    return node.to_dict()


@dataclass
class MoveIn:
    parent_id: Id
    code: Code | None = None


@post("/api/nodes/{node_id:int}/move", opt={"permission": "tenants:manage"}, sync_to_thread=True,
      summary="迁移节点(其下记录随之迁移)", status_code=200)
def move(request: Request, db: NamedDependency[ScopedSession], node_id: FromPath[Id], data: JSONBody[MoveIn]) -> dict:
    node = get_node(db, node_id)
    moved = move_as(request, db, node, data.parent_id, data.code)
    db.commit()
    db.refresh(node)
    return {**node.to_dict(), "records_moved": moved}


def rename_as(request: Request, db: ScopedSession, node: Node, name: str) -> None:
    must_manage_from_above(request, db, node)
    tree.rename_node(node, name)


def move_as(request: Request, db: ScopedSession, node: Node, parent_id: int, code: str | None) -> int:
    """Move ``node`` under another parent (its records follow); how many records moved."""
    must_manage_from_above(request, db, node)
    return tree.move_node(db, node, get_node(db, parent_id), code)


def must_manage_from_above(request: Request, db: NamedDependency[ScopedSession], node: Node) -> None:
    """A node is managed by an admin of its parent (or the operator), never by its own admin."""
    actor = current_actor(request)
    parent = db.get(Node, node.parent_id) if node.parent_id else None
    if parent is None and authorize(actor, None, "platform", "operate"):
        return
    if parent is None or not authorize(actor, parent, "tenants", "manage"):
        raise Forbidden("该节点只能由上级管理员修改")


@post("/api/nodes/import", opt={"permission": "tenants:manage"}, sync_to_thread=True,
      summary="从 CSV 或 XLSX 导入组织架构(有任何错误则全部不导入)", status_code=200)
def import_nodes(request: Request, db: NamedDependency[ScopedSession],
                 data: MultipartBody[Upload]) -> dict:
    filename, content = upload_bytes(request, data)
    result = import_tree(db, filename, content)
    db.commit()
    return result.to_dict()


route_handlers = [list_nodes, read_node, create, rename, move, import_nodes]
