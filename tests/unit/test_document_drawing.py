"""The drawing fast paths (platform/documents/weasy_draw.py) change how a PDF is written, not how
it looks: every kind of document in the registry, rasterized by pdftoppm at 150 dpi, gives the
same pixels as the same HTML drawn by WeasyPrint as it comes, and pdftotext -layout the same
text. The parts that keep the bytes (text memo, serialization) are checked byte for byte in
test_document_layout.py."""

from __future__ import annotations

import re
import subprocess
import zlib
from pathlib import Path

import pytest
import weasyprint
from weasyprint import document as wp_document
from weasyprint import draw as wp_draw
from weasyprint import pdf as wp_pdf
from weasyprint.draw import text as wp_text
from weasyprint.pdf import stream as wp_stream

from xinfang.platform.documents import rendering, weasy_draw
from xinfang.platform.documents.registry import LEDGER_TEMPLATE
from xinfang.platform.documents.rendering import render_pdf
from xinfang.platform.extensions.manager import build_plugin_manager, plugin_templates

PARA = "经调查核实，该灌溉渠系村集体于一九九八年修建，二〇二五年因县道拓宽施工被填埋约三百米，导致下游农田无法灌溉。"
COLUMNS = ["序号", "排查日期", "所在社区", "矛盾纠纷简要情况", "责任部门", "化解进展"]
SPECS = {key: spec.template for key, spec in plugin_templates(build_plugin_manager()).items()}
LAYOUTS = {"backlog_year_opinion": "notice", "backlog_year_dossier": "dossier", "backlog_year_closing": "report"}


def _rows(width: int, count: int) -> list[list[str]]:
    """Rows that repeat (as a ledger's categories and units do) and rows whose long cell wraps."""
    units = ["人社局", "住建局", "司法所"]
    return [([str(n), f"2026-01-{1 + n % 9:02d}", units[n % 3], PARA if n % 4 == 0 else "反映工资被拖欠",
              units[(n + 1) % 3], "已化解" if n % 2 else "化解中"] * 2)[:width] for n in range(1, count + 1)]


def _sections(key: str) -> list[list[str]]:
    rows = [["h1", "一、总体要求"], ["p", PARA * 2], ["h2", "（一）工作目标"], ["p", PARA]]
    if key.startswith("petition_month_summary"):
        return [*rows, ["table", "metrics"], ["p", PARA], ["table", "units"]]
    if key.startswith("backlog_year"):
        return [["cover", "承办单位：青阳街道办事处"], *rows, ["th", "序号", "事项", "进展"],
                *(["td", str(n), "信访积案" + "化解" * n, "已办结"] for n in range(1, 6)), ["p", PARA]]
    return rows


def _sample(key: str) -> dict:
    """Inputs that fill every field of the template ``key``, long enough to run onto a second page."""
    spec = SPECS[key]
    names = {f.name for f in spec.fields}
    width = len(COLUMNS) if "columns" in names else 2
    values = {
        "layout": LAYOUTS.get(key, "notice" if key.startswith("backlog_year") else None),
        "columns": COLUMNS, "widths": [1, 2, 2, 6, 2, 1.5], "rows": _rows(width, 60 if width > 2 else 8),
        "metric_columns": COLUMNS[:4], "metrics": _rows(4, 6), "unit_columns": COLUMNS[:3], "units": _rows(3, 12),
        "sections": _sections(key), "plan": _sections(key), "matter_number": "XF-2026-0001",
        "parties": [["甲方", "张某"], ["乙方", "青阳建筑有限公司"]],
        "signatures": [["甲方", "张某", "2026-01-05"], ["乙方", "青阳建筑有限公司", "2026-01-05"]],
        "charts": [["来源", "bars", "来信", "12", "", "", ""], ["来源", "bars", "来访", "30", "", "", ""],
                   ["及时受理率", "rates", "及时受理率", "96.5", "96.5%", "90", "1"]],
        "chart_at": "1", "result_label": "予以支持", "annex": "附件1", "campaign_ref": "",
    }
    inputs = {}
    for field in spec.fields:
        if field.name in values:
            inputs[field.name] = values[field.name]
        elif field.kind == "text":
            inputs[field.name] = field.label[: field.max_length]
        elif field.kind == "paragraphs":
            inputs[field.name] = [PARA * 3, PARA, PARA * 2]
        elif field.kind == "texts":
            inputs[field.name] = ["矛盾纠纷排查化解清单", "信访积案化解清单"]
        elif field.kind == "date":
            inputs[field.name] = "2026-01-05"
    return spec.clean(inputs)


def _cases() -> list[str]:
    """One registered kind per template and layout (kinds sharing both render alike)."""
    seen, keys = set(), []
    for key, spec in SPECS.items():
        shape = (spec.path, tuple(f.name for f in spec.fields), LAYOUTS.get(key))
        if shape not in seen:
            seen.add(shape)
            keys.append(key)
    return keys


def _plain(html: str, base_url: str) -> bytes:
    """The HTML drawn and written by WeasyPrint as it comes."""
    document = weasyprint.HTML(string=html, base_url=base_url).render(stylesheets=[rendering._stylesheet()])
    return document.write_pdf(pdf_identifier=b"same")


