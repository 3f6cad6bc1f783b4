"""Signing in and out in Chromium, as a clerk does it, with a screenshot of every page."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import PASSWORD, log_in, shoot
from tests.e2e.sample_pages import WRITE_LABEL, WRITE_PAGE

pytestmark = pytest.mark.e2e


def test_login_and_logout(page, server):
    page.goto("/")
    assert page.url.endswith("/login?next=/"), "a page needing a login sends the browser to the login form"
    shoot(page, "login")
    log_in(page, "xx_by_officer")
    page.wait_for_url(server.url + "/")
    assert page.get_by_role("heading", name="工作台").is_visible()
    assert page.locator(".breadcrumb").inner_text().split("›") == ["西峡县", "白羽街道"]
    shoot(page, "start-township-officer")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/login$"))
    page.goto("/")
    assert "/login" in page.url, "after logging out the session no longer opens pages"


def test_wrong_password_is_told_in_chinese(page):
    log_in(page, "xx_leader", "not-the-password")
    alert = page.get_by_role("alert")
    assert alert.inner_text() == "用户名或密码错误"
    assert page.get_by_label("用户名").input_value() == "xx_leader", "the username is kept for the next try"
    shoot(page, "login-wrong-password")


def test_login_form_without_its_csrf_token_is_refused(page, server):
    page.goto("/login")
    page.locator("input[name=_csrf]").evaluate("input => input.remove()")
    page.get_by_label("用户名").fill("xx_officer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert "安全令牌" in page.locator("main").inner_text()
    shoot(page, "login-without-csrf")
    page.goto("/")
    assert "/login" in page.url, "nothing was logged in"


def test_change_own_password(page, server):
    server.add_user("e2e_pw_clerk", "officer", "411323001")
    log_in(page, "e2e_pw_clerk")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="修改密码").click()
    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("Baiyu-Street-2027")
    page.get_by_label("再次输入新密码").fill("Baiyu-Street-2028")
    page.get_by_role("button", name="修改密码").click()
    assert page.get_by_role("alert").inner_text() == "两次输入的新密码不一致"
    shoot(page, "password-mismatch")
    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("Baiyu-Street-2027")
    page.get_by_label("再次输入新密码").fill("Baiyu-Street-2027")
    page.get_by_role("button", name="修改密码").click()
    assert "密码已修改" in page.locator(".success").inner_text()
    shoot(page, "password-changed")
    page.get_by_role("button", name="退出").click()
    log_in(page, "e2e_pw_clerk")
    assert page.get_by_role("alert").inner_text() == "用户名或密码错误", "the old password no longer works"
    log_in(page, "e2e_pw_clerk", "Baiyu-Street-2027")
    page.wait_for_url(server.url + "/")


def test_a_password_set_by_someone_else_must_be_changed_first(page, server):
    server.add_user("e2e_new_admin", "county_admin", "411323", must_change=True)
    log_in(page, "e2e_new_admin")
    page.wait_for_url(re.compile(r"/account/password$"))
    assert "请先设置一个只有您自己知道的新密码" in page.locator("main").inner_text()
    shoot(page, "password-forced")
    page.goto("/nodes/1")
    assert page.url.endswith("/account/password"), "no other page until the password is changed"
    page.get_by_label("当前密码").fill(PASSWORD)
    page.get_by_label("新密码", exact=True).fill("Xixia-County-2027")
    page.get_by_label("再次输入新密码").fill("Xixia-County-2027")
    page.get_by_role("button", name="修改密码").click()
    page.get_by_role("link", name="返回工作台").click()
    assert page.get_by_role("heading", name="工作台").is_visible()


def test_supervisor_menu_has_no_write_entries(page, server):
    log_in(page, "xx_officer")
    assert page.get_by_role("navigation", name="主菜单").get_by_role("link", name=WRITE_LABEL).is_visible()
    page.get_by_role("button", name="退出").click()
    log_in(page, "xx_supervisor")
    menu = page.get_by_role("navigation", name="主菜单")
    labels = menu.get_by_role("link").all_inner_texts()
    assert WRITE_LABEL not in labels and "工作台" in labels
    shoot(page, "start-supervisor")
    page.goto(WRITE_PAGE)
    assert page.get_by_role("heading", name="无权访问").is_visible(), "typing the address does not help either"
    shoot(page, "forbidden")


def test_another_countys_page_is_not_found(page, server):
    from sqlalchemy import select

    from xinfang.tenants.models import Node

    with server.session() as s:
        jinjiang = s.scalar(select(Node.id).where(Node.code == "350582"))
    log_in(page, "xx_officer")
    page.goto("/nodes/" + str(jinjiang))
    assert page.get_by_role("heading", name="页面不存在").is_visible()
    assert "不在您的管辖范围内" in page.locator("main").inner_text()
    shoot(page, "not-found-other-county")


def test_node_page_and_picker_for_several_nodes(page, server):
    server.add_user("e2e_two_hats", "officer", "411323001", also=[("grid_worker", "411323001001")])
    log_in(page, "e2e_two_hats")
    picker = page.get_by_label("工作单位")
    assert picker.locator("option").count() == 2
    shoot(page, "start-node-picker")
    village = next(o for o in picker.locator("option").all_inner_texts() if o.startswith("城东社区"))
    with page.expect_navigation():
        picker.select_option(label=village)  # app.js submits the picker's form
    assert page.locator(".breadcrumb").inner_text().split("›") == ["西峡县", "白羽街道", "城东社区"]
    page.locator(".breadcrumb").get_by_role("link", name="白羽街道").click()
    assert page.get_by_role("heading", name="白羽街道").is_visible()
    assert page.get_by_role("cell", name="城东社区").is_visible()
    shoot(page, "node-township")
    page.get_by_placeholder("按名称或代码筛选").fill("莲花")  # HTMX replaces the table, not the page
    page.get_by_text("名称或代码含“莲花”").wait_for()
    assert page.locator("#children tbody tr").all_inner_texts() == ["莲花社区\t村(社区)\t411323001002"]
    assert page.get_by_role("heading", name="白羽街道").is_visible(), "still the whole page around it"


def test_api_docs_work_without_internet(page, server):
    """Swagger UI from the vendored copy: any request leaving 127.0.0.1 fails the test."""
    outside = []
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: (outside.append(route.request.url), route.abort()))
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/schema")
    page.get_by_text("信访工作平台 API").first.wait_for(timeout=90_000)  # a 1.7 MB bundle and the schema, on a busy machine
    page.locator(".opblock").first.wait_for()
    assert outside == [] and not [e for e in errors if "Content Security Policy" in e]
    shoot(page, "api-docs")


@pytest.mark.parametrize("username", ["operator", "xx_admin", "xx_handler", "xx_grid", "jj_qy_leader"])
def test_each_kind_of_user_lands_on_their_start_page(page, server, username):
    log_in(page, username)
    page.wait_for_url(server.url + "/")
    assert page.get_by_role("heading", name="工作台").is_visible()
    menu = page.get_by_role("navigation", name="主菜单").get_by_role("link").all_inner_texts()
    assert menu[0] == "工作台" and "修改密码" in menu
    shoot(page, f"start-{username}")
