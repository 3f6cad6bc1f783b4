"""A past campaign's figures are as of its own dates (its 应列尽列 the matters open on its last
day, its report "截至" that day), and the metrics API judges each metric as the plugin's report does."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from xinfang.platform.campaigns.models import Campaign
from xinfang.platform.matters.models import Matter
from xinfang.plugins.petition_month.documents import Options, build_summary
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope

QINGYANG = "350582001"


def _matter(client, demo, received_on, name, id_number, **extra):
    resp = client.post("/api/matters", headers=demo.headers("jj_qy_officer"), json={
        "node_id": demo.node(QINGYANG).id, "channel": "visit", "form": "individual", "kind": "claim",
        "category": "房地产", "summary": f"{name}反映问题", "received_on": received_on,
        "petitioners": [{"name": name, "id_number": id_number}], **extra})
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_a_past_campaign_counts_its_backlog_as_of_its_last_day(app, client, demo, clock, system_session):
    clock.on(2024, 9, 15)
    enabled = client.post("/api/campaigns", headers=demo.headers("jj_admin"), json={
        "type": "petition_month", "title": "信访月", "starts_on": "2024-09-15",
        "scope_node_ids": [demo.node(QINGYANG).id]})
    assert enabled.status_code == 201, enabled.text
    cid = enabled.json()["id"]
    clock.on(2024, 9, 20)
    then = _matter(client, demo, "2024-09-20", "蔡某", "110105198001010016", overreach="province")
    # closed long after the campaign: on its last day it was still open and due on the backlog list
    system_session.execute(update(Matter).where(Matter.id == then["id"]).values(state="closed",
                                                                                  closed_on=dt.date(2025, 1, 10)))
    system_session.commit()
    clock.on(2026, 11, 20)
    _matter(client, demo, "2026-11-20", "许某", "11010519491231002X", overreach="province")  # after the campaign

    metrics = {m["key"]: m for m in client.get(f"/api/campaigns/{cid}/metrics", headers=demo.headers("jj_admin"),
                                               params={"node_id": demo.node(QINGYANG).id}).json()}
    listing = metrics["listing"]["detail"]
    assert (listing["due"], listing["unlisted_numbers"]) == (1, [then["number"]])
    assert metrics["listing"]["value"] == 0.0 and metrics["listing"]["met"] is False
    # one metric, one answer: a trend (no numeric target) is judged, not left null
    assert metrics["total"]["target"] is None and metrics["total"]["met"] is metrics["total"]["detail"]["down"]
    assert metrics["total"]["met"] is False  # 1 matter against none in the days before

    with app.state.session_factory(scope=Scope.system()) as s:
        campaign, node = s.get(Campaign, cid), s.get(Node, demo.node(QINGYANG).id)
        inputs = build_summary(s, campaign, node, Options(today=dt.date(2026, 11, 20)))
    text = str(inputs)
    assert "截至2024年10月15日，超期、重复和进京到省的在办信访事项1件" in text and "2026年11月20日" not in text
