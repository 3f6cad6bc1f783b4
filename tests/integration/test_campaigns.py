"""Campaign plugins: an outside package is installed and usable; an admin enables a
campaign for part of the tree; duties, ticks with evidence, progress, metrics, closing."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from litestar.testing import TestClient

from xinfang.platform.app import create_app
from xinfang.platform.extensions.manager import build_plugin_manager

EXAMPLE = Path(__file__).resolve().parents[1] / "example_campaign"
START = "2026-11-16"  # a Monday
ON = "2026-11-22"


def test_an_outside_package_is_pip_installed_listed_and_usable(tmp_path):
    target, source = tmp_path / "site", tmp_path / "example_campaign"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--target", str(target), str(source)], check=True, capture_output=True)
    script = f"""
import json, sys
from dataclasses import replace
from litestar.testing import TestClient
from xinfang.platform.settings import Settings
from xinfang.platform.cli import upgrade_database, _system_session
from xinfang.platform import demo
from xinfang.platform.app import create_app
settings = replace(Settings(), database_url="sqlite:///{tmp_path}/x.db", run_background=False, secret_key="s")
upgrade_database(settings)
with _system_session(settings) as s:
    demo.load(s); s.commit()
with TestClient(create_app(settings)) as c:
    token = c.post("/api/auth/login", json={{"username": "xx_admin", "password": demo.DEMO_PASSWORD}}).json()["token"]
    h = {{"Authorization": "Bearer " + token}}
    types = [t["key"] for t in c.get("/api/campaign-types", headers=h).json()]
    county = c.get("/api/nodes", params={{"level": "county"}}, headers=h).json()["items"][0]["id"]
    made = c.post("/api/campaigns", headers=h, json={{"type": "no_petition_village", "title": "无访村争创",
                  "scope_node_ids": [county], "starts_on": "{START}"}})
    village = c.get("/api/nodes", params={{"level": "village"}}, headers=h).json()["items"][0]["id"]
    honoured = c.post("/api/no-petition-village/honours", headers=h, json={{"node_id": village, "year": 2026}})
    listed = c.get("/api/no-petition-village/honours", headers=h).json()
    print(json.dumps({{"types": types, "status": made.status_code, "phases": [p["name"] for p in made.json()["phases"]],
                      "honoured": honoured.status_code, "listed": [r["node_id"] for r in listed], "village": village}}))
"""
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "no_petition_village" in result["types"]
    assert result["status"] == 201 and result["phases"] == ["申报", "评选"]
    # its own table, created by its own Alembic branch during `upgrade_database`, written and read
    assert result["honoured"] == 201 and result["listed"] == [result["village"]]


@pytest.fixture
def plugin():
    sys.path.insert(0, str(EXAMPLE))
    try:
        yield importlib.import_module("xinfang_example_campaign.plugin")
    finally:
        sys.path.remove(str(EXAMPLE))


@pytest.fixture
def campaign_settings(request, settings):
    """The suite's settings; a test may set the upload limit in MB (indirect parameter)."""
    megabytes = getattr(request, "param", None)
    return replace(settings, upload_max_bytes=megabytes * 2**20) if megabytes else replace(settings)


@pytest.fixture
def campaign_client(campaign_settings, plugin, demo):
    from xinfang.permissions.store import sync_policy
    from xinfang.tenants.scope import Scope

    manager = build_plugin_manager([plugin], load_entry_points=False)
    app = create_app(campaign_settings, plugins=manager)
    with app.state.session_factory(scope=Scope.system()) as s:
        sync_policy(s, manager)
        s.commit()
    with TestClient(app=app, raise_server_exceptions=False) as client:
        yield client
    app.state.engine.dispose()


def _enable(client, demo, scope=("411323001",), user="xx_admin"):
    return client.post("/api/campaigns", headers=demo.headers(user), json={
        "type": "no_petition_village", "title": "2026年“无访村”争创", "starts_on": START,
        "scope_node_ids": [demo.node(code).id for code in scope]})


def test_enabled_for_one_township_only(campaign_client, demo):
    c = campaign_client
    resp = _enable(c, demo)
    assert resp.status_code == 201, resp.text
    campaign = resp.json()
    assert [p["starts_on"] for p in campaign["phases"]] == ["2026-11-16", "2026-11-23"]
    assert c.get("/api/campaigns", headers=demo.headers("xx_by_officer")).json()["total"] == 1
    # the sibling township, and the other county, see nothing of it
    for outsider in ("xx_ds_officer", "jj_officer", "jj_admin"):
        assert c.get("/api/campaigns", headers=demo.headers(outsider)).json()["total"] == 0
        assert c.get(f"/api/campaigns/{campaign['id']}", headers=demo.headers(outsider)).status_code == 404
    # a township admin cannot enable it for the sibling township
    assert _enable(c, demo, scope=("411323100",), user="xx_by_admin").status_code == 404


