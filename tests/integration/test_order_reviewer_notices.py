"""信访秩序整治: the county's legal reviewers are told what waits for them, over HTTP on both
databases — a draft (待审核), an emergency referral (待事后审查), an objection (待复核): one
notice each, to each reviewer of the county, when it is recorded; once more by the daily
task when it still waits after three days; never to anyone else, never with a person's name
or what happened. The campaign page lists what waits for its reviewers."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.integration import order_samples as po
from tests.integration.page_requests import get_page
from xinfang.platform.clock import now, today
from xinfang.platform.jobs.periodic import registered

JINJIANG = "350582"
OFFICER = "xx_by_officer"
SECOND = "xx_legal2"
ACCOUNT = "周一等人围堵县行政中心东门"


def _reviewer(client, demo, admin: str, username: str, county: str) -> None:
    user = po.ok(client.post("/api/users", headers=demo.headers(admin), json={
        "username": username, "display_name": f"法制审核员{username}", "password": po.PASSWORD,
        "node_id": demo.node(county).id}), 201)
    po.ok(client.post(f"/api/users/{user['id']}/roles", headers=demo.headers(admin),
                   json={"role": "legal_reviewer", "node_id": demo.node(county).id}), 201)


@pytest.fixture
def campaign(client, demo, clock):
    """The campaign from five days ago, two reviewers in 西峡县 and one in 晋江市, a person of 白羽街道;
    the clock at ten this morning (a response minutes ago is still today)."""
    day = today()
    clock.on(day.year, day.month, day.day, 10)
    behaviours = po.catalogue(client, demo)
    po.reviewer(client, demo)
    _reviewer(client, demo, "xx_admin", SECOND, po.COUNTY)
    _reviewer(client, demo, "jj_admin", "jj_legal", JINJIANG)
    campaign_id = po.enable(client, demo, (today() - dt.timedelta(days=5)).isoformat())
    person, _ = po.person_with_matter(client, demo, po.BAIYU, OFFICER, "周一", 1, today().isoformat())
    return campaign_id, behaviours["art26_1"], person


def _notices(client, demo, user) -> list[dict]:
    listed = po.ok(client.get("/api/notifications", params={"per_page": 200}, headers=demo.headers(user)))
    return [n for n in listed["items"] if n["kind"].startswith("order_")]


def _record(client, demo, campaign, clock) -> int:
    campaign_id, behaviour, person = campaign
    return po.incident(client, demo, campaign_id, po.BAIYU, OFFICER, behaviour, [person], today().isoformat(), ACCOUNT)


def _post(client, demo, incident_id, path, user, body, status):
    resp = client.post(f"/api/petition-order/incidents/{incident_id}/{path}", headers=demo.headers(user), json=body)
    assert resp.status_code == status, resp.text
    return resp.json()


def _emergency_referral(client, demo, incident_id, clock) -> None:
    _post(client, demo, incident_id, "referral", OFFICER, {
        "ground": "public_order", "referred_at": now().isoformat(),
        "emergency_reason": "当事人持刀,现场无法先行劝阻"}, 201)


def test_each_reviewer_of_the_county_is_told_once_of_each_thing(client, demo, campaign, clock):
    a = _record(client, demo, campaign, clock)
    for user in (po.REVIEWER, SECOND):
        [draft] = _notices(client, demo, user)
        assert draft["kind"] == "order_review" and draft["kind_label"] == "整治记录待审核"
        assert draft["href"] == f"/petition-order/incidents/{a}" and draft["title"] == f"信访秩序整治记录第{a}号待审核"
        assert "白羽街道" in draft["text"] and "周一" not in draft["text"] and ACCOUNT not in draft["text"]
    for user in ("jj_legal", "xx_officer", "xx_admin", "xx_supervisor", OFFICER, "xx_leader"):
        assert _notices(client, demo, user) == [], user

    po.evidence(client, demo, a, OFFICER)
    po.confirm(client, demo, a)
    _emergency_referral(client, demo, a, clock)
    _, _, person = campaign
    _post(client, demo, a, "objections", OFFICER, {"person_id": person, "text": "我只是路过,没有围堵"}, 201)
    for user in (po.REVIEWER, SECOND):
        kinds = sorted(n["kind"] for n in _notices(client, demo, user))
        assert kinds == ["order_objection", "order_referral", "order_review"], user
        assert all("周一" not in n["text"] + n["title"] for n in _notices(client, demo, user))
    assert _notices(client, demo, "jj_legal") == [] and _notices(client, demo, "xx_officer") == []


def test_a_referral_after_a_staff_response_waits_for_nobody(client, demo, campaign, clock):
    a = _record(client, demo, campaign, clock)
    po.evidence(client, demo, a, OFFICER)
    po.confirm(client, demo, a)
    _post(client, demo, a, "responses", OFFICER, {"kind": "dissuade", "told": "告知其不得围堵机关",
                                                  "given_at": (now() - dt.timedelta(minutes=5)).isoformat()}, 201)
    _post(client, demo, a, "referral", OFFICER, {"ground": "public_order", "referred_at": now().isoformat()}, 201)
    assert [n["kind"] for n in _notices(client, demo, po.REVIEWER)] == ["order_review"]


def test_the_daily_task_reminds_once_after_three_days(app, client, demo, campaign, clock):
    waits = _record(client, demo, campaign, clock)  # stays a draft
    settled = _record(client, demo, campaign, clock)
    po.evidence(client, demo, settled, OFFICER)
    po.confirm(client, demo, settled)  # reviewed at once: nothing to remind of
    _emergency_referral(client, demo, settled, clock)  # but its emergency referral waits
    task = registered(app.state.session_factory)["petition_order_reminders"]
    start = now()

    def reminders(user) -> list[dict]:
        return [n for n in _notices(client, demo, user) if n["title"].startswith("再次提醒")]

    assert task.run(app.state.session_factory, start + dt.timedelta(days=2, hours=23)).endswith("0条")
    assert reminders(po.REVIEWER) == []
    clock.advance(days=3, minutes=1)
    assert task.run(app.state.session_factory, now()).endswith("4条"), "two items, two reviewers"
    assert task.run(app.state.session_factory, now() + dt.timedelta(days=1)).endswith("0条"), "once only"
    for user in (po.REVIEWER, SECOND):
        found = sorted((n["kind"], n["href"]) for n in reminders(user))
        assert found == [("order_referral", f"/petition-order/incidents/{settled}"),
                         ("order_review", f"/petition-order/incidents/{waits}")], user
        assert all("已等待3日以上" in n["text"] for n in reminders(user))
    assert reminders("jj_legal") == [] and reminders("xx_officer") == []

    # settled since: a new item later, once it has waited three days, is the only one reminded
    _post(client, demo, settled, "referral/review", po.REVIEWER, {"upheld": True, "note": "现场确属紧急"}, 200)
    later = _record(client, demo, campaign, clock)
    po.evidence(client, demo, waits, OFFICER)
    po.confirm(client, demo, waits)
    assert task.run(app.state.session_factory, now() + dt.timedelta(days=3, minutes=1)).endswith("2条")
    assert sorted(n["href"] for n in reminders(po.REVIEWER)) == sorted(
        f"/petition-order/incidents/{i}" for i in (settled, waits, later))


def test_a_rejected_draft_takes_its_notices_and_the_campaign_page_lists_what_waits(client, demo, campaign, clock):
    campaign_id, _, _ = campaign
    kept = _record(client, demo, campaign, clock)
    rejected = _record(client, demo, campaign, clock)
    page = get_page(client, demo, po.REVIEWER, f"/petition-order/{campaign_id}")
    assert page.status_code == 200, page.text
    panel = page.text.split('id="to-review"')[1].split("</section>")[0]
    assert f'href="/petition-order/incidents/{kept}">第{kept}号 · 整治记录待审核' in panel
    assert f"/petition-order/incidents/{rejected}" in panel
    assert 'id="to-review"' not in get_page(client, demo, OFFICER, f"/petition-order/{campaign_id}").text

    _post(client, demo, rejected, "review", po.REVIEWER, {"decision": "reject", "note": "不属于扰乱秩序"}, 200)
    hrefs = [n["href"] for n in _notices(client, demo, SECOND)]
    assert hrefs == [f"/petition-order/incidents/{kept}"], "the rejected record's notices are gone"
    panel = get_page(client, demo, po.REVIEWER, f"/petition-order/{campaign_id}").text.split('id="to-review"')[1]
    assert f"/petition-order/incidents/{rejected}" not in panel.split("</section>")[0]