def _pixels(pdf: bytes, tmp_path: Path, name: str) -> list[bytes]:
    """Every page as pdftoppm draws it at 150 dpi (raw PPM: the pixels themselves)."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", str(path), str(tmp_path / name)], check=True)
    return [page.read_bytes() for page in sorted(tmp_path.glob(f"{name}-*.ppm"))]


def _layout_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _strokes(pdf: bytes) -> list[int]:
    """The number of stroke operators in each page's content (streams that show text)."""
    counts = []
    for raw in re.findall(rb"stream\n(.*?)\nendstream", pdf, re.DOTALL):
        try:
            content = zlib.decompress(raw)
        except zlib.error:
            continue
        if b" Tm\n" in content:
            counts.append(content.split(b"\n").count(b"S"))
    return counts


@pytest.mark.parametrize("key", _cases())
def test_every_kind_of_document_looks_as_weasyprint_draws_it(key, tmp_path):
    spec = SPECS[key]
    inputs = _sample(key)
    html = rendering.render_html(spec, inputs, "ABCD-EFGH")
    plain = _plain(html, str(spec.path.parent))
    ours = render_pdf(spec, inputs, identifier="same", code="ABCD-EFGH")
    if not any(_strokes(plain)):  # no table grid to merge: WeasyPrint's bytes
        assert ours.pdf == plain
    assert ours.pages >= 2, "long enough for a page break (a ledger's repeated header)"
    assert _pixels(ours.pdf, tmp_path, "ours") == _pixels(plain, tmp_path, "plain")
    assert _layout_text(ours.pdf, tmp_path) == _layout_text(plain, tmp_path)
    assert render_pdf(spec, inputs, identifier="same", code="ABCD-EFGH").sha256 == ours.sha256


def test_a_ledger_page_strokes_its_grid_at_once(tmp_path):
    """A 60-row ledger: WeasyPrint strokes each cell side apart (hundreds a page); here the
    page's grid is one stroke."""
    inputs = _sample("ledger")
    html = rendering.render_html(LEDGER_TEMPLATE, inputs)
    plain, ours = _strokes(_plain(html, str(LEDGER_TEMPLATE.path.parent))), _strokes(render_pdf(LEDGER_TEMPLATE, inputs).pdf)
    assert len(ours) == len(plain) >= 3
    assert all(count == 1 for count in ours) and min(plain) > 100


TABLE = """<html lang="zh-CN"><body style="font-family: 'Noto Serif CJK SC'">
<p style="text-align: justify; width: 12em">{para}</p>
<p style="text-decoration: underline; letter-spacing: 1pt">信访工作平台 Xinfang 2026</p>
<p style="width: 6em; white-space: nowrap; overflow: hidden; text-overflow: ellipsis">{para}</p>
<table style="border-collapse: collapse; border: 3pt solid #c8161d">
<tr><th style="border: 1pt dashed #000">序号</th><th style="border: 2pt double #00f">事项</th>
    <th style="border: 1pt solid rgba(0, 0, 0, 0.4)">进展</th></tr>
{rows}
</table></body></html>"""


def test_borders_of_other_styles_widths_and_colours_keep_their_order(tmp_path):
    """A table mixing widths, colours, dashed, double and translucent borders, beside justified,
    underlined, letter-spaced and ellipsized text: the same pixels and text."""
    rows = "".join(f'<tr><td style="border: {1 + n % 3}pt {["solid", "dotted", "groove"][n % 3]} '
                   f'{["#000", "#c8161d", "#888"][n % 3]}">{n}</td><td>反映工资被拖欠</td>'
                   f'<td style="border-bottom: 0.6pt solid #000">已化解</td></tr>' for n in range(30))
    html = TABLE.format(para=PARA, rows=rows)
    plain = weasyprint.HTML(string=html).render().write_pdf()
    with rendering._LOCK, weasy_draw.installed():
        ours = weasyprint.HTML(string=html).render().write_pdf()
    assert ours != plain
    assert _pixels(ours, tmp_path, "ours") == _pixels(plain, tmp_path, "plain")
    assert _layout_text(ours, tmp_path) == _layout_text(plain, tmp_path)


def test_weasyprint_used_directly_afterwards_is_weasyprint_as_it_comes():
    render_pdf(LEDGER_TEMPLATE, LEDGER_TEMPLATE.clean({"title": "清单", "columns": ["序号"], "rows": [["1"]]}))
    assert wp_draw.draw_text is wp_text.draw_text
    assert wp_draw.draw_collapsed_borders is weasy_draw._ORIGINAL["draw_collapsed_borders"]
    assert wp_draw.draw_line is weasy_draw.wp_border.draw_line
    assert wp_pdf.Stream is wp_stream.Stream
    assert wp_document.generate_pdf is wp_pdf.generate_pdf


def test_a_change_in_the_mirrored_weasyprint_code_fails_loudly(monkeypatch):
    weasy_draw._check_weasyprint.__wrapped__()  # the installed versions pass
    monkeypatch.setattr(weasy_draw, "WATCHED_SHA256", "0" * 64)
    with pytest.raises(RuntimeError, match="review weasy_draw"):
        weasy_draw._check_weasyprint.__wrapped__()
