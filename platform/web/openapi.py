"""What the published OpenAPI says about failures and files, declared once for every route.

Every error the app answers has the body of ``errors._body`` (Litestar's own 400 schema,
with ``detail``/``extra``, is never sent). Which statuses a route may answer follows from
what it declares: a permission (401, 403), an id in its path (404), a body (413), any
database work (409, 503), and what it adds itself in ``opt={"statuses": ...}`` (the login's
401 and 429). Routes answering a file say so with ``opt={"produces": media type}``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec

from xinfang.platform.spreadsheets.writing import XLSX_TYPE
from xinfang.platform.web.guards import PUBLIC

# Exports answer XLSX, or CSV with ``format=csv``; OpenAPI describes one type per
# response, so the spreadsheet answers are declared as XLSX and described as either.
SPREADSHEET = XLSX_TYPE


@dataclasses.dataclass
class ErrorBody:
    """Every error answer: the status, a machine code, a Chinese message, per-field details."""

    status_code: int
    error: str
    message: str
    details: list[dict[str, Any]]


_MEANING = {
    400: "输入不完整、格式不正确或超出允许范围(message 说明应修改的字段)",
    401: "未登录、登录已过期或用户名密码错误",
    403: "没有执行此操作的权限,或对象不在管辖范围内",
    404: "对象不存在或不在管辖范围内",
    409: "操作与当前状态或已有记录冲突",
    413: "提交的内容过大",
    429: "请求过于频繁,请稍后再试",
    503: "数据库暂时不可用,请稍后再试",
}


def _error(status: int) -> ResponseSpec:
    return ResponseSpec(data_container=ErrorBody, description=_MEANING[status], generate_examples=False)


def error_statuses(handler: HTTPRouteHandler) -> list[int]:
    statuses = {400, 404, 409, 503, *handler.opt.get("statuses", ())}
    if handler.opt.get("permission") != PUBLIC:
        statuses |= {401, 403, 429}
    if set(handler.http_methods) & {"POST", "PUT", "PATCH", "DELETE"}:
        statuses.add(413)
    return sorted(statuses)


def declare_responses(handlers: Iterable[Any]) -> None:
    """Set each handler's OpenAPI error answers (and file type); idempotent, as handlers are
    shared by every app the process builds."""
    for handler in handlers:
        if not isinstance(handler, HTTPRouteHandler):
            continue
        responses = {status: _error(status) for status in error_statuses(handler)}
        if produces := handler.opt.get("produces"):
            responses[handler.status_code] = ResponseSpec(data_container=bytes, media_type=produces,
                                                          description="文件", generate_examples=False)
        handler.responses = responses
