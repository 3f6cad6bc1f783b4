"""The matter desk's pages over HTTP (both databases): the list filters like the API, the
registration form saves through the service and shows masked data, the matter page offers
only the acts the viewer may do now, a refused act shows the service's Chinese message and
keeps nothing, and the reveal of personal data is audited."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.matters.models import Matter

pytestmark = pytest.mark.today(2026, 3, 10)
HTML = {"Accept": "text/html"}
ID = "11010519491231002X"


def _get(client, demo, user, url):
    return client.get(url, headers={**HTML, **demo.headers(user)})


def _post(client, demo, user, url, data):
    return client.post(url, data=data, headers={**HTML, **demo.headers(user)}, follow_redirects=False)


def _register(client, demo, user="xx_by_officer", **extra):
    form = {"channel": "visit", "form": "individual", "kind": "claim", "category": "城镇房屋拆迁",
            "summary": "反映房屋拆迁补偿未到位", "headcount": "1", "p1_name": "王五", "p1_id_number": ID,
            "p1_phone": "13912345678", "p1_address": "城东社区2号", **extra}
    return _post(client, demo, user, "/matters/new", form)


def test_register_then_matter_page_masks_and_offers_only_allowed_acts(client, demo, system_session):
    resp = _register(client, demo)
    assert resp.status_code == 303, resp.text
    matter_id = int(re.search(r"/matters/(\d+)", resp.headers["location"]).group(1))
    page = _get(client, demo, "xx_by_officer", f"/matters/{matter_id}?saved=1")
    assert page.status_code == 200
    assert "1101**********002X" in page.text and ID not in page.text
    assert "139****5678" in page.text and "13912345678" not in page.text
    assert "已登记保存" in page.text
    assert "登记后转送、交办或告知" in page.text and "条例第二十二条：15日" in page.text
    # the county officer may assign it; the township's own officer may accept it itself
    county = _get(client, demo, "xx_officer", f"/matters/{matter_id}").text
    assert f'action="/matters/{matter_id}/acts/assign"' in county
    supervisor = _get(client, demo, "xx_supervisor", f"/matters/{matter_id}")
    assert supervisor.status_code == 200 and "/acts/" not in supervisor.text and "<form method=\"post\" action=\"/matters" not in supervisor.text
    assert _post(client, demo, "xx_supervisor", f"/matters/{matter_id}/acts/accept", {}).status_code == 403
    assert system_session.get(Matter, matter_id).state == "registered"
    other = _get(client, demo, "jj_officer", f"/matters/{matter_id}")
    assert other.status_code == 404 and "页面不存在" in other.text


def test_registration_errors_are_listed_in_chinese_and_nothing_is_saved(client, demo, system_session):
    before = system_session.scalar(select(Matter.id).order_by(Matter.id.desc()).limit(1))
    resp = _register(client, demo, p1_id_number="110105194912310021", summary="")
    assert resp.status_code == 400
    assert "事项摘要不能为空" in resp.text and "身份证" in resp.text
    assert 'value="110105194912310021"' in resp.text, "what the clerk typed is kept"
    reps = {f"p{n}_{k}": v for n in range(1, 7) for k, v in
            (("name", f"代表{n}"), ("id_number", ID), ("representative", "1"))}
    resp = _register(client, demo, form="collective", headcount="30", **reps)
    assert resp.status_code == 400 and "不得超过5人" in resp.text
    assert system_session.scalar(select(Matter.id).order_by(Matter.id.desc()).limit(1)) == before


def test_act_forms_walk_and_a_refusal_keeps_nothing(client, demo, system_session):
    matter_id = int(re.search(r"/matters/(\d+)", _register(client, demo).headers["location"]).group(1))
    zjj = demo.node("411323-ZJJ").id
    assert _post(client, demo, "xx_officer", f"/matters/{matter_id}/acts/assign",
                 {"lead_unit_id": str(zjj)}).status_code == 303
    assert _post(client, demo, "xx_handler", f"/matters/{matter_id}/acts/accept", {}).status_code == 303
    assert "查看完整信息" not in _get(client, demo, "xx_handler", f"/matters/{matter_id}").text
    assert _get(client, demo, "xx_handler", f"/matters/{matter_id}/pii").status_code == 403, "no pii:read"
    refused = _post(client, demo, "xx_leader", f"/matters/{matter_id}/acts/extend",
                    {"days": "31", "reason": "需现场核查", "told_petitioner_on": "2026-03-10"})
    assert refused.status_code == 400 and "延长期限应为1至30日" in refused.text
    system_session.rollback()  # a new read: the snapshot of now
    assert system_session.get(Matter, matter_id).extended is False
    assert _post(client, demo, "xx_leader", f"/matters/{matter_id}/acts/extend",
                 {"days": "30", "reason": "需现场核查", "told_petitioner_on": "2026-03-10"}).status_code == 303
    missing = _post(client, demo, "xx_handler", f"/matters/{matter_id}/acts/reply", {"request": "补偿"})
    assert missing.status_code == 400 and "缺少" in missing.text
    assert _post(client, demo, "xx_handler", f"/matters/{matter_id}/acts/reply",
                 {"request": "补足补偿款", "facts": "差额属实", "result": "support", "basis": "征收条例第十九条"}
                 ).status_code == 303
    system_session.rollback()  # a new read: the snapshot of now
    assert system_session.get(Matter, matter_id).state == "replied"
    page = _get(client, demo, "xx_handler", f"/matters/{matter_id}").text
    assert "出具处理意见书" in page and "延长办理期限" in page


def test_list_filters_and_reveal_is_audited(client, demo, system_session):
    matter_id = int(re.search(r"/matters/(\d+)", _register(client, demo).headers["location"]).group(1))
    _register(client, demo, kind="suggestion", summary="建议增设公交站点")
    # the filter form sends every field; one left at 全部 is empty and filters nothing
    listing = _get(client, demo, "xx_officer", "/matters?q=&state=&open=&node_id=&received_from=&kind=claim")
    assert listing.status_code == 200 and "反映房屋拆迁补偿未到位" in listing.text and "建议增设公交站点" not in listing.text
    assert "/api/matters/export?kind=claim" in listing.text
    assert _get(client, demo, "xx_officer", "/matters?open=maybe").status_code == 400
    partial = client.get("/matters?kind=suggestion", headers={**HTML, **demo.headers("xx_officer"), "HX-Request": "true"})
    assert "建议增设公交站点" in partial.text and "<html" not in partial.text
    revealed = _get(client, demo, "xx_officer", f"/matters/{matter_id}/pii")
    assert revealed.status_code == 200 and ID in revealed.text
    assert system_session.scalar(select(AuditRecord).where(AuditRecord.action == "pii_read",
                                                           AuditRecord.object_id == str(matter_id))) is not None
    found = _get(client, demo, "xx_officer", "/people?q=王五")
    person = re.search(r'href="/people/(\d+)"', found.text)
    assert person and "1101**********002X" in found.text
    assert _get(client, demo, "xx_officer", "/people?q=" + ID).text.count('href="/people/') == 1
    file = _get(client, demo, "xx_officer", f"/people/{person.group(1)}")
    assert file.status_code == 200 and "反映房屋拆迁补偿未到位" in file.text and "建议增设公交站点" in file.text


def test_workbench_cards_open_the_list_filtered(client, demo):
    _register(client, demo)
    bench = _get(client, demo, "xx_officer", "/")
    assert bench.status_code == 200 and "待办事项" in bench.text and "期限提醒" in bench.text
    assert re.search(r'href="/matters\?state=registered">待转送交办或受理</a>\s*<span class="num">1</span>', bench.text)
    assert "未读提醒" in bench.text
    # a county officer's card counts the township's matter; the other county's does not
    other = _get(client, demo, "jj_officer", "/").text
    assert re.search(r'href="/matters\?state=registered">待转送交办或受理</a>\s*<span class="num">0</span>', other)
    village = _get(client, demo, "xx_grid", "/")
    assert village.status_code == 200


def test_registration_page_is_read_only_without_the_permission(client, demo):
    page = _get(client, demo, "xx_supervisor", "/matters/new")
    assert page.status_code == 200 and "没有登记信访事项的权限" in page.text and 'name="p1_name"' not in page.text
    assert _register(client, demo, user="xx_supervisor").status_code == 403
