"""The public reception notice (seed 001: 提前公布告知): no login, one township's (or county's) published
schedule for today and the coming week — leader, position, duties, date, time, place —
and nothing else. The session is opened for that township's subtree only."""

from __future__ import annotations

from pathlib import Path

from litestar import Request, Response, get
from litestar.params import FromPath
from sqlalchemy import select

from xinfang.platform import clock
from xinfang.platform.errors import NotFound
from xinfang.platform.reception.rota import public_schedule
from xinfang.platform.templating import environment
from xinfang.platform.web.guards import PUBLIC
from xinfang.tenants.levels import Level
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope

TEMPLATES = Path(__file__).parent / "templates"
CACHE = {"Cache-Control": "public, max-age=300"}


def _schedule(request: Request, township_code: str) -> dict:
    state = request.app.state
    with state.session_factory(scope=Scope.nothing(), bind=state.read_engine) as session:
        township = session.execute(select(Node).where(Node.code == township_code,
                                                      Node.level.in_((Level.TOWNSHIP, Level.COUNTY))),
                                   execution_options={"skip_scope": True}).scalar_one_or_none()
        if township is None:
            raise NotFound("未找到该县（市、区）或乡镇（街道）")
        with session.reading_as(Scope.of_nodes([(Level(township.level), township.id)])) as township_only:
            return public_schedule(township_only, township, clock.today())


@get("/public/reception/{township_code:str}", opt={"permission": PUBLIC, "produces": "text/html"}, sync_to_thread=True,
     summary="领导接访公告(公开页面,无需登录)", include_in_schema=False)
def public_page(request: Request, township_code: FromPath[str]) -> Response:
    schedule = _schedule(request, township_code)
    html = environment(TEMPLATES).get_template("public_rota.html").render(**schedule)
    return Response(html, media_type="text/html; charset=utf-8", headers=CACHE)


@get("/api/public/reception/{township_code:str}", opt={"permission": PUBLIC}, sync_to_thread=True,
     summary="领导接访公告(公开,无需登录):乡镇（街道）或县（市、区）今日及未来一周已发布的接访安排")
def public_json(request: Request, township_code: FromPath[str]) -> Response:
    return Response(_schedule(request, township_code), headers=CACHE)


route_handlers = [public_page, public_json]
