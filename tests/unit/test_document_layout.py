"""GB/T 9704 layout rules, read back from rendered PDFs: the signature and date never stand
alone on a page, whatever the length of the text; the 版记 is on the last page; a title
never leaves one character alone on its last line; a date in a narrow column stays on one
line; the verification stamp is on every page."""

from __future__ import annotations

import gc
import itertools
import re
import subprocess

import pytest
import weasyprint
from weasyprint.layout import inline as weasy_inline
from weasyprint.layout import percent as weasy_percent
from weasyprint.layout import table as weasy_table
from weasyprint.pdf import fonts as weasy_pdf_fonts
from weasyprint.pdf import stream as weasy_pdf_stream
from weasyprint.text.fonts import get_hb_object_data

from tests.conftest import test_plugins
from xinfang.platform import clock
from xinfang.platform.documents import rendering, weasy_draw, weasy_layout
from xinfang.platform.documents.registry import LEDGER_TEMPLATE, NOTICE_TEMPLATE, TemplateSpec
from xinfang.platform.documents.rendering import render_pdf
from xinfang.platform.extensions.manager import plugin_templates
from xinfang.platform.templating import no_orphan, short_date

PARA = "经调查核实，该灌溉渠系村集体于一九九八年修建，二〇二五年因县道拓宽施工被填埋约三百米，导致下游农田无法灌溉。"
SIGNATURE = "白羽街道办事处2026年1月5日"
COLOPHON = "白羽街道办事处2026年1月5日印发"


def _text_of(page: str) -> str:
    """The page without its number, stamp and 版记."""
    return re.sub(r"—\d+—|核验码：ABCD-EFGH", "", page).replace(COLOPHON, "")


def _pages(pdf: bytes, tmp_path, pages: int) -> list[str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    texts = []
    for page in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"], check=True,
                              capture_output=True, text=True).stdout
        texts.append(re.sub(r"\s+", "", text))
    return texts


