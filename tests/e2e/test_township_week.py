"""The township week of tests/integration/test_township_week.py, in Chromium (issue 14).

白羽街道, Mon 2026-11-23 – Fri 11-27: the officer fills the rota by clicking days, is warned
of a clash while typing, publication is refused with the clash and the empty day listed,
fixed and published; the public notice shows it. A leader registers two receptions, one
opening a petition matter. On Wednesday 城东社区 submits its list in time, 莲花社区 on
Thursday (late); the township's board shows exactly that. The township's supervisor sees
the pages without write controls and a forged POST is refused. Every page is shot."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, log_in, shoot

pytestmark = pytest.mark.e2e
TOWNSHIP = "411323001"
PLACE = "白羽街道基层治理中心2楼接访室"
WEEK = "/reception/rota?view=week&on=2026-11-23"


def _as(browser, server, username: str):
    """A fresh browser context signed in as ``username``."""
    context = browser.new_context(base_url=server.url, viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, username)
    page.wait_for_url(server.url + "/")
    return page


def _add_duty(page, day: int, name: str, position: str, kind: str = "班子领导", slot: str = "全天") -> None:
    """Click the day's 安排 link in the calendar, fill the form below it, save."""
    page.get_by_role("link", name=f"在2026年11月{day}日安排接访").click()
    form = page.locator("#duty-form")
    expect(form.get_by_label("接访日期")).to_have_value(f"2026-11-{day:02d}")
    form.get_by_label("时段").select_option(label=slot)
    form.get_by_label("接访领导").fill(name)
    form.get_by_label("职务").fill(position)
    form.get_by_label("领导类别").select_option(label=kind)
    form.get_by_label("分管工作").fill("分管信访、综治工作")
    form.get_by_label("接访地点").fill(PLACE)
    with page.expect_navigation():
        form.get_by_role("button", name="添加").click()
    expect(page.locator(".success")).to_contain_text("已添加接访安排")


def _reception(page, duty: str, visitor: str, id_number: str, category: str, summary: str, decision: str) -> None:
    register = page.locator("details.register-form")
    if register.get_attribute("open") is None:  # folded once the register has entries (the demo has some)
        register.locator("summary").click()
    page.get_by_label("接访安排").select_option(label=duty)
    page.get_by_label("来访人姓名").fill(visitor)
    page.get_by_label("身份证号").fill(id_number)
    page.get_by_label("问题分类").select_option(category)
    page.get_by_label("反映的问题").fill(summary)
    page.get_by_label("处理意见").fill(decision)


def _submit(page, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=f"报送{label}").click()


