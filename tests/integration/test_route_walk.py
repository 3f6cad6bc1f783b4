"""Outside in, over HTTP, against every registered route (not a hand-made list).

- A 纪工委 supervisor gets 403 from every mutating route and an answer from every GET route
  inside their scope.
- Users of the other county and of a sibling township, calling every route that has an id
  in its path with ids from the first township, get no 2xx and no 5xx.
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from tests.routes import MUTATING, PUBLIC_ROUTES, Route, walk
from xinfang.platform.accounts.models import RoleAssignment, User
from xinfang.platform.people.models import Person

BAIYU_VILLAGE = "411323001001"  # 城东社区, in 白羽街道 of 西峡县
# Query strings that GET routes need to answer at all.
QUERIES = {"/api/calendar/deadline": {"start": "2026-10-08", "amount": "15", "unit": "calendar_days"}}
OUTSIDERS = ["jj_admin", "jj_officer", "jj_leader", "jj_supervisor", "jj_handler", "jj_qy_admin", "jj_grid",
             "xx_ds_officer"]


@pytest.fixture
def ids(app, demo, system_session):
    """One id of each kind, all inside 白羽街道 (so inside 西峡县 too)."""
    village = demo.node(BAIYU_VILLAGE)
    person = Person(node_id=village.id, name="张三", id_number="11010519491231002X", phone="13812345678",
                    address="城东社区1号")
    system_session.add(person)
    system_session.commit()
    officer = system_session.scalar(select(User).where(User.username == "xx_by_officer"))
    assignment = system_session.scalar(select(RoleAssignment).where(RoleAssignment.user_id == officer.id))
    return {"node_id": village.id, "user_id": officer.id, "assignment_id": assignment.id, "person_id": person.id,
            "year": 2026, "matter_id": _matter(app, demo), "action": "accept", "county_id": demo.node("411323").id}


def _matter(app, demo) -> int:
    """A matter registered by 白羽街道 (as its officer would, through the service)."""
    from xinfang.platform.accounts.service import authenticate
    from xinfang.platform.matters.service import MatterIn, PetitionerIn, register
    from xinfang.tenants.scope import Scope

    with app.state.session_factory(scope=Scope.system()) as s:
        actor = authenticate(s, app.state.policy, demo.token("xx_by_officer"), app.state.settings.secret_key)
        matter = register(s, actor, MatterIn(
            node_id=demo.node("411323001").id, channel="visit", form="individual", kind="claim", category="欠薪",
            summary="反映工地欠薪", petitioners=[PetitionerIn("赵六", "11010519491231002X")]))
        s.commit()
        return matter.id


def _bodies(demo) -> dict[tuple[str, str], dict]:
    """Well-formed bodies, so that a refusal can only come from authorization."""
    ds = demo.node("411323100")
    return {
        ("POST", "/api/nodes"): {"level": "village", "code": "411323001077", "name": "新社区",
                                 "parent_id": demo.node("411323001").id},
        ("PATCH", "/api/nodes/{node_id:int}"): {"name": "改名"},
        ("POST", "/api/nodes/{node_id:int}/move"): {"parent_id": ds.id},
        ("POST", "/api/users"): {"username": "new_user", "display_name": "新用户", "password": "abc12345x",
                                 "node_id": demo.node("411323001").id},
        ("PATCH", "/api/users/{user_id:int}"): {"display_name": "改名"},
        ("POST", "/api/users/{user_id:int}/roles"): {"role": "grid_worker", "node_id": demo.node(BAIYU_VILLAGE).id},
        ("POST", "/api/people"): {"node_id": demo.node(BAIYU_VILLAGE).id, "name": "李四",
                                  "id_number": "11010519491231002X"},
        ("PUT", "/api/calendar/years/{year:int}"): {"title": "测试", "document_number": "国办发明电〔2025〕1号",
                                                     "holidays": [], "workdays": []},
        ("POST", "/api/matters"): {"node_id": demo.node("411323001").id, "channel": "visit", "form": "individual",
                                   "kind": "claim", "category": "欠薪", "summary": "反映欠薪",
                                   "petitioners": [{"name": "钱七", "id_number": "11010519491231002X"}]},
        ("POST", "/api/matters/{matter_id:int}/actions/{action:str}"): {"on": "2026-11-01"},
        ("POST", "/api/matters/{matter_id:int}/follow-ups"): {"satisfaction": "satisfied",
                                                               "stopped_petitioning": True},
        ("PUT", "/api/counties/{county_id:int}/matter-rules"): {"due_soon_days": 5},
    }


def _call(client, route: Route, values: dict, headers: dict, bodies: dict):
    url = route.url(values)
    if route.path == "/api/nodes/import":
        return client.post(url, headers=headers, files={"data": ("tree.csv", io.BytesIO("层级,代码,名称,上级代码\n".encode()))})
    body = bodies.get((route.method, route.path), {})
    return client.request(route.method, url, headers=headers, params=QUERIES.get(route.path),
                          json=body if route.method in MUTATING else None)


def _routes(app):
    return [r for r in walk(app) if (r.method, r.path) not in PUBLIC_ROUTES]


def test_supervisor_cannot_change_anything(app, client, demo, ids):
    bodies = _bodies(demo)
    answers = {(r.method, r.path): _call(client, r, ids, demo.headers("xx_supervisor"), bodies).status_code
               for r in _routes(app) if r.method in MUTATING}
    assert answers and all(code == 403 for code in answers.values()), answers


def test_supervisor_reads_every_get_route_in_scope(app, client, demo, ids):
    answers = {r.path: _call(client, r, ids, demo.headers("xx_supervisor"), {}) for r in _routes(app)
               if r.method == "GET"}
    bad = {path: (resp.status_code, resp.text[:200]) for path, resp in answers.items() if not 200 <= resp.status_code < 300}
    assert answers and bad == {}


def test_other_county_and_sibling_township_get_nothing(app, client, demo, ids):
    bodies = _bodies(demo)
    with_ids = [r for r in _routes(app) if r.has_id]
    assert len(with_ids) >= 8
    leaks = []
    for username in OUTSIDERS:
        for route in with_ids:
            resp = _call(client, route, ids, demo.headers(username), bodies)
            if resp.status_code < 300 or resp.status_code >= 500:
                leaks.append((username, route.method, route.path, resp.status_code))
    assert leaks == []


def test_owners_reach_the_same_ids(app, client, demo, ids):
    """The ids above are real: inside the county, its admin or supervisor gets them."""
    for route in [r for r in _routes(app) if r.has_id and r.method == "GET"]:
        ok = [_call(client, route, ids, demo.headers(u), {}).status_code for u in ("xx_admin", "xx_supervisor")]
        assert any(200 <= code < 300 for code in ok), (route.path, ok)


def test_unknown_id_parameters_get_a_sample(app):
    """A new route with an id kind this walk does not know must add a sample above."""
    known = {"node_id", "user_id", "assignment_id", "person_id", "year", "matter_id", "action", "county_id"}
    assert {name for r in walk(app) for name, _ in r.params} <= known
