"""A petitioner in Chromium, no account: submits a 网上信访 at the county, gets the number and
查询码, follows the matter as the units accept and extend it, reads the opinion and rates it;
the unit sees the rating; the 受理告知书's printed code verifies on the public page. Every
public page is shot at desktop and phone width."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import PASSWORD, log_in, shoot
from tests.integration.test_matter_documents import OPINION
from xinfang.platform import clock
from xinfang.platform.jobs.embedded import run_pending
from xinfang.platform.matters.models import Matter

pytestmark = pytest.mark.e2e


class Staff:
    """The units' side, over the JSON API (their own pages are walked in test_matter_walk)."""

    def __init__(self, server) -> None:
        self.url, self.tokens = server.url, {}

    def act(self, matter_id: int, action: str, user: str, **payload) -> dict:
        if user not in self.tokens:
            login = httpx.post(f"{self.url}/api/auth/login", json={"username": user, "password": PASSWORD})
            self.tokens[user] = login.json()["token"]
        resp = httpx.post(f"{self.url}/api/matters/{matter_id}/{action}", json=payload, timeout=30,
                          headers={"Authorization": f"Bearer {self.tokens[user]}"})
        assert resp.status_code in (200, 202), resp.text
        return resp.json()


def _look_up(page, number: str, code: str) -> None:
    page.goto("/public/progress")
    page.get_by_label("事项编号").fill(number)
    page.get_by_label("查询码").fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="查询").click()


def test_a_petitioner_online_from_submission_to_rating(page, server):
    today = clock.today().isoformat()
    staff = Staff(server)
    page.goto("/public/submit/411323")
    expect(page.get_by_role("heading", name="网上信访 · 西峡县")).to_be_visible()
    page.get_by_label("姓名").fill("孙桂兰")
    page.get_by_label("身份证号").fill("11010519491231002X")
    page.get_by_label("联系电话").fill("13912345678")
    page.get_by_label("事项类别").select_option(label="申诉求决")
    page.get_by_label("投诉请求").fill("要求恢复被填埋的灌溉渠")
    page.get_by_label("事实和理由").fill("县道拓宽施工时填埋了我家承包地旁约三百米灌溉渠，至今未恢复。")
    question = page.locator("label", has_text="验证题").inner_text()
    a, b = re.findall(r"\d+", question)[:2]
    page.get_by_label("验证题").fill(str(int(a) + int(b)))
    shoot(page, "public-submit")
    with page.expect_navigation():
        page.get_by_role("button", name="提交").click()
    number = page.locator("#matter-number").inner_text()
    code = page.locator("#query-code").inner_text()
    assert number.startswith("411323-") and re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code)
    run_pending(server.app.state.session_factory)  # the receipt
    shoot(page, "public-submitted")
    with page.expect_download() as receipt:
        page.get_by_role("button", name="下载登记回执(PDF)").click()
    assert receipt.value.suggested_filename.endswith(".pdf")

    with server.session() as s:
        matter_id = s.scalar(select(Matter.id).where(Matter.number == number))
    staff.act(matter_id, "actions/accept", "xx_officer", on=today)
    staff.act(matter_id, "actions/classify", "xx_officer", route=6)
    staff.act(matter_id, "actions/extend", "xx_leader", on=today, days=30, reason="需委托第三方测量受损面积",
              told_petitioner_on=today)
    _look_up(page, number, code)
    result = page.locator("#result")
    expect(result.get_by_text("已受理", exact=True)).to_be_visible()
    expect(result).to_contain_text("理由:需委托第三方测量受损面积")
    shoot(page, "public-progress")

    staff.act(matter_id, "actions/reply", "xx_officer", on=today, **OPINION)
    asked = staff.act(matter_id, "documents/acceptance", "xx_officer", number="西信受〔2026〕9号")
    run_pending(server.app.state.session_factory)
    _look_up(page, number, code)
    expect(page.get_by_text(OPINION["opinion"])).to_be_visible()
    page.get_by_label("基本满意").check()
    page.get_by_label("意见(选填)").fill("希望尽快施工")
    shoot(page, "public-progress-opinion")
    with page.expect_navigation():
        page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_text("感谢您的评价")).to_be_visible()
    expect(page.locator("#evaluate")).to_contain_text("处理意见:基本满意")

    page.goto("/public/verify")
    page.get_by_label("核验码").fill(asked["code"])
    with page.expect_navigation():
        page.get_by_role("button", name="核验").click()
    expect(page.get_by_role("heading", name="真实文书")).to_be_visible()
    expect(page.locator(".verdict")).to_contain_text("西信受〔2026〕9号")
    shoot(page, "public-verify")

    log_in(page, "xx_officer")
    page.goto(f"/matters/{matter_id}")
    expect(page.get_by_text("处理意见:基本满意")).to_be_visible()
