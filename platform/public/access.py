"""How a public request reaches the records: its own session, the matter its number and 查询码
open, and the actor the 网上信访 desk acts as.

Public routes carry no login, so the guard gives them no scope. Each handler here opens one
session of the system scope and reads exactly one thing through it — the matter whose number
and 查询码 match, or the document whose code or hash matches — and answers only the fields
``progress`` and ``verification`` choose. Every look-up is written to the audit log with the
caller's address; wrong codes are counted for ``throttle``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from litestar import Request
from sqlalchemy import select

from xinfang.permissions.actor import Actor, Assignment
from xinfang.platform import clock
from xinfang.platform.audit.log import record
from xinfang.platform.documents.service import normalise_code
from xinfang.platform.errors import BadRequest, NotFound
from xinfang.platform.matters.models import Matter
from xinfang.platform.public import throttle
from xinfang.platform.web.addresses import client_address
from xinfang.tenants.levels import Level
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope, ScopedSession

WRONG = "事项编号或查询码不正确,请核对告知书或回执上的编号和查询码"


@contextmanager
def public_session(request: Request) -> Iterator[ScopedSession]:
    state = request.app.state
    with state.session_factory(scope=Scope.system()) as session:
        session.info["actor"] = {"id": None, "name": "公众(未登录)", "address": client_address(request),
                                 "node_id": None}
        yield session


def address_of(session: ScopedSession) -> str:
    return session.info["actor"]["address"]


def matter_key(number: str) -> str:
    return f"matter:{number.strip()[:40]}"


def open_matter(session: ScopedSession, number: str, code: str, purpose: str) -> Matter:
    """The matter this number and 查询码 open (checked in constant time), the look-up audited;
    a wrong pair is counted and answered 404 with the same words whether or not the number
    exists. The caller commits (a failure is committed here, before the 404)."""
    number = (number or "").strip()
    if not number or not (code or "").strip():
        raise BadRequest("请填写事项编号和查询码")
    address, now = address_of(session), clock.now()
    throttle.check(session, matter_key(number), address, now)
    matter = session.execute(select(Matter).where(Matter.number == number[:32])).scalar_one_or_none()
    typed = normalise_code(code) or ""
    if matter is None or not matter.query_code or not secrets.compare_digest(typed, matter.query_code):
        throttle.fail(session, matter_key(number), address, now)
        record(session, action="public_lookup_failed", object_type="matters", object_id="",
               after={"number": number[:32], "purpose": purpose})
        session.commit()
        raise NotFound(WRONG)
    record(session, action=f"public_{purpose}", object_type="matters", object_id=matter.id, node_id=matter.node_id)
    return matter


def county_by_code(session: ScopedSession, code: str) -> Node:
    county = session.execute(select(Node).where(Node.code == (code or "").strip()[:32],
                                                Node.level == Level.COUNTY)).scalar_one_or_none()
    if county is None:
        raise NotFound("未找到该县（市、区）")
    return county


def desk_actor(request: Request, county: Node) -> Actor:
    """The 网上信访 desk: registers online petitions at the county office (as an officer there
    would) and makes their receipts. Named so in the timeline and the audit log."""
    return Actor(user_id=None, username="网上信访", display_name="网上信访平台", home_node_id=county.id,  # type: ignore[arg-type]
                 assignments=(Assignment("officer", county.id, county.level, county.code, county.name),),
                 policy=request.app.state.policy)
