"""The county's matter rules in the browser (counting rule, the 包案 checklist, reminder and
escalation thresholds, problem categories, the 纪检监察 body), saved by ``routes.save_rules``."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import URLEncodedBody
from litestar.response import Redirect
from sqlalchemy import select

from xinfang.permissions.actor import authorize
from xinfang.platform.errors import BadRequest, ClerkError
from xinfang.platform.matters.routes import RulesBody, save_rules
from xinfang.platform.matters.rules import CHECKLISTS, rules_for
from xinfang.platform.ui.frame import acting_node_id
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.guards import current_actor
from xinfang.tenants.levels import Level
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession

COUNTING = {"civil_code": "民法典规则(期间最后一日为法定休假日的,以休假日结束的次日为期间的最后一日)",
            "working_days_only": "一律按工作日计算"}
FIELD_LIMIT = 4_000


def _county(request: Request, db: ScopedSession) -> Node:
    node_id = acting_node_id(request, current_actor(request))
    node = db.execute(select(Node).where(Node.id == node_id), execution_options={"skip_scope": True}
                      ).scalar_one_or_none() if node_id is not None else None
    if node is None:
        raise BadRequest("请先在页面顶部选择所在的县或单位")
    county_id = node.county_id or node.id
    return db.execute(select(Node).where(Node.id == county_id), execution_options={"skip_scope": True}).scalar_one()


def _page(request: Request, db: ScopedSession, *, form: dict[str, Any] | None = None, error: str = "",
          status_code: int = 200) -> Response:
    county = _county(request, db)
    rules = rules_for(db, county.id).to_dict()
    departments = db.execute(select(Node).where(Node.county_id == county.id, Node.level == Level.DEPARTMENT)
                             .order_by(Node.code), execution_options={"skip_scope": True}).scalars().all()
    return render_page(
        request, "admin/rules.html", title="信访事项规则", status_code=status_code, county=county, rules=rules,
        form=form, error=error, counting=COUNTING, checklists=CHECKLISTS, departments=departments,
        may_configure=authorize(current_actor(request), county, "matters", "configure"),
        saved=request.query_params.get("saved"))


@get("/admin/rules", sync_to_thread=True)
def rules_page(request: Request, db: NamedDependency[ScopedSession]) -> Response:
    return _page(request, db)


def _number(form: dict[str, str], key: str, what: str) -> int:
    raw = form.get(key, "").strip()
    if not raw.isdigit() or len(raw) > 3:
        raise BadRequest(f"{what}应为整数")
    return int(raw)


@post("/admin/rules", opt={"permission": "matters:configure"}, sync_to_thread=True, include_in_schema=False)
def rules_submit(request: Request, db: NamedDependency[ScopedSession], data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = {k: str(v)[:FIELD_LIMIT] for k, v in data.items()}
    try:
        county = _county(request, db)
        if not authorize(current_actor(request), county, "matters", "configure"):
            raise BadRequest("您不能修改本县的信访事项规则")
        discipline = form.get("discipline_node_id", "").strip()
        save_rules(db, county, RulesBody(
            counting_rule=form.get("counting_rule", ""), due_soon_days=_number(form, "due_soon_days", "临期提醒天数"),
            escalate_every_days=_number(form, "escalate_every_days", "逐级督办间隔"),
            ownership_checklist=form.get("ownership_checklist", ""),
            categories=[line.strip()[:64] for line in form.get("categories", "").splitlines() if line.strip()],
            discipline_node_id=int(discipline) if discipline.isdigit() and len(discipline) < 10 else None))
        db.commit()
    except ClerkError as exc:
        db.rollback()
        return _page(request, db, form=form, error=exc.message, status_code=exc.status_code)
    return Redirect("/admin/rules?saved=1", status_code=303)


PAGES = [("/admin/rules", "信访事项规则", "matters:read", rules_page)]
FORM_ROUTES = [rules_submit]
