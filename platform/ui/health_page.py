"""The platform operator's health page: the database and Redis, the background jobs by state,
and each county's size (units, accounts) and admins — never petition content. Who runs the
platform or administers a county opens it (``tenants:manage``: the operator, county and township
admins), each seeing the counties in their scope; every other role reads the tree
(``tenants:read``) but has no use for the platform's machinery, a county's supervisor
(纪工委) included."""

from __future__ import annotations

from litestar import Request, Response, get
from litestar.di import NamedDependency
from sqlalchemy import func, select

from xinfang.platform.accounts.models import RoleAssignment, User
from xinfang.platform.jobs.outbox import OutboxJob
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.health import basic_checks
from xinfang.tenants.levels import Level
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession

PERMISSION = "tenants:manage"
JOB_STATES = {"pending": "排队", "running": "运行中", "done": "已完成", "failed": "失败"}


@get("/admin/health", sync_to_thread=True)
def health_page(request: Request, db: NamedDependency[ScopedSession]) -> Response:
    checks = basic_checks(request.app.state)
    system = {"skip_scope": True}  # the platform's job queue: names and counts, no county's data
    jobs = db.execute(select(OutboxJob.name, OutboxJob.status, func.count()).group_by(OutboxJob.name, OutboxJob.status)
                      .order_by(OutboxJob.name), execution_options=system).all()
    failed = db.execute(select(OutboxJob.name, OutboxJob.attempts, OutboxJob.finished_at, OutboxJob.last_error)
                        .where(OutboxJob.status == "failed").order_by(OutboxJob.id.desc()).limit(20),
                        execution_options=system).all()
    # the counties in the viewer's scope (the operator: all; a county's supervisor: theirs)
    counties = db.scalars(select(Node).where(Node.level == Level.COUNTY).order_by(Node.code)).all()
    units = dict(db.execute(select(Node.county_id, func.count()).where(Node.county_id.is_not(None))
                            .group_by(Node.county_id)).all())
    county_of = func.coalesce(Node.county_id, Node.id)
    accounts = dict(db.execute(select(county_of, func.count(User.id)).join(Node, Node.id == User.node_id)
                               .group_by(county_of)).all())
    admins: dict[int, list[tuple[int, str]]] = {}
    for node_id, user_id, name in db.execute(
            select(RoleAssignment.node_id, User.id, User.display_name).join(User, User.id == RoleAssignment.user_id)
            .where(RoleAssignment.role == "county_admin").order_by(User.id)).all():
        admins.setdefault(node_id, []).append((user_id, name))
    by_name: dict[str, dict[str, int]] = {}
    for name, status, count in jobs:
        by_name.setdefault(name, {})[status] = count
    return render_page(request, "health.html", title="平台运行状况", checks=checks, jobs=by_name, states=JOB_STATES,
                       failed=failed, counties=counties, units=units, accounts=accounts, admins=admins,
                       ok=all(c["ok"] for c in checks.values()))
