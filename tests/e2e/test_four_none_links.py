"""四无乡镇 in Chromium: a county officer sees 丹水镇's 进京上访 on the year's dashboard, clicks the
number and lands on the matter list of exactly those matters — counted by 问题所在地, so a matter
the county registered about 丹水村 is among them — with the filters shown. Shot at desktop and
phone width."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.e2e.conftest import log_in, shoot

pytestmark = pytest.mark.e2e


def _register_beijing_visit(server) -> str:
    """A matter the county registers about a problem in 丹水村 (丹水镇) that went to Beijing, today."""
    from xinfang.platform import clock, demo
    from xinfang.platform.matters import service
    from xinfang.platform.matters.service import MatterIn, PetitionerIn
    from xinfang.tenants.models import Node

    with server.session() as s:
        county, village = (s.scalar(select(Node).where(Node.code == code)) for code in ("411323", "411323100201"))
        matter = service.register(s, demo._actor(s, "xx_officer"), MatterIn(
            node_id=county.id, place_node_id=village.id, channel="visit", form="individual", kind="claim",
            category="其他", summary="丹水村土地承包纠纷进京上访", demands="请求依法处理", overreach="beijing",
            petitioners=[PetitionerIn(name="吕建国", id_number="11010519491231002X")], received_on=clock.today()))
        s.commit()
        return matter.number


def test_a_four_none_count_opens_its_matters(page, server):
    number = _register_beijing_visit(server)
    log_in(page, "xx_officer")
    page.goto("/statistics")
    page.get_by_role("link", name="本年", exact=True).click()
    four_none = page.locator("section.stats-four-none")
    expect(four_none.get_by_role("heading", name=re.compile("四无乡镇"))).to_be_visible()
    column = [h.strip() for h in four_none.locator("thead th").all_inner_texts()].index("进京上访")
    cell = four_none.locator("tbody tr").filter(has_text="丹水镇").locator("th, td").nth(column)
    link = cell.get_by_role("link")
    expect(link).to_have_attribute("title", "查看丹水镇的进京上访")
    count = link.inner_text().strip()
    assert int(count) >= 1
    shoot(page, "four-none-counts")
    link.click()
    page.wait_for_url(re.compile(r"/matters\?.*place_id="))
    expect(page.get_by_text(re.compile(f"共\\s*{count}\\s*件"))).to_be_visible()
    expect(page.get_by_role("link", name=number)).to_be_visible()
    # why the list is what it is: the filters the link set, shown and clearable
    expect(page.locator("details.more-filters")).to_have_attribute("open", "")
    place = page.get_by_label("问题所在地")
    expect(place.locator("option:checked")).to_have_text("丹水镇")
    expect(page.get_by_label("越级去向")).to_have_value("beijing")
    expect(page.get_by_label("收到日期自")).not_to_have_value("")
    shoot(page, "four-none-matters-behind-a-count")
    # cleared, the list widens to every 进京上访 of the year in the county, this one still among them
    place.select_option("")
    with page.expect_response(lambda r: "/matters?" in r.url and "place_id=" in r.url) as answer:
        page.get_by_role("button", name="筛选").click()
    assert answer.value.status == 200 and re.search(r"place_id=(&|$)", answer.value.url)
    expect(page.get_by_role("link", name=number)).to_be_visible()
