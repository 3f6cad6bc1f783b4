"""提醒 (/notifications) over HTTP on both databases: a user's own notices (to them, or to the
whole of a unit where they hold a role), newest first, unread or all, by kind, each opening
its target; marking one or all read follows the API's rules; another user's or another
county's notice never shows and cannot be marked; the 纪工委 reads without the buttons."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.integration.page_requests import get_page, post_form
from xinfang.platform.accounts.models import User
from xinfang.platform.notifications.models import Notification
from xinfang.platform.notifications.service import check_href, notify

COUNTY, JINJIANG = "411323", "350582"


@pytest.fixture
def notices(demo, system_session, clock):
    """Notices made one minute apart: three to 李秀英 (xx_officer) herself, one to the county
    office as a whole, one to 张志强 only, one in 晋江."""
    officer = system_session.scalar(select(User.id).where(User.username == "xx_officer"))
    leader = system_session.scalar(select(User.id).where(User.username == "xx_leader"))
    made = {}

    def add(name, node_code, user_id, kind, **extra):
        clock.advance(minutes=1)
        made[name] = notify(system_session, node_id=demo.node(node_code).id, kind=kind, title=f"提醒{name}",
                            text=f"{name}的说明", dedupe_key=f"test:{name}", user_id=user_id, **extra).id

    add("own_old", COUNTY, officer, "due_soon")
    add("unit", COUNTY, None, "overdue")
    add("plugin", COUNTY, officer, "order_review", href="/petition-order/incidents/7")
    add("leaders", COUNTY, leader, "repeat")
    add("other_county", JINJIANG, None, "overdue")
    add("own_new", COUNTY, officer, "supervise")
    system_session.commit()
    return made


def _ids(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'action="/notifications/(\d+)/read"', html)]


def _titles(html: str) -> list[str]:
    return re.findall(r">(提醒[a-z_]+)</", html)


def test_the_page_lists_my_notices_newest_first(client, demo, notices):
    page = get_page(client, demo, "xx_officer", "/notifications")
    assert page.status_code == 200, page.text
    html = page.text
    assert _titles(html) == ["提醒own_new", "提醒plugin", "提醒unit", "提醒own_old"]
    assert "未读 4" in html
    assert 'href="/petition-order/incidents/7"' in html, "a plugin's notice opens the page it gave"
    assert '<span class="badge warn">整治记录待审核</span>' in html, "kinds by their labels, the plugins' included"
    assert '<span class="badge bad">督办</span>' in html
    assert 'href="/notifications"' in html and ">提醒</a>" in html, "the menu has 提醒"
    # filters: unread, one kind; an unknown kind is a 400
    assert _titles(get_page(client, demo, "xx_officer", "/notifications?kind=overdue").text) == ["提醒unit"]
    assert get_page(client, demo, "xx_officer", "/notifications?kind=nonsense").status_code == 400
    # another county's notice and another person's are not there
    assert "提醒other_county" not in html and "提醒leaders" not in html
    assert _titles(get_page(client, demo, "jj_officer", "/notifications").text) == ["提醒other_county"]


def test_marking_read_one_and_all(client, demo, notices):
    mine = notices["own_old"]
    done = post_form(client, demo, "xx_officer", f"/notifications/{mine}/read", {"show": "unread", "page": "1"})
    assert done.status_code == 303 and done.headers["location"] == "/notifications?show=unread"
    unread = get_page(client, demo, "xx_officer", "/notifications?show=unread").text
    assert "未读 3" in unread and "提醒own_old" not in unread
    listed = get_page(client, demo, "xx_officer", "/notifications").text
    assert "已读（李秀英）" in listed
    # not hers: another person's (403), another county's (404, outside her scope); nothing changes
    assert post_form(client, demo, "xx_officer", f"/notifications/{notices['leaders']}/read").status_code == 403
    assert post_form(client, demo, "xx_officer", f"/notifications/{notices['other_county']}/read").status_code == 404
    # all read, of one kind, then all
    kind = post_form(client, demo, "xx_officer", "/notifications/read-all", {"kind": "supervise"})
    assert kind.status_code == 303 and kind.headers["location"] == "/notifications?kind=supervise&marked=1"
    everything = post_form(client, demo, "xx_officer", "/notifications/read-all", {})
    assert everything.headers["location"] == "/notifications?marked=2"
    assert "未读 0" in get_page(client, demo, "xx_officer", "/notifications").text
    # the others' notices are untouched
    leader = get_page(client, demo, "xx_leader", "/notifications?show=unread").text
    assert "提醒leaders" in leader
    assert "提醒other_county" in get_page(client, demo, "jj_officer", "/notifications?show=unread").text


def test_the_supervisor_reads_without_buttons(client, demo, notices):
    page = get_page(client, demo, "xx_supervisor", "/notifications")
    assert page.status_code == 200, page.text
    html = page.text
    assert _titles(html) == ["提醒unit"], "the county's notice to the office as a whole"
    assert "标为已读" not in html and _ids(html) == []
    refused = post_form(client, demo, "xx_supervisor", "/notifications/read-all", {})
    assert refused.status_code == 403
    assert post_form(client, demo, "xx_supervisor", f"/notifications/{notices['unit']}/read").status_code == 403


def test_the_workbench_card_opens_the_page_and_the_target(client, demo, notices):
    html = get_page(client, demo, "xx_officer", "/").text
    assert '<a href="/notifications">未读提醒</a>' in html
    assert 'href="/petition-order/incidents/7"' in html


def test_the_api_gives_href_and_plugin_kinds(client, demo, notices):
    listed = client.get("/api/notifications", params={"kind": "order_review"}, headers=demo.headers("xx_officer"))
    assert listed.status_code == 200, listed.text
    [notice] = listed.json()["items"]
    assert notice["href"] == "/petition-order/incidents/7" and notice["kind_label"] == "整治记录待审核"
    bad = client.get("/api/notifications", params={"kind": "nonsense"}, headers=demo.headers("xx_officer"))
    assert bad.status_code == 400 and "order_review(整治记录待审核)" in bad.json()["message"]


@pytest.mark.parametrize("href", ["//evil.example/x", "https://evil.example", "/\\evil.example", "relative",
                                  "/a b", "/" + "x" * 300])
def test_a_notice_links_only_into_the_site(href):
    with pytest.raises(ValueError):
        check_href(href)


def test_a_good_href_is_kept(system_session, demo):
    assert check_href("/petition-order/incidents/3?x=1#y") == "/petition-order/incidents/3?x=1#y"
    made = notify(system_session, node_id=demo.node(COUNTY).id, kind="due_soon", title="t", text="", dedupe_key="t:h",
                  href="/matters")
    system_session.commit()
    assert system_session.get(Notification, made.id).href == "/matters"
