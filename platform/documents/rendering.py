"""Inputs → HTML (Jinja2) → PDF (WeasyPrint), with nothing but the inputs deciding the bytes.

The output carries no creation time and a fixed file identifier, so the same template and
inputs always give the same file and the same SHA-256: a re-render after a crash stores
the file it would have stored, and verification never breaks. Rendering is CPU-bound
(about 0.3 s a page of CJK text): it runs in job workers, never on the event loop.
"""

from __future__ import annotations

import gc
import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import segno
import weasyprint
from weasyprint import html as weasy_html
from weasyprint.pdf import fonts as weasy_pdf_fonts
from weasyprint.pdf import stream as weasy_pdf_stream
from weasyprint.text.fonts import get_hb_object_data

from xinfang.platform.documents import weasy_draw
from xinfang.platform.documents.registry import TEMPLATE_DIR, TemplateSpec
from xinfang.platform.documents.weasy_layout import fast_layout
from xinfang.platform.templating import environment

STYLESHEET = TEMPLATE_DIR / "official.css"
RENDERER = f"WeasyPrint {weasyprint.__version__}"
# One rendering at a time per process: a 20-page ledger peaks near 235 MiB, Pango and
# fontconfig caches are shared by every rendering in the process, and _lean_fonts swaps
# two of WeasyPrint's module attributes while a document is written.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    # the page (from 0) of each element with an id, e.g. where a dossier's part begins (binding.py)
    anchors: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


@lru_cache(maxsize=1)
def _stylesheet() -> weasyprint.CSS:
    return weasyprint.CSS(filename=str(STYLESHEET))


def render_html(spec: TemplateSpec, inputs: dict[str, Any], code: str = "", extra: dict[str, Any] | None = None) -> str:
    """Every declared field is in the context (None when left out); a typo fails loudly.
    ``code`` is the document's verification code, printed on every page (base.html);
    ``extra``: what the renderer found besides the inputs (a bound file's 并入 status)."""
    context = {f.name: inputs.get(f.name) for f in spec.fields}
    context.update(extra or {})
    context.setdefault("title", spec.title)
    context["verification_code"] = code
    context["verification_qr"] = qr_svg(inputs.get("verification_url"))
    template = environment(str(spec.path.parent), str(TEMPLATE_DIR)).get_template(spec.path.name)
    return template.render(**context)


def qr_svg(url: str | None) -> str:
    """The verification address as an inline SVG QR code (vector: sharp in print, no image file)."""
    if not url:
        return ""
    return segno.make(url, error="m").svg_inline(scale=1, border=0, omitsize=True)


def render_pdf(spec: TemplateSpec, inputs: dict[str, Any], identifier: str = "", code: str = "",
               extra: dict[str, Any] | None = None) -> Rendered:
    """The PDF of ``inputs`` under ``spec``. ``identifier`` (e.g. the document id) becomes the
    PDF's file identifier; without one it is derived from the inputs, so it never varies."""
    html = render_html(spec, inputs, code, extra)
    ident = (identifier or hashlib.sha256(html.encode()).hexdigest()[:32]).encode()
    with _LOCK, _collected_once():
        return _write(html, str(spec.path.parent), ident)


def _write(html: str, base_url: str, ident: bytes) -> Rendered:
    """The PDF, its page count and anchors; the laid-out document is garbage when this returns."""
    with fast_layout():
        document = DocumentHTML(string=html, base_url=base_url).render(stylesheets=[_stylesheet()])
    anchors: dict[str, int] = {}
    for number, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, number)
    with _lean_fonts(), weasy_draw.installed():
        return Rendered(document.write_pdf(pdf_identifier=ident), len(document.pages), anchors)


