"""One bound file: a document's own pages with the filed files' pages bound in after their part.

A template that declares the field ``annexes`` (rows ``[anchor, label, filename, sha256, size,
path]``) gets its files bound in: each file goes after the section that begins at the element
``id="annex-<anchor>"`` and ends where the next such section begins. A PDF's pages are copied
as they are (never decompressed, so a compression bomb costs no more than its bytes); a JPEG or
PNG becomes one A4 page rendered by WeasyPrint like the rest, under its caption. Every added
page carries the document's verification code: image pages through base.html, a PDF's pages
through a strip (rendered once per file) laid in their bottom margin as a form XObject.

Files are uploaded by clerks and may be hostile, so each is examined before any expensive
work, within bounds (``Limits``): its stored bytes must still have the SHA-256 filed, its first
bytes must show PDF/JPEG/PNG, a PDF must open unencrypted with a page tree no larger than the
per-file bound, an image's header must show no more pixels than the bound, and the files
bound so far must leave room in the total pages and bytes. What fails is not bound and the
document lists it as 未并入 with the reason (``extra["annex_status"]`` for the template).

The bytes depend only on the inputs and the files: pypdf (pinned) writes the pages in order,
the file identifier is the document's, and the metadata is the rendered document's.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filetype
import pypdf
from PIL import Image, ImageOps
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from xinfang.platform.documents.registry import ANNEXES, Field, TemplateSpec, template
from xinfang.platform.documents.rendering import Rendered, render_pdf

log = logging.getLogger(__name__)

ANCHOR_PREFIX = "annex-"
ANNEX = template("annex", "案卷附件", "annex.html", [
    Field("title", "标题", required=False), Field("items", "附件页", kind="rows", required=False),
    Field("verification_url", "核验地址", required=False),
])
# an image is scaled to fit this box (A4 at 200 dpi) before it is embedded
IMAGE_BOX = (2339, 2339)
STAMP_NAME = NameObject("/XinfangStamp")
MARGIN, BOTTOM = 28.0, 6.0  # the strip's place on a bound PDF page, in points from its lower left


@dataclass(frozen=True)
class Limits:
    """What one bound document may take in: checked before a file is decoded or copied."""

    file_pages: int = 300
    total_pages: int = 1000
    # of bound files (an image as embedded): the worker holds them and pypdf's copies at once, and
    # the bound file must stay within the upload limit (20 MB by default) to be verified by upload
    total_bytes: int = 16 * 2**20
    image_pixels: int = 40_000_000
    image_decoded_bytes: int = 100 * 2**20  # a PNG is decoded whole: width × height × channels


LIMITS = Limits()


@dataclass
class Annex:
    """One filed file and what became of it: ``reason`` says why it was not bound."""

    anchor: str
    label: str
    filename: str
    sha256: str
    path: str
    reason: str = ""
    pages: int = 0
    reader: pypdf.PdfReader | None = None
    image: str = ""  # the data URI of the page's image

    @property
    def status(self) -> str:
        return f"未并入:{self.reason}" if self.reason else f"已并入,共{self.pages}页"


def declares_annexes(spec: TemplateSpec) -> bool:
    return any(f.name == ANNEXES for f in spec.fields)


def render_bound(spec: TemplateSpec, inputs: dict[str, Any], root: Path, identifier: str, code: str,
                 limits: Limits = LIMITS) -> Rendered:
    """The document with its files bound in; without files, the document as rendered."""
    annexes = examine(root, inputs.get(ANNEXES) or [], limits)
    rendered = render_pdf(spec, inputs, identifier=identifier, code=code,
                          extra={"annex_status": [a.status for a in annexes]})
    bound = [a for a in annexes if not a.reason]
    if not bound:
        return rendered
    items = [["image", a.label, a.filename, a.image] if a.image else ["strip", a.label, a.filename] for a in bound]
    pages = render_pdf(ANNEX, {"title": inputs.get("title"), "items": items,
                               "verification_url": inputs.get("verification_url")},
                       identifier=f"{identifier}-annex", code=code)
    return _merge(rendered, pages, bound, identifier)


def examine(root: Path, rows: list[list[str]], limits: Limits = LIMITS) -> list[Annex]:
    """Each row's file, checked in order against the bounds; the first failing check is its reason."""
    annexes, pages, size = [], 0, 0
    for row in rows:
        anchor, label, filename, sha256, _, path = (list(row) + [""] * 6)[:6]
        annex = Annex(anchor, label, filename, sha256, path)
        annexes.append(annex)
        content = _content(root, annex)
        if content is None:
            continue
        kind = filetype.guess(content[:8192])
        extension = kind.extension if kind else ""
        if extension == "pdf":
            _examine_pdf(annex, content, limits)
        elif extension in ("jpg", "png"):
            _examine_image(annex, content, limits)
        else:
            annex.reason = "格式不能并入(只并入PDF、JPEG、PNG文件),原件已归档,请单独查阅"
        weight = len(annex.image) * 3 // 4 if annex.image else len(content)  # an image as embedded
        if not annex.reason and pages + annex.pages > limits.total_pages:
            annex.reason = f"并入后案卷将超过{limits.total_pages}页的上限(本件{annex.pages}页),请单独查阅原件"
        elif not annex.reason and size + weight > limits.total_bytes:
            annex.reason = f"并入的文件合计将超过{limits.total_bytes // 2**20}MB的上限,请单独查阅原件"
        if annex.reason:
            annex.reader, annex.image = None, ""
        else:
            pages, size = pages + annex.pages, size + weight
    return annexes


