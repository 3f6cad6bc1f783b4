"""月排队讲评: a month's ranking is published and frozen; a matter is corrected afterwards; the
published version is unchanged (same rows, same hash) while a new version, with its reason,
shows the difference. Values worked out by hand from statistics_samples.py (March 2026)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.integration import statistics_samples
from xinfang.platform.matters.models import FollowUp
from xinfang.platform.statistics.models import Ranking

pytestmark = pytest.mark.today(2026, 4, 15)


def _url(demo, suffix=""):
    return f"/api/statistics/counties/{demo.node('411323').id}/rankings{suffix}"


def test_publish_freeze_correct(client, demo, system_session):
    ids = statistics_samples.load(system_session)
    officer = demo.headers("xx_officer")
    # weights: 按期办结率 only; groups: fewer than 2 件次, 2 and more
    rules = client.put(f"/api/statistics/counties/{demo.node('411323').id}/ranking-rules", headers=officer,
                       json={"weights": {"on_time_closing": 60, "stopped_petitioning": 40}, "volume_bounds": [2]})
    assert rules.status_code == 200, rules.text
    preview = client.get(_url(demo), headers=officer, params={"period": "2026-03"}).json()
    rows = {r["name"]: (r["group"], r["rank"], r["score"], r["volume"]) for r in preview["rows"]}
    # 白羽街道: 2 件次 (group 1); 按期办结 1/1, 息诉罢访 1/1 → 100. 丹水镇: 1 件次 (group 0); 按期办结 0/1,
    # no closed matter → score 0 on 按期办结率 alone
    assert rows == {"白羽街道": (1, 1, 100.0, 2), "丹水镇": (0, 1, 0.0, 1)}
    assert preview["versions"] == []

    first = client.post(_url(demo), headers=officer, json={"period": "2026-03"})
    assert first.status_code == 201, first.text
    v1 = first.json()
    assert v1["version"] == 1 and v1["intact"] and len(v1["sha256"]) == 64
    again = client.post(_url(demo), headers=officer, json={"period": "2026-03"})
    assert again.status_code == 400 and "更正原因" in again.json()["message"]
    unchanged = client.post(_url(demo), headers=officer, json={"period": "2026-03", "reason": "复核"})
    assert unchanged.status_code == 409

    # a correction of the data: M1's follow-up is found to have been recorded wrongly
    follow_up = system_session.scalar(select(FollowUp).where(FollowUp.matter_id == ids["M1"]))
    follow_up.stopped_petitioning = False
    system_session.commit()

    stored = client.get(f"/api/statistics/rankings/{v1['id']}", headers=officer).json()
    assert stored["rows"] == v1["rows"] and stored["sha256"] == v1["sha256"] and stored["intact"]
    second = client.post(_url(demo), headers=officer, json={"period": "2026-03", "reason": "白羽街道回访记录更正"})
    assert second.status_code == 201, second.text
    v2 = second.json()
    assert v2["version"] == 2 and v2["reason"] == "白羽街道回访记录更正"
    # 白羽街道: 60×1 + 40×0 = 60
    assert v2["changes"] == [{"node_id": demo.node("411323001").id, "name": "白羽街道",
                              "changed": {"score": {"before": 100.0, "after": 60.0}}}]
    listing = client.get(_url(demo), headers=officer, params={"period": "2026-03"}).json()
    assert [v["version"] for v in listing["versions"]] == [1, 2]
    assert listing["versions"][0]["rows"] == v1["rows"]

    # frozen in the database layer too
    row = system_session.get(Ranking, v1["id"])
    row.reason = "改写"
    with pytest.raises(RuntimeError, match="frozen"):
        system_session.flush()
    system_session.rollback()

    # only the county publishes; a township neither publishes nor reads the county's ranking
    township = demo.headers("xx_by_officer")
    assert client.post(_url(demo), headers=township, json={"period": "2026-03", "reason": "x"}).status_code in (403, 404)
    assert client.get(_url(demo), headers=township, params={"period": "2026-03"}).status_code == 404
    told = client.get("/statistics/ranking", headers=township)
    assert told.status_code == 200 and "只有县级可以查看" in told.text and "白羽街道回访记录更正" not in told.text
    assert client.post(_url(demo), headers=officer, json={"period": "2026-04"}).status_code == 400  # month not over
    page = client.get("/statistics/ranking", headers=officer, params={"period": "2026-03"})
    assert page.status_code == 200 and "第2版" in page.text and "白羽街道回访记录更正" in page.text
    assert "哈希校验一致" in page.text
