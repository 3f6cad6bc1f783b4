"""Cheaper drawing and writing of a laid-out document by WeasyPrint 70, while render_pdf writes it.

A 20-page ledger draws 8,000 text boxes and 17,000 collapsed-border segments. WeasyPrint
draws each text box by building its Pango layout again and walking its glyphs, and each
border segment as its own stroke with its own colour and width inside two saved graphics
states; then it serializes every stream twice when the PDF has an identifier (once to write
it, once to hash it). ``installed()`` changes three things, for the documents written inside
it only (callers hold rendering's lock; WeasyPrint used directly, as in bench/pdf.py, is left
as it is):

- **Text drawn once per style and text** (``_draw_text``): a text box's operators depend only
  on its style object, its text and its justification, not on where it stands, so a box that
  repeats another (most cells of a ledger) replays the operators WeasyPrint emitted for the
  first one after its own text matrix: the same bytes.
- **Table grids stroked as long lines** (``_draw_collapsed_borders``): WeasyPrint still
  resolves the segments, in its own paint order; consecutive solid opaque segments of one
  width and colour are one stroke in which collinear overlapping segments are one line
  (about 45 lines a page instead of 850 strokes). The page looks the same; only anti-aliased
  pixels where segments overlapped differ (tests/unit/test_document_drawing.py).
- **Streams serialized once** (``_OnceStream``), by a join of the stream's items that skips
  the per-item conversion when they are all bytes already: the same bytes.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from typing import Any

import pydyf
import weasyprint
from pydyf import _to_bytes
from weasyprint import document as wp_document
from weasyprint import draw as wp_draw
from weasyprint import pdf as wp_pdf
from weasyprint.draw import border as wp_border
from weasyprint.draw import text as wp_text
from weasyprint.pdf import stream as wp_stream


class _PageStream(wp_stream.Stream):
    """A page's content stream that can record the text operators of one text box
    (``_draw_text``) and is serialized once (``_OnceStream``)."""

    recording: list[Any] | None = None
    _data: bytes | None = None

    def set_text_matrix(self, a: float, b: float, c: float, d: float, e: float, f: float) -> None:
        if self.recording is not None:
            self.recording.append(_MATRIX)
        super().set_text_matrix(a, b, c, d, e, f)

    def set_font_size(self, font: str, size: float) -> None:
        if self.recording is not None:
            self.recording.append((font, size))
        super().set_font_size(font, size)

    def show_text(self, text: str) -> None:
        super().show_text(text)
        if self.recording is not None:
            self.recording.append(self.stream[-1])

    def set_text_rise(self, height: float) -> None:
        super().set_text_rise(height)
        if self.recording is not None:
            self.recording.append(self.stream[-1])

    def add_font(self, pango_font: Any) -> Any:
        font, size = super().add_font(pango_font)
        if self.recording is not None and (font.svg or font.png or font.colr):
            self.recording.append(_EMOJI)  # drawn as images after the text: not replayed
        return font, size

    @property
    def data(self) -> bytes:
        if self._data is None:
            self._data = _serialized(self)
        return self._data


class _OnceStream(pydyf.Stream):
    """A pydyf stream (font files, ToUnicode maps) serialized and compressed once."""

    _data: bytes | None = None

    @property
    def data(self) -> bytes:
        if self._data is None:
            self._data = _serialized(self)
        return self._data


_SERIALIZE = pydyf.Stream.data.fget  # type: ignore[attr-defined]
_MATRIX = object()  # recorded: the text matrix was set (the box is not blank)
_EMOJI = object()  # recorded: a colour font was used


def _serialized(stream: pydyf.Stream) -> bytes:
    """``pydyf.Stream.data`` with the items joined directly when they are all bytes (a page's
    operators are): the same bytes without a conversion call per operator."""
    items = stream.stream
    try:
        joined = b"\n".join(items)
    except TypeError:
        return bytes(_SERIALIZE(stream))
    stream.stream = [joined]
    try:
        return bytes(_SERIALIZE(stream))
    finally:
        stream.stream = items


class _TextMemo:
    """The operators of each text box drawn so far, by (style, text, justification).

    Mirrors ``weasyprint.draw.text.draw_text`` (70.0) for a visible box without decorations,
    ellipsis or colour-font glyphs: colour, text object, text matrix at the box's baseline,
    then what ``draw_first_line`` emitted for an equal box. Everything else, and the first
    box of each key, goes through WeasyPrint's own function."""

    def __init__(self) -> None:
        self.seen: dict[tuple[int, str, str, float], tuple[Any, bool, list[Any]]] = {}

    def draw_text(self, stream: Any, textbox: Any, offset_x: float, text_overflow: str,
                  block_ellipsis: str) -> None:
        style = textbox.style
        if (type(stream) is not _PageStream or text_overflow != "clip" or block_ellipsis != "none"
                or style["visibility"] != "visible" or style["text_decoration_line"] != "none"):
            _ORIGINAL["draw_text"](stream, textbox, offset_x, text_overflow, block_ellipsis)
            return
        layout = textbox.pango_layout
        key = (id(style), textbox.text, layout.text, layout.justification_spacing)
        known = self.seen.get(key)
        if known is None or known[0] is not style:
            self._record(key, stream, textbox, offset_x)
            return
        _, matrix, operators = known
        stream.set_color(style["color"])
        stream.begin_text()
        append = stream.stream.append
        if matrix:  # set_text_matrix(*Matrix(d=-1, e=x, f=y).values), formatted as pydyf does
            append(b"1 0 0 -1 " + _to_bytes(textbox.position_x) + b" "
                   + _to_bytes(textbox.position_y + textbox.baseline) + b" Tm")
        for operator in operators:
            if type(operator) is bytes:
                append(operator)
            else:
                stream.set_font_size(*operator)
        stream.end_text()

    def _record(self, key: tuple[int, str, str, float], stream: _PageStream, textbox: Any,
                offset_x: float) -> None:
        stream.recording = recording = []
        try:
            _ORIGINAL["draw_text"](stream, textbox, offset_x, "clip", "none")
        finally:
            stream.recording = None
        if _EMOJI not in recording:
            matrix = bool(recording) and recording[0] is _MATRIX
            self.seen[key] = (textbox.style, matrix, recording[1:] if matrix else recording)


