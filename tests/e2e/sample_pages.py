"""A plugin the e2e server adds: one page that needs a write permission, with its menu entry,
so the menu-by-role test has a write entry to miss whatever the core's pages are."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Template

from xinfang.platform.api import NavItem, PageSpec, hookimpl, render_page

WRITE_PAGE = "/e2e/register"
WRITE_LABEL = "示例登记页"


@get(WRITE_PAGE, sync_to_thread=True)
def register_page(request: Request) -> Template:
    return render_page(request, "start.html")


class SamplePagesPlugin:
    @hookimpl
    def xinfang_pages(self):
        return [PageSpec(WRITE_PAGE, WRITE_LABEL, "matters:register", register_page)]

    @hookimpl
    def xinfang_navigation(self):
        return [NavItem(WRITE_LABEL, WRITE_PAGE, "matters:register", order=10)]
