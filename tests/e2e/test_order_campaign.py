"""信访秩序集中整治 in Chromium: the county admin keeps the catalogue, a township officer records an
incident with its evidence and a staff response, the county's legal reviewer confirms it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.e2e.conftest import PASSWORD, log_in, shoot

pytestmark = pytest.mark.e2e
BAIYU = "411323001"


def _campaign_and_person(server) -> tuple[int, str]:
    """The campaign enabled for 白羽街道 from three days ago, over the API as the county admin does it
    (the generic campaign pages are another area's), and a petitioner of 白羽街道 from the demo matters."""
    import httpx

    from xinfang.platform.clock import today
    from xinfang.platform.people.models import Person
    from xinfang.tenants.models import Node

    with server.session() as s:
        baiyu = s.scalar(select(Node).where(Node.code == BAIYU))
        person = s.scalar(select(Person).where(Person.township_id == baiyu.id).order_by(Person.id).limit(1))
        baiyu_id, id_number = baiyu.id, person.id_number
    with httpx.Client(base_url=server.url) as http:
        token = http.post("/api/auth/login", json={"username": "xx_admin", "password": PASSWORD}).json()["token"]
        made = http.post("/api/campaigns", headers={"Authorization": f"Bearer {token}"}, json={
            "type": "petition_order", "title": "信访秩序集中整治行动",
            "starts_on": (today() - dt.timedelta(days=3)).isoformat(), "scope_node_ids": [baiyu_id]})
        assert made.status_code == 201, made.text
        return made.json()["id"], id_number


def test_catalogue_record_and_review(page, server, tmp_path):
    campaign_id, id_number = _campaign_and_person(server)

    log_in(page, "xx_admin")
    page.goto("/petition-order")
    page.get_by_label("行为名称").fill("围堵县行政中心")
    page.get_by_label("依据条款（必填）").select_option("art26_1")
    page.get_by_role("button", name="加入目录").click()
    assert page.locator("p.success").inner_text() == "已加入行为目录。"
    shoot(page, "order-home")

    page.context.clear_cookies()
    log_in(page, "xx_by_officer")
    page.goto(f"/petition-order/{campaign_id}")
    page.get_by_label("地点").fill("县行政中心东门")
    page.get_by_label("经过").fill("当事人与十余人聚集在东门，拦截公务车辆约半小时")
    page.get_by_label("涉及人员身份证号（每行一个，须已建立信访人档案）").fill(id_number)
    page.get_by_role("button", name="登记（待审核）").click()
    page.wait_for_url(f"{server.url}/petition-order/incidents/**")
    incident_url = page.url.split("?")[0]
    page.get_by_label("证据文件").set_input_files(files=[{"name": "现场照片.jpg", "mimeType": "image/jpeg",
                                                           "buffer": b"\xff\xd8\xff photo"}])
    page.get_by_role("button", name="上传").click()
    page.get_by_text("登记劝阻、批评或教育").click()
    page.get_by_label("对当事人说了什么（教育：谈话内容）").fill("告知其应到信访接待场所反映诉求，不得拦截公务车辆")
    page.get_by_role("button", name="登记", exact=True).click()
    assert "劝阻" in page.locator(".po-steps").inner_text()
    shoot(page, "order-incident-draft")
    page.goto(f"/petition-order/{campaign_id}")
    shoot(page, "order-campaign")

    server.add_user("e2e_legal", "legal_reviewer", "411323")
    page.context.clear_cookies()
    log_in(page, "e2e_legal")
    page.goto(incident_url)
    page.get_by_label("审核意见（不予确认须写明理由）").fill("事实清楚，证据充分，条款适用正确")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="确认事实和条款").click()
    page.wait_for_url(f"{incident_url}?saved=review")
    assert page.locator(".page-head .badge").inner_text() == "已确认"
    shoot(page, "order-incident-confirmed")
