"""Every document printed for a deployment with a public host carries the QR code of its
public verification page; without one, no QR code (there is no address to give)."""

from __future__ import annotations

import segno

from xinfang.platform.documents.rendering import qr_svg, render_html
from xinfang.platform.documents.service import verification_url
from xinfang.platform.matters.documents import RECEIPT

URL = "https://xf.example.cn/public/verify?code=ABCD-EFGH-JKMN"
INPUTS = {"issuer": "西峡县人民政府", "title": "网上信访事项登记回执", "matter_number": "411323-2026-000001",
          "addressee": "赵六：", "body": ["本机关已登记。"], "date": "2026-03-02"}


class _Session:
    def __init__(self, host: str) -> None:
        self.info = {"public_host": host}


def test_the_qr_code_encodes_the_verification_page():
    assert verification_url(_Session("xf.example.cn"), "ABCD-EFGH-JKMN") == URL
    assert verification_url(_Session(""), "ABCD-EFGH-JKMN") is None
    assert qr_svg(URL) == segno.make(URL, error="m").svg_inline(scale=1, border=0, omitsize=True)
    inputs = RECEIPT.template.clean(INPUTS)
    with_qr = render_html(RECEIPT.template, {**inputs, "verification_url": URL}, "ABCD-EFGH-JKMN")
    assert 'class="verification-qr"' in with_qr and qr_svg(URL) in with_qr
    assert "verification-qr" not in render_html(RECEIPT.template, inputs, "ABCD-EFGH-JKMN").split("</head>")[1]
