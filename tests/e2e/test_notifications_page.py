"""提醒 in Chromium: a county officer opens 提醒 from the menu, sees her notices newest first
with the unread count, opens one's target, marks one read — the count drops — then all."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import log_in, shoot

pytestmark = pytest.mark.e2e
COUNTY = "411323"
USER = "e2e_notices"


def _notices(server) -> None:
    """Three notices to the user of her own (one a plugin's, with its own target)."""
    from xinfang.platform.accounts.models import User
    from xinfang.platform.notifications.service import notify
    from xinfang.tenants.models import Node

    server.add_user(USER, "officer", COUNTY)
    with server.session() as s:
        user_id = s.scalar(select(User.id).where(User.username == USER))
        county = s.scalar(select(Node.id).where(Node.code == COUNTY))
        for n, (kind, title, href) in enumerate((
                ("due_soon", "信访事项即将到期：请于3日内答复", None),
                ("order_review", "信访秩序整治记录第1号待审核", "/petition-order"),
                ("supervise", "县信访联席会议办公室督办：请报告办理进展", None))):
            notify(s, node_id=county, kind=kind, title=title, text=f"第{n + 1}条提醒的说明", user_id=user_id,
                   dedupe_key=f"e2e:notices:{n}", href=href)
        s.commit()


def test_open_mark_one_read_and_all(page, server):
    _notices(server)
    log_in(page, USER)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="提醒").click()
    page.wait_for_url(f"{server.url}/notifications")
    count = page.locator("#unread-count")
    expect(count).to_have_text("未读 3")
    rows = page.locator("table.notices tbody tr")
    expect(rows.first).to_contain_text("督办")  # newest first
    expect(page.get_by_role("link", name="信访秩序整治记录第1号待审核")).to_have_attribute("href", "/petition-order")
    shoot(page, "notifications")

    page.get_by_role("button", name="将“信访事项即将到期：请于3日内答复”标为已读").click()
    page.wait_for_load_state()
    expect(count).to_have_text("未读 2")
    expect(rows.last).to_contain_text("已读")
    page.get_by_role("link", name="未读", exact=True).click()
    expect(rows).to_have_count(2)
    shoot(page, "notifications-unread")

    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator("p.success")).to_have_text("已将2条提醒标为已读。")
    expect(count).to_have_text("未读 0")
    expect(page.get_by_text("没有未读的提醒。")).to_be_visible()
