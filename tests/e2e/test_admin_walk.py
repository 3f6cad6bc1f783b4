"""Administration and documents in Chromium: the county admin opens the tree, creates a clerk's
account and grants the role, looks at the calendar and the county's rules, drafts a notice and
watches it render; the operator sees the platform's health. Every page is shot at both widths."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, shoot

pytestmark = pytest.mark.e2e


def test_county_admin_and_operator_pages(page, server):
    log_in(page, "xx_admin")
    page.goto("/admin/tree")
    expect(page.get_by_role("heading", name="西峡县的组织架构")).to_be_visible()
    shoot(page, "admin-tree")

    page.goto("/admin/users")
    page.get_by_label("所属单位").select_option(label="白羽街道（乡镇(街道)）")
    page.get_by_label("姓名", exact=True).fill("钱进")
    page.get_by_label("职务", exact=True).fill("信访干部")
    page.get_by_label("用户名", exact=True).fill("xx_by_qianjin")
    page.get_by_label(re.compile("^初始密码")).fill("Qian-Jin-2026!")
    shoot(page, "admin-users")
    with page.expect_navigation():
        page.get_by_role("button", name="建立账号").click()
    expect(page.get_by_text("账号已建立")).to_be_visible()
    page.get_by_label("角色").select_option(label="信访干部")
    page.locator("form.inline-form").get_by_label("单位").select_option(label="白羽街道（乡镇(街道)）")
    with page.expect_navigation():
        page.get_by_role("button", name="授予").click()
    expect(page.get_by_text("已授予角色")).to_be_visible()
    expect(page.get_by_role("cell", name="信访干部")).to_be_visible()
    shoot(page, "admin-user")

    page.goto("/admin/calendar")
    expect(page.get_by_role("heading", name="已覆盖的年份")).to_be_visible()
    shoot(page, "admin-calendar")
    page.goto("/admin/rules")
    expect(page.get_by_role("heading", name="领导包案责任清单")).to_be_visible()
    shoot(page, "admin-rules")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="文书", exact=True).click()
    page.get_by_label("发文机关").fill("西峡县信访局")
    page.get_by_label("标题").first.fill("关于做好元旦期间信访工作的通知")
    page.get_by_label(re.compile("^正文")).fill("各乡镇（街道）：\n请做好值班安排。")
    with page.expect_navigation():
        page.get_by_role("button", name="生成通知").click()
    row = page.locator("tr", has_text="关于做好元旦期间信访工作的通知")
    expect(row).to_contain_text("排队等待生成")
    shoot(page, "documents-list-waiting")
    # the e2e server runs no background worker: the rendering job is run here, as a worker would
    from xinfang.platform.documents.models import Document
    from xinfang.platform.documents.service import render_job

    document_id = int(re.search(r"made=(\d+)", page.url).group(1))
    expect(page.locator("#document-table")).to_have_attribute("hx-trigger", "every 2s")  # asks while waiting
    render_job(server.app.state.session_factory, {"document_id": document_id})
    page.reload()
    expect(row.get_by_role("link", name="下载PDF")).to_be_visible()
    with server.session() as s:
        assert s.get(Document, document_id).status == "done"
    shoot(page, "documents-list")
    code = row.locator("td.code").inner_text()
    page.goto("/documents/verify")
    page.get_by_label("核验码").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="核验通过")).to_be_visible()
    shoot(page, "documents-verify")
    page.get_by_role("button", name="退出").click()

    log_in(page, "operator")
    page.goto("/admin/health")
    expect(page.get_by_role("heading", name="运行正常")).to_be_visible()
    shoot(page, "admin-health-operator")
