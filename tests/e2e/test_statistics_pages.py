"""The statistics pages in Chromium: a county officer opens the year's dashboard, follows a
figure to the matters behind it (the list shows as many as the figure said), then publishes
last month's ranking and sees the frozen version. Shot at desktop and phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, shoot

pytestmark = pytest.mark.e2e


def test_dashboard_to_matters_and_ranking(page, server):
    log_in(page, "xx_officer")
    page.wait_for_url(server.url + "/")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="统计分析").click()
    page.get_by_role("link", name="本年", exact=True).click()
    expect(page.get_by_role("heading", name="考核指标")).to_be_visible()
    expect(page.locator("svg.chart").first).to_be_visible()
    four_none = page.locator("section.stats-four-none")
    expect(four_none.get_by_role("heading", name=re.compile("四无乡镇"))).to_be_visible()
    # the demo county's townships, each with a verdict (other journeys on this server may add one)
    for township in ("白羽街道", "丹水镇"):
        expect(four_none.locator("tbody tr").filter(has_text=township)).to_have_count(1)
    expect(page.get_by_role("button", name="生成公文PDF（含统计图）")).to_be_visible()
    shoot(page, "stats-dashboard")
    channel = page.locator("section.stats-breakdown").filter(has=page.get_by_role("heading", name="按渠道"))
    first = channel.locator("tbody tr").first
    count = first.locator("td").first.inner_text().strip()
    first.locator("td a").first.click()
    page.wait_for_url(re.compile(r"/matters\?"))
    expect(page.get_by_text(re.compile(f"共\\s*{count}\\s*件"))).to_be_visible()
    # the filters the link set are shown, so the clerk sees (and can change) what is listed
    expect(page.locator("details.more-filters")).to_have_attribute("open", "")
    expect(page.locator('select[name="channel"]')).not_to_have_value("")
    shoot(page, "stats-matters-behind-a-figure")

    page.goto(server.url + "/statistics/ranking")
    expect(page.get_by_role("heading", name=re.compile("排名（按今日数据计算"))).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="发布并冻结本月排名").click()
    expect(page.get_by_role("heading", name=re.compile("已发布 第1版"))).to_be_visible()
    expect(page.get_by_text("哈希校验一致")).to_be_visible()
    shoot(page, "stats-ranking")