def test_duties_ticks_evidence_and_progress(campaign_client, demo):
    c = campaign_client
    campaign = _enable(c, demo).json()
    village = demo.node("411323001001")
    duties = c.get(f"/api/campaigns/{campaign['id']}/duties", params={"node_id": village.id, "on": ON},
                   headers=demo.headers("xx_by_officer")).json()["duties"]
    assert [(d["item"], d["required"], d["done"]) for d in duties] == [("weekly_visit", 1, 0)]
    url = f"/api/campaigns/{campaign['id']}/ticks"
    form = {"node_id": str(village.id), "checklist": "village_visits", "item": "weekly_visit", "done_on": "2026-11-18"}
    no_evidence = c.post(url, data=form, files={"note": (None, "")}, headers=demo.headers("xx_by_officer"))
    assert no_evidence.status_code == 400 and "佐证" in no_evidence.json()["message"]
    ok = c.post(url, data={**form, "note": "走访12户"}, files={"files": ("走访记录.txt", "走访记录".encode())},
                headers=demo.headers("xx_by_officer"))
    assert ok.status_code == 201, ok.text
    assert ok.json()["period"] == "2026-W47" and len(ok.json()["evidence"][0]["sha256"]) == 64
    # kept in the one file store: by content, whole, no temporary file left beside it
    root = Path(c.app.state.settings.storage_dir)
    digest = ok.json()["evidence"][0]["sha256"]
    assert (root / "evidence" / digest[:2] / digest).read_bytes() == "走访记录".encode()
    assert not list(root.rglob("*.part"))
    again = c.post(url, data=form, files={"note": (None, "再次")}, headers=demo.headers("xx_by_officer"))
    assert again.status_code == 409
    assert c.post(url, data=form, files={"note": (None, "x")},
                  headers=demo.headers("xx_supervisor")).status_code == 403

    progress = c.get(f"/api/campaigns/{campaign['id']}/progress", params={"on": ON},
                     headers=demo.headers("xx_supervisor")).json()
    assert progress["total_required"] == 2 and progress["total_done"] == 1
    township = progress["children"][0]
    behind = {child["code"]: child["behind"] for child in township["children"]}
    assert behind["411323001001"] == [] and behind["411323001002"][0]["item"] == "weekly_visit"


def test_metrics_and_closing_early(campaign_client, demo):
    c = campaign_client
    campaign = _enable(c, demo).json()
    metrics = c.get(f"/api/campaigns/{campaign['id']}/metrics", headers=demo.headers("xx_by_officer")).json()
    assert metrics[0]["key"] == "clean_share" and metrics[0]["value"] == 1.0 and metrics[0]["met"] is True
    assert c.post(f"/api/campaigns/{campaign['id']}/close", json={"note": "提前完成"},
                  headers=demo.headers("xx_by_admin")).status_code == 403, "only the enabling county closes it"
    closed = c.post(f"/api/campaigns/{campaign['id']}/close", json={"note": "提前完成", "on": ON},
                    headers=demo.headers("xx_admin"))
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    late = c.post(f"/api/campaigns/{campaign['id']}/ticks", headers=demo.headers("xx_by_officer"),
                  data={"node_id": str(demo.node("411323001001").id), "checklist": "village_visits",
                        "item": "weekly_visit", "done_on": "2026-11-18"}, files={"note": (None, "补登")})
    assert late.status_code == 409


def test_moving_phase_dates(campaign_client, demo):
    c = campaign_client
    campaign = _enable(c, demo).json()
    moved = c.patch(f"/api/campaigns/{campaign['id']}/phases", headers=demo.headers("xx_admin"),
                    json={"assess": {"starts_on": "2026-11-25", "ends_on": "2026-12-05"}})
    assert moved.status_code == 200, moved.text
    assert [p["starts_on"] for p in moved.json()["phases"]] == ["2026-11-16", "2026-11-25"]
    bad = c.patch(f"/api/campaigns/{campaign['id']}/phases", headers=demo.headers("xx_admin"),
                  json={"assess": {"starts_on": "2026-12-25", "ends_on": "2026-12-10"}})
    assert bad.status_code == 400
    beyond = c.patch(f"/api/campaigns/{campaign['id']}/phases", headers=demo.headers("xx_admin"),
                     json={"assess": {"starts_on": "2026-11-25", "ends_on": "2026-12-10"}})
    assert beyond.status_code == 400 and "活动期间" in beyond.json()["message"], "the campaign ends on 6 December"


def test_phase_entered_fires_once_per_phase(app, demo, campaign_client):
    import datetime as dt

    from xinfang.platform.campaigns.phases import enter_phases
    from xinfang.platform.extensions.hookspecs import hookimpl

    seen = []

    class Listener:
        @hookimpl
        def xinfang_on_phase_entered(self, campaign, phase, session):
            seen.append((campaign.title, phase.key, phase.starts_on.isoformat()))

    _enable(campaign_client, demo)
    manager = build_plugin_manager([Listener()], load_entry_points=False)
    factory = app.state.session_factory
    assert enter_phases(factory, dt.date(2026, 11, 15), manager) == 0
    assert enter_phases(factory, dt.date(2026, 11, 16), manager) == 1
    assert enter_phases(factory, dt.date(2026, 11, 16), manager) == 0  # once
    assert enter_phases(factory, dt.date(2026, 11, 30), manager) == 1
    assert seen == [("2026年“无访村”争创", "declare", "2026-11-16"), ("2026年“无访村”争创", "assess", "2026-11-23")]


@pytest.mark.parametrize("campaign_settings", [1], indirect=True)
def test_evidence_over_the_one_upload_limit_is_refused_and_nothing_is_kept(campaign_client, demo):
    c = campaign_client
    campaign = _enable(c, demo).json()
    village = demo.node("411323001001")
    form = {"node_id": str(village.id), "checklist": "village_visits", "item": "weekly_visit", "done_on": "2026-11-18",
            "note": "走访12户"}
    big = b"x" * (2**20 + 1)  # XINFANG_UPLOAD_MAX_MB=1
    resp = c.post(f"/api/campaigns/{campaign['id']}/ticks", data=form, files={"files": ("照片.jpg", big)},
                  headers=demo.headers("xx_by_officer"))
    assert resp.status_code == 400 and resp.json()["message"] == "单个佐证材料不能超过1MB"
    assert not (Path(c.app.state.settings.storage_dir) / "evidence").exists()
    duties = c.get(f"/api/campaigns/{campaign['id']}/duties", params={"node_id": village.id, "on": ON},
                   headers=demo.headers("xx_by_officer")).json()["duties"]
    assert [d["done"] for d in duties] == [0]
