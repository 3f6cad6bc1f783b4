"""Notices that reach people: the 3rd repeat lands with the county's leaders (seed 000:
县级领导挂牌包案), an assignment with the receiving unit, a due-soon clock with the handling
unit once however often the scan runs; each notice goes to the deployment's sender through
one outbox job (a logging sender by default, which sends nothing)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import pytest
from sqlalchemy import func, select

from xinfang.platform.accounts.models import User
from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.jobs.outbox import OutboxJob
from xinfang.platform.matters.scan import scan
from xinfang.platform.notifications.service import DELIVER_JOB, deliver_job
from xinfang.platform.senders import LoggingSender, Outgoing, load_sender
from xinfang.platform.sessions import make_session_factory
from xinfang.platform.settings import Settings

PERSON = {"name": "王五", "id_number": "11010519491231002X"}
ZJJ = "411323-ZJJ"


def _register(client, demo, user, node_code, **extra) -> dict:
    body = {"node_id": demo.node(node_code).id, "channel": "visit", "form": "individual", "kind": "claim",
            "category": "欠薪", "summary": "反映工地拖欠工资", "petitioners": [PERSON], **extra}
    resp = client.post("/api/matters", json=body, headers=demo.headers(user))
    assert resp.status_code == 201, resp.text
    return resp.json()


def _mine(client, demo, user, **params) -> dict:
    resp = client.get("/api/notifications", params=params, headers=demo.headers(user))
    assert resp.status_code == 200, resp.text
    return resp.json()


def _jobs_for(session, notice_id: int) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(OutboxJob).where(
        OutboxJob.name == DELIVER_JOB, OutboxJob.payload["notification_id"].as_integer() == notice_id))


class Recording:
    """A deployment's own sender (what an SMS gateway would plug in)."""

    name = "recording"
    sent: list[Outgoing] = []

    def send(self, message: Outgoing) -> str:
        Recording.sent.append(message)
        return "recorded"


@pytest.mark.today(2026, 11, 16)
def test_the_third_repeat_lands_with_the_county_leaders(app, client, demo, system_session, settings, caplog):
    _register(client, demo, "xx_by_officer", "411323001")
    _register(client, demo, "xx_ds_officer", "411323100")
    assert [n for n in _mine(client, demo, "xx_leader")["items"] if n["kind"] == "repeat"] == []
    # registered by a township officer, who cannot see the county: the notice is still written, and audited
    third = _register(client, demo, "xx_ds_officer", "411323100")
    assert third["repeat_count"] == 3

    leader = _mine(client, demo, "xx_leader")
    repeats = [n for n in leader["items"] if n["kind"] == "repeat"]
    assert len(repeats) == 1 and leader["unread"] >= 1
    notice = repeats[0]
    assert notice["matter_id"] == third["id"] and notice["kind_label"] == "重复信访提请包案"
    assert "第3次信访" in notice["text"] and "县级领导挂牌包案" in notice["text"]
    leader_id = system_session.scalar(select(User.id).where(User.username == "xx_leader"))
    assert notice["recipient_user_id"] == leader_id
    # addressed to the leader, not to the county office as a whole, nor to a township's leader
    assert not [n for n in _mine(client, demo, "xx_officer")["items"] if n["kind"] == "repeat"]
    assert not [n for n in _mine(client, demo, "xx_by_leader")["items"] if n["kind"] == "repeat"]
    read = client.post(f"/api/notifications/{notice['id']}/read", headers=demo.headers("xx_leader"))
    assert read.status_code == 200 and read.json()["read_by"] == "张志强"

    system_session.rollback()
    audited = system_session.scalar(select(func.count()).select_from(AuditRecord).where(
        AuditRecord.object_type == "notifications", AuditRecord.object_id == str(notice["id"]),
        AuditRecord.action == "create"))
    assert audited == 1
    assert _jobs_for(system_session, notice["id"]) == 1

    # the default sender names who would be told and claims no delivery
    factory = app.state.session_factory
    with caplog.at_level(logging.INFO, logger="xinfang.notifications"):
        report = deliver_job(factory, {"notification_id": notice["id"]})
    assert "仅记录日志" in report and "张志强" in caplog.text
    # a deployment's sender, chosen by the setting, gets the notice and its recipients
    own = make_session_factory(app.state.engine, dataclasses.replace(
        settings, notification_sender=f"{__name__}:Recording"), plugins=app.state.plugins)
    Recording.sent.clear()
    assert deliver_job(own, {"notification_id": notice["id"]}) == "recorded"
    assert [(m.title, [r.display_name for r in m.recipients]) for m in Recording.sent] == [
        (notice["title"], ["张志强"])]


@pytest.mark.today(2026, 6, 15)
def test_an_assignment_and_a_due_soon_clock_reach_the_handling_unit_once(app, client, demo, system_session):
    m = _register(client, demo, "xx_officer", "411323", received_on="2026-06-01")
    assigned = client.post(f"/api/matters/{m['id']}/actions/assign", headers=demo.headers("xx_officer"),
                           json={"lead_unit_id": demo.node(ZJJ).id, "on": "2026-06-01"})
    assert assigned.status_code == 200, assigned.text
    inbox = _mine(client, demo, "xx_handler")
    told = [n for n in inbox["items"] if n["kind"] == "assigned"]
    assert len(told) == 1 and told[0]["matter_id"] == m["id"] and "5个工作日内提出异议" in told[0]["text"]
    assert inbox["unread"] == 1
    assert not [n for n in _mine(client, demo, "xx_officer")["items"] if n["kind"] == "assigned"]
    client.post(f"/api/notifications/{told[0]['id']}/read", headers=demo.headers("xx_handler"))
    assert _mine(client, demo, "xx_handler")["unread"] == 0

    # the 15-day 告知 duty ends Tue 16 June: due soon on the 15th, told once however often the scan runs
    factory = app.state.session_factory
    for _ in range(3):
        scan(factory, dt.date(2026, 6, 15))
    soon = [n for n in _mine(client, demo, "xx_handler")["items"] if n["kind"] == "due_soon"]
    assert len(soon) == 1 and soon[0]["node_id"] == demo.node(ZJJ).id and not soon[0]["read"]
    assert _jobs_for(system_session, soon[0]["id"]) == 1
    assert client.post("/api/notifications/read-all", params={"kind": "nope"},
                       headers=demo.headers("xx_handler")).status_code == 400
    assert client.post("/api/notifications/read-all", headers=demo.headers("xx_supervisor")).status_code == 403
    marked = client.post("/api/notifications/read-all", headers=demo.headers("xx_handler"))
    assert marked.status_code == 200 and marked.json() == {"marked": 1}
    assert _mine(client, demo, "xx_handler")["unread"] == 0


def test_the_sender_setting():
    assert isinstance(load_sender("log"), LoggingSender)
    assert Settings.from_env({"XINFANG_NOTIFICATION_SENDER": "acme.sms:Gateway"}).notification_sender == "acme.sms:Gateway"
    assert Settings.from_env({}).notification_sender == "log"
    with pytest.raises(ValueError, match="XINFANG_NOTIFICATION_SENDER"):
        load_sender("acme.sms")
    with pytest.raises(TypeError, match="NotificationSender"):
        load_sender("builtins:object")
