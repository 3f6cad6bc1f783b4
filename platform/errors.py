"""Errors a clerk can read, and the handlers that turn every failure into JSON.

Handlers raise ``ClerkError`` subclasses with a Chinese message; anything unexpected
becomes a 500 with a generic message and is logged, never shown as a stack trace.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import Request, Response
from litestar.background_tasks import BackgroundTask
from litestar.exceptions import HTTPException, ValidationException
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from xinfang.platform.audit.refusals import REFUSED_STATUSES, refusal_to_record, write_refusal
from xinfang.platform.db import DatabaseBusy
from xinfang.tenants.scope import ScopeViolation

log = logging.getLogger("xinfang.errors")


class ClerkError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class BadRequest(ClerkError):
    pass


class Unauthorized(ClerkError):
    status_code, code = 401, "unauthorized"


class Forbidden(ClerkError):
    status_code, code = 403, "forbidden"


class NotFound(ClerkError):
    status_code, code = 404, "not_found"


class Conflict(ClerkError):
    status_code, code = 409, "conflict"


class TooManyRequests(ClerkError):
    status_code, code = 429, "too_many_requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


_HTTP_MESSAGES = {
    400: "请求格式不正确,请检查提交的内容是否为有效的 JSON 或表单",
    401: "请先登录",
    403: "您没有执行此操作的权限",
    404: "请求的页面或数据不存在",
    405: "不支持此操作方式",
    409: "操作与当前状态冲突",
    413: "上传的文件过大",
    415: "不支持的内容类型",
    429: "请求过于频繁,请稍后再试",
}


def _body(status: int, code: str, message: str, details: list | None = None) -> dict[str, Any]:
    return {"status_code": status, "error": code, "message": message, "details": details or []}


def _json(status: int, code: str, message: str, details: list | None = None,
          headers: dict[str, str] | None = None) -> Response:
    return Response(_body(status, code, message, details), status_code=status, headers=headers,
                    media_type="application/json")


def handle_clerk_error(_: Request, exc: ClerkError) -> Response:
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
    return _json(exc.status_code, exc.code, exc.message, exc.details, headers)


def handle_scope_violation(_: Request, exc: ScopeViolation) -> Response:
    return _json(403, "out_of_scope", exc.message)


_MISSING = re.compile(r"missing required field `([^`]+)`")
_AT = re.compile(r" - at `\$\.?([^`]*)`")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# msgspec's English reasons (see ``web.inputs``), said the way a clerk reads them
_REASONS = (
    (re.compile(r"Expected `str` of length <= (\d+)"), "不能超过{0}个字"),
    (re.compile(r"Expected `str` of length >= (\d+)"), "至少应有{0}个字"),
    (re.compile(r"Expected `array` of length <= (\d+)"), "最多{0}项"),
    (re.compile(r"Expected `(?:int|float|number)` <= (-?[\d.]+)"), "不能大于{0}"),
    (re.compile(r"Expected `(?:int|float|number)` >= (-?[\d.]+)"), "不能小于{0}"),
    (re.compile(r"Expected `int`"), "应为整数"),
    (re.compile(r"Expected `bool`"), "应为是或否(true/false)"),
    (re.compile(r"Expected `str`"), "应为文字"),
    (re.compile(r"Expected `(?:array|object)`"), "的结构不正确"),
    (re.compile(r"Invalid (?:RFC3339 encoded )?date\b|Expected `date`"), "应为日期,如 2025-03-18"),
    (re.compile(r"Invalid (?:RFC3339 encoded )?datetime|Expected `datetime`"), "应为日期时间,如 2025-03-18T09:30:00+08:00"),
)


def _reason(english: str) -> str:
    for pattern, chinese in _REASONS:
        if match := pattern.search(english):
            return chinese.format(*(g.rstrip("0").rstrip(".") if "." in g else g for g in match.groups()))
    return "缺失或格式不正确"


def _field_problem(item: dict) -> dict:
    """Name the field a clerk must fix, from Litestar's (msgspec's) English message."""
    reason = str(item.get("message", ""))
    key = str(item.get("key") or "")
    if _CJK.search(reason):  # already said in Chinese (e.g. ``web.inputs.Bounded``)
        field = key if key and key != "data" else "请求体"
        return {"field": field, "message": reason, "reason": reason}
    if match := _MISSING.search(reason):
        field = match.group(1)
        return {"field": field, "message": f"缺少必填项“{field}”", "reason": reason}
    if match := _AT.search(reason):
        field = match.group(1) or "请求体"
        return {"field": field, "message": f"“{field}”{_reason(reason)}", "reason": reason}
    field = key if key and key != "data" else "请求体"
    return {"field": field, "message": f"“{field}”{_reason(reason)}", "reason": reason}


def handle_validation(request: Request, exc: ValidationException) -> Response:
    details = [_field_problem(item) for item in exc.extra or [] if isinstance(item, dict)]
    if request.headers.get("content-type", "").startswith("multipart/"):
        for detail in details:
            if detail["field"] in ("请求体", "data"):  # the upload itself is what is missing (web.inputs.Upload)
                detail.update(field="data", message="请选择要上传的文件(表单字段 data)")
    fields = "、".join(d["message"] for d in details[:5])
    message = "提交的数据不完整或格式不正确" + (f":{fields}" if fields else ",请检查后重新提交")
    return _json(400, "invalid_input", message, details)


def handle_http(_: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    message = _HTTP_MESSAGES.get(status, "请求无法完成")
    return _json(status, "http_error", message, headers=getattr(exc, "headers", None))


def handle_integrity(_: Request, exc: IntegrityError) -> Response:
    log.info("integrity error: %s", exc.orig)
    return _json(409, "duplicate", "数据与已有记录冲突(可能是编号或名称重复),未作任何修改")


def handle_data_error(_: Request, exc: DataError) -> Response:
    """Last wall behind ``web.inputs`` and ``web.body_policy``: a value the database refuses
    (out of range, too long, NUL) is the clerk's input, not a server fault. Logged so the
    missing bound can be added where the value came in."""
    log.warning("database refused a value: %s", exc)
    return _json(400, "invalid_value", "提交的数据超出允许范围(过长、过大或含有不允许的字符),未作任何修改")


def handle_undecodable(_: Request, exc: UnicodeDecodeError) -> Response:
    """A form field (multipart) that is not valid UTF-8: Litestar decodes it while parsing the
    request, before any handler runs, so it is refused here rather than answered with 500."""
    log.warning("undecodable request text: %s", exc)
    return _json(400, "bad_encoding", "提交的文字不是有效的 UTF-8 编码，未作任何修改")


BUSY_MESSAGE = "系统繁忙,本次提交未保存,请稍后重试"
# PostgreSQL: lock_timeout ran out, a deadlock, a serialisation failure; SQLite: the file is locked
_BUSY_SQLSTATES = frozenset({"55P03", "40P01", "40001"})


def is_busy(exc: BaseException) -> bool:
    """A wait for a connection or a lock ran out: nothing was written, and trying again helps."""
    if isinstance(exc, DatabaseBusy | PoolTimeout):
        return True
    if isinstance(exc, DBAPIError):
        return getattr(exc.orig, "sqlstate", None) in _BUSY_SQLSTATES or "database is locked" in str(exc.orig)
    return False


def handle_busy(_: Request, exc: Exception) -> Response:
    log.warning("busy, asked the client to retry: %s", exc)
    retry_after = exc.retry_after if isinstance(exc, DatabaseBusy) else 1
    return _json(503, "busy", BUSY_MESSAGE, headers={"Retry-After": str(retry_after)})


def handle_operational(request: Request, exc: OperationalError) -> Response:
    if is_busy(exc):
        return handle_busy(request, exc)
    log.error("database error: %s", exc)
    return _json(503, "database_unavailable", "数据库暂时不可用,请稍后再试")


def handle_unexpected(request: Request, exc: Exception) -> Response:
    if is_busy(exc):  # a DBAPIError other than OperationalError, e.g. psycopg's LockNotAvailable
        return handle_busy(request, exc)
    log.exception("unexpected error", exc_info=exc)
    return _json(500, "internal_error", "服务器内部错误,请稍后重试;如果反复出现请联系管理员")


SAVED_MESSAGE = "操作已保存;读取保存后的结果时出错,请刷新页面查看"


def _audit_refusal(request: Request, response: Response) -> Response:
    """A logged-in user's refused write (403/409) goes to the audit log after the answer is sent."""
    if response.status_code in REFUSED_STATUSES and isinstance(response.content, dict):
        refusal = refusal_to_record(request, response.status_code, response.content)
        if refusal is not None:
            response.background = BackgroundTask(write_refusal, request.app.state.session_factory, refusal)
    return response


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _is_answer(exc: Exception) -> bool:
    """A refusal the handler raised on purpose (a 4xx), as opposed to a failure."""
    status = getattr(exc, "status_code", 500)
    return isinstance(exc, ClerkError | HTTPException) and isinstance(status, int) and status < 500


