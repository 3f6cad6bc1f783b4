"""一人一档 over the API: a person's file lists every matter of that identity number the viewer
may see, across the files different nodes keep, and nothing a viewer may not see."""

from __future__ import annotations

PERSON = {"name": "王五", "id_number": "11010519491231002X"}


def _register(client, demo, user, node_code, summary):
    body = {"node_id": demo.node(node_code).id, "channel": "visit", "form": "individual", "kind": "claim",
            "category": "其他", "summary": summary, "petitioners": [PERSON]}
    resp = client.post("/api/matters", json=body, headers=demo.headers(user))
    assert resp.status_code == 201, resp.text
    return resp.json()


def test_the_person_file_lists_the_matters_the_viewer_may_see(client, demo):
    township = _register(client, demo, "xx_by_officer", "411323001", "反映村道损坏")
    county = _register(client, demo, "xx_officer", "411323", "反映拖欠工资")
    person_id = client.get(f"/api/matters/{township['id']}", headers=demo.headers("xx_by_officer")).json()[
        "petitioners"][0]["person_id"]

    seen = client.get(f"/api/people/{person_id}/matters", headers=demo.headers("xx_officer"))
    assert seen.status_code == 200, seen.text
    assert {m["number"] for m in seen.json()["items"]} == {township["number"], county["number"]}
    # the township sees its own matter, not the county's
    own = client.get(f"/api/people/{person_id}/matters", headers=demo.headers("xx_by_officer")).json()["items"]
    assert [m["number"] for m in own] == [township["number"]]
    # another township and another county do not reach the file at all
    for outsider in ("xx_ds_officer", "jj_officer"):
        assert client.get(f"/api/people/{person_id}/matters", headers=demo.headers(outsider)).status_code == 404
