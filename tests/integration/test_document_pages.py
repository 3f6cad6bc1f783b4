"""The document pages over HTTP (both databases): a free-form notice typed in and generated,
listed while it waits with the list asking to refresh itself, looked up by its printed code;
a file not made here fails verification; the supervisor verifies but may not generate."""

from __future__ import annotations

import re

import pytest

from tests.integration.page_requests import get_page, post_form
from xinfang.platform.documents.models import Document

pytestmark = pytest.mark.today(2026, 11, 16)


def test_generate_list_and_verify(client, demo, system_session):
    page = get_page(client, demo, "xx_by_officer", "/documents")
    assert page.status_code == 200 and "起草：" in page.text
    missing = post_form(client, demo, "xx_by_officer", "/documents/new", {"kind": "notice", "f_issuer": "白羽街道办事处"})
    assert missing.status_code == 400 and "未能生成" in missing.text
    made = post_form(client, demo, "xx_by_officer", "/documents/new",
                 {"kind": "notice", "f_issuer": "白羽街道办事处", "f_title": "关于开展矛盾纠纷排查的通知",
                  "f_body": "各社区：\n请于本周内完成排查。", "f_attachments": ""})
    assert made.status_code == 303, made.text[:400]
    document_id = int(re.search(r"made=(\d+)", made.headers["location"]).group(1))
    system_session.rollback()
    document = system_session.get(Document, document_id)
    assert document.inputs["body"] == ["各社区：", "请于本周内完成排查。"]
    listed = get_page(client, demo, "xx_by_officer", "/documents")
    assert "关于开展矛盾纠纷排查的通知" in listed.text and document.code in listed.text
    if document.status in ("pending", "rendering"):
        assert 'hx-trigger="every 2s"' in listed.text
    by_code = post_form(client, demo, "xx_supervisor", "/documents/verify/code", {"code": document.code})
    assert by_code.status_code == 200 and "核验通过" in by_code.text and "关于开展矛盾纠纷排查的通知" in by_code.text
    unknown = post_form(client, demo, "xx_supervisor", "/documents/verify/code", {"code": "ZZZZ-ZZZZ"})
    assert "未通过核验" in unknown.text
    forged = post_form(client, demo, "xx_supervisor", "/documents/verify",
                   files={"data": ("假.pdf", b"%PDF-1.7 not ours", "application/pdf")})
    assert forged.status_code == 200 and "未通过核验" in forged.text and "不是本平台生成的" in forged.text
    assert "起草：" not in get_page(client, demo, "xx_supervisor", "/documents").text
    assert post_form(client, demo, "xx_supervisor", "/documents/new", {"kind": "notice"}).status_code == 403
    assert get_page(client, demo, "jj_officer", "/documents").text.count("关于开展矛盾纠纷排查的通知") == 0
