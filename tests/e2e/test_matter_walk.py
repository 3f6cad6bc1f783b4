"""A matter's life in Chromium, as the offices do it: a township officer registers a visit, a
county officer assigns it, the unit accepts, a leader extends, the unit replies. A supervisor
sees the same pages with no write controls and a forged form POST is refused; another
county's user gets the not-found page. Every page is shot at desktop and phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, shoot
from xinfang.platform import clock

pytestmark = pytest.mark.e2e
GOOD_ID = "11010519491231002X"


def _log_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/login$"))


def _exactly(label: str) -> re.Pattern:
    """The field's label, with or without the required-field mark."""
    return re.compile("^" + re.escape(label) + r"\*?$")


def _act(page, label: str, fields: dict[str, str] | None = None, selects: dict[str, str] | None = None) -> None:
    acts = page.get_by_role("complementary", name="可办理的操作")
    box = acts.locator("details.act", has=page.locator("summary", has_text=re.compile("^" + re.escape(label) + "$")))
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    for name, value in (selects or {}).items():
        box.get_by_label(_exactly(name)).select_option(label=value)
    for name, value in (fields or {}).items():
        box.get_by_label(_exactly(name)).fill(value)
    with page.expect_navigation():
        box.get_by_role("button", name=label).click()


def test_a_matter_from_registration_to_reply(page, server):
    today = clock.today().isoformat()
    # 1. the township officer registers a visit
    log_in(page, "xx_by_officer")
    page.wait_for_url(server.url + "/")
    shoot(page, "workbench-township-officer")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="登记信访事项").click()
    page.get_by_label("问题分类").select_option("欠薪")
    page.get_by_label("事项摘要").fill("反映某建筑工地拖欠农民工工资三个月")
    page.get_by_label("姓名").first.fill("赵大勇")
    id_box = page.locator("input[name=p1_id_number]")
    id_box.fill("110105194912310021")  # wrong check digit: told while typing
    assert "校验码不符" in page.locator("#p1-id-msg").inner_text()
    shoot(page, "register-form-wrong-id")
    id_box.fill(GOOD_ID)
    assert page.locator("#p1-id-msg").inner_text() == "校验码正确"
    page.locator("input[name=p1_phone]").fill("13912345678")
    with page.expect_navigation():
        page.get_by_role("button", name="保存登记").click()
    assert "已登记保存" in page.locator(".success").inner_text()
    people = page.locator("main").inner_text()
    assert "1101**********002X" in people and GOOD_ID not in people and "139****5678" in people
    matter_url = re.sub(r"\?.*$", "", page.url)
    number = page.locator("h1 .code").inner_text()
    shoot(page, "matter-registered")
    _log_out(page)

    # 2. the county officer finds it in the list and assigns it to the 住建局
    log_in(page, "xx_officer")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="信访事项", exact=True).click()
    page.get_by_label("关键词或编号").fill(number)  # HTMX replaces the results as one types
    expect(page.locator("#results tbody tr")).to_have_count(1)
    assert "?q=" in page.url, "the filtered list has an address of its own"
    shoot(page, "matter-list-filtered")
    page.locator("#results").get_by_role("link", name=number).click()
    _act(page, "转送交办", selects={"承办单位": "西峡县住房和城乡建设局"})
    assert page.locator(".state-tag").inner_text() == "已转送交办"
    shoot(page, "matter-assigned")
    _log_out(page)

    # 3. the unit accepts
    log_in(page, "xx_handler")
    page.goto(matter_url)
    _act(page, "受理")
    assert page.locator(".state-tag").inner_text() == "已受理办理中"
    _log_out(page)

    # 4. the leader extends; a wrong number of days is refused in Chinese, nothing kept
    log_in(page, "xx_leader")
    page.goto(matter_url)
    _act(page, "延长办理期限", {"延长天数（不超过30日）": "45", "延期理由": "需现场核查工程款结算",
                          "告知信访人延期理由的日期": today})
    assert "延长期限应为1至30日" in page.get_by_role("alert").inner_text()
    shoot(page, "matter-extend-refused")
    _act(page, "延长办理期限", {"延长天数（不超过30日）": "30", "延期理由": "需现场核查工程款结算",
                          "告知信访人延期理由的日期": today})
    assert "延长办理期限" in page.locator("#timeline").inner_text()
    _log_out(page)

    # 5. the unit replies with its written opinion
    log_in(page, "xx_handler")
    page.goto(matter_url)
    _act(page, "出具处理意见书", {"信访人投诉请求": "要求支付拖欠工资", "事实和理由": "经核查，拖欠属实",
                           "法律法规依据": "《保障农民工工资支付条例》第三条"},
         selects={"处理意见": "予以支持"})
    assert page.locator(".state-tag").inner_text() == "已出具处理意见"
    shoot(page, "matter-replied")
    _log_out(page)

    # 6. the supervisor: the same page, no write controls; a forged POST is refused
    log_in(page, "xx_supervisor")
    page.goto(matter_url)
    assert page.locator(".state-tag").inner_text() == "已出具处理意见"
    assert page.locator("form[action*='/acts/']").count() == 0
    assert "没有可办理的操作" in page.locator("main").inner_text()
    shoot(page, "matter-supervisor")
    token = page.locator("form.logout input[name=_csrf]").input_value()
    forged = page.request.post(matter_url + "/acts/close", form={"_csrf": token, "note": "伪造"},
                               headers={"Accept": "text/html"}, max_redirects=0)
    assert forged.status == 403
    page.reload()
    assert page.locator(".state-tag").inner_text() == "已出具处理意见", "nothing changed"
    _log_out(page)

    # 7. another county's officer: the not-found page
    log_in(page, "jj_officer")
    page.goto(matter_url)
    assert page.get_by_role("heading", name="页面不存在").is_visible()
    shoot(page, "matter-other-county")


def test_desk_pages_populated(page, server):
    """The list, the workbench, the people search and a person file with the demo's matters."""
    log_in(page, "xx_officer")
    page.wait_for_url(server.url + "/")
    assert page.locator(".wb-card").count() >= 3
    shoot(page, "workbench-county-officer")
    page.goto("/matters?open=true")
    assert page.locator("#results tbody tr").count() > 0
    shoot(page, "matter-list")
    page.locator("#results tbody tr a").first.click()
    shoot(page, "matter-page")
    page.goto("/matters/new")
    shoot(page, "register-form")
    from sqlalchemy import select

    from xinfang.platform.people.models import Person
    from xinfang.tenants.models import Node

    with server.session() as s:
        name = s.scalar(select(Person.name).join(Node, Node.id == Person.node_id).where(Node.code == "411323001")
                        .order_by(Person.id).limit(1))
    page.goto("/people")
    page.get_by_label("姓名或身份证号（身份证号须完整）").fill(name)
    page.locator("#results a").first.wait_for()
    shoot(page, "people-search")
    page.locator("#results a").first.click()
    assert page.get_by_role("heading", name="一人一档").is_visible()
    shoot(page, "person-file")
    _log_out(page)
    log_in(page, "xx_grid")
    shoot(page, "workbench-grid-worker")
