"""The kinds of document: a ``DocumentSpec`` pairs a build function with a template.

A template (``template(...)``) is a Jinja2 file and the inputs it takes, a list of
``Field``s; ``TemplateSpec.clean`` checks built inputs against it and returns them
normalised (defaults filled in), as stored with the document, so rendering depends on
nothing but the stored row. Core domains and campaign plugins declare their
``DocumentSpec``s through the ``xinfang_document_templates`` hook; the process's plugin
manager is the registry. ``as_given`` makes the spec of a free-form template, whose inputs
are what the clerk typed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xinfang.platform import clock
from xinfang.platform.errors import BadRequest
from xinfang.platform.extensions.hookspecs import DocumentContext, DocumentSpec
from xinfang.platform.extensions.manager import plugin_templates, plugins_of

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
# A template declaring a field of this name (rows) has the files it lists bound in after its
# own pages, each after its section (binding.py).
ANNEXES = "annexes"

# Field kinds and what a clerk is told when a value does not fit.
KINDS = {
    "text": "一段文字",
    "paragraphs": "若干段文字(列表,或用换行分段的文字)",
    "texts": "文字列表",
    "date": "日期(如 2024-09-18)",
    "columns": "列名列表",
    "rows": "行列表,每行是与列数相同的单元格列表",
    "numbers": "正数列表",
}


@dataclass(frozen=True)
class Field:
    """One input of a template. ``default`` (a value or a function of nothing) fills an
    optional field that was left out; a date field defaulting to today stores that day."""

    name: str
    label: str
    kind: str = "text"
    required: bool = True
    default: Any = None
    max_length: int = 2000  # per text (per cell for rows)
    max_items: int = 5000

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "kind": self.kind, "kind_label": KINDS[self.kind],
                "required": self.required}


Check = Callable[[dict[str, Any]], list[dict[str, str]]]


@dataclass(frozen=True)
class TemplateSpec:
    key: str
    title: str
    path: Path
    fields: tuple[Field, ...]
    check: Check | None = field(default=None, compare=False)

    def clean(self, inputs: Any) -> dict[str, Any]:
        """The inputs as stored: known fields only, normalised, defaults filled in.
        Raises ``BadRequest`` listing every problem at once."""
        if not isinstance(inputs, dict):
            raise BadRequest("文书内容(inputs)应为一个对象")
        problems: list[dict[str, str]] = []
        clean: dict[str, Any] = {}
        unknown = sorted(set(inputs) - {f.name for f in self.fields})
        for name in unknown:
            problems.append({"field": name, "message": f"“{self.title}”没有“{name}”这一项"})
        for f in self.fields:
            value = inputs.get(f.name)
            if _empty(value):
                if f.required:
                    problems.append({"field": f.name, "message": f"请填写“{f.label}”"})
                    continue
                value = f.default() if callable(f.default) else f.default
                if value is None:
                    continue
            try:
                clean[f.name] = _normalise(f, value)
            except ValueError as exc:
                problems.append({"field": f.name, "message": f"“{f.label}”{exc}"})
        if not problems and self.check is not None:
            problems.extend(self.check(clean))
        if problems:
            raise BadRequest("文书内容不完整或格式不正确:" + ";".join(p["message"] for p in problems[:5]), problems)
        return clean

    def describe(self) -> dict[str, Any]:
        return {"key": self.key, "title": self.title, "fields": [f.describe() for f in self.fields]}


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple) and len(value) == 0) or (
        isinstance(value, str) and not value.strip())


def _text(value: Any, max_length: int) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError("应为文字")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("不是有效的数字")
    text = str(value).strip()
    if len(text) > max_length:
        raise ValueError(f"超过{max_length}字")
    return text


def _list(value: Any, f: Field) -> list:
    if isinstance(value, str) and f.kind in ("paragraphs", "texts"):
        value = value.splitlines()
    if not isinstance(value, list | tuple):
        raise ValueError(f"应为{KINDS[f.kind]}")
    if len(value) > f.max_items:
        raise ValueError(f"超过{f.max_items}项")
    return list(value)


def _normalise(f: Field, value: Any) -> Any:
    if f.kind == "text":
        return _text(value, f.max_length)
    if f.kind == "date":
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueError("应为日期,格式如 2024-09-18") from None
    items = _list(value, f)
    if f.kind in ("paragraphs", "texts", "columns"):
        texts = [_text(v, f.max_length) for v in items]
        texts = [t for t in texts if t] if f.kind != "columns" else texts
        if f.kind == "columns" and any(not t for t in texts):
            raise ValueError("中有空的列名")
        if f.required and not texts:
            raise ValueError("不能为空")
        return texts
    if f.kind == "numbers":
        numbers = []
        for v in items:
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v <= 0:
                raise ValueError("应全部为正数")
            numbers.append(v)
        return numbers
    # rows: a list of rows, each a list of cells; an empty cell is an empty string
    rows = []
    for n, row in enumerate(items, start=1):
        if not isinstance(row, list | tuple):
            raise ValueError(f"第{n}行应为单元格列表")
        try:
            rows.append(["" if cell is None else _text(cell, f.max_length) for cell in row])
        except ValueError as exc:
            raise ValueError(f"第{n}行{exc}") from None
    return rows


def template(key: str, title: str, path: str | Path, schema: Sequence[Field], *,
             check: Check | None = None) -> TemplateSpec:
    """The template ``key``, to declare through ``xinfang_document_templates``. ``path`` is a Jinja2 file; a relative
    path is taken from this package's templates/ folder. Every template may extend
    ``base.html`` and is rendered with the official stylesheet."""
    path = Path(path)
    if not path.is_absolute():
        path = TEMPLATE_DIR / path
    if not path.is_file():
        raise FileNotFoundError(f"document template {path} does not exist")
    names = [f.name for f in schema]
    if len(set(names)) != len(names):
        raise ValueError(f"template {key!r} declares a field twice")
    return TemplateSpec(key, title, path, tuple(schema), check)


def as_given(spec: TemplateSpec) -> DocumentSpec:
    """The document of a free-form template: its inputs are the ``params`` the clerk gave."""
    return DocumentSpec(spec.key, spec.title, spec, _given)


def _given(context: DocumentContext) -> dict[str, Any]:
    return context.params


def free_form(spec: DocumentSpec) -> bool:
    """Whether the clerk types the inputs (``as_given``) rather than the records giving them."""
    return spec.build is _given


def registered_specs(holder: Any) -> dict[str, DocumentSpec]:
    """The kinds of document the plugins declare; ``holder``: a session or session factory."""
    return plugin_templates(plugins_of(holder))


def get_spec(holder: Any, key: str) -> DocumentSpec:
    specs = registered_specs(holder)
    spec = specs.get(key)
    if spec is None:
        known = "、".join(f"{s.key}({s.title})" for s in specs.values() if free_form(s))
        raise BadRequest(f"未知的文书类型“{key}”,可选:{known}")
    return spec


# --- built-in templates -----------------------------------------------------------------

NOTICE_TEMPLATE = template("notice", "通知", "notice.html", [
    Field("issuer", "发文机关", max_length=100),
    Field("number", "发文字号", required=False, default="", max_length=64),
    Field("title", "标题", max_length=300),
    Field("addressee", "主送机关", required=False, default="", max_length=500),
    Field("body", "正文", kind="paragraphs", max_length=5000, max_items=500),
    Field("attachments", "附件名称", kind="texts", required=False, max_length=200, max_items=50),
    Field("date", "成文日期", kind="date", required=False, default=lambda: clock.today().isoformat()),
    Field("printed_by", "印发机关", required=False, max_length=100),
    Field("printed_on", "印发日期", kind="date", required=False),
])


def _check_table(inputs: dict[str, Any]) -> list[dict[str, str]]:
    width = len(inputs["columns"])
    problems = [{"field": "rows", "message": f"第{n}行有{len(row)}个单元格,应为{width}个(与列数相同)"}
                for n, row in enumerate(inputs.get("rows", []), start=1) if len(row) != width]
    if "widths" in inputs and len(inputs["widths"]) != width:
        problems.append({"field": "widths", "message": f"列宽有{len(inputs['widths'])}项,应为{width}项(与列数相同)"})
    return problems[:20]


LEDGER_TEMPLATE = template("ledger", "表格(台账、清单)", "ledger.html", [
    Field("title", "表名", max_length=300),
    Field("columns", "列名", kind="columns", max_length=100, max_items=40),
    Field("rows", "表格内容", kind="rows", required=False, default=list, max_length=2000, max_items=20000),
    Field("widths", "列宽比例", kind="numbers", required=False, max_items=40),
    Field("annex", "附件标注(如“附件1”)", required=False, max_length=20),
    Field("issuer", "填报单位", required=False, default="", max_length=100),
    Field("number", "编号", required=False, default="", max_length=64),
    Field("date", "填报日期", kind="date", required=False, default=lambda: clock.today().isoformat()),
    Field("notes", "表注", kind="texts", required=False, max_length=1000, max_items=20),
], check=_check_table)

NOTICE = as_given(NOTICE_TEMPLATE)
LEDGER = as_given(LEDGER_TEMPLATE)
