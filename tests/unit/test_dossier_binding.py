"""The 六有 dossier bound with its filed files (platform/documents/binding.py): pages in part order,
images as pages, what cannot be bound listed 未并入 with its reason, hostile files bounded,
the same bytes every time and the verification code on every page."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import zlib
from pathlib import Path

import pypdf
import pytest
from PIL import Image, ImageDraw
from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject

from xinfang.platform.documents.binding import LIMITS, Limits, render_bound
from xinfang.plugins.backlog_year.documents import REPORT

CODE = "ABCD-EFGH-JKMN"
PARTS = {"case": "一、基本案情材料", "reply": "五、答复信访人的书面材料和回访材料", "stabilising": "六、目前采取的稳控措施"}


def text_pdf(lines: list[str], width: float = 595, height: float = 842, rotate: int = 0,
             content: bytes | None = None) -> bytes:
    """A PDF of one page per line, the line in Helvetica (pdftotext reads it back)."""
    writer = pypdf.PdfWriter()
    for line in lines:
        page = writer.add_blank_page(width, height)
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/Helvetica")})
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
            {NameObject("/F1"): writer._add_object(font)})})
        stream = StreamObject()
        stream.set_data(content if content is not None else f"BT /F1 24 Tf 72 400 Td ({line}) Tj ET".encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
        if rotate:
            page[NameObject("/Rotate")] = NumberObject(rotate)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def many_pages(count: int) -> bytes:
    """A PDF of ``count`` empty pages, written directly (pypdf takes seconds for 10,000)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Count %d /Kids [%s] >>" % (count, b" ".join(b"%d 0 R" % (3 + n) for n in range(count)))]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * count
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def jpeg(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), "lightblue")
    ImageDraw.Draw(image).rectangle([10, 10, width - 10, height - 10], outline="red", width=8)
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(text_pdf(["SECRET"])))
    writer.encrypt("secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def huge_jpeg() -> bytes:
    """A small JPEG whose header claims 60,000 × 60,000 pixels (3.6 billion: Pillow itself refuses it)."""
    data = bytearray(jpeg(64, 64))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = (60000).to_bytes(2, "big") + (60000).to_bytes(2, "big")
    return bytes(data)


class Dossier:
    """A dossier's inputs with files kept as the evidence store keeps them (by SHA-256)."""

    def __init__(self, root: Path) -> None:
        self.root, self.files = root, []

    def add(self, part: str, name: str, content: bytes) -> Path:
        digest = hashlib.sha256(content).hexdigest()
        relative = f"evidence/{digest[:2]}/{digest}"
        (self.root / relative).parent.mkdir(parents=True, exist_ok=True)
        (self.root / relative).write_bytes(content)
        self.files.append((part, name, digest, len(content), relative))
        return self.root / relative

    def inputs(self) -> dict:
        sections: list[list[str]] = [["cover", "事项编号:X1"], ["part", "目录"]]
        annexes: list[list[str]] = []
        for key, title in PARTS.items():
            sections += [["break"], ["part", title, key], ["p", f"{title}的记录"],
                         ["th", "归档文件", "SHA-256", "大小", "归档人", "日期", "并入情况"]]
            for part, name, digest, size, relative in self.files:
                if part == key:
                    sections.append(["file", str(len(annexes)), name, digest[:16], str(size), "甲", "2026-07-01"])
                    annexes.append([key, title, name, digest, str(size), relative])
        sections += [["break"], ["part", "备考", "notes"], ["p", "备考的记录"]]
        return REPORT.clean({"layout": "dossier", "issuer": "青阳街道", "title": "信访积案“六有”案卷(X1)",
                             "sections": sections, "annexes": annexes, "date": "2026-07-01"})

    def render(self, limits: Limits = LIMITS) -> bytes:
        return render_bound(REPORT, self.inputs(), self.root, "xinfang-document-7", CODE, limits).pdf


def page_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    """Each page's text in drawing order (-raw: a table cell's lines stay together)."""
    path = tmp_path / "bound.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return [re.sub(r"\s+", "", page) for page in text.split("\f")[:-1]]


def test_files_follow_their_part_in_order_with_the_code_on_every_page(tmp_path):
    dossier = Dossier(tmp_path / "store")
    dossier.add("case", "现场照片.jpg", jpeg(1200, 800))
    dossier.add("case", "说明.txt", "文字说明".encode())
    dossier.add("reply", "答复意见书.pdf", text_pdf(["REPLY-P1", "REPLY-P2"]))
    dossier.add("reply", "加密.pdf", encrypted_pdf())
    dossier.add("reply", "损坏.pdf", b"%PDF-1.4 not a pdf at all")
    dossier.add("stabilising", "稳控记录.pdf", text_pdf(["CALM-P1"], 842, 595))
    dossier.add("stabilising", "回访.pdf", text_pdf(["VISIT-ROTATED"], rotate=90))
    pdf = dossier.render()

    pages = page_texts(pdf, tmp_path)
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == len(pages) == 11  # 7 own + 1 image + 2 + 1 + 1
    assert all(CODE in page for page in pages), [n for n, p in enumerate(pages) if CODE not in p]
    where = {mark: next(n for n, p in enumerate(pages) if mark in p)
             for mark in ("一、基本案情材料的记录", "附件：一、基本案情材料|现场照片.jpg", "五、答复信访人的书面材料和回访材料的记录",
                          "REPLY-P1", "REPLY-P2", "六、目前采取的稳控措施的记录", "CALM-P1", "VISIT-ROTATED", "备考的记录")}
    assert list(where.values()) == sorted(where.values()) and len(set(where.values())) == len(where)
    assert where["REPLY-P1"] == where["五、答复信访人的书面材料和回访材料的记录"] + 1
    # a bound PDF's pages are labelled with the part and the file
    assert "附件：五、答复信访人的书面材料和回访材料|答复意见书.pdf" in pages[where["REPLY-P2"]]
    listing = "".join(pages)
    for status in ("已并入,共1页", "已并入,共2页", "未并入:格式不能并入", "未并入:PDF已加密", "未并入:PDF文件已损坏"):
        assert status in listing, status
    assert "SECRET" not in listing
    # the rotated page's strip reads along its shown bottom edge: pdftotext finds it whole
    assert f"核验码：{CODE}" in pages[where["VISIT-ROTATED"]]


def scripted_pdf() -> bytes:
    """A page that runs JavaScript when opened and a link that runs it when clicked."""
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(text_pdf(["SCRIPTED"])))
    page = writer.pages[0]
    script = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): pypdf.generic.TextStringObject("app.alert(1)")})
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): script})
    link = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                             NameObject("/Rect"): pypdf.generic.ArrayObject([NumberObject(0)] * 4),
                             NameObject("/A"): script})
    page[NameObject("/Annots")] = pypdf.generic.ArrayObject([writer._add_object(link)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_bound_pages_run_no_script(tmp_path):
    dossier = Dossier(tmp_path / "store")
    dossier.add("reply", "带脚本.pdf", scripted_pdf())
    pdf = dossier.render()
    assert b"/JavaScript" not in pdf and "SCRIPTED" in "".join(page_texts(pdf, tmp_path))
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert [len(p.get("/Annots") or []) for p in pages if "/Annots" in p] == [1]  # the link kept, inert


def test_the_same_inputs_and_files_give_the_same_bytes(tmp_path):
    dossier = Dossier(tmp_path / "store")
    dossier.add("case", "照片.jpg", jpeg(600, 900))
    dossier.add("reply", "答复.pdf", text_pdf(["A", "B"]))
    first, second = dossier.render(), dossier.render()
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    assert pypdf.PdfReader(io.BytesIO(first)).trailer["/ID"][0].original_bytes == b"xinfang-document-7"


def test_hostile_and_oversized_files_are_left_out_with_the_reason(tmp_path):
    dossier = Dossier(tmp_path / "store")
    dossier.add("case", "一万页.pdf", many_pages(10_000))
    dossier.add("case", "巨幅.jpg", huge_jpeg())
    bomb = zlib.compress(b"0 0 m\n" * 20_000_000, 9)  # 120 MB of content in ~120 KB
    dossier.add("reply", "压缩炸弹.pdf", _with_raw_content(bomb))
    dossier.add("reply", "五页.pdf", text_pdf([f"FIVE-{n}" for n in range(5)]))
    dossier.add("reply", "再三页.pdf", text_pdf(["THREE-1", "THREE-2", "THREE-3"]))
    missing = dossier.add("stabilising", "丢失.pdf", text_pdf(["GONE"]))
    missing.unlink()
    changed = dossier.add("stabilising", "改动.pdf", text_pdf(["CHANGED"]))
    changed.write_bytes(text_pdf(["TAMPERED"]))
    pdf = dossier.render(Limits(file_pages=6, total_pages=7, image_pixels=40_000_000))

    text = "".join(page_texts(pdf, tmp_path))
    for reason in ("未并入:共10000页", "未并入:图片尺寸过大(远超4000万像素", "未并入:并入后案卷将超过7页",
                   "未并入:存储中找不到该文件", "未并入:文件与归档时的SHA-256不符"):
        assert reason in text, reason
    assert "FIVE-4" in text and "THREE-1" not in text and "TAMPERED" not in text
    # the bomb's page is bound as it was filed: its stream copied compressed, never inflated
    assert text.count("已并入") == 2 and len(pdf) < 2 * 2**20


def _with_raw_content(compressed: bytes) -> bytes:
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(595, 842)
    stream = StreamObject()
    stream._data = compressed
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def noise_png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("limits, reason", [
    (Limits(image_pixels=100_000), "未并入:图片尺寸过大(800×600像素,上限10万像素)"),  # read from its header
    (Limits(total_bytes=2**20), "未并入:并入的文件合计将超过1MB的上限"),  # the PNG as embedded: ~1.4 MB
])
def test_an_image_past_a_bound_is_left_out(tmp_path, limits, reason):
    dossier = Dossier(tmp_path / "store")
    dossier.add("case", "扫描件.png", noise_png(800, 600))
    text = "".join(page_texts(dossier.render(limits), tmp_path))
    assert reason in text and "附件：一、基本案情材料|扫描件.png" not in text