def _content(root: Path, annex: Annex) -> bytes | None:
    """The stored bytes, if they are still the file that was filed."""
    target = (root / annex.path).resolve()
    if not annex.path or not target.is_relative_to(root.resolve()):
        annex.reason = "存储位置无效"
        return None
    try:
        content = target.read_bytes()
    except OSError:
        log.error("bound file %s is missing from storage", target)
        annex.reason = "存储中找不到该文件"
        return None
    if hashlib.sha256(content).hexdigest() != annex.sha256:
        log.error("bound file %s does not match its filed SHA-256", target)
        annex.reason = "文件与归档时的SHA-256不符,可能已被改动"
        return None
    return content


def _examine_pdf(annex: Annex, content: bytes, limits: Limits) -> None:
    """Open the PDF and list its pages without reading their content; the page tree is walked
    within pypdf's bounds, set so that a lying /Count or a huge tree stops early."""
    try:
        with pypdf.apply_configuration(page_tree_maximum_entries=2 * limits.file_pages + 16):
            reader = pypdf.PdfReader(io.BytesIO(content), strict=False)
            if reader.is_encrypted:
                annex.reason = "PDF已加密(设有密码或权限限制),无法并入,请归档未加密的版本"
                return
            declared = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
            if isinstance(declared, int) and declared > limits.file_pages:
                annex.reason = f"共{declared}页,超过每件{limits.file_pages}页的上限,请拆分后归档或单独查阅原件"
                return
            count = len(reader.pages)
            for page in reader.pages:  # every page's box and content streams resolve (not decoded)
                page.mediabox  # noqa: B018
                contents = page.get("/Contents")
                for stream in contents.get_object() if isinstance(contents, ArrayObject) else [contents]:
                    if stream is not None:
                        stream.get_object()
    except pypdf.errors.LimitReachedError:
        annex.reason = f"页面超过每件{limits.file_pages}页的上限,请拆分后归档或单独查阅原件"
        return
    except Exception as exc:  # noqa: BLE001 - any failure to read a hostile file is a reason, not a crash
        log.warning("bound file %s: unreadable PDF (%s: %s)", annex.path, type(exc).__name__, exc)
        annex.reason = "PDF文件已损坏,无法读取"
        return
    if count == 0:
        annex.reason = "PDF没有页面"
    elif count > limits.file_pages:
        annex.reason = f"共{count}页,超过每件{limits.file_pages}页的上限,请拆分后归档或单独查阅原件"
    else:
        annex.reader, annex.pages = reader, count


def _examine_image(annex: Annex, content: bytes, limits: Limits) -> None:
    """One page: the image upright, flattened on white and scaled to ``IMAGE_BOX``; its size is
    read from the header and checked before anything is decoded."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            width, height = image.size
            if width * height > limits.image_pixels:
                annex.reason = f"图片尺寸过大({width}×{height}像素,上限{limits.image_pixels // 10**4}万像素),请缩小后归档"
                return
            if image.format == "JPEG":
                image.draft(None, IMAGE_BOX)  # decode at 1/2, 1/4 or 1/8 scale when that is enough
            elif width * height * len(image.getbands()) > limits.image_decoded_bytes:
                annex.reason = f"图片解码后过大({width}×{height}像素),请缩小后归档"
                return
            upright = ImageOps.exif_transpose(image)
            if upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info:
                flat = Image.new("RGB", upright.size, "white")
                flat.paste(upright.convert("RGBA"), mask=upright.convert("RGBA").getchannel("A"))
                upright = flat
            elif upright.mode not in ("L", "RGB"):
                upright = upright.convert("RGB")
            upright.thumbnail(IMAGE_BOX)
            out = io.BytesIO()
            if image.format == "JPEG":
                upright.save(out, "JPEG", quality=85)
                media = "image/jpeg"
            else:
                upright.save(out, "PNG")
                media = "image/png"
    except Image.DecompressionBombError:  # Pillow refuses at opening what is far past our bound
        annex.reason = f"图片尺寸过大(远超{limits.image_pixels // 10**4}万像素的上限),请缩小后归档"
        return
    except Exception as exc:  # noqa: BLE001 - a damaged image is a reason, not a crash
        log.warning("bound file %s: undecodable image (%s: %s)", annex.path, type(exc).__name__, exc)
        annex.reason = "图片已损坏,无法解码"
        return
    annex.image = f"data:{media};base64,{base64.b64encode(out.getvalue()).decode()}"
    annex.pages = 1


def _merge(rendered: Rendered, pages: Rendered, bound: list[Annex], identifier: str) -> Rendered:
    """The document's pages with each bound file's after its section; images are the annex
    rendering's pages, a PDF's pages get the annex rendering's strip of that file."""
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(rendered.pdf))
    extra = pypdf.PdfReader(io.BytesIO(pages.pdf))
    after = _section_ends(rendered)
    # insert from the last section back so the earlier insertion points stay where they are
    groups: dict[int, list[tuple[int, Annex]]] = {}
    for n, annex in enumerate(bound):
        groups.setdefault(after.get(annex.anchor, rendered.pages), []).append((n, annex))
    for at in sorted(groups, reverse=True):
        for n, annex in groups[at]:
            source = extra.pages[n]
            if annex.image:
                writer.insert_page(source, at)
                at += 1
                continue
            assert annex.reader is not None
            stamp = _form_xobject(writer, source)
            for page in annex.reader.pages:
                added = writer.insert_page(page, at, excluded_keys=("/AA",))
                _disarm(added)
                _stamp(writer, added, stamp, float(source.mediabox.width))
                at += 1
    writer._ID = ArrayObject([ByteStringObject(identifier.encode()), ByteStringObject(identifier.encode())])
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return Rendered(out.getvalue(), len(writer.pages))


