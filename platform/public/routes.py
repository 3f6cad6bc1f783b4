"""The petitioner's side over HTTP, JSON (``/api/public/…``), no login: progress by number and
查询码, evaluation, the 网上信访 form's challenge and submission, and document verification.

Codes travel in POST bodies, never in an address (addresses end up in proxies' logs). Each
handler opens its own session (``access.public_session``); the cookie of a signed-in clerk
who happens to use these routes is ignored (``csrf: False``: they act as nobody)."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, JSONBody, MultipartBody
from sqlalchemy import select

from xinfang.platform.documents.models import Document
from xinfang.platform.documents.service import read_file
from xinfang.platform.errors import BadRequest, NotFound
from xinfang.platform.matters.rules import rules_for
from xinfang.platform.public import evaluations, progress, submission, verification
from xinfang.platform.public.access import county_by_code, desk_actor, open_matter, public_session
from xinfang.platform.web.guards import PUBLIC
from xinfang.platform.web.inputs import Bounded, Code, Id, LongText, Upload
from xinfang.platform.web.uploads import upload_bytes

OPEN = {"permission": PUBLIC, "csrf": False, "statuses": (429,)}  # every public route is throttled


@dataclasses.dataclass
class Lookup(Bounded):
    number: Code
    code: Code


@dataclasses.dataclass
class Rating(Bounded):
    number: Code
    code: Code
    step: Code
    rating: Code
    comment: LongText = ""


@dataclasses.dataclass
class CodeCheck(Bounded):
    code: Code


def look_up(request: Request, number: str, code: str) -> dict[str, Any]:
    with public_session(request) as session:
        matter = open_matter(session, number, code, "lookup")
        view = progress.view(session, matter)
        session.commit()
        return view


def evaluate(request: Request, data: Rating) -> dict[str, Any]:
    with public_session(request) as session:
        matter = open_matter(session, data.number, data.code, "evaluation")
        evaluations.rate(session, matter, data.step, data.rating, data.comment)
        view = progress.view(session, matter)
        session.commit()
        return view


def petitioner_document(request: Request, number: str, code: str, document_id: int) -> Response:
    """A document addressed to the petitioner of the matter the number and code open."""
    with public_session(request) as session:
        matter = open_matter(session, number, code, "document_download")
        document = next((d for d in progress.documents_for(session, matter) if d.id == document_id), None)
        if document is None:
            raise NotFound("该事项没有这份文书")
        content = read_file(session, document)
        session.commit()
    return Response(content, media_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=\"document-{document.id}.pdf\"; "
                               f"filename*=UTF-8''{quote(document.title[:60] + '.pdf')}",
        "X-Content-SHA256": document.sha256})


@post("/api/public/progress", opt=OPEN, sync_to_thread=True, status_code=200,
      summary="信访事项办理进展查询(公开,无需登录):凭事项编号和查询码")
def progress_json(request: Request, data: JSONBody[Lookup]) -> dict[str, Any]:
    return look_up(request, data.number, data.code)


@post("/api/public/progress/documents/{document_id:int}", opt={**OPEN, "produces": "application/pdf"},
      sync_to_thread=True, status_code=200, summary="下载送达信访人的文书(公开,凭事项编号和查询码)")
def document_json(request: Request, document_id: FromPath[Id], data: JSONBody[Lookup]) -> Response:
    return petitioner_document(request, data.number, data.code, document_id)


@post("/api/public/evaluations", opt=OPEN, sync_to_thread=True, status_code=201,
      summary="信访人评价处理意见(满意、基本满意、不满意;每个环节一次)")
def evaluation_json(request: Request, data: JSONBody[Rating]) -> dict[str, Any]:
    return evaluate(request, data)


def challenge_for(request: Request, county_code: str) -> dict[str, Any]:
    with public_session(request) as session:
        county = county_by_code(session, county_code)
        categories = list(rules_for(session, county.id).categories)
    return {"county": county.name, "county_code": county.code, "categories": categories,
            "kinds": submission.KINDS, **submission.new_challenge(request.app.state.settings.secret_key)}


@get("/api/public/submissions/{county_code:str}/form", opt=OPEN, sync_to_thread=True,
     summary="网上信访:该县的问题分类、事项类别和一道验证题(提交时附上 token 和答案)")
def submission_form(request: Request, county_code: FromPath[Code]) -> dict[str, Any]:
    return challenge_for(request, county_code)


def _text(form: dict[str, Any], name: str, limit: int) -> str:
    value = form.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return value.strip()[:limit] if isinstance(value, str) else ""


def _files(form: dict[str, Any]) -> list[UploadFile]:
    given = form.get("attachments") or []
    files = given if isinstance(given, list) else [given]
    return [f for f in files if isinstance(f, UploadFile) and f.filename]


def submit(request: Request, county_code: str, form: dict[str, Any]) -> dict[str, Any]:
    """Check the challenge, read the fields and files, register (or merge); the caller answers."""
    settings = request.app.state.settings
    submission.check_challenge(settings.secret_key, _text(form, "token", 500), _text(form, "answer", 10))
    files = _files(form)
    if len(files) > submission.MAX_FILES:
        raise BadRequest(f"附件最多{submission.MAX_FILES}个")
    data = submission.Submission(
        name=_text(form, "name", 64), id_number=_text(form, "id_number", 32), phone=_text(form, "phone", 32),
        address=_text(form, "address", 200), kind=_text(form, "kind", 32), category=_text(form, "category", 32),
        request=_text(form, "request", 2001), facts=_text(form, "facts", 5001),
        attachments=[submission.Attachment(f.filename[:100], f.file.read(submission.MAX_FILE_BYTES + 1))
                     for f in files])
    problems = submission.check(data)
    if problems:
        raise BadRequest(";".join(problems), details=[{"message": p} for p in problems])
    with public_session(request) as session:
        county = county_by_code(session, county_code)
        matter, merged = submission.submit(session, desk_actor(request, county), county, data)
        session.commit()
        receipt = session.scalar(select(Document.id).where(Document.subject.like(f"matter:{matter.id}%"),
                                                           Document.kind == "matter_receipt").limit(1))
        answer = {"number": matter.number, "query_code": matter.query_code, "merged": merged,
                  "receipt_document_id": receipt, "county": county.name,
                  "message": ("10分钟内已收到相同的信访事项,未重复登记,请使用原事项编号和查询码" if merged
                              else "已登记,请记下事项编号和查询码,用于查询办理进展和评价")}
    executor = getattr(request.app.state, "executor", None)
    if executor is not None:
        executor.wake()  # the receipt renders now, not at the next poll
    return answer


@post("/api/public/submissions/{county_code:str}", opt=OPEN, sync_to_thread=True, status_code=201,
      summary="网上信访:提交信访事项(表单:姓名、身份证号、电话、地址、类别、投诉请求、事实和理由、附件、验证题)")
def submission_json(request: Request, county_code: FromPath[Code],
                    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]) -> dict[str, Any]:
    return submit(request, county_code, data)


def check_document(request: Request, code: str = "", content: bytes | None = None) -> dict[str, Any]:
    with public_session(request) as session:
        answer = verification.verify(session, code=code, content=content)
        session.commit()
        return answer


@post("/api/public/verify/code", opt=OPEN, sync_to_thread=True, status_code=200,
      summary="文书核验(公开):按文书上印制的核验码,答复是否真实及发文机关、文号、日期")
def verify_code_json(request: Request, data: JSONBody[CodeCheck]) -> dict[str, Any]:
    return check_document(request, code=data.code)


@post("/api/public/verify/file", opt=OPEN, sync_to_thread=True, status_code=200,
      summary="文书核验(公开):上传文书文件,按 SHA-256 答复是否真实及发文机关、文号、日期")
def verify_file_json(request: Request, data: MultipartBody[Upload]) -> dict[str, Any]:
    _, content = upload_bytes(request, data)
    return check_document(request, content=content)


route_handlers = [progress_json, document_json, evaluation_json, submission_form, submission_json,
                  verify_code_json, verify_file_json]
