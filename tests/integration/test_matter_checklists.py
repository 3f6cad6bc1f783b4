"""Per-matter checklists (``CampaignType.matter_checklist``) run: the petition month's 五个一
over the backlog matters of its scope, and a campaign's 九个一 over the matters under 包案
(seed 003). Officers tick items with evidence files; progress per matter and per campaign is
read over the API; each tick is audited and fires ``xinfang_on_duty_ticked`` from the service."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import test_plugins
from xinfang.platform.accounts.models import User
from xinfang.platform.audit.models import AuditRecord
from xinfang.platform.campaigns.registry import campaign_types
from xinfang.platform.extensions.hookspecs import (
    CampaignType,
    ChecklistItemSpec,
    MatterChecklistSpec,
    PhaseSpec,
    hookimpl,
)
from xinfang.platform.extensions.manager import build_plugin_manager

QINGYANG, MEILING = "350582001", "350582002"
BAIYU = "411323001"
PERSON = {"name": "王五", "id_number": "11010519491231002X"}
# seed 003, 集中化解阶段: the “九个一” a backlog matter under 包案 must have (a part of it)
NINE_ONES = MatterChecklistSpec("nine_ones", "九个一", (
    ChecklistItemSpec("leader", "一名包案领导", evidence=True),
    ChecklistItemSpec("meeting", "一次协调会", evidence=True),
    ChecklistItemSpec("visit", "一次信访人见面"),
), matters="ownership")
BACKLOG_YEAR = CampaignType(
    key="nine_ones_trial", name="逐案九个一试行", description="集中化解信访积案", source="种子文件003",
    phases=(PhaseSpec("prepare", "排查准备", 0, 9), PhaseSpec("resolve", "集中化解", 10, 60)),
    matter_checklist=NINE_ONES)


class Seed003:
    """A campaign plugin declaring a per-matter checklist over 包案 matters, and a listener."""

    def __init__(self) -> None:
        self.ticked: list[tuple[str, int | None, str]] = []

    @hookimpl
    def xinfang_campaign_types(self):
        return [BACKLOG_YEAR]

    @hookimpl
    def xinfang_on_duty_ticked(self, campaign, tick, session):
        self.ticked.append((campaign.type_key, tick.matter_id, tick.item))


SEED_003 = Seed003()


@pytest.fixture
def app(settings):
    from xinfang.platform.app import create_app

    SEED_003.ticked.clear()
    application = create_app(settings, plugins=test_plugins(SEED_003))
    yield application
    application.state.engine.dispose()


def _ok(resp, status=200):
    assert resp.status_code == status, resp.text
    return resp.json()


def _matter(client, demo, user, code) -> int:
    return _ok(client.post("/api/matters", headers=demo.headers(user), json={
        "node_id": demo.node(code).id, "channel": "visit", "form": "individual", "kind": "claim",
        "category": "城镇房屋拆迁", "summary": "反映拆迁安置房多年未交付", "petitioners": [PERSON]}), 201)["id"]


def _backlog(client, demo, user, matter_id) -> None:
    _ok(client.post("/api/ledgers/backlog", headers=demo.headers(user), json={
        "matter_id": matter_id, "deadline": "2026-12-31", "reasons": ["repeat"], "leader": "丁海峰"}), 201)


def _tick(client, demo, user, campaign_id, matter_id, item, files=None, note=""):
    return client.post(f"/api/campaigns/{campaign_id}/matters/{matter_id}/ticks", headers=demo.headers(user),
                       data={"item": item, "done_on": "2026-11-18"}, files={"note": (None, note), **(files or {})})


@pytest.mark.today(2026, 11, 16)
def test_petition_month_five_ones_over_its_backlog_matters(app, client, demo, system_session):
    # two backlog matters in 青阳街道, one in 梅岭街道; the month is enabled for 青阳街道 only
    ours = [_matter(client, demo, "jj_qy_officer", QINGYANG) for _ in range(2)]
    theirs = _matter(client, demo, "jj_ml_officer", MEILING)
    for matter_id in ours:
        _backlog(client, demo, "jj_qy_officer", matter_id)
    _backlog(client, demo, "jj_ml_officer", theirs)
    not_listed = _matter(client, demo, "jj_qy_officer", QINGYANG)
    campaign = _ok(client.post("/api/campaigns", headers=demo.headers("jj_admin"), json={
        "type": "petition_month", "title": "信访月", "starts_on": "2026-11-16",
        "scope_node_ids": [demo.node(QINGYANG).id]}), 201)["id"]
    kind = next(t for t in _ok(client.get("/api/campaign-types", headers=demo.headers("jj_admin")))
                if t["key"] == "petition_month")
    assert kind["matter_checklist"]["matters"] == "backlog" and len(kind["matter_checklist"]["items"]) == 5

    progress = _ok(client.get(f"/api/campaigns/{campaign}/matters", headers=demo.headers("jj_qy_officer")))
    assert [m["matter_id"] for m in progress["matters"]] == ours
    assert (progress["required"], progress["done"], progress["complete"]) == (10, 0, 0)

    evidence = {"files": ("包案通知.txt", "丁海峰同志包案".encode())}
    ticked = _ok(_tick(client, demo, "jj_qy_officer", campaign, ours[0], "leader", evidence), 201)
    assert ticked["evidence"][0]["filename"] == "包案通知.txt" and len(ticked["evidence"][0]["sha256"]) == 64
    assert "path" not in ticked["evidence"][0]
    # refused, each with a clear message and nothing written
    again = _tick(client, demo, "jj_qy_officer", campaign, ours[0], "leader", evidence)
    assert again.status_code == 409 and "已登记" in again.json()["message"]
    bare = _tick(client, demo, "jj_qy_officer", campaign, ours[0], "plan")
    assert bare.status_code == 400 and "佐证" in bare.json()["message"]
    unknown = _tick(client, demo, "jj_qy_officer", campaign, ours[0], "nine", evidence)
    assert unknown.status_code == 400 and "没有这一项" in unknown.json()["message"]
    unlisted = _tick(client, demo, "jj_qy_officer", campaign, not_listed, "leader", evidence)
    assert unlisted.status_code == 400 and "积案化解清单" in unlisted.json()["message"]
    assert _tick(client, demo, "jj_supervisor", campaign, ours[0], "plan", evidence).status_code == 403
    assert _tick(client, demo, "jj_ml_officer", campaign, ours[1], "plan", evidence).status_code == 404
    assert _tick(client, demo, "jj_officer", campaign, theirs, "plan", evidence).status_code == 400  # out of scope

    for item in ("task_team", "plan", "minutes", "stabilising"):
        _ok(_tick(client, demo, "jj_qy_officer", campaign, ours[0], item, note=f"{item}已落实"), 201)
    one = _ok(client.get(f"/api/campaigns/{campaign}/matters/{ours[0]}", headers=demo.headers("jj_supervisor")))
    assert one["in_checklist"] is True and (one["done"], one["required"], one["rate"]) == (5, 5, 1.0)
    assert one["items"][0]["tick"]["by"] and one["items"][0]["tick"]["evidence"][0]["size"] > 0
    progress = _ok(client.get(f"/api/campaigns/{campaign}/matters", headers=demo.headers("jj_supervisor")))
    assert (progress["required"], progress["done"], progress["complete"], progress["rate"]) == (10, 5, 1, 0.5)
    assert [m["missing"] for m in progress["matters"]][1][0]["item"] == "leader"
    outside = _ok(client.get(f"/api/campaigns/{campaign}/matters/{not_listed}", headers=demo.headers("jj_admin")))
    assert outside["in_checklist"] is False and outside["items"] == []

    # each tick fired the event once, and is in the audit log under the officer's name
    assert SEED_003.ticked == [("petition_month", ours[0], i)
                               for i in ("leader", "task_team", "plan", "minutes", "stabilising")]
    audited = system_session.scalars(select(AuditRecord).where(
        AuditRecord.object_type == "campaign_ticks", AuditRecord.action == "create")).all()
    assert len(audited) == 5 and {a.actor_name for a in audited} == {"jj_qy_officer"}


@pytest.mark.today(2026, 11, 16)
def test_a_campaign_checklist_over_matters_under_ownership(app, client, demo, system_session):
    owned, free = _matter(client, demo, "xx_by_officer", BAIYU), _matter(client, demo, "xx_by_officer", BAIYU)
    leader = system_session.scalar(select(User.id).where(User.username == "xx_by_leader"))
    _ok(client.put(f"/api/matters/{owned}/ownership", headers=demo.headers("xx_by_officer"),
                   json={"leader_user_id": leader}))
    campaign = _ok(client.post("/api/campaigns", headers=demo.headers("xx_admin"), json={
        "type": "nine_ones_trial", "title": "2026年信访积案化解年", "starts_on": "2026-11-16",
        "scope_node_ids": [demo.node(BAIYU).id]}), 201)["id"]
    progress = _ok(client.get(f"/api/campaigns/{campaign}/matters", headers=demo.headers("xx_by_officer")))
    assert progress["source"] == "ownership" and [m["matter_id"] for m in progress["matters"]] == [owned]
    _ok(_tick(client, demo, "xx_by_officer", campaign, owned, "visit", note="11月18日与信访人见面"), 201)
    refused = _tick(client, demo, "xx_by_officer", campaign, free, "visit", note="见面")
    assert refused.status_code == 400 and "领导包案" in refused.json()["message"]
    progress = _ok(client.get(f"/api/campaigns/{campaign}/matters", headers=demo.headers("xx_supervisor")))
    assert (progress["done"], progress["required"]) == (1, 3)
    assert SEED_003.ticked == [("nine_ones_trial", owned, "visit")]
    # the other county sees neither the campaign nor its matters
    assert client.get(f"/api/campaigns/{campaign}/matters", headers=demo.headers("jj_admin")).status_code == 404

    closed = client.post(f"/api/campaigns/{campaign}/close", headers=demo.headers("xx_admin"), json={"note": "结束"})
    assert closed.status_code == 200
    late = _tick(client, demo, "xx_by_officer", campaign, owned, "leader", note="补登")
    assert late.status_code == 409


@pytest.mark.parametrize("items, matters", [
    ((ChecklistItemSpec("weekly", "每周见面", recurrence="week"),), "backlog"),
    ((ChecklistItemSpec("twice", "两次见面", times=2),), "backlog"),
    ((ChecklistItemSpec("leader", "一名包案领导"),), "everything"),
    ((), "backlog"),
])
def test_a_matter_checklist_the_core_cannot_run_is_refused_at_start(items, matters):
    class Broken:
        @hookimpl
        def xinfang_campaign_types(self):
            return [CampaignType("broken", "坏", "", "", (PhaseSpec("p", "阶段", 0, 1),),
                                 matter_checklist=MatterChecklistSpec("m", "逐案", items, matters=matters))]

    with pytest.raises(RuntimeError, match="broken"):
        campaign_types(build_plugin_manager([Broken()], load_entry_points=False))
