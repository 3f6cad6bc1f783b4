"""A petition month in Chromium, as issue 14 asks: the county admin enables it for two of the
county's three townships; a township officer, on a phone-sized window, ticks a duty with a
photo; the supervisor sees the progress and the audit entries, is offered no write control,
and a forged write is refused. Every page is shot at desktop and phone width."""

from __future__ import annotations

import re
import struct
import zlib

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import PHONE, log_in, shoot
from xinfang.platform import clock

pytestmark = pytest.mark.e2e


def _png() -> bytes:
    """A 2×2 photo, as a phone's camera would hand over (any image will do)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xb3\x26\x1e" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _third_township(server) -> None:
    """西峡县 gets a third township (the demo has two), as the admin's tree would hold it."""
    from xinfang.tenants.models import Node
    from xinfang.tenants.tree import create_node

    with server.session() as s:
        if s.scalar(select(Node.id).where(Node.code == "411323102")) is None:
            create_node(s, "township", "411323102", "回车镇", s.scalar(select(Node).where(Node.code == "411323")))
            s.commit()


def _log_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/login$"))


def test_petition_month_enabled_ticked_and_supervised(page, server):
    _third_township(server)
    # 1. the county admin enables the month for 白羽街道 and 丹水镇, not 回车镇
    log_in(page, "xx_admin")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="专项活动").click()
    expect(page.get_by_role("heading", name="已安装的活动类型")).to_be_visible()
    shoot(page, "campaigns-list-county-admin")
    page.get_by_role("link", name="启用专项活动").first.click()
    picker = page.get_by_label("活动类型")
    if picker.input_value() != "petition_month":  # the installed types' order is the plugins'
        with page.expect_navigation():  # the type picker reloads the form with that type's phases
            picker.select_option(value="petition_month")
    page.get_by_label("活动名称").fill("西峡县“大排查·大接访·大化解”信访月")
    page.get_by_label("开始日期", exact=True).fill(clock.today().isoformat())
    page.get_by_label("开始日期", exact=True).dispatch_event("change")
    assert page.get_by_label("动员部署开始日期").input_value() == clock.today().isoformat(), "defaults filled in"
    page.get_by_label("白羽街道").check()
    page.get_by_label("丹水镇").check()
    expect(page.get_by_label("回车镇")).not_to_be_checked()
    shoot(page, "campaigns-enable")
    with page.expect_navigation():
        page.get_by_role("button", name="启用活动").click()
    expect(page.get_by_text("活动已启用")).to_be_visible()
    campaign_url = page.url.split("?")[0]
    scope = page.locator("dl.facts dd").nth(2).inner_text()
    assert "白羽街道" in scope and "丹水镇" in scope and "回车镇" not in scope
    shoot(page, "campaigns-campaign-county-admin")
    _log_out(page)

    # 2. the township officer ticks a duty with a photo, on a phone
    page.set_viewport_size(PHONE)
    log_in(page, "xx_by_officer")
    page.goto(campaign_url + "/duties")
    duty = page.locator("section.duty", has_text="制定具体实施方案")
    expect(duty.locator("input[type=file]")).to_have_attribute("capture", "environment")
    duty.get_by_label("说明").fill("实施方案已印发各社区")
    duty.get_by_label(re.compile("佐证照片")).set_input_files(
        [{"name": "实施方案.png", "mimeType": "image/png", "buffer": _png()}])
    with page.expect_navigation():
        duty.get_by_role("button", name="登记完成").click()
    expect(page.get_by_text("已登记完成")).to_be_visible()
    ticked = page.locator("section.duty", has_text="制定具体实施方案")
    expect(ticked.get_by_text("实施方案.png")).to_be_visible()
    shoot(page, "campaigns-duties-township-phone")
    _log_out(page)
    page.set_viewport_size({"width": 1280, "height": 800})

    # 3. the supervisor: the progress, the audit entries, nothing to change
    log_in(page, "xx_supervisor")
    page.goto(campaign_url)
    tree = page.locator("#progress")
    expect(tree.get_by_text("白羽街道").first).to_be_visible()
    expect(tree.get_by_text("回车镇")).to_have_count(0)
    assert page.locator("main form[method=post]").count() == 0, "no write controls for the supervisor"
    shoot(page, "campaigns-campaign-supervisor")
    page.get_by_role("link", name="信访月汇总与文书").click()
    expect(page.get_by_role("heading", name="活动文书")).to_be_visible()
    assert page.locator("main form[method=post]").count() == 0
    shoot(page, "campaigns-petition-month-supervisor")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="审计日志").click()
    page.get_by_label("对象").select_option(label="活动任务登记")
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    expect(page.locator("table.audit-table tbody tr").first).to_contain_text("孙伟(xx_by_officer)")
    shoot(page, "audit-desk-supervisor")
    token = page.locator("form.logout input[name=_csrf]").input_value()
    forged = page.request.post(campaign_url + "/phases", form={"_csrf": token}, headers={"Accept": "text/html"})
    assert forged.status == 403
    page.get_by_role("link", name="校验完整性").click()
    expect(page.get_by_role("heading", name="审计日志完整，未发现篡改")).to_be_visible()
    shoot(page, "audit-verify-supervisor")
