"""The bound 六有 dossier's cost: the dossier alone (as before binding) against the dossier with
its files bound in (platform/documents/binding.py), at the bounds' scale.

The files: six PDFs of 50 pages each (300 pages, text and a 150 KB scanned image per page, the
way a scanned reply is filed) and six 12-megapixel camera JPEGs (4000 × 3000). Each variant
renders in a fresh process (``--one before|after``), so its peak RSS is its own; the runs
alternate A/B/A/B. Seconds are the process's CPU seconds for the rendering alone (fonts warmed by
one small rendering first); prints pages, CPU seconds, peak RSS and the bound file's size.
"""

from __future__ import annotations

import hashlib
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROUNDS = 2
PDFS, PDF_PAGES, PHOTOS = 6, 50, 6


def _files(root: Path) -> list[tuple[str, str, bytes]]:
    import pypdf
    from PIL import Image, ImageDraw
    from pypdf.generic import DictionaryObject, NameObject, StreamObject

    scan = io.BytesIO()
    noise = Image.effect_noise((1240, 1754), 40).convert("L")
    noise.save(scan, "JPEG", quality=60)
    files = []
    for n in range(PDFS):
        writer = pypdf.PdfWriter()
        for p in range(PDF_PAGES):
            page = writer.add_blank_page(595, 842)
            image = StreamObject()
            image._data = scan.getvalue()
            image.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                          NameObject("/Width"): pypdf.generic.NumberObject(1240),
                          NameObject("/Height"): pypdf.generic.NumberObject(1754),
                          NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                          NameObject("/BitsPerComponent"): pypdf.generic.NumberObject(8),
                          NameObject("/Filter"): NameObject("/DCTDecode")})
            page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject(
                {NameObject("/Im1"): writer._add_object(image)})})
            content = StreamObject()
            content.set_data(f"q 595 0 0 842 0 0 cm /Im1 Do Q % {n}-{p}".encode())
            page[NameObject("/Contents")] = writer._add_object(content)
        writer.compress_identical_objects()
        out = io.BytesIO()
        writer.write(out)
        files.append(("reply", f"答复材料{n + 1}.pdf", out.getvalue()))
    for n in range(PHOTOS):
        photo = Image.new("RGB", (4000, 3000), (120 + n * 10, 160, 200))
        ImageDraw.Draw(photo).ellipse([500, 400, 3500, 2600], outline="red", width=40)
        out = io.BytesIO()
        photo.save(out, "JPEG", quality=90)
        files.append(("stabilising", f"现场照片{n + 1}.jpg", out.getvalue()))
    return files


def _inputs(root: Path) -> dict:
    from xinfang.plugins.backlog_year.documents import REPORT

    titles = {"case": "一、基本案情材料", "reply": "五、答复信访人的书面材料和回访材料", "stabilising": "六、目前采取的稳控措施"}
    files = _files(root)
    sections: list[list[str]] = [["cover", "事项编号:BENCH"], ["part", "目录"]]
    annexes: list[list[str]] = []
    for key, title in titles.items():
        sections += [["break"], ["part", title, key], ["p", f"{title}的记录"],
                     ["th", "归档文件", "SHA-256", "大小", "归档人", "日期", "并入情况"]]
        for part, name, content in files:
            if part != key:
                continue
            digest = hashlib.sha256(content).hexdigest()
            relative = f"evidence/{digest[:2]}/{digest}"
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_bytes(content)
            sections.append(["file", str(len(annexes)), name, digest[:16], str(len(content)), "甲", "2026-07-01"])
            annexes.append([key, title, name, digest, str(len(content)), relative])
    return REPORT.clean({"layout": "dossier", "issuer": "青阳街道", "title": "信访积案“六有”案卷(BENCH)",
                         "sections": sections, "annexes": annexes, "date": "2026-07-01"})


def one(variant: str, root: Path) -> dict:
    from xinfang.platform.documents.binding import ANNEX, render_bound
    from xinfang.platform.documents.rendering import render_pdf
    from xinfang.plugins.backlog_year.documents import REPORT

    inputs = json.loads((root / "inputs.json").read_text())
    render_pdf(ANNEX, {"items": [["strip", "预热", "预热"]]}, "warm", "WARM")
    start = time.process_time()
    if variant == "before":
        rendered = render_pdf(REPORT, inputs, "xinfang-document-1", "ABCD-EFGH-JKMN")
    else:
        rendered = render_bound(REPORT, inputs, root, "xinfang-document-1", "ABCD-EFGH-JKMN")
    cpu = time.process_time() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"variant": variant, "pages": rendered.pages, "cpu_s": round(cpu, 2), "peak_mib": round(peak),
            "mib": round(len(rendered.pdf) / 2**20, 1), "sha256": rendered.sha256[:12]}


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one(sys.argv[2], Path(sys.argv[3]))))
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "inputs.json").write_text(json.dumps(_inputs(root), ensure_ascii=False))
        for _ in range(ROUNDS):
            for variant in ("before", "after"):
                out = subprocess.run([sys.executable, __file__, "--one", variant, tmp], check=True,
                                     capture_output=True, text=True).stdout
                print(out.strip(), flush=True)


if __name__ == "__main__":
    main()
