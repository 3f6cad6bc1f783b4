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
  float is around, replayed at the new line's y;
- ``resolve_percentages``: a box's used margins, paddings, sizes and borders, a function of
  its style and its containing block's size;
- ``layout_box_backgrounds``: nothing to do for a box whose style draws no background.

No WeasyPrint code is copied: each hook answers from memory or calls WeasyPrint's function,
and ``check_weasyprint`` refuses any WeasyPrint whose relied-on sources are not 70.0's.

WeasyPrint used directly (the bench's minimal document) is untouched: the functions are
swapped only inside ``fast_layout``, which ``rendering`` enters under its lock.
"""

from __future__ import annotations

import hashlib
import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import weasyprint
from weasyprint.draw.color import get_color
from weasyprint.formatting_structure import boxes
from weasyprint.layout import absolute as weasy_absolute
from weasyprint.layout import background as weasy_background
from weasyprint.layout import block as weasy_block
from weasyprint.layout import column as weasy_column
from weasyprint.layout import float as weasy_float
from weasyprint.layout import grid as weasy_grid
from weasyprint.layout import inline as weasy_inline
from weasyprint.layout import page as weasy_page
from weasyprint.layout import percent as weasy_percent
from weasyprint.layout import table as weasy_table
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
    "percent.resolve_percentages": (weasy_percent.resolve_percentages, "71673078096fcf87"),
    "percent.resolve_one_percentage": (weasy_percent.resolve_one_percentage, "4cfaa9ad134e4f7b"),
    "percent.adjust_box_sizing": (weasy_percent.adjust_box_sizing, "88f3351db0280d16"),
    "percent.resolve_radii_percentages": (weasy_percent.resolve_radii_percentages, "4980b3798c671710"),
    "background.layout_box_backgrounds": (weasy_background.layout_box_backgrounds, "617a870678c82755"),
}
# The used values resolve_percentages sets (adjust_box_sizing changes some of them again).
_USED = tuple(f"{prop}_{side}" for prop in ("margin", "padding") for side in ("left", "right", "top", "bottom")) + (
    "width", "min_width", "max_width", "height", "min_height", "max_height",
    "border_top_width", "border_right_width", "border_bottom_width", "border_left_width")
_BORDERS = _USED[-4:]
_RADII = tuple(f"border_{corner}_radius" for corner in ("top_left", "top_right", "bottom_right", "bottom_left"))
_SQUARE = dict.fromkeys(_RADII, (0, 0))
_ABSENT = object()
_PERCENTAGE_CALLERS = (weasy_absolute, weasy_block, weasy_column, weasy_float, weasy_grid, weasy_inline, weasy_page,
                       weasy_table)


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

    def __init__(self) -> None:
        self.original_split = weasy_line_break.split_first_line
        self.original_linebox = weasy_inline.get_next_linebox
        self.original_percentages = weasy_percent.resolve_percentages
        self.original_backgrounds = weasy_background.layout_box_backgrounds
        self.splits: dict[tuple, tuple] = {}
        self.lines: dict[tuple, tuple] = {}
        self.used: dict[tuple, tuple] = {}
        self.plain: dict[int, tuple] = {}

    def swaps(self) -> list[tuple[Any, str, Any, Any]]:
        """(module, attribute, WeasyPrint's function, this memo's) for every module that calls it."""
        swaps = [(weasy_inline, "split_first_line", self.original_split, self.split_first_line),
                 (weasy_inline, "get_next_linebox", self.original_linebox, self.get_next_linebox),
                 (weasy_background, "layout_box_backgrounds", self.original_backgrounds,
                  self.layout_box_backgrounds)]
        for module in _PERCENTAGE_CALLERS:
            swaps.append((module, "resolve_percentages", self.original_percentages, self.resolve_percentages))
        return swaps

    def resolve_percentages(self, box: Any, containing_block: Any) -> None:
        """``weasyprint.layout.percent.resolve_percentages``, once per style, box kind, containing
        block size and (collapsed tables) border widths already set: its used values are a
        function of those alone. A zero size is left to WeasyPrint (0.0 and -0.0 are one key)."""
        if isinstance(containing_block, boxes.Box):
            size = (containing_block.width, containing_block.height)
        else:
            size = tuple(containing_block)
        style = box.style
        if 0 in size:
            self.original_percentages(box, containing_block)
            return
        borders = (tuple(getattr(box, name, _ABSENT) for name in _BORDERS)
                   if style["border_collapse"] == "collapse" else None)
        key = (id(style), isinstance(box, boxes.PageBox), size, borders)
        known = self.used.get(key)
        if known is None:
            self.original_percentages(box, containing_block)
            self.used[key] = ({name: getattr(box, name) for name in _USED}, style)
        else:
            box.__dict__.update(known[0])

    def layout_box_backgrounds(self, page: Any, box: Any, get_image_from_uri: Any, layout_children: bool = True,
                               style: Any = None) -> None:
        """``weasyprint.layout.background.layout_box_backgrounds`` for a box whose style draws no
        background, border image or shadow and has square corners: WeasyPrint sets its radii to
        (0, 0) and its background to None, and lays out its children's backgrounds."""
        if style is not None or box is page or not self._plain(box.style):
            self.original_backgrounds(page, box, get_image_from_uri, layout_children, style)
            return
        box.__dict__.update(_SQUARE)
        if layout_children:
            for child in box.all_children():
                self.layout_box_backgrounds(page, child, get_image_from_uri)
        box.background = None

    def _plain(self, style: Any) -> bool:
        known = self.plain.get(id(style))
        if known is None:
            images = style["background_image"]
            plain = (style["border_image_source"][0] == "none" and style["mask_border_source"][0] == "none"
                     and all((0, "px") in style[name] for name in _RADII)
                     and (style["visibility"] == "hidden" or (
                         get_color(style, "background_color").alpha == 0
                         and all(kind != "url" and not value for kind, value in images)))
                     and not style["box_shadow"])
            self.plain[id(style)] = known = (plain, style)
        return known[0]

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
        width, left = containing_block.width, containing_block.content_box_x()
        if type(child) is not boxes.TextBox or width == 0 or left == 0:  # 0.0 and -0.0: one key
            return None
        return (child.text, id(child.style), id(linebox.style), linebox.element_tag, child.element_tag,
                _frozen_stack(skip_stack), linebox.text_indent, width, left, containing_block.style["direction"])


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
    """Lay out with one rendering's memo. The memo's functions replace WeasyPrint's module
    attributes until the block ends (callers hold rendering's lock)."""
    check_weasyprint()
    swaps = _Memo().swaps()
    for module, name, original, _ in swaps:
        if getattr(module, name) is not original:
            raise RuntimeError(f"{module.__name__}.{name} is not WeasyPrint's: review weasy_layout")
    for module, name, _, replacement in swaps:
        setattr(module, name, replacement)
    try:
        yield
    finally:
        for module, name, original, _ in swaps:
            setattr(module, name, original)
