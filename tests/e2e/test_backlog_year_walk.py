"""The 信访积案化解年 in Chromium: a county enables it, a township officer confirms the proposed
积案, writes the 六清楚, classes it and hands it to the township leader (五包, 60 working
days); the supervisor opens the same pages and finds no form. Every page is shot."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, log_in, shoot
from xinfang.platform import clock

pytestmark = pytest.mark.e2e
PERSON = {"name": "洪秋月", "id_number": "350582195805051230"}


def _api(server, username: str) -> httpx.Client:
    """An API client of the user, apart from the browser (bearer token: no cookie, no CSRF)."""
    token = httpx.post(server.url + "/api/auth/login", json={"username": username, "password": PASSWORD}).json()["token"]
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}, cookies=None)


def _log_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/login$"))


def test_a_backlog_case_from_candidate_to_assignment(page, server):
    today = clock.today()
    admin, officer = _api(server, "jj_admin"), _api(server, "jj_qy_officer")
    with server.session() as s:
        from sqlalchemy import select

        from xinfang.tenants.models import Node

        county, township = (s.scalar(select(Node.id).where(Node.code == c)) for c in ("350582", "350582001"))
    for received in ("2007-08-01", today.isoformat()):
        made = officer.post("/api/matters", json={
            "node_id": township, "channel": "visit", "form": "individual", "kind": "claim", "category": "企业改制遗留",
            "summary": "反映企业改制时身份置换补偿未到位", "petitioners": [PERSON], "received_on": received})
        assert made.status_code == 201, made.text
    number = made.json()["number"]
    enabled = admin.post("/api/campaigns", json={"type": "backlog_year", "title": f"{today.year}年信访积案化解年",
                                                "scope_node_ids": [county], "starts_on": today.isoformat()})
    assert enabled.status_code == 201, enabled.text

    log_in(page, "jj_qy_officer")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="信访积案化解年").click()
    shoot(page, "backlog-home")
    page.get_by_role("link", name=f"{today.year}年信访积案化解年").click()
    candidate = page.get_by_role("row", name=re.compile(number))
    expect(candidate).to_be_visible()
    shoot(page, "backlog-campaign")
    with page.expect_navigation():
        candidate.get_by_role("button", name="确认为积案").click()
    expect(page.get_by_role("heading", name=f"积案 {number}")).to_be_visible()
    for key, text in (("background", "2001年企业改制,身份置换补偿按当时标准发放"), ("mindset", "对补偿差额不满,情绪稳定"),
                      ("handlers", "历次经办人均答复已按政策执行"), ("relatives", "其女在镇卫生院工作,愿意配合"),
                      ("notables", "原厂工会主席愿意参与协调"), ("policies", "国有企业改制职工安置相关政策")):
        page.locator(f"textarea[name={key}]").fill(text)
    with page.expect_navigation():
        page.get_by_role("button", name="保存“六清楚”").click()
    expect(page.get_by_role("heading", name="“六清楚”(6/6)")).to_be_visible()
    page.get_by_label("类别").select_option("excessive")
    page.get_by_label("依据和化解办法").fill("解决合理的补偿差额,对过高要求做好解释")
    with page.expect_navigation():
        page.get_by_role("button", name="确定分类").click()
    leader = page.locator("select[name=leader_user_id] option", has_text="丁海峰").get_attribute("value")
    page.locator("select[name=leader_user_id]").select_option(leader)
    page.get_by_role("textbox", name="责任单位").fill("青阳街道社会事务办")
    with page.expect_navigation():
        page.get_by_role("button", name="交办(开始计算60个工作日)").click()
    expect(page.get_by_text("包案领导:丁海峰")).to_be_visible()
    expect(page.get_by_text("包息诉罢访")).to_be_visible()
    shoot(page, "backlog-case")
    case_url = page.url
    _log_out(page)

    # the supervisor reads the same 积案 and finds nothing to change
    log_in(page, "jj_supervisor")
    page.goto(case_url)
    expect(page.get_by_role("heading", name=f"积案 {number}")).to_be_visible()
    assert page.locator("form[method=post]").count() == 1  # the sign-out form only
    shoot(page, "backlog-case-supervisor")
    _log_out(page)
