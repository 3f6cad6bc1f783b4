"""The campaign pages over HTTP (both databases): the catalogue and the enable form (scope from
the tree, phase dates checked against the campaign's), a node's duties of this week ticked with a
photo, the progress tree and metrics, the plugin's own page offered through ``CampaignType.links``,
and the supervisor reading everything and changing nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.integration.page_requests import get_page, post_form
from xinfang.platform import clock
from xinfang.platform.campaigns.models import Campaign, DutyTick

pytestmark = pytest.mark.today(2026, 11, 16)
PHOTO = b"\x89PNG\r\n\x1a\n" + b"0" * 64


def _enable(client, demo, *scope, **extra):
    start = clock.today()
    form = {"type": "petition_month", "title": "信访月专项活动", "starts_on": start.isoformat(),
            "scope": [str(demo.node(code).id) for code in scope], **extra}
    return post_form(client, demo, "xx_admin", "/campaigns/new", form)


def test_enable_tick_and_read_progress(client, demo, system_session):
    page = get_page(client, demo, "xx_admin", "/campaigns/new?type=petition_month")
    assert page.status_code == 200 and "白羽街道" in page.text and "丹水镇" in page.text and "动员部署" in page.text
    # a phase outside the campaign's dates is refused, in Chinese, and nothing is kept
    before = system_session.scalar(select(Campaign.id).order_by(Campaign.id.desc()).limit(1))
    late = (clock.today() + dt.timedelta(days=40)).isoformat()
    refused = _enable(client, demo, "411323001", phase_mobilize_starts_on=clock.today().isoformat(),
                      phase_mobilize_ends_on=late)
    assert refused.status_code == 400 and "应在活动期间" in refused.text, refused.text[:400]
    assert system_session.scalar(select(Campaign.id).order_by(Campaign.id.desc()).limit(1)) == before
    done = _enable(client, demo, "411323001")
    assert done.status_code == 303, done.text[:500]
    campaign_id = int(re.search(r"/campaigns/(\d+)", done.headers["location"]).group(1))
    system_session.rollback()
    assert [r.name for r in _scope_names(system_session, campaign_id)] == ["白羽街道"]

    township = demo.node("411323001").id
    duties = get_page(client, demo, "xx_by_officer", f"/campaigns/{campaign_id}/duties")
    assert duties.status_code == 200 and "制定具体实施方案" in duties.text and 'capture="environment"' in duties.text
    ticked = post_form(client, demo, "xx_by_officer", f"/campaigns/{campaign_id}/duties/{township}",
                   {"checklist": _checklist_of(duties.text, "plan"), "item": "plan", "note": "方案已印发"},
                   files={"files": ("方案.png", PHOTO, "image/png")})
    assert ticked.status_code == 303, ticked.text[:500]
    system_session.rollback()
    tick = system_session.scalar(select(DutyTick).where(DutyTick.campaign_id == campaign_id))
    assert tick.item == "plan" and tick.evidence[0]["filename"] == "方案.png"

    # the supervisor reads the progress (and the plugin's own page), offered no form, refused a write
    page = get_page(client, demo, "xx_supervisor", f"/campaigns/{campaign_id}")
    assert page.status_code == 200 and "白羽街道" in page.text and "信访月汇总与文书" in page.text
    assert 'method="post"' not in page.text.split("</header>")[1].split("<footer")[0].replace('action="/logout"', "")
    assert "初信初访一次性化解率" in page.text
    assert post_form(client, demo, "xx_supervisor", f"/campaigns/{campaign_id}/duties/{township}",
                 {"checklist": "x", "item": "plan"}).status_code == 403
    month = get_page(client, demo, "xx_supervisor", f"/campaigns/{campaign_id}/petition-month")
    assert month.status_code == 200 and "活动文书" in month.text and "生成</button>" not in month.text
    # a county outside sees nothing of it
    assert get_page(client, demo, "jj_admin", f"/campaigns/{campaign_id}").status_code == 404


def _scope_names(session, campaign_id):
    from xinfang.platform.campaigns.models import CampaignScope
    from xinfang.tenants.models import Node

    return session.scalars(select(Node).join(CampaignScope, CampaignScope.node_id == Node.id)
                           .where(CampaignScope.campaign_id == campaign_id)).all()


def _checklist_of(html: str, item: str) -> str:
    return re.search(r'name="checklist" value="([^"]+)">\s*<input type="hidden" name="item" value="' + item, html).group(1)