def _committed_first(handler):
    """After the request's session committed, nothing may tell the clerk it failed: the
    failure is logged and the answer is the route's success status."""

    def handle(request: Request, exc: Exception) -> Response:
        if not getattr(request.state, "committed", False):
            return _audit_refusal(request, handler(request, exc))
        if request.method in _SAFE_METHODS and _is_answer(exc):
            # a read that commits only the audit record of the look-up (e.g. a verification
            # code): its 4xx is the answer to the read, not a failure of a saved write
            return handler(request, exc)
        log.error("failed after the commit of %s %s", request.method, request.url.path, exc_info=exc)
        status = request.route_handler.status_code or (201 if request.method == "POST" else 200)
        return Response({"saved": True, "message": SAVED_MESSAGE}, status_code=200 if status == 204 else status,
                        media_type="application/json")

    return handle


EXCEPTION_HANDLERS = {exc_type: _committed_first(handler) for exc_type, handler in {
    ClerkError: handle_clerk_error,
    ScopeViolation: handle_scope_violation,
    ValidationException: handle_validation,
    HTTPException: handle_http,
    IntegrityError: handle_integrity,
    OperationalError: handle_operational,
    DataError: handle_data_error,
    UnicodeDecodeError: handle_undecodable,
    DatabaseBusy: handle_busy,
    PoolTimeout: handle_busy,
    Exception: handle_unexpected,
}.items()}
