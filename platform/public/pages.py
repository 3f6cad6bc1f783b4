"""The petitioner's pages (zh-CN, phone first, no login): look a matter up by number and
查询码 and rate its opinions, submit a 网上信访, check a document. They call the same functions
as the JSON routes (``routes``) and show a refusal's Chinese message on the form itself."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery, URLEncodedBody

from xinfang.platform.errors import ClerkError, TooManyRequests
from xinfang.platform.public import routes
from xinfang.platform.public.models import RATINGS
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.guards import PUBLIC
from xinfang.platform.web.inputs import Code, Id
from xinfang.platform.web.uploads import read_limited

OPEN = routes.OPEN
FIELD_LIMIT = 5001


def _form(data: dict[str, Any]) -> dict[str, str]:
    return {k: v.strip()[:FIELD_LIMIT] for k, v in data.items() if isinstance(v, str)}


def _refused(request: Request, template: str, exc: ClerkError, **context: Any) -> Response:
    problems = [d["message"] for d in (getattr(exc, "details", None) or []) if d.get("message")]
    response = render_page(request, template, status_code=exc.status_code, errors=problems or [exc.message],
                           success="", **context)
    if isinstance(exc, TooManyRequests):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


# --- progress and evaluation ---------------------------------------------------------------------


def _progress(request: Request, form: dict[str, str], view: dict[str, Any] | None, **extra: Any) -> Response:
    return render_page(request, "public/progress.html", title="信访事项查询", form=form, view=view,
                       ratings=RATINGS, **{"errors": [], "success": "", **extra})


@get("/public/progress", sync_to_thread=False)
def progress_page(request: Request) -> Response:
    return _progress(request, {}, None)


@post("/public/progress", opt=OPEN, sync_to_thread=True, include_in_schema=False, status_code=200)
def progress_submit(request: Request, data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = _form(data)
    try:
        view = routes.look_up(request, form.get("number", ""), form.get("code", ""))
    except ClerkError as exc:
        return _refused(request, "public/progress.html", exc, title="信访事项查询", form=form, view=None,
                        ratings=RATINGS)
    return _progress(request, form, view)


@post("/public/progress/evaluate", opt=OPEN, sync_to_thread=True, include_in_schema=False, status_code=200)
def evaluation_submit(request: Request, data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = _form(data)
    rating = routes.Rating(number=form.get("number", "")[:32], code=form.get("code", "")[:32],
                           step=form.get("step", "")[:32], rating=form.get("rating", "")[:32],
                           comment=form.get("comment", ""))
    try:
        view = routes.evaluate(request, rating)
    except ClerkError as exc:
        try:
            view = routes.look_up(request, rating.number, rating.code)
        except ClerkError:
            view = None
        return _refused(request, "public/progress.html", exc, title="信访事项查询", form=form, view=view,
                        ratings=RATINGS)
    return _progress(request, form, view, success="感谢您的评价,评价结果已送达办理单位。")


@post("/public/progress/documents/{document_id:int}", opt={**OPEN, "produces": "application/pdf"},
      sync_to_thread=True, include_in_schema=False, status_code=200)
def document_submit(request: Request, document_id: FromPath[Id], data: URLEncodedBody[dict[str, Any]]) -> Response:
    form = _form(data)
    return routes.petitioner_document(request, form.get("number", ""), form.get("code", ""), document_id)


# --- 网上信访 ------------------------------------------------------------------------------------


def _submission(request: Request, county_code: str, form: dict[str, str], status_code: int = 200,
                errors: list[str] | None = None) -> Response:
    try:
        offer = routes.challenge_for(request, county_code)
    except ClerkError as exc:
        return _refused(request, "public/submit.html", exc, title="网上信访", offer=None, form=form)
    return render_page(request, "public/submit.html", title=f"网上信访 · {offer['county']}", status_code=status_code,
                       offer=offer, form=form, errors=errors or [])


@get("/public/submit/{county_code:str}", sync_to_thread=True)
def submission_page(request: Request, county_code: FromPath[Code]) -> Response:
    return _submission(request, county_code, {})


@post("/public/submit/{county_code:str}", opt=OPEN, sync_to_thread=True, include_in_schema=False, status_code=200)
def submission_submit(request: Request, county_code: FromPath[Code],
                      data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]) -> Response:
    form = _form(data)
    form.pop("answer", None)
    try:
        done = routes.submit(request, county_code, data)
    except ClerkError as exc:
        problems = [d["message"] for d in (getattr(exc, "details", None) or []) if d.get("message")]
        response = _submission(request, county_code, form, exc.status_code, problems or [exc.message])
        if isinstance(exc, TooManyRequests):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    return render_page(request, "public/submitted.html", title="网上信访已提交", done=done)


# --- verification --------------------------------------------------------------------------------


@get("/public/verify", sync_to_thread=False)
def verify_page(request: Request, code: FromQuery[Code] = "") -> Response:
    return render_page(request, "public/verify.html", title="文书核验", code=code, answer=None, errors=[])


@post("/public/verify", opt=OPEN, sync_to_thread=True, include_in_schema=False, status_code=200)
def verify_submit(request: Request,
                  data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]) -> Response:
    code = data.get("code") if isinstance(data.get("code"), str) else ""
    upload = data.get("data")
    try:
        if isinstance(upload, UploadFile) and upload.filename:
            answer = routes.check_document(request, content=read_limited(request, upload))
        else:
            answer = routes.check_document(request, code=(code or "").strip()[:40])
    except ClerkError as exc:
        return _refused(request, "public/verify.html", exc, title="文书核验", code=code, answer=None)
    return render_page(request, "public/verify.html", title="文书核验", code=code, answer=answer, errors=[])


PAGES = [("/public/progress", "信访事项查询", PUBLIC, progress_page),
         ("/public/submit/{county_code:str}", "网上信访", PUBLIC, submission_page),
         ("/public/verify", "文书核验", PUBLIC, verify_page)]
route_handlers = [progress_submit, evaluation_submit, document_submit, submission_submit, verify_submit]
