"""The matters list filters by 信访形式 (``form``), and a filter it does not know is refused,
not ignored."""

from __future__ import annotations

TOWNSHIP = "411323001"


def _register(client, demo, form, headcount, seq):
    resp = client.post("/api/matters", headers=demo.headers("xx_by_officer"), json={
        "node_id": demo.node(TOWNSHIP).id, "channel": "visit", "form": form, "headcount": headcount,
        "kind": "claim", "category": "城镇房屋拆迁", "summary": f"拆迁安置问题{seq}",
        "petitioners": [{"name": f"张{seq}", "id_number": ("11010519491231002X", "110105198001010016")[seq]}]})
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_form_filters_and_unknown_filters_are_refused(client, demo):
    one = _register(client, demo, "individual", 1, 0)
    many = _register(client, demo, "collective", 6, 1)
    officer = demo.headers("xx_by_officer")

    def numbers(**params):
        resp = client.get("/api/matters", headers=officer, params=params)
        assert resp.status_code == 200, resp.text
        return {m["number"] for m in resp.json()["items"]}

    assert numbers() == {one["number"], many["number"]}
    assert numbers(form="collective") == {many["number"]}
    assert numbers(form="individual", open="true") == {one["number"]}
    bad = client.get("/api/matters", headers=officer, params={"form": "crowd"})
    assert bad.status_code == 400 and "信访形式应为" in bad.json()["message"]
    unknown = client.get("/api/matters", headers=officer, params={"from": "2026-01-01", "form": "collective"})
    assert unknown.status_code == 400
    assert "不支持的查询参数：from" in unknown.json()["message"] and "received_from" in unknown.json()["message"]
    # the export takes the same filters
    export = client.get("/api/matters/export", headers=officer, params={"form": "collective", "formt": "csv"})
    assert export.status_code == 400 and "formt" in export.json()["message"]
    # who is not logged in is told so first
    assert client.get("/api/matters", params={"nonsense": "1"}).status_code == 401
