"""Documents in the browser: those in the viewer's scope with their state (the list refreshes
itself while one is rendering), download, a free-form document typed in and generated, and
verification of a file or of the code printed on a paper copy — through the API's functions."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect
from sqlalchemy import select

from xinfang.platform.documents import registry, service
from xinfang.platform.documents.models import Document
from xinfang.platform.documents.routes import CODE_NOT_FOUND, CREATE, READ, VERIFY, verify_by_code, verify_file
from xinfang.platform.errors import BadRequest, ClerkError
from xinfang.platform.extensions.manager import plugin_templates
from xinfang.platform.ui.frame import acting_node_id
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import PageNumber, Upload
from xinfang.platform.web.paging import page_of
from xinfang.platform.web.uploads import upload_bytes
from xinfang.tenants.lookup import node_names
from xinfang.tenants.scope import ScopedSession

BUSY = ("pending", "rendering")
PER_PAGE = 30
FIELD_LIMIT = 20_000
LINES = ("paragraphs", "texts", "columns", "numbers", "rows")


def _free_forms(request: Request) -> list[dict]:
    return [spec.template.describe() | {"key": key} for key, spec in plugin_templates(request.app.state.plugins).items()
            if registry.free_form(spec)]


def _list_page(request: Request, db: ScopedSession, page: int, *, form: dict[str, str] | None = None,
               error: str = "", status_code: int = 200) -> Response:
    query = service.readable(db, current_actor(request), select(Document)).order_by(Document.created_at.desc(),
                                                                                     Document.id.desc())
    listing = page_of(db, query, page, PER_PAGE, lambda d: {**service.to_dict(db, d), "created": d.created_at})
    permissions = current_actor(request).permissions()
    return render_page(
        request, "documents/list.html", title="文书", block="list", status_code=status_code, listing=listing,
        names=node_names(db, [d["node_id"] for d in listing["items"]]), page=page,
        busy=any(d["status"] in BUSY for d in listing["items"]), pages=max(1, -(-listing["total"] // PER_PAGE)),
        templates=_free_forms(request) if CREATE in permissions else [], form=form or {}, error=error,
        may_verify=VERIFY in permissions, made=request.query_params.get("made"), page_link=lambda n: f"?page={n}")


@get("/documents", sync_to_thread=True)
def documents_page(request: Request, db: NamedDependency[ScopedSession], page: FromQuery[PageNumber] = 1) -> Response:
    return _list_page(request, db, page)


def inputs_of(fields: list[dict], form: dict[str, str]) -> dict[str, Any]:
    """The form's text as the template's inputs: a list field is one item per line (a row's
    cells separated by “|”), a number list one number per line."""
    out: dict[str, Any] = {}
    for f in fields:
        raw = form.get(f"f_{f['name']}", "").strip()
        if not raw:
            continue
        if f["kind"] in LINES:
            lines = [line.strip() for line in raw.splitlines() if line.strip()]
            if f["kind"] == "rows":
                out[f["name"]] = [[cell.strip() for cell in line.split("|")] for line in lines]
            elif f["kind"] == "numbers":
                try:
                    out[f["name"]] = [float(n) for n in lines]
                except ValueError as exc:
                    raise BadRequest(f"“{f['label']}”每行应为一个数字") from exc
            else:
                out[f["name"]] = lines
        else:
            out[f["name"]] = raw
    return out


@post("/documents/new", opt={"permission": CREATE}, sync_to_thread=True, include_in_schema=False)
def generate_submit(request: Request, db: NamedDependency[ScopedSession],
                    data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = {k: str(v)[:FIELD_LIMIT] for k, v in data.items()}
    actor = current_actor(request)
    try:
        template = next((t for t in _free_forms(request) if t["key"] == form.get("kind")), None)
        if template is None:
            raise BadRequest("请选择要生成的文书")
        node_id = acting_node_id(request, actor)
        if node_id is None:
            raise BadRequest("请先在页面顶部选择以哪个单位的名义制发")
        document = service.generate_as_given(db, actor, template["key"], node_id, inputs_of(template["fields"], form))
        db.commit()
    except ClerkError as exc:
        db.rollback()
        problems = [d["message"] for d in exc.details if d.get("message")]
        return _list_page(request, db, 1, form=form, error="；".join([exc.message, *problems[1:]]),
                          status_code=exc.status_code)
    executor = getattr(request.app.state, "executor", None)
    if executor is not None:
        executor.wake()
    return Redirect(f"/documents?made={document.id}", status_code=303)


def _verify_page(request: Request, result: dict | None = None, *, code: str = "", status_code: int = 200) -> Response:
    return render_page(request, "documents/verify.html", title="文书核验", result=result, code=code,
                       status_code=status_code)


@get("/documents/verify", sync_to_thread=True)
def verify_page(request: Request) -> Response:
    return _verify_page(request)


@post("/documents/verify", opt={"permission": VERIFY, "writes": True}, sync_to_thread=True, include_in_schema=False,
      status_code=200)
def verify_file_submit(request: Request, db: NamedDependency[ScopedSession], data: MultipartBody[Upload]) -> Response:
    filename, content = upload_bytes(request, data)
    return _verify_page(request, {**verify_file(request, db, filename, content), "by": "file", "file": filename})


@post("/documents/verify/code", opt={"permission": VERIFY, "writes": True}, sync_to_thread=True,
      include_in_schema=False, status_code=200)
def verify_code_submit(request: Request, db: NamedDependency[ScopedSession],
                       data: URLEncodedBody[dict[str, Any]]) -> Response:
    code = str(data.get("code", "")).strip()[:32]
    if not code:
        raise BadRequest("请填写文书上印制的核验码")
    found = verify_by_code(request, db, code)
    return _verify_page(request, found or {"match": False, "message": CODE_NOT_FOUND}, code=code)


PAGES = [("/documents", "文书", READ, documents_page),
         ("/documents/verify", "文书核验", VERIFY, verify_page)]
FORM_ROUTES = [generate_submit, verify_file_submit, verify_code_submit]
