"""Bulk assign (批量交办) from the matter list: the ticked matters to one unit.

Each matter goes through the same ``service.act(…, "assign", …)`` as the single assign, in a
transaction of its own: what one matter's state, scope or recusal refuses is reported on its
row with the service's words, and the others are assigned (and audited) all the same — as if
the clerk had assigned them one after another. All-or-nothing would make one matter that
changed state since the list was drawn block the whole batch, and the clerk could not tell
which one to take out.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.params import URLEncodedBody

from xinfang.platform.errors import BadRequest, ClerkError
from xinfang.platform.matters import act_forms, service
from xinfang.platform.matters.routes import get_matter
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.guards import current_actor
from xinfang.tenants.scope import ScopedSession

MAX_BATCH = 100  # a list page shows at most 100 rows
MAX_BACK = 1000


def _ids(raw: Any) -> list[int]:
    values = raw if isinstance(raw, list) else [raw] if raw not in (None, "") else []
    ids = []
    for value in values:
        text = str(value).strip()
        if not text.isdigit() or not 1 <= int(text) <= 2**31 - 1:
            raise BadRequest("勾选的事项编号不正确")
        if int(text) not in ids:
            ids.append(int(text))
    if not ids:
        raise BadRequest("请先勾选要交办的信访事项")
    if len(ids) > MAX_BATCH:
        raise BadRequest(f"一次最多批量交办{MAX_BATCH}件")
    return ids


def assign_each(db: ScopedSession, request: Request, matter_ids: list[int], form: dict[str, str]) -> list[dict]:
    """One row per matter: its number, whether it was assigned, and why not."""
    actor = current_actor(request)
    payload = act_forms.payload_of("assign", form)
    if not payload.get("lead_unit_id"):
        raise BadRequest("请选择承办单位")
    rows = []
    write_engine = request.app.state.engine
    for matter_id in matter_ids:
        db.bind = write_engine  # a commit hands the request's session to the read engine (web/guards.py)
        number = str(matter_id)
        try:
            matter = get_matter(db, matter_id)
            number = matter.number
            service.act(db, actor, matter, "assign", dict(payload))
            db.commit()
            rows.append({"id": matter_id, "number": number, "done": True, "message": "已交办"})
        except ClerkError as exc:
            db.rollback()
            rows.append({"id": matter_id, "number": number, "done": False, "message": exc.message})
    return rows


@post("/matters/bulk-assign", opt={"permission": "matters:assign"}, sync_to_thread=True, include_in_schema=False)
def bulk_assign(request: Request, db: NamedDependency[ScopedSession], data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = {k: str(v)[:act_forms.MAX_FIELD] for k, v in data.items() if not isinstance(v, list)}
    back = form.get("back", "")[:MAX_BACK].lstrip("?")
    rows = assign_each(db, request, _ids(data.get("matter_id")), form)
    done = sum(r["done"] for r in rows)
    return render_page(request, "matter_bulk_result.html", title="批量交办结果", rows=rows, done=done,
                       failed=len(rows) - done, back="/matters" + (f"?{back}" if back else ""))


route_handlers = [bulk_assign]
