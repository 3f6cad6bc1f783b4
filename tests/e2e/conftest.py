"""End-to-end fixtures: the real app served over HTTP, and Debian's Chromium driven by Playwright.

One server and one browser per xdist worker (session-scoped), a fresh browser context (no
cookies) per test. The server is the app of the other tests — migrated SQLite copy, demo data,
the example outside campaign — run by uvicorn in a thread of the test process, so the ``clock``
fixture moves its time too. Never ``playwright install``: Debian's ``/usr/bin/chromium``
(deploy/system-packages.sh) is launched through ``executable_path``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import TEST_SECRET, service_missing, test_plugins
from tests.e2e.sample_pages import SamplePagesPlugin
from xinfang.platform.settings import Settings

CHROMIUM = Path(os.environ.get("XINFANG_TEST_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).parent / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PASSWORD = "Xinfang-2026"  # every demo user's (README)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The app on 127.0.0.1:<free port>, with helpers to prepare data as an admin would."""

    def __init__(self, app, url: str) -> None:
        self.app = app
        self.url = url

    def session(self):
        from xinfang.tenants.scope import Scope

        session = self.app.state.session_factory(scope=Scope.system())
        session.info["actor"] = {"id": None, "name": "测试准备", "address": "test"}
        return session

    def add_user(self, username: str, role: str, node_code: str, *, must_change: bool = False,
                 password: str = PASSWORD, also: list[tuple[str, str]] = ()) -> None:
        """A user of one's own (tests that change a password never touch the shared demo users),
        holding ``role`` at ``node_code`` and the (role, node code) pairs of ``also``."""
        from xinfang.platform.accounts.models import User
        from xinfang.platform.accounts.service import create_user, grant_role
        from xinfang.tenants.models import Node

        with self.session() as s:
            if s.scalar(select(User.id).where(User.username == username)) is not None:
                return
            node = s.scalar(select(Node).where(Node.code == node_code))
            user = create_user(s, username=username, display_name=f"测试{username}", password=password, node=node,
                               must_change_password=must_change)
            grant_role(s, None, user, role, node)
            for other_role, code in also:
                grant_role(s, None, user, other_role, s.scalar(select(Node).where(Node.code == code)))
            s.commit()


@pytest.fixture(scope="session")
def server(sqlite_template, tmp_path_factory):
    import uvicorn

    from xinfang.platform import demo
    from xinfang.platform.app import create_app

    folder = tmp_path_factory.mktemp("e2e")
    shutil.copy(sqlite_template, folder / "xinfang.db")
    settings = replace(Settings(), database_url=f"sqlite:///{folder / 'xinfang.db'}", storage_dir=folder / "files",
                       secret_key=TEST_SECRET, audit_signing_key_file=folder / "audit_signing_key.pem",
                       run_background=False)
    app = create_app(settings, plugins=test_plugins(SamplePagesPlugin()))
    port = _free_port()
    running = Server(app, f"http://127.0.0.1:{port}")
    with running.session() as s:
        demo.load(s)
        s.commit()
        demo.load_matters(s, per_county=20)  # the desk's pages show real content
        demo.load_activity(s)  # and every domain's pages (ledgers, rota, 督办 …)
        s.commit()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=uv.run, name="e2e-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not uv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the e2e server did not start", pytrace=False)
        time.sleep(0.05)
    yield running
    uv.should_exit = True
    thread.join(timeout=30)
    app.state.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        service_missing(f"Chromium at {CHROMIUM} (deploy/system-packages.sh installs it)", FileNotFoundError(CHROMIUM))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(base_url=server.url, viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def shoot(page, name: str) -> None:
    """Save the page as a desktop (1280 px) and a phone (390 px) screenshot, full length,
    under tests/e2e/screenshots/ — to be looked at, not compared."""
    SCREENSHOTS.mkdir(exist_ok=True)
    safe = re.sub(r"[^\w.-]+", "_", name)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SCREENSHOTS / f"{safe}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def log_in(page, username: str, password: str = PASSWORD) -> None:
    """Submit the sign-in form and wait for the page it leads to (the workbench, or the form
    again with its message), so a caller's next step never races the redirect."""
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