class _Segments:
    """Stands for the stream while WeasyPrint resolves a table's collapsed borders: collects
    each segment ``draw_line`` would stroke, in WeasyPrint's paint order."""

    def __init__(self) -> None:
        self.segments: list[tuple[float, float, float, float, float, Any, Any]] = []

    def artifact(self) -> Any:
        return nullcontext()

    def stacked(self) -> Any:
        return nullcontext()


def _draw_line(stream: Any, x1: float, y1: float, x2: float, y2: float, thickness: float, style: Any,
               color: Any, offset: float = 0) -> None:
    """``weasyprint.draw``'s ``draw_line``: collected for ``_Segments``, else WeasyPrint's."""
    if type(stream) is _Segments and not offset:
        stream.segments.append((x1, y1, x2, y2, thickness, style, color))
    else:
        wp_border.draw_line(stream, x1, y1, x2, y2, thickness, style, color, offset)


def _draw_collapsed_borders(stream: Any, table: Any) -> None:
    """WeasyPrint's collapsed borders with runs of equal segments stroked together.

    WeasyPrint 70's ``draw_collapsed_borders`` sorts the segments so that stronger borders
    are painted later, on top, and strokes each in its own graphics state. Here its segments
    are collected in that order (``_Segments``) and painted in order too, but each maximal run
    of consecutive solid opaque segments of one width and colour is one stroke, where
    collinear segments that overlap or touch are one line: within such a run the order
    cannot show. Other styles (dashed, double …) and translucent colours are drawn as
    WeasyPrint draws them."""
    collected = _Segments()
    _ORIGINAL["draw_collapsed_borders"](collected, table)
    run: list[tuple[float, float, float, float]] = []
    run_key: tuple[Any, Any] | None = None
    for x1, y1, x2, y2, width, style, color in collected.segments:
        key = (width, color) if style == "solid" and color.alpha == 1 else None
        if key != run_key or key is None:
            _stroke_lines(stream, run, run_key)
            run, run_key = [], key
        if key is None:
            with stream.artifact(), stream.stacked():
                wp_border.draw_line(stream, x1, y1, x2, y2, width, style, color)
        else:
            run.append((x1, y1, x2, y2))
    _stroke_lines(stream, run, run_key)