def _notice(paragraphs: int, attachments: bool) -> dict:
    """Bodies whose length moves the signature across the end of page 1 step by step."""
    body = [PARA * 2] * (paragraphs // 3) + [PARA * (paragraphs % 3 + 1)]
    return NOTICE_TEMPLATE.clean({
        "issuer": "白羽街道办事处", "number": "白办〔2026〕3号", "title": "关于做好信访工作的通知",
        "addressee": "各社区居委会：", "body": body, "attachments": ["矛盾纠纷排查化解清单", "信访积案化解清单"] if attachments else [],
        "date": "2026-01-05", "printed_by": "白羽街道办事处", "printed_on": "2026-01-05"})


@pytest.mark.parametrize("paragraphs", range(3, 11))
def test_the_signature_never_stands_alone_and_the_colophon_ends_the_last_page(paragraphs, tmp_path):
    rendered = render_pdf(NOTICE_TEMPLATE, _notice(paragraphs, attachments=paragraphs % 2 == 1), code="ABCD-EFGH")
    pages = _pages(rendered.pdf, tmp_path, rendered.pages)
    assert rendered.pages >= 2 or paragraphs < 5
    assert all("核验码：ABCD-EFGH" in page for page in pages), "the stamp is on every page"
    signed = [n for n, page in enumerate(pages) if SIGNATURE in _text_of(page)]
    assert len(signed) == 1
    beside = _text_of(pages[signed[0]]).replace(SIGNATURE, "")
    assert len(beside) >= 8, f"the signature's page carries text of the notice too: {pages[signed[0]]!r}"
    assert COLOPHON in re.sub(r"—\d+—", "", pages[-1]) and not any("印发" in p for p in pages[:-1])


def test_titles_keep_their_last_two_characters_together():
    assert str(no_orphan("关于做好信访工作的通知")) == '关于做好信访工作的<span class="nobr">通知</span>'
    assert str(no_orphan("接访公告（2024年9月18日）")).endswith('<span class="nobr">8日）</span>')
    assert str(no_orphan("<b>甲</b>")) == '&lt;b&gt;甲&lt;/<span class="nobr">b&gt;</span>'  # escaped


def test_a_date_in_a_narrow_column_stays_on_one_line(tmp_path):
    assert short_date("2026-01-05") and short_date("2026年1月5日") and not short_date("2026-01-05 上午")
    inputs = LEDGER_TEMPLATE.clean({"title": "清单", "columns": ["序号", "日期", "情况"], "widths": [1, 1.2, 12],
                                    "rows": [["1", "2026-01-05", "反映灌溉渠被填埋"], ["2", "2026年12月25日", "欠薪"]]})
    rendered = render_pdf(LEDGER_TEMPLATE, inputs)
    path = tmp_path / "ledger.pdf"
    path.write_bytes(rendered.pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    assert "2026-01-05" in text and "2026年12月25日" in text


def test_a_ledger_embeds_only_the_three_faces_every_document_uses(tmp_path):
    """Each embedded face holds a copy of its font file while the PDF is written (19–27 MB):
    the header row is 黑体 at its one weight, not a fourth face (Noto Sans CJK Bold)."""
    inputs = LEDGER_TEMPLATE.clean({"title": "清单", "annex": "附件1", "columns": ["序号", "情况"],
                                    "rows": [["1", "反映灌溉渠被填埋"]]})
    path = tmp_path / "ledger.pdf"
    path.write_bytes(render_pdf(LEDGER_TEMPLATE, inputs).pdf)
    listing = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    faces = {line.split()[0].split("+", 1)[1] for line in listing.splitlines()[2:]}
    assert faces == {"Noto-Sans-CJK-SC", "Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold"}


def test_rendering_leaves_the_garbage_collector_as_it_found_it(monkeypatch):
    """Collection is off while rendering (rendering.py: _collected_once), back on after, even
    when rendering fails, and stays off for a caller that had switched it off."""
    inputs = LEDGER_TEMPLATE.clean({"title": "清单", "columns": ["序号"], "rows": [["1"]]})
    assert gc.isenabled()
    render_pdf(LEDGER_TEMPLATE, inputs)
    assert gc.isenabled()

    def fails(*args, **kwargs):
        assert not gc.isenabled()
        raise RuntimeError("rendering failed")

    with monkeypatch.context() as patch:
        patch.setattr(rendering, "DocumentHTML", fails)
        with pytest.raises(RuntimeError):
            render_pdf(LEDGER_TEMPLATE, inputs)
    assert gc.isenabled()
    gc.disable()
    try:
        render_pdf(LEDGER_TEMPLATE, inputs)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_lean_rendering_writes_the_bytes_plain_weasyprint_writes(monkeypatch):
    """The document user-agent sheet and the fonts read only when used (rendering.py), the
    text drawn from the memo and the streams serialized once (weasy_draw.py) change nothing in
    the file: a ledger and a notice with its 版记 (a footnote) and stamp, rendered by render_pdf
    and by WeasyPrint as it comes, are the same bytes once the table grid is stroked as
    WeasyPrint strokes it (merged, it looks the same: tests/unit/test_document_drawing.py);
    and WeasyPrint used directly afterwards is WeasyPrint as it comes."""
    monkeypatch.setattr(weasy_draw, "_draw_collapsed_borders", weasy_draw._ORIGINAL["draw_collapsed_borders"])
    ledger = LEDGER_TEMPLATE.clean({"title": "清单", "annex": "附件1", "columns": ["序号", "日期", "情况"],
                                    "rows": [[str(n), "2026-01-05", PARA] for n in range(1, 40)],
                                    "notes": ["注：按排查日期排列。"]})
    for spec, inputs in ((LEDGER_TEMPLATE, ledger), (NOTICE_TEMPLATE, _notice(4, attachments=True))):
        html = rendering.render_html(spec, inputs, "ABCD-EFGH")
        plain = weasyprint.HTML(string=html, base_url=str(spec.path.parent)).render(
            stylesheets=[rendering._stylesheet()]).write_pdf(pdf_identifier=b"same")
        lean = render_pdf(spec, inputs, identifier="same", code="ABCD-EFGH")
        assert lean.pages >= 2 and lean.pdf == plain
    assert weasy_pdf_stream.Font is weasy_pdf_fonts.Font is not rendering._LeanFont
    assert weasy_pdf_fonts.get_hb_object_data is get_hb_object_data


def test_the_document_user_agent_sheet_drops_only_the_universal_pseudo_elements():
    text = rendering._document_ua_text(rendering.weasy_html.UA)
    assert "\nli::marker {" in text and "\n::" not in text and "td, th { padding: 1px }" in text
    with pytest.raises(RuntimeError, match="user-agent sheet changed"):
        rendering._document_ua_text(rendering.weasy_html.UA.replace("::note-callback", "li::note-callback"))


# Cells a table's layout must survive: empty, one line, several lines, a long unbreakable run,
# a date kept on one line, the same text in every column (one style, different widths).
CELLS = ["1", "", PARA, "莲屿社区", "A" * 120, "2026年1月5日", "化解中", PARA * 2]
ROWS = 40  # several pages: rows break across pages and the header row repeats


def _value(field, width: int, styled: bool):
    """A value of ``field``'s kind; a table's rows are ``width`` cells wide, led by a paragraph
    style (h1, h2, p) when ``styled`` (the sectioned templates' rows)."""
    special = {"layout": "report", "chart_at": "1"}
    if field.kind == "text":
        return special.get(field.name, "白羽街道办事处")[:field.max_length]
    if field.kind == "paragraphs":
        return [PARA, PARA * 3]
    if field.kind == "texts":
        return ["注：按排查日期排列。", PARA]
    if field.kind == "date":
        return clock.today().isoformat()
    if field.kind == "columns":
        return ["序号", "日期", "情况", "备注", "单位", "人员", "进展"][:width]
    if field.kind == "numbers":
        return [1, 2, 6, 2, 3, 2, 2][:width]
    assert field.kind == "rows"
    rows = [[CELLS[(n + c) % len(CELLS)] for c in range(width)] for n in range(min(ROWS, field.max_items))]
    if styled:
        rows = [[("h1", "h2", "p", "p")[n % 4], *row[1:]] for n, row in enumerate(rows)]
    return [[cell[:field.max_length] for cell in row] for row in rows]


def _inputs(spec: TemplateSpec) -> dict:
    """Inputs the template accepts and lays out: each table at the first width (or, if optional,
    left out) for which they are clean and the template renders."""
    tables = [f for f in spec.fields if f.kind == "rows"]
    choices = [[4, 3, 2, 5, 6, 7, 1] + ([None] if not f.required else []) for f in tables]
    failure: Exception | None = None
    for styled in (False, True):
        for widths in itertools.product(*choices):
            width_of = {f.name: w for f, w in zip(tables, widths, strict=True)}
            columns = next((w for w in widths if w), 4)
            raw = {f.name: _value(f, width_of.get(f.name) or columns, styled) for f in spec.fields
                   if not (f.kind == "rows" and width_of[f.name] is None)}
            try:
                inputs = spec.clean(raw)
                rendering.render_html(spec, inputs, "ABCD-EFGH")
            except Exception as exc:  # noqa: BLE001 - the next width may fit
                failure = exc
            else:
                return inputs
    raise AssertionError(f"no inputs found for {spec.key}") from failure


def _templates() -> list[TemplateSpec]:
    specs = {doc.template.key: doc.template for doc in plugin_templates(test_plugins()).values()}
    return [specs[key] for key in sorted(specs)]


@pytest.mark.parametrize("spec", _templates(), ids=lambda spec: spec.key)
def test_every_template_is_laid_out_as_plain_weasyprint_lays_it_out(spec, monkeypatch):
    """The layout fast paths (weasy_layout: repeated lines replayed, line breaks, used values and
    empty backgrounds remembered) change nothing in the file, whatever the template: tables of
    empty, multi-line and unbreakable cells across pages with their header repeated, sections,
    signatures, 版记. The table grid is stroked as WeasyPrint strokes it here (merged into long
    lines it looks the same, not the same bytes: tests/unit/test_document_drawing.py)."""
    monkeypatch.setattr(weasy_draw, "_draw_collapsed_borders", weasy_draw._ORIGINAL["draw_collapsed_borders"])
    inputs = _inputs(spec)
    html = rendering.render_html(spec, inputs, "ABCD-EFGH")
    plain = weasyprint.HTML(string=html, base_url=str(spec.path.parent)).render(
        stylesheets=[rendering._stylesheet()]).write_pdf(pdf_identifier=b"same")
    assert render_pdf(spec, inputs, identifier="same", code="ABCD-EFGH").pdf == plain


def test_a_table_lays_out_a_repeated_cell_once_and_weasyprint_is_left_as_it_was(monkeypatch):
    """Forty rows of three repeated cells: WeasyPrint lays out a few lines, not 120; its
    functions are its own again afterwards (the minimal document of bench/pdf.py and any
    direct use of WeasyPrint never see the fast paths)."""
    originals = {(module, name): getattr(module, name) for module, name in (
        (weasy_inline, "get_next_linebox"), (weasy_inline, "split_first_line"),
        (weasy_table, "resolve_percentages"), (weasy_percent, "resolve_percentages"))}
    laid_out = []

    def counted(*args, **kwargs):
        laid_out.append(args[1])
        return originals[weasy_inline, "get_next_linebox"](*args, **kwargs)

    monkeypatch.setattr(weasy_inline, "get_next_linebox", counted)
    inputs = LEDGER_TEMPLATE.clean({"title": "清单", "columns": ["所在社区", "问题类别", "化解进展"],
                                    "rows": [["莲屿社区", "欠薪", "化解中"]] * 40})
    assert render_pdf(LEDGER_TEMPLATE, inputs).pages == 2
    assert 0 < len(laid_out) < 20
    monkeypatch.undo()
    assert all(getattr(module, name) is function for (module, name), function in originals.items())


def test_the_fast_paths_refuse_a_weasyprint_they_were_not_written_for(monkeypatch):
    weasy_layout.check_weasyprint()
    monkeypatch.setitem(weasy_layout._RELIED_ON, "inline.get_next_linebox",
                        (weasy_inline.get_next_linebox, "0" * 16))
    weasy_layout.check_weasyprint.cache_clear()
    try:
        with pytest.raises(RuntimeError, match=r"changed, review weasy_layout: inline\.get_next_linebox"):
            weasy_layout.check_weasyprint()
        monkeypatch.setattr(weasyprint, "__version__", "71.0")
        with pytest.raises(RuntimeError, match="mirrors WeasyPrint 70"):
            weasy_layout.check_weasyprint()
    finally:
        weasy_layout.check_weasyprint.cache_clear()