def test_the_township_week_in_the_browser(browser, server, clock):
    server.add_user("lh_head", "community_worker", "411323001002")  # 莲花社区's head
    clock.on(2026, 11, 23, 9)

    # --- Monday: the officer plans the week by clicking days ---------------------------------
    officer = _as(browser, server, "xx_by_officer")
    officer.get_by_role("navigation", name="主菜单").get_by_role("link", name="领导接访安排").click()
    officer.goto(WEEK)
    for day, name, position, kind in ((23, "周涛", "党工委书记", "党政主要领导"), (24, "李明", "办事处副主任", "班子领导"),
                                      (25, "李明", "办事处副主任", "班子领导"), (27, "王芳", "党工委委员", "班子领导")):
        _add_duty(officer, day, name, position, kind)
    # a second duty for 李明 on Wednesday: the form warns while the name is typed …
    officer.get_by_role("link", name="在2026年11月25日安排接访").click()
    form = officer.locator("#duty-form")
    form.get_by_label("时段").select_option(label="上午")
    form.get_by_label("接访领导").press_sequentially("李明")
    expect(officer.locator("#duty-check")).to_contain_text("李明已安排在白羽街道全天接访")
    shoot(officer, "week-rota-clash-warning")
    form.get_by_label("接访地点").fill(PLACE)
    with officer.expect_navigation():
        form.get_by_role("button", name="添加").click()
    # … and publication is refused, listing the double duty and the empty Thursday
    with officer.expect_navigation():
        officer.get_by_role("button", name="发布接访安排").click()
    refused = officer.locator(".refused")
    expect(refused).to_contain_text("未能发布")
    expect(refused).to_contain_text("李明同时安排了两次接访")
    expect(refused).to_contain_text("2026-11-26(星期四)白羽街道无人接访")
    shoot(officer, "week-rota-refused")
    # fixed: the double duty deleted, Thursday filled; then published
    wednesday = officer.locator("td.day", has=officer.get_by_text("11月25日"))
    with officer.expect_navigation():
        wednesday.locator(".duty", has_text="上午").get_by_role("button", name="删除李明的安排").click()
    _add_duty(officer, 26, "周涛", "党工委书记", "党政主要领导")
    expect(officer.locator(".clashes")).to_have_count(0)
    with officer.expect_navigation():
        officer.get_by_role("button", name="发布接访安排").click()
    expect(officer.locator(".success")).to_contain_text("已发布 5 条接访安排")
    expect(officer.locator(".duty .badge", has_text="未发布")).to_have_count(0)
    shoot(officer, "week-rota")
    officer.goto("/reception/rota?view=month&on=2026-11-23")
    expect(officer.locator(".duty")).to_have_count(5)
    shoot(officer, "week-rota-month")
    # the public notice, as the link on the page opens it
    notice_href = officer.get_by_role("link", name="公开的接访公告").get_attribute("href")
    assert notice_href == f"/public/reception/{TOWNSHIP}"
    officer.goto(notice_href)
    for shown in ("周涛", "李明", "王芳", PLACE):
        expect(officer.locator("body")).to_contain_text(shown)

    # --- two receptions: one settled on the spot, one opening a matter -----------------------
    leader = _as(browser, server, "xx_by_leader")
    leader.get_by_role("navigation", name="主菜单").get_by_role("link", name="接访登记").click()
    expect(leader).to_have_url(re.compile(r"/reception/records"))
    _reception(leader, "2026年11月23日 星期一 周涛（党工委书记）", "刘大妈", "11010519491231002X", "邻里纠纷",
               "邻居装修噪音扰民", "当场联系社区调解,双方达成一致")
    leader.get_by_label("办理状态").select_option(label="当场化解")
    with leader.expect_navigation():
        leader.get_by_role("button", name="保存接访登记").click()
    expect(leader.locator(".success")).to_contain_text("接访登记已保存")

    clock.on(2026, 11, 24, 10)  # a new day: the login of yesterday has run out
    leader = _as(browser, server, "xx_by_leader")
    leader.goto("/reception/records")
    leader.locator("details.register-form summary").click()
    _reception(leader, "2026年11月24日 星期二 李明（办事处副主任）", "赵建军", "110105198001010016", "欠薪",
               "某工地拖欠农民工工资8万元", "转人社部门核查")
    leader.get_by_label("诉求", exact=True).fill("要求尽快支付")
    leader.get_by_label("交办单位").fill("县人社局")
    leader.get_by_label("同时登记为信访事项（来访）").check()
    with leader.expect_navigation():
        leader.get_by_role("button", name="保存接访登记").click()
    expect(leader.locator(".success")).to_contain_text("并已登记为信访事项")
    # the register lists the demo's receptions too: the two of this week
    rows = leader.locator("table.records tbody tr").filter(has_text=re.compile("赵建军|刘大妈"))
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("赵建军")
    expect(rows.nth(0).locator("td[data-label=信访事项] a")).to_have_text(re.compile(r"\S+"))
    expect(rows.nth(1)).to_contain_text("已化解")
    shoot(leader, "week-records")
    with leader.expect_navigation():
        rows.nth(0).locator("td[data-label=信访事项] a").click()
    expect(leader.locator("body")).to_contain_text("由领导接访登记转入")

    # --- Wednesday afternoon: 城东社区 submits in time --------------------------------------------
    clock.on(2026, 11, 25, 15, 30)
    chengdong = _as(browser, server, "xx_cd_head")
    chengdong.get_by_role("navigation", name="主菜单").get_by_role("link", name="报送清单").click()
    expect(chengdong.locator(".notice")).to_contain_text("2026年11月25日（星期三）18:00前报送")
    _submit(chengdong, "矛盾纠纷排查清单")
    expect(chengdong.locator(".success")).to_contain_text("已报送矛盾纠纷排查清单")
    expect(chengdong.locator(".submit-kind", has_text="矛盾纠纷排查清单")).to_contain_text("按时报送")
    shoot(chengdong, "week-submit")

    # --- Thursday: 莲花社区 submits Wednesday's list late ------------------------------------------
    clock.on(2026, 11, 26, 9, 30)
    lianhua = _as(browser, server, "lh_head")
    lianhua.goto("/reporting/submit")
    lianhua.get_by_label("报送日").select_option(label="2026年11月25日 星期三")
    lianhua.wait_for_url(re.compile(r"due_on=2026-11-25"))
    _submit(lianhua, "矛盾纠纷排查清单")
    expect(lianhua.locator(".submit-kind", has_text="矛盾纠纷排查清单")).to_contain_text("逾期报送")

    # --- the township's board shows exactly that -----------------------------------------------
    officer = _as(browser, server, "xx_by_officer")
    officer.goto("/reporting?due_on=2026-11-25")
    board = officer.locator("table.board-table tbody tr")
    states = {board.nth(i).locator("th").inner_text(): (board.nth(i).locator("td").nth(0).locator(".badge").inner_text(),
                                                        board.nth(i).locator("td").nth(1).locator(".badge").inner_text())
              for i in range(board.count())}
    assert states == {"城东社区": ("按时报送", "逾期未报"), "莲花社区": ("逾期报送", "逾期未报")}
    totals = officer.locator(".totals .tile").first
    expect(totals).to_contain_text("按时 1")
    expect(totals).to_contain_text("逾期报送 1")
    expect(totals).to_contain_text("逾期未报 0")
    expect(officer.locator(".totals .tile").nth(1)).to_contain_text("逾期未报 2")
    shoot(officer, "week-board")
    officer.locator("tr", has_text="城东社区").get_by_role("link", name="0条").first.click()
    expect(officer.locator("body")).to_contain_text("按时报送")
    shoot(officer, "week-submission")

    # leaders' 下访/约访 with the quota figures
    officer.goto("/reception/visits")
    officer.locator("details.card summary", has_text="登记下访、约访").click()
    officer.get_by_label("领导姓名").fill("周涛")
    officer.get_by_label("职务").fill("党工委书记")
    officer.get_by_label("领导类别").select_option(label="党政主要领导")
    officer.get_by_label("地点", exact=True).fill("莲花社区")
    officer.get_by_label("接待的群众").fill("莲花社区居民代表3人")
    officer.get_by_label("反映的问题", exact=True).fill("排水沟堵塞")
    with officer.expect_navigation():
        officer.get_by_role("button", name="保存").click()
    expect(officer.locator(".success")).to_contain_text("下访、约访记录已保存")
    expect(officer.locator("table.quotas")).to_contain_text("周涛")
    shoot(officer, "week-visits")

    # --- the township's supervisor: the same pages, no write controls; a forged POST refused -----
    supervisor = _as(browser, server, "xx_by_supervisor")
    supervisor.goto("/reporting?due_on=2026-11-25")
    expect(supervisor.locator("table.board-table tbody tr")).to_have_count(len(states))
    supervisor.goto(WEEK)
    expect(supervisor.locator(".duty")).to_have_count(5)
    expect(supervisor.locator("#duty-form")).to_have_count(0)
    expect(supervisor.get_by_role("button", name="发布接访安排")).to_have_count(0)
    expect(supervisor.get_by_role("button", name=re.compile("删除"))).to_have_count(0)
    shoot(supervisor, "week-rota-supervisor")
    supervisor.goto("/reception/records")
    expect(supervisor.locator("table.records tbody tr").filter(has_text=re.compile("赵建军|刘大妈"))).to_have_count(2)
    expect(supervisor.get_by_role("button")).to_have_count(1)  # 退出 only
    token = supervisor.locator("form.logout input[name=_csrf]").input_value()
    forged = supervisor.request.post("/reception/rota", form={
        "_csrf": token, "node_id": "1", "on": "2026-11-28", "leader_name": "伪造", "place": PLACE})
    assert forged.status == 403
    for context in browser.contexts:
        context.close()