def _document_ua_text(ua: str) -> str:
    """WeasyPrint's HTML user-agent sheet without the rules that give every element pseudo-elements.

    ``::marker``, ``::footnote-call``, ``::footnote-marker`` and the three ``::note-*`` rules
    match every element, so WeasyPrint computed six pseudo-element styles per element: 50,000
    style dicts for a 600-row ledger, kept until its PDF was written (~60 MiB) and ~12 % of its
    CPU. Documents have markers only on list items, and the one footnote (the 版记) styles its
    call and marker itself (official.css), so the sheet keeps ``li::marker`` and drops the rest;
    the PDFs are byte for byte the same (tests/unit/test_document_layout.py)."""
    kept, dropped = [], 0
    for line in ua.splitlines(keepends=True):
        if line.startswith("::marker "):
            kept.append("li" + line)
        elif line.startswith(("::footnote-", "::note-")):
            dropped += 1
        else:
            kept.append(line)
    if dropped != 5:
        raise RuntimeError("WeasyPrint's user-agent sheet changed: review _document_ua_text")
    return "".join(kept)


class DocumentHTML(weasyprint.HTML):
    """A document's HTML, styled by the document user-agent sheet (``_document_ua_text``)."""

    def _ua_stylesheets(self, forms: bool = False) -> list[weasyprint.CSS]:
        return [_document_ua_sheet(), *super()._ua_stylesheets(forms)[1:]]


@lru_cache(maxsize=1)
def _document_ua_sheet() -> weasyprint.CSS:
    return weasyprint.CSS(string=_document_ua_text(weasy_html.UA), counter_style=weasy_html.UA_COUNTER_STYLE)


class _FileUnread:
    """A font face whose whole file nobody has read yet (``_LeanFont``)."""

    __slots__ = ("face",)

    def __init__(self, face: Any) -> None:
        self.face = face


class _LeanFont(weasy_pdf_fonts.Font):
    """WeasyPrint's embedded font, reading its whole font file only if something uses it.

    WeasyPrint 70 copies the whole file of each face when it first draws with it (19–27 MB
    for each Noto CJK collection, every page of the file read from disk) and replaces the
    copy with HarfBuzz's subset when the PDF is written, so the copy is never read: it was
    ~130 MiB of a 600-row ledger's peak (three faces, anonymous and file-backed). Here the
    face stands in for its file until ``file_content`` is read (the fontTools fallbacks do)."""

    _content: Any = None

    @property  # type: ignore[override]
    def file_content(self) -> bytes | None:
        if isinstance(self._content, _FileUnread):
            self._content = get_hb_object_data(self._content.face)
        return self._content

    @file_content.setter
    def file_content(self, value: Any) -> None:
        if isinstance(value, _FileUnread) and value.face is not self.hb_face:
            value = get_hb_object_data(value.face)  # a subset: small, and its face is going away
        self._content = value


@contextmanager
def _lean_fonts() -> Iterator[None]:
    """WeasyPrint writes with ``_LeanFont``: its PDF writer takes ``Font`` from its stream
    module and a face's data from its fonts module, both swapped here and put back after
    (callers hold ``_LOCK``; WeasyPrint used directly, as in bench/pdf.py, is left as it is)."""
    saved = weasy_pdf_stream.Font, weasy_pdf_fonts.get_hb_object_data
    weasy_pdf_stream.Font, weasy_pdf_fonts.get_hb_object_data = _LeanFont, _unread_face  # type: ignore[misc]
    try:
        yield
    finally:
        weasy_pdf_stream.Font, weasy_pdf_fonts.get_hb_object_data = saved  # type: ignore[misc]


def _unread_face(hb_object: Any, ot_color: str | None = None, glyph: int | None = None) -> Any:
    """The PDF writer's fonts module asks for whole faces only (the emoji paths use their own)."""
    if ot_color is not None or glyph is not None:
        return get_hb_object_data(hb_object, ot_color, glyph)
    return _FileUnread(hb_object)


@contextmanager
def _collected_once() -> Iterator[None]:
    """No cyclic garbage collection while rendering, one collection of the young objects after.

    A ledger page makes ~30,000 objects that all live until the PDF is written and then die
    in reference cycles: the collector's passes during rendering took ~20 % of the CPU and
    freed nothing, and afterwards the cycles waited for a full collection, so the next
    rendering began beside the last one's boxes (peak RSS 520 MiB instead of 390 for two
    600-row ledgers in a row). Everything allocated meanwhile is still in generation 0, so
    collecting that generation frees the whole document without walking the process's
    older objects (a few milliseconds for a one-page document)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect(0)
