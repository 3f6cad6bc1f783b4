"""Errors a clerk can read, and the handlers that turn every failure into JSON.

Handlers raise ``ClerkError`` subclasses with a Chinese message; anything unexpected
becomes a 500 with a generic message and is logged, never shown as a stack trace.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from sqlalchemy.exc import IntegrityError, OperationalError

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
_AT = re.compile(r"at `\$\.([^`]+)`")


def _field_problem(item: dict) -> dict:
    """Name the field a clerk must fix, from Litestar's (msgspec's) English message."""
    reason = str(item.get("message", ""))
    key = str(item.get("key") or "")
    if match := _MISSING.search(reason):
        field = match.group(1)
        return {"field": field, "message": f"缺少必填项“{field}”", "reason": reason}
    if match := _AT.search(reason):
        field = match.group(1)
        return {"field": field, "message": f"“{field}”的格式不正确", "reason": reason}
    field = key if key and key != "data" else "请求体"
    return {"field": field, "message": f"“{field}”缺失或格式不正确", "reason": reason}


def handle_validation(_: Request, exc: ValidationException) -> Response:
    details = [_field_problem(item) for item in exc.extra or [] if isinstance(item, dict)]
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


def handle_operational(_: Request, exc: OperationalError) -> Response:
    log.error("database error: %s", exc)
    return _json(503, "database_unavailable", "数据库暂时不可用,请稍后再试")


def handle_unexpected(_: Request, exc: Exception) -> Response:
    log.exception("unexpected error", exc_info=exc)
    return _json(500, "internal_error", "服务器内部错误,请稍后重试;如果反复出现请联系管理员")


EXCEPTION_HANDLERS = {
    ClerkError: handle_clerk_error,
    ScopeViolation: handle_scope_violation,
    ValidationException: handle_validation,
    HTTPException: handle_http,
    IntegrityError: handle_integrity,
    OperationalError: handle_operational,
    Exception: handle_unexpected,
}
