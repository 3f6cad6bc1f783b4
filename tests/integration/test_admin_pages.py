"""Administration pages over HTTP (both databases): the tenant tree (add, rename, move, an import
refused row by row with nothing kept); users and role grants within the admin's scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.integration.page_requests import get_page, post_form
from xinfang.tenants.models import Node


def test_tree_add_rename_move_and_import_row_errors(client, demo, system_session):
    page = get_page(client, demo, "xx_admin", "/admin/tree")
    assert page.status_code == 200 and "白羽街道" in page.text and "城东社区第一网格" in page.text
    assert "晋江市" not in page.text
    by, ds = demo.node("411323001"), demo.node("411323100")
    added = post_form(client, demo, "xx_admin", "/admin/tree/nodes",
                  {"parent_id": str(by.id), "level": "village", "code": "411323001009", "name": "新华社区"})
    assert added.status_code == 303, added.text[:300]
    system_session.rollback()
    village = system_session.scalar(select(Node).where(Node.code == "411323001009"))
    assert village.name == "新华社区" and village.parent_id == by.id
    assert post_form(client, demo, "xx_admin", f"/admin/tree/nodes/{village.id}/rename",
                 {"name": "新华村"}).status_code == 303
    moved = post_form(client, demo, "xx_admin", f"/admin/tree/nodes/{village.id}/move", {"parent_id": str(ds.id)})
    assert moved.status_code == 303, moved.text[:300]
    system_session.rollback()
    village = system_session.get(Node, village.id)
    assert village.name == "新华村" and village.parent_id == ds.id
    # a township's admin may not rename their own township (only the level above may)
    refused = post_form(client, demo, "xx_by_admin", f"/admin/tree/nodes/{by.id}/rename", {"name": "改名"})
    assert refused.status_code == 403 and "上级管理员" in refused.text
    # an import with one bad row: every row shown, the bad one with its error, nothing kept
    csv = ("层级,代码,名称,上级代码\n村,411323001010,和平社区,411323001\n村,999,坏代码,411323001\n").encode()
    bad = post_form(client, demo, "xx_admin", "/admin/tree/import", files={"data": ("tree.csv", csv, "text/csv")})
    assert bad.status_code == 400 and "和平社区" in bad.text and "坏代码" in bad.text and "第3行" in bad.text
    assert "无误" in bad.text
    system_session.rollback()
    assert system_session.scalar(select(Node.id).where(Node.code == "411323001010")) is None
    good = post_form(client, demo, "xx_admin", "/admin/tree/import",
                 files={"data": ("tree.csv", csv.decode().rsplit("村,999", 1)[0].encode(), "text/csv")})
    assert good.status_code == 303 and "imported-1-0" in good.headers["location"]
    # the supervisor reads the tree with no forms
    supervisor = get_page(client, demo, "xx_supervisor", "/admin/tree")
    assert supervisor.status_code == 200 and "/admin/tree/nodes" not in supervisor.text


pytestmark = pytest.mark.today(2026, 11, 16)


def test_users_create_grant_revoke_within_scope(client, demo, system_session):
    from xinfang.platform.accounts.models import RoleAssignment, User

    by = demo.node("411323001")
    page = get_page(client, demo, "xx_by_admin", "/admin/users")
    assert page.status_code == 200 and "孙伟" in page.text and "王建国" not in page.text, "the township's own only"
    weak = post_form(client, demo, "xx_by_admin", "/admin/users",
                 {"node_id": str(by.id), "display_name": "钱多", "username": "xx_by_qian", "password": "123"})
    assert weak.status_code == 400 and "密码" in weak.text and 'value="xx_by_qian"' in weak.text
    made = post_form(client, demo, "xx_by_admin", "/admin/users",
                 {"node_id": str(by.id), "display_name": "钱多", "username": "xx_by_qian", "password": "Qian-Duo-2026!"})
    assert made.status_code == 303, made.text[:300]
    system_session.rollback()
    user = system_session.scalar(select(User).where(User.username == "xx_by_qian"))
    assert post_form(client, demo, "xx_by_admin", f"/admin/users/{user.id}/roles",
                 {"role": "officer", "node_id": str(by.id)}).status_code == 303
    # a role the township admin may not grant is refused, in Chinese, nothing kept
    refused = post_form(client, demo, "xx_by_admin", f"/admin/users/{user.id}/roles",
                    {"role": "county_admin", "node_id": str(by.id)})
    assert refused.status_code in (400, 403) and "未能保存" in refused.text
    system_session.rollback()
    held = system_session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user.id)).all()
    assert [a.role for a in held] == ["officer"]
    shown = get_page(client, demo, "xx_by_admin", f"/admin/users/{user.id}")
    assert "信访干部" in shown.text and "撤销" in shown.text
    assert post_form(client, demo, "xx_by_admin", f"/admin/users/{user.id}/roles/{held[0].id}/revoke").status_code == 303
    assert post_form(client, demo, "xx_by_admin", f"/admin/users/{user.id}/account", {"do": "deactivate"}).status_code == 303
    system_session.rollback()
    assert system_session.get(User, user.id).is_active is False
    assert system_session.scalars(select(RoleAssignment).where(RoleAssignment.user_id == user.id)).all() == []
    # another county's admin cannot open the account
    assert get_page(client, demo, "jj_admin", f"/admin/users/{user.id}").status_code == 404


def test_calendar_notice_entered_in_the_browser(client, demo, system_session):
    from xinfang.platform.calendar.models import CalendarDay, CalendarYear
    from xinfang.platform.jobs.outbox import OutboxJob

    page = get_page(client, demo, "operator", "/admin/calendar?year=2099")
    assert page.status_code == 200 and "2099年的节假日安排尚未录入" in page.text
    form = {"year": "2099", "title": "国务院办公厅关于2099年部分节假日安排的通知", "document_number": "国办发明电〔2098〕1号",
            "holidays": "2099-01-01 元旦\n2099-10-01至2099-10-07 国庆节", "workdays": "2099-10-05 国庆节"}
    bad = post_form(client, demo, "operator", "/admin/calendar", form)
    assert bad.status_code == 400 and "不能同时是放假日期和调休上班日" in bad.text and "国庆节" in bad.text
    ok = post_form(client, demo, "operator", "/admin/calendar", {**form, "workdays": "2099-09-26 国庆节"})
    assert ok.status_code == 303, ok.text[:400]
    system_session.rollback()
    year = system_session.scalar(select(CalendarYear).where(CalendarYear.year == 2099))
    assert year.document_number == "国办发明电〔2098〕1号"
    assert len(system_session.scalars(select(CalendarDay).where(CalendarDay.year == 2099)).all()) == 9
    assert system_session.scalar(select(OutboxJob.id).where(OutboxJob.name == "matter_deadlines_recompute"))
    shown = get_page(client, demo, "xx_supervisor", "/admin/calendar?year=2099")
    assert "国庆节" in shown.text and "录入国务院办公厅" not in shown.text


def test_county_rules_saved_from_the_page(client, demo):
    page = get_page(client, demo, "xx_admin", "/admin/rules")
    assert page.status_code == 200 and "民法典规则" in page.text and "四包" in page.text
    form = {"counting_rule": "working_days_only", "due_soon_days": "5", "escalate_every_days": "7",
            "ownership_checklist": "five", "categories": "城乡建设\n劳动社保\n城乡建设"}
    bad = post_form(client, demo, "xx_admin", "/admin/rules", form)
    assert bad.status_code == 400 and "问题分类不能重复" in bad.text
    assert post_form(client, demo, "xx_admin", "/admin/rules", {**form, "categories": "城乡建设\n劳动社保"}).status_code == 303
    rules = client.get(f"/api/counties/{demo.node('411323').id}/matter-rules", headers=demo.headers("xx_admin")).json()
    assert rules["counting_rule"] == "working_days_only" and rules["categories"] == ["城乡建设", "劳动社保"]
    assert rules["ownership_checklist"] == "five" and rules["due_soon_days"] == 5
    read_only = get_page(client, demo, "xx_supervisor", "/admin/rules")
    assert read_only.status_code == 200 and "保存规则" not in read_only.text and "劳动社保" in read_only.text
    assert post_form(client, demo, "xx_supervisor", "/admin/rules", form).status_code == 403


def test_operator_adds_a_county_and_reads_health_without_petition_content(client, demo):
    made = post_form(client, demo, "operator", "/admin/tree/nodes", {"level": "county", "code": "410102", "name": "中原区"})
    assert made.status_code == 303, made.text[:300]
    health = get_page(client, demo, "operator", "/admin/health")
    assert health.status_code == 200 and "运行正常" in health.text and "中原区" in health.text
    assert "西峡县" in health.text and "王建国" in health.text, "each county with its admins"
    county = get_page(client, demo, "xx_admin", "/admin/health")  # tenants:manage: their own county only
    assert county.status_code == 200 and "西峡县" in county.text and "晋江市" not in county.text
    for user in ("xx_supervisor", "xx_by_supervisor", "xx_officer", "xx_leader"):  # they read the tree only
        refused = get_page(client, demo, user, "/admin/health")
        assert refused.status_code == 403, (user, refused.status_code)
        assert "平台运行状况" not in get_page(client, demo, user, "/").text, f"{user} is offered the link"
    assert "平台运行状况" in get_page(client, demo, "xx_admin", "/").text
    assert post_form(client, demo, "xx_admin", "/admin/tree/nodes", {"level": "county", "code": "410103", "name": "二七区"}
                 ).status_code == 403
