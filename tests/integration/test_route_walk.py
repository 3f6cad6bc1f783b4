"""Outside in, over HTTP, against every registered route (not a hand-made list).

- A 纪工委 supervisor gets 403 from every mutating route and an answer from every GET route
  inside their scope.
- Users of the other county and of a sibling township, calling every route that has an id
  in its path with ids from the first township, get no 2xx and no 5xx.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import select

from tests.integration.campaign_samples import SAMPLE_PARAMETERS as CAMPAIGN_PARAMETERS
from tests.integration.campaign_samples import backlog_year_samples, petition_month_samples
from tests.integration.ledger_samples import SAMPLE_PARAMETERS, ledger_bodies, ledger_samples
from tests.integration.order_samples import SAMPLE_PARAMETERS as ORDER_PARAMETERS
from tests.integration.order_samples import order_samples
from tests.integration.statistics_samples import SAMPLE_PARAMETERS as STATISTICS_PARAMETERS
from tests.integration.statistics_samples import ranking_bodies, ranking_samples
from tests.integration.supervision_samples import MULTIPART, supervision_bodies, supervision_samples
from tests.integration.supervision_samples import SAMPLE_PARAMETERS as SUPERVISION_PARAMETERS
from tests.routes import AUTHENTICATED, MUTATING, PUBLIC_ROUTES, Route, walk
from xinfang.permissions.roles import is_read_only
from xinfang.platform.accounts.models import RoleAssignment, User
from xinfang.platform.notifications.models import Notification
from xinfang.platform.people.models import Person

BAIYU_VILLAGE = "411323001001"  # 城东社区, in 白羽街道 of 西峡县
# Query strings that GET routes need to answer at all.
QUERIES = {"/api/calendar/deadline": {"start": "2026-10-08", "amount": "15", "unit": "calendar_days"},
           "/api/reception/nodes/{node_id:int}/visit-counts": {"start": "2026-01-01", "end": "2026-12-31"},
           "/api/statistics/counties/{county_id:int}/rankings": {"period": "2026-10"},
           "/api/statistics/nodes/{node_id:int}/no-petition-villages": {"year": "2026"},
           "/api/statistics/counties/{county_id:int}/four-none-townships": {"year": "2026"},
           "/api/statistics/counties/{county_id:int}/four-none-townships.xlsx": {"year": "2026"}}
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
OUTSIDERS = ["jj_admin", "jj_officer", "jj_leader", "jj_supervisor", "jj_handler", "jj_qy_admin", "jj_grid",
             "xx_ds_officer"]


@pytest.fixture
def ids(app, client, demo, system_session):
    """One id of each kind, all inside 白羽街道 (so inside 西峡县 too)."""
    village = demo.node(BAIYU_VILLAGE)
    person = Person(node_id=village.id, name="张三", id_number="11010519491231002X", phone="13812345678",
                    address="城东社区1号")
    notice = Notification(node_id=village.id, kind="overdue", title="已超期", text="测试提醒", dedupe_key="route-walk")
    system_session.add_all([person, notice])
    system_session.commit()
    officer = system_session.scalar(select(User).where(User.username == "xx_by_officer"))
    assignment = system_session.scalar(select(RoleAssignment).where(RoleAssignment.user_id == officer.id))
    samples = (ledger_samples(app, demo) | petition_month_samples(app, demo)  # ledgers …, the petition month
               | supervision_samples(app, demo) | ranking_samples(app, demo) | order_samples(client, demo))
    matter_id = _matter(app, demo)
    return samples | backlog_year_samples(app, demo, matter_id) | {
            "node_id": village.id, "user_id": officer.id, "assignment_id": assignment.id, "person_id": person.id,
            "year": 2026, "matter_id": matter_id, "action": "accept",
            "attachment_id": _attachment(app, demo, matter_id), "county_id": demo.node("411323").id,
            "notification_id": notice.id, "document_id": (document_id := _document(app, demo)),
            "code": _code(system_session, document_id), "kind": "acceptance", "campaign_id": _campaign(app, demo)}


def _code(session, document_id: int) -> str:
    """The verification code printed on the sample document."""
    from xinfang.platform.documents.models import Document

    session.rollback()  # a fresh snapshot: the document was made and rendered by other sessions
    return session.scalar(select(Document.code).where(Document.id == document_id))


def _campaign(app, demo) -> int:
    """The example outside campaign, enabled by the county for 白羽街道."""
    from xinfang.platform.campaigns.registry import campaign_type
    from xinfang.platform.campaigns.service import enable
    from xinfang.tenants.scope import Scope

    ctype = campaign_type(app.state.plugins, "no_petition_village")
    with app.state.session_factory(scope=Scope.system()) as s:
        actor = demo.actor(s, "xx_admin")
        campaign = enable(s, actor, ctype, "无访村争创", [demo.node("411323001").id], dt.date(2026, 11, 16), None, {})
        s.commit()
        return campaign.id


def _matter(app, demo) -> int:
    """A matter registered by 白羽街道 (as its officer would, through the service)."""
    from xinfang.platform.matters.service import MatterIn, PetitionerIn, register
    from xinfang.tenants.scope import Scope

    with app.state.session_factory(scope=Scope.system()) as s:
        actor = demo.actor(s, "xx_by_officer")
        matter = register(s, actor, MatterIn(
            node_id=demo.node("411323001").id, channel="visit", form="individual", kind="claim", category="欠薪",
            summary="反映工地欠薪", petitioners=[PetitionerIn("赵六", "11010519491231002X")]))
        s.commit()
        return matter.id


def _attachment(app, demo, matter_id: int) -> int:
    """A scanned letter (a PNG) on the sample matter, uploaded by 白羽街道's officer."""
    from xinfang.platform.matters.attachments import attach
    from xinfang.platform.matters.models import Matter
    from xinfang.tenants.scope import Scope

    with app.state.session_factory(scope=Scope.system()) as s:
        actor = demo.actor(s, "xx_by_officer")
        row = attach(s, actor, s.get(Matter, matter_id), "来信.png", PNG)
        s.commit()
        return row.id


