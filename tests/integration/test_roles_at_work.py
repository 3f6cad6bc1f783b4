"""The demo's job titles can do their work: the township's 信访办主任 arranges the rota,
writes the ledgers and ticks the campaign's duties; a grid worker and a community head
file the community's Wednesday report; a community head keeps the community's own rota
but registers no matters; every demo user holds exactly the roles of their job."""

from __future__ import annotations

import pytest

from xinfang.platform.demo import USERS, roles_of

TOWNSHIP, CHENGDONG, GRID = "411323001", "411323001001", "411323001001-01"


@pytest.mark.today(2026, 11, 18, 9)  # a Wednesday, a reporting day
def test_the_township_office_head_runs_the_rota_ledgers_and_duties(client, demo):
    head = demo.headers("xx_by_admin")
    township = demo.node(TOWNSHIP).id
    duty = client.post("/api/reception/rota", headers=head, json={
        "node_id": township, "on": "2026-11-19", "leader_name": "周涛", "place": "基层治理中心2楼接访室",
        "leader_kind": "main"})
    assert duty.status_code == 201, duty.text
    entry = client.post("/api/ledgers/screening", headers=head, json={
        "node_id": township, "found_on": "2026-11-18", "party_name": "周九", "category": "邻里纠纷",
        "summary": "宅基地边界纠纷"})
    assert entry.status_code == 201, entry.text
    campaign = client.post("/api/campaigns", headers=demo.headers("xx_admin"), json={
        "type": "petition_month", "title": "信访月", "starts_on": "2026-11-17", "scope_node_ids": [township]})
    assert campaign.status_code == 201, campaign.text
    tick = client.post(f"/api/campaigns/{campaign.json()['id']}/ticks", headers=head,
                       data={"node_id": str(township), "checklist": "township_mobilize", "item": "meeting",
                             "done_on": "2026-11-17", "note": "召开动员部署会议"},
                       files={"files": ("会议纪要.pdf", b"%PDF-1.4 minutes", "application/pdf")})
    assert tick.status_code == 201, tick.text


@pytest.mark.today(2026, 11, 18, 9)
def test_the_community_files_its_wednesday_report_and_keeps_its_own_rota(client, demo):
    village = demo.node(CHENGDONG).id
    for user, kind in (("xx_grid", "screening"), ("xx_cd_head", "reception")):
        sent = client.post("/api/reporting/submissions", headers=demo.headers(user),
                           json={"node_id": village, "kind": kind})
        assert sent.status_code == 201, (user, sent.text)
        assert sent.json()["due_on"] == "2026-11-18"
    head = demo.headers("xx_cd_head")
    duty = client.post("/api/reception/rota", headers=head, json={
        "node_id": village, "on": "2026-11-19", "leader_name": "韩桂兰", "place": "社区信访接待室",
        "leader_kind": "community_head"})
    assert duty.status_code == 201, duty.text
    # the township's rota and the matters are the township's
    assert client.post("/api/reception/rota", headers=head, json={
        "node_id": demo.node(TOWNSHIP).id, "on": "2026-11-19", "leader_name": "韩桂兰", "place": "接访室"}
    ).status_code == 404
    refused = client.post("/api/matters", headers=head, json={
        "node_id": village, "channel": "visit", "form": "individual", "kind": "claim", "category": "邻里纠纷",
        "summary": "宅基地边界纠纷", "petitioners": [{"name": "周九", "id_number": "11010519491231002X"}]})
    assert refused.status_code == 403
    # a grid worker's screening stays within the grid for anything but the community's work
    assert client.post("/api/reporting/submissions", headers=demo.headers("jj_grid"),
                       json={"node_id": village, "kind": "screening"}).status_code == 404


def test_every_demo_user_holds_the_roles_of_their_job(client, demo):
    for username, _name, _position, home, job in USERS:
        if username == "operator":
            continue
        me = client.get("/api/auth/me", headers=demo.headers(username)).json()
        held = sorted((a["role"], a["node"]) for a in me["assignments"])
        assert held == sorted(roles_of(home, job)), username
    leader = client.get("/api/auth/me", headers=demo.headers("xx_by_leader")).json()["permissions"]
    assert "matters:approve" in leader and "reception:write" in leader
