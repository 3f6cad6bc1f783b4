"""Shared steps of the 信访秩序集中整治 tests (and the route walk's samples): the county's
catalogue, a legal reviewer, the campaign for townships, people with a matter each, and
incidents recorded, evidenced and confirmed over HTTP."""

from __future__ import annotations

COUNTY, BAIYU, DANSHUI = "411323", "411323001", "411323100"
REVIEWER = "xx_legal"
PASSWORD = "Xinfang-Legal-2026"
CATALOGUE = (("围堵县行政中心", "art26_1"), ("携带管制器具到信访接待场所", "art26_2"),
             ("在信访接待场所滞留滋事", "art26_4"), ("多人走访不推选代表", "art20"))
SAMPLE_PARAMETERS = {"petition_order_id", "incident_id"}


def ok(resp, status=200):
    assert resp.status_code == status, resp.text
    return resp.json()


def id_number(seq: int) -> str:
    body = f"41132319800101{seq:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def catalogue(client, demo) -> dict[str, int]:
    found = {}
    for name, clause in CATALOGUE:
        row = ok(client.post("/api/petition-order/behaviours", headers=demo.headers("xx_admin"),
                             json={"name": name, "clause": clause, "description": f"{name}的行为"}), 201)
        found[clause] = row["id"]
    return found


def reviewer(client, demo) -> None:
    """A county legal reviewer (the plugin's role), granted by the county admin."""
    user = ok(client.post("/api/users", headers=demo.headers("xx_admin"), json={
        "username": REVIEWER, "display_name": "法制审核员赵律", "password": PASSWORD,
        "node_id": demo.node(COUNTY).id}), 201)
    ok(client.post(f"/api/users/{user['id']}/roles", headers=demo.headers("xx_admin"),
                   json={"role": "legal_reviewer", "node_id": demo.node(COUNTY).id}), 201)


def enable(client, demo, starts_on: str, townships=(BAIYU, DANSHUI)) -> int:
    return ok(client.post("/api/campaigns", headers=demo.headers("xx_admin"), json={
        "type": "petition_order", "title": "信访秩序集中整治行动", "starts_on": starts_on,
        "scope_node_ids": [demo.node(code).id for code in townships]}), 201)["id"]


def person_with_matter(client, demo, code: str, user: str, name: str, seq: int, received_on: str) -> tuple[int, int]:
    """A petitioner whose matter the township registers (and so whose file it opens): (person, matter)."""
    matter = ok(client.post("/api/matters", headers=demo.headers(user), json={
        "node_id": demo.node(code).id, "channel": "visit", "form": "individual", "kind": "claim",
        "category": "城镇房屋拆迁", "summary": f"{name}反映房屋拆迁补偿未到位", "received_on": received_on,
        "petitioners": [{"name": name, "id_number": id_number(seq)}]}), 201)
    return matter["petitioners"][0]["person_id"], matter["id"]


def incident(client, demo, campaign_id, code, user, behaviour_id, person_ids, occurred_on, account) -> int:
    return ok(client.post(f"/api/campaigns/{campaign_id}/petition-order/incidents", headers=demo.headers(user), json={
        "node_id": demo.node(code).id, "behaviour_id": behaviour_id, "occurred_on": occurred_on,
        "place": "县行政中心东门", "account": account, "person_ids": list(person_ids)}), 201)["id"]


def evidence(client, demo, incident_id, user, content: bytes = b"video-frame") -> dict:
    return ok(client.post(f"/api/petition-order/incidents/{incident_id}/evidence", headers=demo.headers(user),
                          files={"files": ("现场照片.jpg", content, "image/jpeg")}), 201)


def confirm(client, demo, incident_id) -> dict:
    return ok(client.post(f"/api/petition-order/incidents/{incident_id}/review", headers=demo.headers(REVIEWER),
                          json={"decision": "confirm", "note": "事实清楚,条款适用正确"}))


def order_samples(client, demo) -> dict[str, object]:
    """For the route walk: a campaign for 白羽街道 with one confirmed incident there."""
    behaviours = catalogue(client, demo)
    reviewer(client, demo)
    from xinfang.platform import clock

    today = clock.today()
    campaign_id = enable(client, demo, today.isoformat(), (BAIYU,))
    person_id, _ = person_with_matter(client, demo, BAIYU, "xx_by_officer", "孙八", 7, today.isoformat())
    incident_id = incident(client, demo, campaign_id, BAIYU, "xx_by_officer", behaviours["art26_1"], [person_id],
                           today.isoformat(), "孙八等人围堵办公楼大门")
    evidence(client, demo, incident_id, "xx_by_officer")
    confirm(client, demo, incident_id)
    return {"petition_order_id": campaign_id, "incident_id": incident_id}