def _document(app, demo) -> int:
    """A notice of 白羽街道, asked for by its officer and rendered by the job (a file to download)."""
    from xinfang.platform.documents.service import generate
    from xinfang.platform.jobs.embedded import run_pending
    from xinfang.tenants.scope import Scope

    with app.state.session_factory(scope=Scope.system()) as s:
        actor = demo.actor(s, "xx_by_officer")
        document = generate(s, actor, "notice", demo.node("411323001").id, {
            "issuer": "白羽街道办事处", "title": "关于做好信访接待工作的通知", "body": ["请按要求做好接待工作。"]})
        s.commit()
    run_pending(app.state.session_factory)
    return document.id


def _bodies(demo) -> dict[tuple[str, str], dict]:
    """Well-formed bodies, so that a refusal can only come from authorization."""
    ds = demo.node("411323100")
    return ledger_bodies(demo) | supervision_bodies(demo) | ranking_bodies(demo) | {
        ("POST", "/api/nodes"): {"level": "village", "code": "411323001077", "name": "新社区",
                                 "parent_id": demo.node("411323001").id},
        ("PATCH", "/api/nodes/{node_id:int}"): {"name": "改名"},
        ("POST", "/api/nodes/{node_id:int}/move"): {"parent_id": ds.id},
        ("POST", "/api/users"): {"username": "new_user", "display_name": "新用户", "password": "abc12345xy",
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
        ("POST", "/api/documents"): {"kind": "notice", "node_id": demo.node("411323001").id,
                                     "inputs": {"issuer": "白羽街道办事处", "title": "通知", "body": ["正文"]}},
        ("DELETE", "/api/matters/{matter_id:int}/repeat"): {"reason": "并非同一问题"},
        ("PUT", "/api/matters/{matter_id:int}/ownership"): {"leader_user_id": _user_id(demo, "xx_by_leader")},
        ("POST", "/api/matters/{matter_id:int}/ownership/items"): {"item": "包掌握情况", "note": "已走访",
                                                                   "evidence": "走访记录"},
        ("POST", "/api/matters/{matter_id:int}/contributions"): {"contribution": "协办意见"},
        ("POST", "/api/campaigns"): {"type": "no_petition_village", "title": "无访村争创", "starts_on": "2026-11-16",
                                     "scope_node_ids": [demo.node("411323001").id]},
        ("PATCH", "/api/campaigns/{campaign_id:int}/phases"): {"assess": {"starts_on": "2026-11-25",
                                                                          "ends_on": "2026-12-10"}},
        ("POST", "/api/campaigns/{campaign_id:int}/close"): {"note": "提前结束"},
    }


def _user_id(demo, username: str) -> int:
    from xinfang.tenants.scope import Scope

    with demo.app.state.session_factory(scope=Scope.system(), bind=demo.app.state.read_engine) as s:
        return s.scalar(select(User.id).where(User.username == username))


def _call(client, route: Route, values: dict, headers: dict, bodies: dict):
    url = route.url(values)
    if route.path == "/api/nodes/import":
        return client.post(url, headers=headers, files={"data": ("tree.csv", io.BytesIO("层级,代码,名称,上级代码\n".encode()))})
    if route.path in ("/api/documents/verify", "/documents/verify"):
        return client.post(url, headers=headers, files={"data": ("file.pdf", io.BytesIO(b"%PDF-1.7\n"))})
    if route.path == "/documents/verify/code":  # the page's form: the code typed in
        return client.post(url, headers=headers, data={"code": "ABCD-2345"})
    if route.path == "/api/campaigns/{campaign_id:int}/ticks":
        form = {"node_id": str(values["node_id"]), "checklist": "village_visits", "item": "weekly_visit",
                "done_on": "2026-11-18"}
        return client.post(url, headers=headers, data=form, files={"files": ("记录.txt", io.BytesIO("走访".encode()))})
    if route.path in MULTIPART and route.method == "POST":
        return client.post(url, headers=headers, files=MULTIPART[route.path])
    if route.path == "/api/matters/import":
        return client.post(url, headers=headers, files={"data": ("matters.xlsx", io.BytesIO(_matters_xlsx()))})
    body = bodies.get((route.method, route.path), {})
    return client.request(route.method, url, headers=headers, params=QUERIES.get(route.path),
                          json=body if route.method in MUTATING else None)


def _matters_xlsx() -> bytes:
    """A well-formed import file (the header row of the template and one row)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["登记日期", "登记单位代码", "信访渠道", "信访形式", "人数", "事项类别", "问题分类", "摘要",
                        "诉求", "越级情况", "信访人姓名", "身份证号", "联系电话", "住址"])
    book.active.append(["2026-10-09", "411323001", "来访", "个访", 1, "申诉求决", "欠薪", "反映欠薪", "", "未越级",
                        "钱七", "11010519491231002X", "", ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _routes(app):
    return [r for r in walk(app) if (r.method, r.path) not in PUBLIC_ROUTES]


def _only_reads(route: Route) -> bool:
    """A POST whose permission is a read action (verifying an uploaded file): not a change."""
    return ":" in (route.permission or "") and is_read_only(route.permission)


def test_supervisor_cannot_change_anything(app, client, demo, ids):
    """… but their own password (the one AUTHENTICATED write, see the route contract)."""
    bodies = _bodies(demo)
    answers = {(r.method, r.path): _call(client, r, ids, demo.headers("xx_supervisor"), bodies).status_code
               for r in _routes(app) if r.method in MUTATING and not _only_reads(r) and r.permission != AUTHENTICATED}
    assert answers and all(code == 403 for code in answers.values()), answers
    reads = {(r.method, r.path): _call(client, r, ids, demo.headers("xx_supervisor"), bodies).status_code
             for r in _routes(app) if r.method in MUTATING and _only_reads(r)}
    assert all(200 <= code < 300 for code in reads.values()), reads


def test_supervisor_reads_every_get_route_in_scope(app, client, demo, ids):
    """Every tenant read; the platform's own operations (``platform:`` permissions, e.g. the
    metrics) and the pages that administer (a GET behind a permission that is not a read, e.g.
    the jobs' health for ``tenants:manage``) are refused to a county's supervisor."""
    answers = {r.path: _call(client, r, ids, demo.headers("xx_supervisor"), {}) for r in _routes(app)
               if r.method == "GET"}
    refused = {r.path for r in _routes(app) if r.method == "GET" and ":" in (r.permission or "")
               and (r.permission.startswith("platform:") or not is_read_only(r.permission))}
    bad = {path: (resp.status_code, resp.text[:200]) for path, resp in answers.items()
           if not 200 <= resp.status_code < 300 and path not in refused}
    assert answers and bad == {}
    assert refused and all(answers[path].status_code == 403 for path in refused), refused


def _dicts(value):
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _dicts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _dicts(item)


def _strings(value):
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_every_json_answer_gives_local_times_and_labels_its_codes(app, client, demo, ids):
    """Issue 11, item 11: over every GET route, as the supervisor (who reads everything in scope)."""
    import re

    from xinfang.platform.app import _code_labels

    labels = _code_labels(app.state.plugins)
    stamp = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)")
    seen_stamps = seen_labels = 0
    for route in _routes(app):
        if route.method != "GET" or route.path == "/api/audit/checkpoints":  # those stay as signed
            continue
        resp = _call(client, route, ids, demo.headers("xx_supervisor"), {})
        if resp.status_code != 200 or "json" not in resp.headers.get("content-type", ""):
            continue
        body = resp.json()
        for text in _strings(body):
            if stamp.fullmatch(text):
                seen_stamps += 1
                assert text.endswith("+08:00"), (route.path, text)
        for item in _dicts(body):
            for key, value in item.items():
                if isinstance(value, str) and value in labels.get(key, {}):
                    seen_labels += 1
                    assert item.get(f"{key}_label"), (route.path, key, value)
    assert seen_stamps > 10 and seen_labels > 10


def test_every_api_read_refuses_a_query_parameter_it_does_not_declare(app, client, demo, ids):
    """A misspelt filter must not quietly return the unfiltered list."""
    headers = demo.headers("xx_supervisor")
    answers = {}
    for route in _routes(app):
        if route.method != "GET" or not route.path.startswith("/api/"):
            continue
        resp = client.get(route.url(ids), headers=headers, params={**QUERIES.get(route.path, {}), "no_such_filter": "1"})
        answers[route.path] = (resp.status_code, "不支持的查询参数：no_such_filter" in resp.text)
    assert answers and {path: a for path, a in answers.items() if a != (400, True)} == {}


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
    known = {"node_id", "user_id", "assignment_id", "person_id", "year", "matter_id", "action", "county_id",
             "notification_id", "document_id", "campaign_id", "code", "kind", "attachment_id",
             "file_path",  # the vendored assets (/static), public
             "county_code"}  # the public 网上信访 form of a county (/public/submit/…), public
    assert {name for r in walk(app) for name, _ in r.params} <= (known | SAMPLE_PARAMETERS | CAMPAIGN_PARAMETERS
                                                                  | SUPERVISION_PARAMETERS | STATISTICS_PARAMETERS | ORDER_PARAMETERS)
