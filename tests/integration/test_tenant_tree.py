"""The tenant tree over HTTP: create, rename and move nodes, within the caller's reach only."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import select

from tests.integration.test_app_basics import assert_json_error
from xinfang.platform.accounts.models import RoleAssignment, User
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope

XIXIA, BAIYU, DANSHUI = "411323", "411323001", "411323100"
CHENGDONG = "411323001001"  # 城东社区 under 白羽街道, with grids -01 and -02 and the user xx_grid
JINJIANG, QINGYANG = "350582", "350582001"


@contextmanager
def system_db(app):
    with app.state.session_factory(scope=Scope.system(), bind=app.state.read_engine) as session:
        yield session


def create(client, demo, who: str, level: str, code: str, name: str, parent: str | None):
    body = {"level": level, "code": code, "name": name,
            "parent_id": demo.node(parent).id if parent else None}
    return client.post("/api/nodes", json=body, headers=demo.headers(who))




def audit(client, demo, who: str, **filters) -> list[dict]:
    response = client.get("/api/audit", params={"per_page": 200, **filters}, headers=demo.headers(who))
    assert response.status_code == 200, response.text
    return response.json()["items"]


def actor_id(client, demo, username: str) -> int:
    return client.get("/api/auth/me", headers=demo.headers(username)).json()["user"]["id"]


def test_county_admin_creates_every_level_below_the_county(client, demo, app):
    made = {}
    for level, code, name, parent in [
        ("township", "411323200", "回车镇", XIXIA),
        ("village", "411323200001", "回车村", "411323200"),
        ("grid", "411323200001-01", "回车村第一网格", "411323200001"),
        ("department", "411323-JYJ", "西峡县教育局", XIXIA),
    ]:
        response = create(client, demo, "xx_admin", level, code, name, parent)
        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["level"], body["code"], body["name"]) == (level, code, name)
        assert body["parent_id"] == demo.node(parent).id
        made[code] = body["id"]

    county, township, village = demo.node(XIXIA), demo.node("411323200"), demo.node("411323200001")
    grid, department = demo.node("411323200001-01"), demo.node("411323-JYJ")
    assert (grid.county_id, grid.township_id, grid.village_id, grid.grid_id) == \
        (county.id, township.id, village.id, grid.id)
    assert (department.county_id, department.department_id, department.township_id) == \
        (county.id, department.id, None)

    for reader in ("xx_admin", "xx_supervisor"):  # the supervisor reads the same county chain
        created = {(r["after"]["id"], r["after"]["code"])
                   for r in audit(client, demo, reader, action="create", object_type="nodes")}
        assert {(i, code) for code, i in made.items()} <= created


def test_create_audit_record_names_the_created_node(client, demo):
    response = create(client, demo, "xx_admin", "township", "411323200", "回车镇", XIXIA)
    assert response.status_code == 201, response.text
    records = [r for r in audit(client, demo, "xx_admin", action="create", object_type="nodes")
               if r["after"]["code"] == "411323200"]
    assert [r["object_id"] for r in records] == [str(response.json()["id"])]


INVALID = [  # (level, code, parent code, status)
    ("township", "41132320", XIXIA, 400),          # 8 digits instead of 9
    ("village", "4113230010011", BAIYU, 400),      # 13 digits
    ("grid", "411323001001", CHENGDONG, 400),      # no -suffix
    ("township", "350582300", XIXIA, 400),         # does not extend the parent's code
    ("village", "411323100301", BAIYU, 400),       # extends a sibling's code, not the parent's
    ("village", "411323000001", XIXIA, 400),       # a village directly under a county
    ("grid", "411323001-01", BAIYU, 400),          # a grid under a township
    ("department", "411323-XX", BAIYU, 400),       # a department under a township
    ("township", BAIYU, XIXIA, 409),               # duplicate code
    ("hamlet", "411323300", XIXIA, 400),           # unknown level
    ("township", "411323300", XIXIA, 400),         # blank name (below)
]


def test_invalid_nodes_are_refused_with_a_chinese_message(client, demo, app):
    with system_db(app) as s:
        before = len(s.scalars(select(Node.id)).all())
    for level, code, parent, status in INVALID:
        name = "   " if code == "411323300" and level == "township" else "测试节点"
        response = create(client, demo, "xx_admin", level, code, name, parent)
        assert response.status_code == status, (level, code, response.text)
        assert_json_error(response, status)
    with system_db(app) as s:
        assert len(s.scalars(select(Node.id)).all()) == before
    assert audit(client, demo, "xx_admin", action="create", actor_id=actor_id(client, demo, "xx_admin")) == []


def test_township_admin_creates_only_inside_own_township(client, demo, app):
    ok = create(client, demo, "xx_by_admin", "village", "411323001003", "新华社区", BAIYU)
    assert ok.status_code == 201, ok.text

    sibling = create(client, demo, "xx_by_admin", "village", "411323100203", "越权村", DANSHUI)
    assert sibling.status_code in (403, 404), sibling.text
    assert_json_error(sibling, sibling.status_code)

    other_county = create(client, demo, "xx_by_admin", "village", "350582001009", "越权社区", QINGYANG)
    assert other_county.status_code in (403, 404), other_county.text

    county = create(client, demo, "xx_by_admin", "county", "411324", "新县", None)
    assert_json_error(county, 403)

    # a township next to its own, under the county it does not manage
    township = create(client, demo, "xx_by_admin", "township", "411323300", "新镇", XIXIA)
    assert township.status_code in (403, 404), township.text

    with system_db(app) as s:
        codes = set(s.scalars(select(Node.code)))
    assert "411323001003" in codes
    assert not codes & {"411323100203", "350582001009", "411324", "411323300"}


def test_township_admin_cannot_rename_or_move_own_township(client, demo, app):
    baiyu = demo.node(BAIYU)
    renamed = client.patch(f"/api/nodes/{baiyu.id}", json={"name": "改名街道"}, headers=demo.headers("xx_by_admin"))
    assert_json_error(renamed, 403)
    for target in (XIXIA, JINJIANG):  # whichever the target, its own admin may not move it
        moved = client.post(f"/api/nodes/{baiyu.id}/move", json={"parent_id": demo.node(target).id},
                            headers=demo.headers("xx_by_admin"))
        assert_json_error(moved, 403)
    assert demo.node(BAIYU).name == "白羽街道"
    assert demo.node(BAIYU).parent_id == demo.node(XIXIA).id


def test_county_admin_renames_a_township(client, demo):
    danshui = demo.node(DANSHUI)
    response = client.patch(f"/api/nodes/{danshui.id}", json={"name": "丹水镇(新)"}, headers=demo.headers("xx_admin"))
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "丹水镇(新)"
    assert demo.node(DANSHUI).name == "丹水镇(新)"
    updates = audit(client, demo, "xx_admin", action="update", object_type="nodes")
    assert any(r["object_id"] == str(danshui.id) and r["before"] == {"name": "丹水镇"}
               and r["after"] == {"name": "丹水镇(新)"} for r in updates), updates


def test_county_admin_cannot_rename_the_other_county_or_its_townships(client, demo):
    response = client.patch(f"/api/nodes/{demo.node(QINGYANG).id}", json={"name": "越权"},
                            headers=demo.headers("xx_admin"))
    assert response.status_code in (403, 404), response.text
    assert demo.node(QINGYANG).name == "青阳街道"


def _township_admin_for(app, demo, township_code: str, username: str) -> None:
    from xinfang.platform import demo as demo_data
    from xinfang.platform.accounts.service import create_user, grant_role

    with app.state.session_factory(scope=Scope.system()) as s:
        node = s.scalar(select(Node).where(Node.code == township_code))
        user = create_user(s, username=username, display_name="丹水镇信访办主任", password=demo_data.DEMO_PASSWORD,
                           node=node, password_hash=demo_data._demo_hash())
        grant_role(s, None, user, "township_admin", node)
        s.commit()


def _usernames(client, demo, who: str) -> set[str]:
    response = client.get("/api/users", params={"per_page": 200}, headers=demo.headers(who))
    assert response.status_code == 200, response.text
    return {u["username"] for u in response.json()["items"]}


def test_moving_a_village_rebases_codes_and_carries_its_rows(client, demo, app):
    _township_admin_for(app, demo, DANSHUI, "xx_ds_admin")
    assert "xx_grid" in _usernames(client, demo, "xx_by_admin")
    assert "xx_grid" not in _usernames(client, demo, "xx_ds_admin")

    village, danshui = demo.node(CHENGDONG), demo.node(DANSHUI)
    response = client.post(f"/api/nodes/{village.id}/move", json={"parent_id": danshui.id},
                           headers=demo.headers("xx_admin"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["code"] == "411323100001" and body["parent_id"] == danshui.id
    assert body["records_moved"] > 0

    with system_db(app) as s:
        moved = s.get(Node, village.id)
        assert (moved.code, moved.parent_id, moved.township_id, moved.village_id) == \
            ("411323100001", danshui.id, danshui.id, village.id)
        grids = s.scalars(select(Node).where(Node.parent_id == village.id).order_by(Node.code)).all()
        assert [g.code for g in grids] == ["411323100001-01", "411323100001-02"]
        assert all(g.township_id == danshui.id and g.village_id == village.id for g in grids)
        assert s.scalar(select(Node.id).where(Node.code.startswith(CHENGDONG))) is None
        grid_worker = s.scalar(select(User).where(User.username == "xx_grid"))
        assert grid_worker.township_id == danshui.id and grid_worker.village_id == village.id
        assignment = s.scalar(select(RoleAssignment).where(RoleAssignment.user_id == grid_worker.id,
                                                      RoleAssignment.role == "grid_worker"))
        assert assignment.township_id == danshui.id and assignment.node_id == grids[0].id
        # the old township keeps its other village
        assert s.scalar(select(Node).where(Node.code == "411323001002")).township_id == demo.node(BAIYU).id

    assert "xx_grid" not in _usernames(client, demo, "xx_by_admin")
    assert "xx_grid" in _usernames(client, demo, "xx_ds_admin")
    # the old township's admin can no longer read the village; the new one can
    assert client.get(f"/api/nodes/{village.id}", headers=demo.headers("xx_by_admin")).status_code == 404
    read = client.get(f"/api/nodes/{village.id}", headers=demo.headers("xx_ds_admin"))
    assert read.status_code == 200 and {c["code"] for c in read.json()["children"]} == \
        {"411323100001-01", "411323100001-02"}

    moves = audit(client, demo, "xx_supervisor", action="move", object_type="nodes")
    assert [(m["object_id"], m["before"]["code"], m["after"]["code"]) for m in moves] == \
        [(str(village.id), CHENGDONG, "411323100001")]


def test_move_to_an_explicit_code_and_refused_moves(client, demo, app):
    village, danshui = demo.node("411323001002"), demo.node(DANSHUI)
    headers = demo.headers("xx_admin")
    bad_code = client.post(f"/api/nodes/{village.id}/move", json={"parent_id": danshui.id, "code": "411323001099"},
                           headers=headers)
    assert_json_error(bad_code, 400)
    taken = client.post(f"/api/nodes/{village.id}/move", json={"parent_id": danshui.id, "code": "411323100201"},
                        headers=headers)
    assert_json_error(taken, 409)
    wrong_level = client.post(f"/api/nodes/{village.id}/move", json={"parent_id": demo.node(XIXIA).id},
                              headers=headers)
    assert_json_error(wrong_level, 400)
    same_parent = client.post(f"/api/nodes/{village.id}/move", json={"parent_id": demo.node(BAIYU).id},
                              headers=headers)
    assert_json_error(same_parent, 409)
    assert demo.node("411323001002").parent_id == demo.node(BAIYU).id

    ok = client.post(f"/api/nodes/{village.id}/move", json={"parent_id": danshui.id, "code": "411323100299"},
                     headers=headers)
    assert ok.status_code == 200, ok.text
    assert demo.node("411323100299").id == village.id


def test_county_admin_cannot_move_a_village_into_the_other_county(client, demo, app):
    village = demo.node("411323001002")
    response = client.post(f"/api/nodes/{village.id}/move", json={"parent_id": demo.node(QINGYANG).id},
                           headers=demo.headers("xx_admin"))
    assert response.status_code in (403, 404), response.text
    assert_json_error(response, response.status_code)
    after = demo.node("411323001002")
    assert (after.parent_id, after.county_id) == (demo.node(BAIYU).id, demo.node(XIXIA).id)
    assert audit(client, demo, "xx_admin", action="move") == []