def _stroke_lines(stream: Any, segments: list[tuple[float, float, float, float]],
                  key: tuple[Any, Any] | None) -> None:
    """One stroke of ``segments`` (horizontal or vertical) with collinear overlapping ones joined."""
    if not segments or key is None:
        return
    width, color = key
    vertical: dict[float, list[tuple[float, float]]] = {}
    horizontal: dict[float, list[tuple[float, float]]] = {}
    for x1, y1, x2, y2 in segments:
        if x1 == x2:
            vertical.setdefault(x1, []).append((y1, y2) if y1 <= y2 else (y2, y1))
        else:
            horizontal.setdefault(y1, []).append((x1, x2) if x1 <= x2 else (x2, x1))
    with stream.artifact(), stream.stacked():
        stream.set_color(color, stroke=True)
        stream.set_line_width(width)
        for x, spans in vertical.items():
            for start, end in _joined(spans):
                stream.move_to(x, start)
                stream.line_to(x, end)
        for y, spans in horizontal.items():
            for start, end in _joined(spans):
                stream.move_to(start, y)
                stream.line_to(end, y)
        stream.stroke()


def _joined(spans: list[tuple[float, float]]) -> Iterator[tuple[float, float]]:
    """The union of intervals, as maximal intervals (touching ones join)."""
    spans.sort()
    start, end = spans[0]
    for next_start, next_end in spans[1:]:
        if next_start <= end:
            end = max(end, next_end)
        else:
            yield start, end
            start, end = next_start, next_end
    yield start, end


def _generate_pdf(document: Any, target: Any, zoom: float, **options: Any) -> pydyf.PDF:
    """WeasyPrint's ``generate_pdf``, with its plain pydyf streams serialized once."""
    pdf = _ORIGINAL["generate_pdf"](document, target, zoom, **options)
    for item in pdf.objects:
        if type(item) is pydyf.Stream:
            item.__class__ = _OnceStream
    return pdf


_ORIGINAL: dict[str, Callable[..., Any]] = {
    "draw_text": wp_text.draw_text,
    "draw_collapsed_borders": wp_draw.draw_collapsed_borders,
    "generate_pdf": wp_document.generate_pdf,
}

# What each hook relies on: the module attribute it replaces (WeasyPrint's callers look it up
# there) and the functions whose behaviour it mirrors or whose calls it intercepts.
_WATCHED: tuple[Callable[..., Any], ...] = (
    wp_text.draw_text, wp_text.draw_first_line, wp_draw.draw_collapsed_borders,
    wp_draw.draw_inline_level, wp_pdf.generate_pdf, wp_stream.Stream.begin_text,
    wp_stream.Stream.end_text, wp_stream.Stream.set_font_size, wp_stream.Stream.add_font,
    wp_border.draw_line, pydyf.Stream.show_text, pydyf.Stream.set_text_rise, pydyf.Stream.set_text_matrix, _to_bytes,
    wp_text.Matrix.values.fget, _SERIALIZE, pydyf.PDF.write,
)
WATCHED_SHA256 = "ff94e566706b12527d008750c76ebc76f50fdaef55d26939d0c03c1ad958c580"


@lru_cache(maxsize=1)
def _check_weasyprint() -> None:
    """Fail loudly when WeasyPrint or pydyf changed the code these hooks mirror."""
    sources = "".join(inspect.getsource(function) for function in _WATCHED)
    digest = hashlib.sha256(sources.encode()).hexdigest()
    if weasyprint.__version__ != "70.0" or pydyf.__version__ != "0.13.0" or digest != WATCHED_SHA256:
        raise RuntimeError(f"WeasyPrint {weasyprint.__version__} / pydyf {pydyf.__version__} changed the drawing "
                           f"code weasy_draw mirrors (sources {digest}): review weasy_draw")


@contextmanager
def installed() -> Iterator[None]:
    """Documents written inside are drawn and serialized by the hooks above (module docstring)."""
    _check_weasyprint()
    memo = _TextMemo()
    swaps = [(wp_pdf, "Stream", _PageStream), (wp_draw, "draw_text", memo.draw_text),
             (wp_draw, "draw_collapsed_borders", _draw_collapsed_borders),
             (wp_draw, "draw_line", _draw_line), (wp_document, "generate_pdf", _generate_pdf)]
    saved = [(module, name, getattr(module, name)) for module, name, _ in swaps]
    for module, name, value in swaps:
        setattr(module, name, value)
    try:
        yield
    finally:
        for module, name, value in saved:
            setattr(module, name, value)
