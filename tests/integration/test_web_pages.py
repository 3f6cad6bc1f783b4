"""The staff web UI over HTTP (SQLite and PostgreSQL): sign-in forms and their CSRF, session
expiry, the forced password change, the acting node, HTML errors beside JSON ones, headers,
and the offline API docs. The browser-driven walk is tests/e2e."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from litestar import get
from litestar.testing import TestClient

from xinfang.platform.demo import DEMO_PASSWORD
from xinfang.platform.extensions.hookspecs import NavItem, PageSpec, hookimpl

HTML = {"accept": "text/html,application/xhtml+xml"}
BAIYU, CHENGDONG = "411323001", "411323001001"


def login_form(client: TestClient, username: str, password: str = DEMO_PASSWORD, **extra):
    page = client.get("/login", headers=HTML)
    token = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
    return client.post("/login", headers=HTML, follow_redirects=False,
                       data={"username": username, "password": password, "_csrf": token, **extra})


def csrf_of(page_html: str) -> str:
    return re.search(r'name="_csrf" value="([^"]+)"', page_html).group(1)


def test_pages_send_a_browser_to_the_login_form_and_a_program_gets_json(client, demo):
    answer = client.get("/nodes/1?x=1", headers=HTML, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=/nodes/1%3Fx%3D1"
    assert client.get("/", follow_redirects=False).json()["error"] == "unauthorized"
    assert client.get("/api/auth/me", headers=HTML).json()["error"] == "unauthorized", "the API stays JSON"


def test_login_form_needs_its_own_csrf_token(client, demo):
    client.get("/login", headers=HTML)  # the cookie, but no token in the form
    refused = client.post("/login", headers=HTML, data={"username": "xx_officer", "password": DEMO_PASSWORD})
    assert refused.status_code == 403 and "安全令牌" in refused.text and "<h1>页面已过期</h1>" in refused.text
    forged = client.post("/login", headers=HTML, data={"username": "xx_officer", "password": DEMO_PASSWORD,
                                                       "_csrf": "0" * 64})
    assert forged.status_code == 403
    assert "xinfang_session" not in client.cookies
    other = TestClient(app=client.app)  # a token from another browser's form does not fit this cookie
    token = csrf_of(other.get("/login", headers=HTML).text)
    client.cookies.set("xinfang_login", "attacker-chosen", path="/login")
    assert client.post("/login", headers=HTML, data={"username": "xx_officer", "password": DEMO_PASSWORD,
                                                     "_csrf": token}).status_code == 403


def test_login_logout_and_the_redirect_stays_on_this_site(client, demo):
    answer = login_form(client, "xx_by_officer", next="//evil.example/")
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    start = client.get("/", headers=HTML)
    assert start.status_code == 200 and "白羽街道" in start.text and "xx_by_officer" not in start.text
    without_token = client.post("/logout", headers=HTML)
    assert without_token.status_code == 403, "a foreign page cannot log the user out"
    out = client.post("/logout", headers=HTML, data={"_csrf": csrf_of(start.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert client.get("/", headers=HTML, follow_redirects=False).status_code == 303
    assert login_form(client, "xx_by_officer", next="/nodes/1").headers["location"] == "/nodes/1"


def test_wrong_passwords_are_told_and_throttled(client, demo, app, clock):
    """The clock stands still: the growing wait cannot run out between two slow attempts."""
    first = login_form(client, "xx_leader", "wrong-password")
    assert first.status_code == 401 and "用户名或密码错误" in first.text
    assert 'value="xx_leader"' in first.text
    for _ in range(app.state.settings.throttle_per_account):
        last = login_form(client, "xx_leader", "wrong-password")
    assert last.status_code == 429 and re.search(r"请\d+秒后再试", last.text)


def test_an_expired_login_is_said_so(client, demo, clock, app):
    login_form(client, "xx_officer")
    assert client.get("/", headers=HTML).status_code == 200
    clock.advance(hours=app.state.settings.session_hours, minutes=1)
    answer = client.get("/", headers=HTML, follow_redirects=False)
    assert answer.status_code == 303 and "expired=1" in answer.headers["location"]
    assert "登录已过期，请重新登录" in client.get(answer.headers["location"], headers=HTML).text


def test_a_password_someone_else_set_must_be_changed_before_anything_else(client, demo, system_session):
    from sqlalchemy import select

    from xinfang.platform.accounts.models import User

    user = system_session.scalar(select(User).where(User.username == "xx_admin"))
    user.must_change_password = True
    system_session.commit()
    assert login_form(client, "xx_admin").headers["location"] == "/account/password"
    assert client.get("/nodes/1", headers=HTML, follow_redirects=False).headers["location"] == "/account/password"
    form = client.get("/account/password", headers=HTML)
    assert "请先设置一个只有您自己知道的新密码" in form.text
    token = csrf_of(form.text)
    mismatch = client.post("/account/password", headers=HTML, data={
        "_csrf": token, "current_password": DEMO_PASSWORD, "new_password": "Xixia-County-2027",
        "new_password_again": "Xixia-County-2028"})
    assert mismatch.status_code == 400 and "两次输入的新密码不一致" in mismatch.text
    weak = client.post("/account/password", headers=HTML, data={
        "_csrf": token, "current_password": DEMO_PASSWORD, "new_password": "qwertyuiop", "new_password_again": "qwertyuiop"})
    assert weak.status_code == 400
    done = client.post("/account/password", headers=HTML, data={
        "_csrf": token, "current_password": DEMO_PASSWORD, "new_password": "Xixia-County-2027",
        "new_password_again": "Xixia-County-2027"})
    assert done.status_code == 200 and "密码已修改" in done.text and "请先设置" not in done.text
    assert client.get("/nodes/1", headers=HTML).status_code == 200


def test_the_acting_node_is_one_of_the_users_own(client, demo, system_session):
    from sqlalchemy import select

    from xinfang.platform.accounts.models import User
    from xinfang.platform.accounts.service import grant_role
    from xinfang.tenants.models import Node

    officer = system_session.scalar(select(User).where(User.username == "xx_by_officer"))
    village = system_session.scalar(select(Node).where(Node.code == CHENGDONG))
    grant_role(system_session, None, officer, "grid_worker", village)
    system_session.commit()
    login_form(client, "xx_by_officer")
    start = client.get("/", headers=HTML)
    assert re.search(r'<option value="\d+" selected>白羽街道', start.text), "home node first"
    token = csrf_of(start.text)
    other_county = demo.node("350582").id
    assert client.post("/account/node", headers=HTML, data={"_csrf": token, "node_id": str(other_county)}).status_code == 400
    assert client.post("/account/node", headers=HTML, data={"node_id": str(village.id)}).status_code == 403
    chosen = client.post("/account/node", headers=HTML, follow_redirects=False,
                         data={"_csrf": token, "node_id": str(village.id), "next": "/nodes/1"})
    assert chosen.status_code == 303 and chosen.headers["location"] == "/nodes/1"
    start = client.get("/", headers=HTML)
    assert re.search(rf'<option value="{village.id}" selected>城东社区', start.text)
    crumbs = re.search(r'<nav class="breadcrumb".*?</nav>', start.text, re.S).group(0)
    assert re.findall(r">([^<>›]+)</(?:a|span)>", crumbs) == ["西峡县", "白羽街道", "城东社区"]
    assert re.findall(r">([^<>]+)</a>", crumbs) == ["白羽街道", "城东社区"], "only nodes the user may open are links"
    client.cookies.set("xinfang_node", str(other_county))  # a forged cookie is ignored
    assert re.search(r'<option value="\d+" selected>白羽街道', client.get("/", headers=HTML).text)


def test_html_errors_for_pages_json_for_the_api(client, demo):
    login_form(client, "xx_officer")
    missing = client.get("/no-such-page", headers=HTML)
    assert missing.status_code == 404 and "页面不存在" in missing.text
    assert missing.headers["content-type"].startswith("text/html")
    other_county = client.get(f"/nodes/{demo.node('350582').id}", headers=HTML)
    assert other_county.status_code == 404 and "不在您的管辖范围内" in other_county.text
    api = client.get("/api/no-such-route", headers=HTML)
    assert api.status_code == 404 and api.json()["error"] == "http_error"


class WritePage:
    @hookimpl
    def xinfang_pages(self):
        @get("/test/register", sync_to_thread=False)
        def register_page() -> str:
            return "ok"

        return [PageSpec("/test/register", "登记", "matters:register", register_page)]

    @hookimpl
    def xinfang_navigation(self):
        return [NavItem("登记测试", "/test/register", "matters:register", order=5)]


@pytest.fixture
def app_with_write_page(settings):
    from tests.conftest import test_plugins
    from xinfang.platform.app import create_app

    application = create_app(settings, plugins=test_plugins(WritePage()))
    yield application
    application.state.engine.dispose()


def test_menu_by_role_and_pages_checked_like_routes(app_with_write_page, demo):
    with TestClient(app=app_with_write_page) as browser:
        login_form(browser, "xx_officer")
        assert "登记测试" in browser.get("/", headers=HTML).text
        assert browser.get("/test/register", headers=HTML).status_code == 200
    with TestClient(app=app_with_write_page) as browser:
        login_form(browser, "xx_supervisor")
        start = browser.get("/", headers=HTML).text
        assert "登记测试" not in start and "工作台" in start
        refused = browser.get("/test/register", headers=HTML)
        assert refused.status_code == 403 and "无权访问" in refused.text


def test_a_page_must_say_how_it_is_served(settings):
    from tests.conftest import test_plugins
    from xinfang.platform.app import create_app

    class NoHandler:
        @hookimpl
        def xinfang_pages(self):
            return [PageSpec("/nothing", "空", "matters:read")]

    class OtherPermission:
        @hookimpl
        def xinfang_pages(self):
            @get("/mismatch", opt={"permission": "matters:read"}, sync_to_thread=False)
            def mismatch() -> str:
                return ""

            return [PageSpec("/mismatch", "不符", "matters:register", mismatch)]

    for plugin, reason in ((NoHandler(), "no handler"), (OtherPermission(), "its route says")):
        with pytest.raises(RuntimeError, match=reason):
            create_app(replace(settings), plugins=test_plugins(plugin))


def test_pages_carry_the_security_headers_and_are_not_stored(client, demo):
    login_form(client, "xx_officer")
    for path in ("/", "/login", "/nodes/1", "/no-such-page", "/schema"):
        answer = client.get(path, headers=HTML)
        csp = answer.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp, path
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["cache-control"] == "no-store", path
    asset = client.get("/static/app.css")
    assert asset.status_code == 200 and "no-store" not in asset.headers.get("cache-control", "")


def test_no_inline_script_and_nothing_from_the_internet(client, demo):
    login_form(client, "xx_officer")
    for path in ("/", "/login", "/nodes/1", "/schema"):
        html = client.get(path, headers=HTML).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script on {path}"
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", html), f"an outside address on {path}"
        for asset in re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", html):
            assert client.get(asset).status_code == 200, asset
    assert client.get("/schema/openapi.json").json()["info"]["title"] == "信访工作平台 API"


def test_htmx_gets_only_the_block_it_replaces(client, demo):
    login_form(client, "xx_by_officer")
    baiyu = demo.node(BAIYU).id
    partial = client.get(f"/nodes/{baiyu}?q=莲花", headers={**HTML, "HX-Request": "true"})
    assert "莲花社区" in partial.text and "城东社区" not in partial.text
    assert "<html" not in partial.text and "<nav" not in partial.text
    full = client.get(f"/nodes/{baiyu}?q=莲花", headers=HTML)
    assert "<html" in full.text and "莲花社区" in full.text


def test_dates_and_labels_as_a_chinese_office_writes_them(app):
    import datetime as dt

    from xinfang.platform.ui.dates import cn_date, cn_datetime, cn_weekday
    from xinfang.platform.ui.labels import make_label

    moment = dt.datetime(2026, 11, 28, 6, 5, tzinfo=dt.UTC)
    assert cn_datetime(moment) == "2026年11月28日 14:05"
    assert cn_date(dt.datetime(2026, 11, 28, 17, 0, tzinfo=dt.UTC)) == "2026年11月29日", "the date in Asia/Shanghai"
    assert cn_weekday(dt.date(2026, 11, 25)) == "星期三" and cn_datetime(None) == "—"
    label = make_label(app.state.plugins)
    assert label("registered", "state") == "已登记" and label("township", "level") == "乡镇(街道)"
    assert label("village_assessor", "role") == "无访村评审员", "plugins' roles too"
    assert label("something-new", "state") == "something-new" and label(None, "state") == "—"
    assert label("a", {"a": "甲"}) == "甲", "a vocabulary given directly, as documents pass it"
    assert cn_date("2026-11-28") == "2026年11月28日"
