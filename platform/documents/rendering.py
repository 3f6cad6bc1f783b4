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
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import segno
import weasyprint

from xinfang.platform.documents.registry import TEMPLATE_DIR, TemplateSpec
from xinfang.platform.templating import environment

STYLESHEET = TEMPLATE_DIR / "official.css"
RENDERER = f"WeasyPrint {weasyprint.__version__}"
# One rendering at a time per process: a 20-page ledger peaks near 390 MiB, and Pango and
# fontconfig caches are shared by every rendering in the process.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


@lru_cache(maxsize=1)
def _stylesheet() -> weasyprint.CSS:
    return weasyprint.CSS(filename=str(STYLESHEET))


def render_html(spec: TemplateSpec, inputs: dict[str, Any], code: str = "") -> str:
    """Every declared field is in the context (None when left out); a typo fails loudly.
    ``code`` is the document's verification code, printed on every page (base.html)."""
    context = {f.name: inputs.get(f.name) for f in spec.fields}
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


def render_pdf(spec: TemplateSpec, inputs: dict[str, Any], identifier: str = "", code: str = "") -> Rendered:
    """The PDF of ``inputs`` under ``spec``. ``identifier`` (e.g. the document id) becomes the
    PDF's file identifier; without one it is derived from the inputs, so it never varies."""
    html = render_html(spec, inputs, code)
    ident = (identifier or hashlib.sha256(html.encode()).hexdigest()[:32]).encode()
    with _LOCK, _collected_once():
        pdf, pages = _write(html, str(spec.path.parent), ident)
    return Rendered(pdf, pages)


def _write(html: str, base_url: str, ident: bytes) -> tuple[bytes, int]:
    """The PDF and its page count; the laid-out document is garbage when this returns."""
    document = weasyprint.HTML(string=html, base_url=base_url).render(stylesheets=[_stylesheet()])
    return document.write_pdf(pdf_identifier=ident), len(document.pages)


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