def _disarm(page: pypdf.PageObject) -> None:
    """No actions run from a bound page: a filed PDF's page actions (/AA, dropped on copy) and its
    annotations' actions other than a link (/URI) or a jump (/GoTo) — JavaScript, /Launch, forms
    submitted — do not come into an official dossier. Annotations stay: a seal's appearance is one."""
    annotations = page.get("/Annots")
    for ref in annotations.get_object() if annotations is not None else []:
        annotation = ref.get_object()
        if not isinstance(annotation, DictionaryObject):
            continue
        annotation.pop("/AA", None)
        action = annotation.get("/A")
        action = action.get_object() if action is not None else None
        if isinstance(action, DictionaryObject) and action.get("/S") not in ("/URI", "/GoTo"):
            del annotation["/A"]


def _section_ends(rendered: Rendered) -> dict[str, int]:
    """For each ``annex-`` anchor, the page index just after its section."""
    starts = sorted((page, name.removeprefix(ANCHOR_PREFIX)) for name, page in rendered.anchors.items()
                    if name.startswith(ANCHOR_PREFIX))
    ends = {}
    for i, (page, name) in enumerate(starts):
        later = [p for p, _ in starts[i + 1:] if p > page]
        ends[name] = later[0] if later else rendered.pages
    return ends


def _form_xobject(writer: pypdf.PdfWriter, page: pypdf.PageObject) -> IndirectObject:
    """The strip page as a form XObject in ``writer`` (one object shared by the file's pages)."""
    form, contents = StreamObject(), page.get_contents()
    form.set_data(contents.get_data() if contents is not None else b"")
    box = page.mediabox
    form.update({
        NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(box.left), FloatObject(box.bottom),
                                          FloatObject(box.right), FloatObject(box.top)]),
        NameObject("/Resources"): page["/Resources"].clone(writer) if "/Resources" in page else DictionaryObject(),
    })
    return writer._add_object(form)


def _stamp(writer: pypdf.PdfWriter, page: pypdf.PageObject, stamp: IndirectObject, width: float) -> None:
    """Lay the strip in the page's bottom margin as seen (its /Rotate taken into account),
    scaled down on a narrow page. The page's own content is wrapped in q … Q, never parsed."""
    box = page.cropbox
    x0, y0, x1, y1 = float(box.left), float(box.bottom), float(box.right), float(box.top)
    rotate = page.rotation % 360
    shown_width = (y1 - y0) if rotate in (90, 270) else (x1 - x0)
    s = min(1.0, max(shown_width - 2 * MARGIN, 1.0) / width)
    a, b, c, d, e, f = {
        0: (s, 0, 0, s, x0 + MARGIN, y0 + BOTTOM),
        90: (0, s, -s, 0, x1 - BOTTOM, y0 + MARGIN),
        180: (-s, 0, 0, -s, x1 - MARGIN, y1 - BOTTOM),
        270: (0, -s, s, 0, x0 + BOTTOM, y1 - MARGIN),
    }.get(rotate, (s, 0, 0, s, x0 + MARGIN, y0 + BOTTOM))
    resources = page.get("/Resources")
    resources = DictionaryObject(resources.get_object()) if resources is not None else DictionaryObject()
    xobjects = resources.get("/XObject")
    xobjects = DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
    xobjects[STAMP_NAME] = stamp
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    contents = page.get("/Contents")
    before, after = StreamObject(), StreamObject()
    before.set_data(b"q\n")
    after.set_data(f"\nQ\nq {a:g} {b:g} {c:g} {d:g} {e:.2f} {f:.2f} cm /XinfangStamp Do Q\n".encode())
    streams = ArrayObject([writer._add_object(before)])
    if isinstance(contents, IndirectObject) and isinstance(contents.get_object(), ArrayObject):
        contents = contents.get_object()
    if isinstance(contents, ArrayObject):
        streams.extend(contents)
    elif isinstance(contents, IndirectObject):
        streams.append(contents)
    elif contents is not None:
        streams.append(writer._add_object(contents))
    streams.append(writer._add_object(after))
    page[NameObject("/Contents")] = streams
