"""The matter desk's tools in Chromium: a township officer attaches a scanned letter (its
SHA-256 shown), a county officer assigns two matters at once from the list and keeps the
filter as a view of their own, the workbench's cards open filtered lists, and dates read
年-月-日. Every page is shot at desktop and phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, shoot

pytestmark = pytest.mark.e2e
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def test_attach_bulk_assign_and_a_saved_view(page, server):
    log_in(page, "xx_by_officer")
    page.wait_for_url(server.url + "/")
    shoot(page, "desk-workbench-township")
    page.goto("/matters?view=mine")
    expect(page.locator(".views a[aria-current=page]")).to_have_text("我的待办")
    page.locator("#results tbody tr a.summary").first.click()
    form = page.locator("form.attach-form")
    form.locator("input[type=file]").set_input_files(files=[{"name": "来信扫描件.pdf", "mimeType": "application/pdf",
                                                            "buffer": PDF}])
    form.get_by_label("说明").fill("信访人来信原件")
    with page.expect_navigation():
        form.get_by_role("button", name="上传附件").click()
    section = page.locator("#attachments")
    expect(section.locator(".success")).to_have_text("附件已上传。")
    assert "来信扫描件.pdf" in section.inner_text()
    assert re.search(r"SHA-256：\s*[0-9a-f]{64}", section.inner_text())
    shoot(page, "desk-matter-attachments")
    # a text file named .png is refused by its content, in Chinese, on the page
    form = page.locator("form.attach-form")
    form.locator("input[type=file]").set_input_files(files=[{"name": "照片.png", "mimeType": "image/png",
                                                            "buffer": "不是图片".encode()}])
    with page.expect_navigation():
        form.get_by_role("button", name="上传附件").click()
    assert "PDF、JPEG或PNG" in page.locator("#attachments [role=alert]").inner_text()
    page.get_by_role("button", name="退出").click()

    # the county officer: two registered matters to the 住建局 at once
    log_in(page, "xx_officer")
    page.goto("/matters?state=registered")
    rows = page.locator("#results tbody tr")
    expect(rows.first).to_be_visible()
    numbers = [rows.nth(i).locator("td.code").inner_text() for i in range(2)]
    for i in range(2):
        rows.nth(i).locator("input[name=matter_id]").check()
    page.get_by_label("把勾选的待转送交办事项交办给").select_option(label="西峡县住房和城乡建设局")
    shoot(page, "desk-list-bulk-assign")
    with page.expect_navigation():
        page.get_by_role("button", name="批量交办").click()
    result = page.locator("main").inner_text()
    assert "已交办2件" in result and all(n in result for n in numbers)
    shoot(page, "desk-bulk-result")
    page.get_by_role("link", name="返回信访事项列表").click()
    # the filter as a view of one's own; dates in 年-月-日 order
    page.goto("/matters?deadline_state=overdue&sort=due_on&descending=false")
    page.get_by_label("视图名称").fill("超期待督")
    with page.expect_navigation():
        page.get_by_role("button", name="保存为我的视图").click()
    expect(page.get_by_role("navigation", name="我保存的视图").get_by_role("link", name="超期待督")).to_be_visible()
    page.locator("details.more-filters summary").click()
    date_box = page.locator("input[name=received_from]")
    assert date_box.get_attribute("type") == "text" and "年-月-日" in date_box.get_attribute("title")
    assert re.fullmatch(r"如\d{4}-\d{2}-\d{2}", date_box.get_attribute("placeholder"))
    shoot(page, "desk-list-saved-view")
    # the workbench: each card's title opens its list
    page.goto("/")
    cards = page.locator(".wb-card")
    assert cards.count() >= 4
    shoot(page, "desk-workbench-county")
    page.locator(".wb-card", has_text="期限提醒").locator("h2 a").click()
    assert "deadline_state=" in page.url
    # at phone width nothing on the desk's pages sticks out sideways (390 px, no horizontal scroll)
    page.set_viewport_size({"width": 390, "height": 800})
    for url in ("/", "/matters?view=mine", "/matters?state=registered", "/matters/new", "/matters/1", "/people?q=王"):
        page.goto(url)
        wide = page.evaluate("() => [...document.querySelectorAll('body *')].filter(e => "
                             "e.getBoundingClientRect().right > 391).map(e => e.tagName + '.' + e.className)")
        assert wide == [], (url, wide[:5])
