"""Layout fast paths for documents: a table's repeated cells laid out once.

A 600-row ledger is 7,800 cells, most of them one line of text that recurs down its column
(the community, the category, the responsible unit...). WeasyPrint 70 lays out every cell's
line from scratch: a Pango layout to break it (``split_first_line``) and ~40 box operations
around it (``get_next_linebox``), ~180 µs a line and about half of the ledger's layout. Both
are functions of things a cell shares with its neighbours: computed styles are shared
objects between elements with the same rules and parent (WeasyPrint's own style sharing),
and a column's cells sit at the same x with the same width. ``fast_layout`` remembers, for
one rendering:

- ``split_first_line``: the line break of a text in a style at a width (Pango's answer);
- ``get_next_linebox``: the whole laid-out line of a line box holding one text box, when no
  float is around, replayed at the new line's y.

WeasyPrint used directly (the bench's minimal document) is untouched: the functions are
swapped only inside ``fast_layout``, which ``rendering`` enters under its lock.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline as weasy_inline
from weasyprint.text import line_break as weasy_line_break

# SHA-256 (first 16 hex digits) of the WeasyPrint 70.0 sources whose behaviour the fast paths
# rely on: what the memo keys on and what a replayed line must carry. A change fails loudly.
_RELIED_ON = {
    "line_break.split_first_line": (weasy_line_break.split_first_line, "39ad1016863ca34d"),
    "line_break.first_line_metrics": (weasy_line_break.first_line_metrics, "55ec5d0b58b29a8b"),
    "line_break.Layout": (weasy_line_break.Layout, "681b737d1ba5e004"),
    "inline.get_next_linebox": (weasy_inline.get_next_linebox, "67af458c2545e74f"),
    "inline.iter_line_boxes": (weasy_inline.iter_line_boxes, "04aec48abfcad809"),
    "inline.split_text_box": (weasy_inline.split_text_box, "8c564329599ef23f"),
}


def _source_digest(target: Any) -> str:
    return hashlib.sha256(inspect.getsource(target).encode()).hexdigest()[:16]


@cache
def check_weasyprint() -> None:
    """Fail loudly if WeasyPrint is not the 70.x whose functions the fast paths mirror."""
    if not weasyprint.__version__.startswith("70."):
        raise RuntimeError(f"weasy_layout mirrors WeasyPrint 70, found {weasyprint.__version__}: review it")
    changed = [name for name, (target, digest) in _RELIED_ON.items() if _source_digest(target) != digest]
    if changed:
        raise RuntimeError(f"WeasyPrint functions changed, review weasy_layout: {', '.join(changed)}")


def _shell(layout: Any) -> Any:
    """A copy of a laid-out text's Layout. After layout it is a shell (``deactivate`` dropped
    its Pango objects): drawing rebuilds them from the text and the box's style, and drawing
    an ellipsis rewrites the text, so each box gets its own shell."""
    copy = object.__new__(type(layout))
    copy.__dict__.update(layout.__dict__)
    return copy


class _Memo:
    """One rendering's remembered line breaks and lines. Keys hold ``id``s of styles and the
    values keep those styles alive, so an id is never reused while the memo lives."""

    def __init__(self, split_first_line: Callable[..., Any], get_next_linebox: Callable[..., Any]) -> None:
        self.original_split = split_first_line
        self.original_linebox = get_next_linebox
        self.splits: dict[tuple, tuple] = {}
        self.lines: dict[tuple, tuple] = {}

    def split_first_line(self, text: str, style: Any, context: Any, max_width: Any, justification_spacing: Any,
                         is_line_start: bool = True, minimum: bool = False) -> tuple:
        """``weasyprint.text.line_break.split_first_line``, answered once per (text, style, width)."""
        key = (text, id(style), max_width, justification_spacing, is_line_start, minimum)
        known = self.splits.get(key)
        if known is None:
            result = self.original_split(text, style, context, max_width, justification_spacing,
                                         is_line_start, minimum)
            self.splits[key] = known = (result, style)
            return result
        (layout, *rest), _ = known
        return (_shell(layout), *rest)

    def get_next_linebox(self, context: Any, linebox: Any, position_y: float, bottom_space: float,
                         skip_stack: Any, containing_block: Any, absolute_boxes: list, fixed_boxes: list,
                         first_letter_style: Any, first_line_style: Any) -> tuple:
        """``weasyprint.layout.inline.get_next_linebox``, replayed for a line box holding one text box.

        Such a line depends on the text, the styles, where the containing block starts and
        how wide it is, and where in the text it starts; with no float on the page, its
        position_y only moves it down. A replay is the remembered line translated to the new
        y (the line's own y set exactly, as WeasyPrint does) with the current boxes' elements."""
        key = self._line_key(context, linebox, skip_stack, containing_block, first_letter_style, first_line_style)
        known = self.lines.get(key) if key is not None else None
        if known is None:
            shapes, absolutes, fixed = len(context.excluded_shapes), len(absolute_boxes), len(fixed_boxes)
            line, resume_at = self.original_linebox(
                context, linebox, position_y, bottom_space, skip_stack, containing_block, absolute_boxes,
                fixed_boxes, first_letter_style, first_line_style)
            if (key is not None and line is not None and shapes == len(context.excluded_shapes) == 0
                    and (absolutes, fixed) == (len(absolute_boxes), len(fixed_boxes))
                    and all(type(child) is boxes.TextBox for child in line.children)):
                geometry = (linebox.position_x, linebox.position_y - position_y, linebox.width, linebox.height)
                self.lines[key] = (position_y, _copy_line(line), resume_at, geometry,
                                   (linebox.style, linebox.children[0].style))
            return line, resume_at
        recorded_y, recorded, resume_at, (x, dy, width, height), _ = known
        line = _copy_line(recorded, linebox.element, linebox.children[0].element)
        line.translate(0, position_y - recorded_y)
        line.position_y = position_y
        linebox.position_x, linebox.position_y, linebox.width, linebox.height = x, position_y + dy, width, height
        return line, _copy_stack(resume_at)

    @staticmethod
    def _line_key(context: Any, linebox: Any, skip_stack: Any, containing_block: Any, first_letter_style: Any,
                  first_line_style: Any) -> tuple | None:
        if (context.excluded_shapes or first_letter_style is not None or first_line_style is not None
                or type(linebox) is not boxes.LineBox or len(linebox.children) != 1):
            return None
        (child,) = linebox.children
        if type(child) is not boxes.TextBox:
            return None
        return (child.text, id(child.style), id(linebox.style), linebox.element_tag, child.element_tag,
                _frozen_stack(skip_stack), linebox.text_indent, containing_block.width,
                containing_block.content_box_x(), containing_block.style["direction"])


_KEEP = object()


def _copy_line(line: Any, element: Any = _KEEP, text_element: Any = _KEEP) -> Any:
    """A copy of a laid-out line of text boxes, sharing nothing that layout or drawing changes."""
    copy = line.copy()
    copy.remove_decoration_sides = set(line.remove_decoration_sides)
    children = []
    for child in line.children:
        text = child.copy()
        text.remove_decoration_sides = set(child.remove_decoration_sides)
        text.pango_layout = _shell(child.pango_layout)
        if text_element is not _KEEP:
            text.element = text_element
        children.append(text)
    copy.children = children
    if element is not _KEEP:
        copy.element = element
    return copy


def _frozen_stack(stack: dict | None) -> Any:
    return None if stack is None else tuple((k, _frozen_stack(v)) for k, v in stack.items())


def _copy_stack(stack: dict | None) -> dict | None:
    return None if stack is None else {k: _copy_stack(v) for k, v in stack.items()}


@contextmanager
def fast_layout() -> Iterator[None]:
    """Lay out with one rendering's memo (callers hold rendering's lock: the functions are
    module attributes of WeasyPrint, put back after)."""
    check_weasyprint()
    memo = _Memo(weasy_inline.split_first_line, weasy_inline.get_next_linebox)
    weasy_inline.split_first_line, weasy_inline.get_next_linebox = memo.split_first_line, memo.get_next_linebox
    try:
        yield
    finally:
        weasy_inline.split_first_line, weasy_inline.get_next_linebox = memo.original_split, memo.original_linebox
