"""The ledgers and the intake room in Chromium (issue 14 items 1 and 4): a screening row is
entered, edited in place (a refusal shown in the row, then saved), turned into a matter; an
import with a wrong row is refused row by row; the county's intake room registers a visit,
dispatches it with the printed 分流指派通知单, the department reports back, the room
archives. Every page is shot at desktop and phone width."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from tests.e2e.conftest import shoot
from tests.e2e.test_township_week import _as
from xinfang.platform.jobs.embedded import run_pending

pytestmark = pytest.mark.e2e
SWAP = 15_000  # an HTMX row swap on a busy test machine


def _xlsx() -> bytes:
    book = Workbook()
    book.active.append(["社区(网格)", "排查时间", "当事人", "问题类别", "问题简要情况"])
    book.active.append(["城东社区", "2026-12-01", "孙某", "邻里纠纷", "排水沟堵塞"])
    book.active.append(["城东社区", "2026-12-40", "李某", "邻里纠纷", "装修噪音"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_screening_row_and_an_intake_case(browser, server, clock):
    clock.on(2026, 12, 2, 10)
    officer = _as(browser, server, "xx_by_officer")
    officer.get_by_role("navigation", name="主菜单").get_by_role("link", name="矛盾纠纷排查清单").click()
    officer.locator("summary", has_text="登记排查发现的矛盾纠纷").click()
    officer.get_by_label("当事人姓名").fill("钱某某")
    officer.get_by_label("身份证号").fill("11010519491231002X")
    officer.get_by_label("问题类别").select_option("房地产")
    officer.get_by_label("问题简要情况").fill("小区业主对物业费上涨不满,酝酿集体上访")
    officer.get_by_label("集体上访").check()
    with officer.expect_navigation():
        officer.get_by_role("button", name="保存").click()
    row = officer.locator("tr", has_text="钱某某")
    expect(row).to_contain_text("集体上访")
    expect(row).to_contain_text("未制定")
    shoot(officer, "week-screening")

    # edited in place: a refusal comes back in the row, then it is saved
    row.get_by_role("link", name="编辑").click()
    editing = officer.locator("tr.editing")
    expect(editing).to_have_count(1, timeout=SWAP)
    editing.locator("textarea[name=plan]").fill("社区牵头,物业公司公开收支")
    editing.locator("input[name=deadline]").fill("2026-11-01")
    editing.get_by_role("button", name="保存").click()
    expect(officer.locator("tr.editing .error")).to_contain_text("化解时限不能早于排查日期", timeout=SWAP)
    shoot(officer, "week-screening-row-refused")
    officer.locator("tr.editing input[name=deadline]").fill("2026-12-31")
    officer.locator("tr.editing").get_by_role("button", name="保存").click()
    expect(officer.locator("tr.editing")).to_have_count(0, timeout=SWAP)
    expect(row).to_contain_text("社区牵头,物业公司公开收支")
    expect(row).to_contain_text("2026年12月31日")
    with officer.expect_navigation():
        row.get_by_role("button", name="转为信访事项").click()
    expect(officer).to_have_url(re.compile(r"/matters/\d+"))
    expect(officer.locator("body")).to_contain_text("由矛盾纠纷排查化解清单转入")

    # an import with a wrong row: nothing imported, the row shown with its error
    officer.goto("/ledgers/screening")
    officer.locator("summary", has_text="从表格导入").click()
    officer.locator("input[name=data]").set_input_files(
        files=[{"name": "清单.xlsx", "mimeType": "application/octet-stream", "buffer": _xlsx()}])
    with officer.expect_navigation():
        officer.get_by_role("button", name="导入").click()
    bad = officer.locator("tr.bad-row")
    expect(bad).to_have_count(1)
    expect(bad).to_contain_text("第3行")
    expect(bad).to_contain_text("李某")
    expect(officer.locator("table.ledger")).not_to_contain_text("孙某")
    shoot(officer, "week-screening-import-refused")
    officer.goto("/ledgers/backlog")
    shoot(officer, "week-backlog")

    # the county's intake room: register, dispatch, print, report back, archive
    room = _as(browser, server, "xx_officer")
    room.get_by_role("navigation", name="主菜单").get_by_role("link", name="矛盾纠纷受理室").click()
    register = room.locator("details.card", has_text="登记来访").first
    if register.get_attribute("open") is None:  # folded once the room has cases (the demo has some)
        register.locator("summary").click()
    room.get_by_label("来访人姓名").fill("吴十")
    room.get_by_label("问题分类").select_option("欠薪")
    room.get_by_label("反映的问题").fill("小区施工方拖欠工资")
    with room.expect_navigation():
        room.get_by_role("button", name="登记").click()
    expect(room.locator(".success")).to_contain_text("已登记")
    room.get_by_role("radio", name="分流交办").check()
    room.get_by_label("承办单位（分流交办）").select_option(label="西峡县住房和城乡建设局")
    room.get_by_label("办理要求（分流交办）").fill("核实施工方欠薪情况并督促支付")
    with room.expect_navigation():
        room.get_by_role("button", name="分流", exact=True).click()
    expect(room.locator(".success")).to_contain_text("分流交办")
    with room.expect_navigation():
        room.get_by_role("button", name="生成分流指派通知单").click()
    run_pending(server.app.state.session_factory)
    room.reload()
    expect(room.get_by_role("link", name="下载通知单（PDF）")).to_be_visible()
    shoot(room, "week-intake-case")

    unit = _as(browser, server, "xx_handler")
    unit.get_by_role("navigation", name="主菜单").get_by_role("link", name="分流指派事项").click()
    notice = unit.locator("tr", has_text="小区施工方拖欠工资")
    notice.get_by_label("办理结果").select_option(label="已化解")
    notice.get_by_label("办理情况").fill("施工方已结清工资")
    with unit.expect_navigation():
        notice.get_by_role("button", name="回报").click()
    expect(unit.locator(".success")).to_contain_text("已回报")
    shoot(unit, "week-intake-notices")

    room.reload()
    expect(room.locator("#notices")).to_contain_text("施工方已结清工资")
    with room.expect_navigation():
        room.get_by_role("button", name="归档").click()
    expect(room.locator(".success")).to_contain_text("已归档")
    room.goto("/intake")
    expect(room.locator("tr", has_text="吴十")).to_contain_text("已归档")
    shoot(room, "week-intake-room")
    for context in browser.contexts:
        context.close()
