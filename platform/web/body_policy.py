"""One policy for every request's raw input, checked before routing, guards and decoding.

Typed DTOs (``web.inputs``) bound each field; this bounds what reaches them, on every
route alike (the unauthenticated login included), so hostile input is a 400 with a Chinese
message and never an error deep in a decoder, the ORM or the database driver:

- the address and query: valid UTF-8, no control characters (PostgreSQL refuses NUL),
  dates (every query value shaped like one) within the years ``web.inputs`` allows;
- JSON bodies (any body that is not multipart or a form is read as JSON by the routes):
  at most ``MAX_JSON_BYTES``, valid UTF-8, valid JSON, nested at most ``MAX_DEPTH`` deep,
  every string (keys too) at most ``MAX_STRING`` characters without control characters
  or lone surrogates, every integer within the database's ``integer``;
- form bodies: the same checks on their names and values.
Multipart uploads are bounded by the app's ``request_max_body_size`` and by their readers.
"""

from __future__ import annotations

import re
from typing import Any, cast
from urllib.parse import parse_qsl

import msgspec
from litestar.types import ASGIApp, HTTPRequestEvent, HTTPScope, Receive, ReceiveMessage, Scope, Send

from xinfang.platform.errors import BadRequest, ClerkError
from xinfang.platform.web.inputs import EARLIEST_DAY, INT4_MAX, LATEST_DAY

MAX_JSON_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 20
MAX_STRING = 20_000
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# C0 controls except tab, line feed and carriage return; DEL; lone UTF-16 surrogates
_TEXT_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_URL_FORBIDDEN = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_DATE_LIKE = re.compile(r"(\d{4})-\d{2}-\d{2}")


class PayloadTooLarge(ClerkError):
    status_code, code = 413, "payload_too_large"


def refuse(field: str, message: str) -> BadRequest:
    said = f"“{field}”{message}"
    return BadRequest(said, details=[{"field": field, "message": said}])


def check_url(path: str, query_string: bytes) -> None:
    if _URL_FORBIDDEN.search(path):
        raise BadRequest("请求地址中含有不允许的控制字符")
    try:
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise BadRequest("查询参数不是有效的 UTF-8 编码") from None
    for key, value in pairs:
        if _URL_FORBIDDEN.search(key) or _URL_FORBIDDEN.search(value):
            raise refuse(key if not _URL_FORBIDDEN.search(key) else "查询参数", "中含有不允许的控制字符")
        if len(value) > MAX_STRING:
            raise refuse(key, f"超过{MAX_STRING}个字")
        if (date := _DATE_LIKE.match(value)) and not EARLIEST_DAY.year <= int(date.group(1)) <= LATEST_DAY.year:
            raise refuse(key, f"的日期应在{EARLIEST_DAY.year}年至{LATEST_DAY.year}年之间")


def check_json(body: bytes) -> None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("请求内容不是有效的 UTF-8 编码") from None
    try:
        value = msgspec.json.decode(text)
    except RecursionError:
        raise BadRequest(f"请求内容嵌套过深(最多{MAX_DEPTH}层)") from None
    except msgspec.DecodeError:
        raise BadRequest("请求内容不是有效的 JSON") from None
    check_value(value)


def check_value(root: Any) -> None:
    """Walk a decoded JSON value without recursion (its depth is what is being checked)."""
    stack: list[tuple[Any, str, int]] = [(root, "请求体", 1)]
    while stack:
        value, where, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise BadRequest(f"请求内容嵌套过深(最多{MAX_DEPTH}层)")
        if isinstance(value, str):
            check_text(where, value)
        elif isinstance(value, bool) or value is None or isinstance(value, float):
            continue
        elif isinstance(value, int):
            if not -INT4_MAX <= value <= INT4_MAX:
                raise refuse(where, "的数值超出允许范围")
        elif isinstance(value, dict):
            for key, item in value.items():
                check_text(f"{where}中的字段名", key)
                stack.append((item, key if where == "请求体" else f"{where}.{key}", depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{where}[{n}]", depth + 1) for n, item in enumerate(value))


def check_text(where: str, value: str) -> None:
    if len(value) > MAX_STRING:
        raise refuse(where, f"超过{MAX_STRING}个字")
    if _TEXT_FORBIDDEN.search(value):
        raise refuse(where, "中含有不可见的控制字符或无效字符,请删除后重新提交")


def check_form(body: bytes) -> None:
    try:
        pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise BadRequest("请求内容不是有效的 UTF-8 编码") from None
    for key, value in pairs:
        check_text("表单字段名", key)
        check_text(key, value)


def body_policy(app: ASGIApp) -> ASGIApp:
    """The ASGI middleware applying the policy (Litestar's exception handlers answer its refusals)."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":  # the ASGI spec: an "http" scope is an HTTPScope (mypy cannot narrow it)
            await http(cast(HTTPScope, scope), receive, send)
        else:
            await app(scope, receive, send)

    async def http(scope: HTTPScope, receive: Receive, send: Send) -> None:
        check_url(scope["path"], scope.get("query_string", b""))
        if scope["method"] not in BODY_METHODS:
            await app(scope, receive, send)
            return
        content_type = _content_type(scope)
        if content_type.startswith("multipart/"):
            await app(scope, receive, send)
            return
        body = await _read(receive, MAX_JSON_BYTES)
        if content_type == "application/x-www-form-urlencoded":
            check_form(body)
        elif body.strip():
            check_json(body)
        await app(scope, _replay(body, receive), send)

    return middleware


def _content_type(scope: HTTPScope) -> str:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return value.decode("latin-1").split(";", 1)[0].strip().lower()
    return ""


async def _read(receive: Receive, limit: int) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"提交的内容过大(最多{limit // 1024 // 1024}MB)")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> ReceiveMessage:
        nonlocal sent
        if not sent:
            sent = True
            return HTTPRequestEvent(type="http.request", body=body, more_body=False)
        return await receive()

    return replay
