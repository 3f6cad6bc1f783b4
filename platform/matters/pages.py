"""The matter desk in the browser: the list (every filter of the API, sort, paging, export of
exactly what is filtered), the registration form, the matter page with the acts allowed now
as forms, the audited reveal of personal data, and the person file (一人一档).

Pages call the same services and views as ``routes.py``; a refusal from a service is shown
on the page in its Chinese words with its status code, and nothing of the refused write is
kept (the session is rolled back before the page is drawn again).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, MultipartBody, URLEncodedBody
from litestar.response import Redirect
from sqlalchemy import bindparam, or_, select

from xinfang.permissions.actor import authorize
from xinfang.platform import clock
from xinfang.platform.audit.log import record
from xinfang.platform.errors import BadRequest, ClerkError, Forbidden
from xinfang.platform.matters import (
    act_forms,
    attachment_routes,
    attachments,
    saved_views,
    service,
    views,
    vocabulary,
)
from xinfang.platform.matters.clocks import RULES
from xinfang.platform.matters.models import CountyRules, Matter, MatterPetitioner
from xinfang.platform.matters.routes import MAX_HEADCOUNT, SORTS, MatterFilters, get_matter
from xinfang.platform.matters.rules import categories_of, rules_for
from xinfang.platform.matters.service import MatterIn, PetitionerIn
from xinfang.platform.matters.states import STATES, TRANSITIONS
from xinfang.platform.people.models import PERSON_FIELDS, Person
from xinfang.platform.privacy.fields import Viewer
from xinfang.platform.privacy.identity import normalize_id_number
from xinfang.platform.ui.frame import acting_node_id, frame_nodes
from xinfang.platform.ui.options import grouped_unit_options, unit_options
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import (
    EARLIEST_DAY,
    INT4_MAX,
    LATEST_DAY,
    Id,
    Line,
    OptionalCursor,
    PageNumber,
    PerPage,
    check_day,
)
from xinfang.platform.web.paging import EXACT_UP_TO, cursor_page_of
from xinfang.tenants.levels import LEVEL_KEYS, Level
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession, visible_rows

PETITIONER_ROWS = 6  # a collective visit names at most five representatives; one more row shows the limit
FILTER_KEYS = ("node_id", "state", "open", "deadline_state", "channel", "kind", "category", "repeat", "overreach",
               "needs_ownership", "received_from", "received_to", "q", "sort", "descending", "owned", "form", "level", "reach", "joint",
               "place_id", "reach_from", "headcount_from", "late_clock_year", "late_clock_node_id")
LIST_KEYS = (*FILTER_KEYS, "view")  # the list's query: the API's filters and a built-in view (saved_views.BUILT_IN)
SORT_LABELS = {"received_on": "收到日期", "due_on": "到期日", "id": "登记顺序"}
FIELD_LIMIT = 10_000


def days_left(due: str | dt.date | None) -> int | None:
    if not due:
        return None
    day = dt.date.fromisoformat(due) if isinstance(due, str) else due
    return (day - clock.today()).days


def _query_string(request: Request, **changes: Any) -> str:
    params = {k: v for k, v in request.query_params.items()
              if k in (*LIST_KEYS, "page", "per_page") and v.strip() != ""}
    params.update({k: v for k, v in changes.items() if v is not None})
    return urlencode(params)


def filters_of(request: Request) -> MatterFilters:
    """The API's filters from the filter form's query string, where an empty field (a select
    left at 全部) means no filter. A value that is not what the field takes is a 400."""
    given = {k: v.strip() for k, v in request.query_params.items() if k in FILTER_KEYS and v.strip()}
    values: dict[str, Any] = {}
    for key, raw in given.items():
        if len(raw) > 32:
            raise BadRequest(f"筛选条件“{key}”过长(不超过32个字符)")
        if key in BOOLEANS:
            if raw not in ("true", "false"):
                raise BadRequest(f"筛选条件“{key}”应为 true 或 false")
            values[key] = raw == "true"
        elif key in NUMBERS:
            low, high, words = NUMBERS[key]
            if not raw.isdigit() or not low <= int(raw) <= high:
                raise BadRequest(words)
            values[key] = int(raw)
        elif key in ("received_from", "received_to"):
            try:
                values[key] = check_day(key, dt.date.fromisoformat(raw))
            except ValueError as exc:
                raise BadRequest(f"日期“{raw}”格式不正确,应为YYYY-MM-DD") from exc
        else:
            values[key] = raw
    return MatterFilters(**values)


# the filters folded under 更多筛选条件 (open when one of them is set)
MORE_FILTERS = ("channel", "kind", "category", "node_id", "repeat", "overreach", "needs_ownership", "owned",
                "received_from", "received_to", "form", "level", "reach", "joint", "place_id", "reach_from",
                "headcount_from", "late_clock_year", "late_clock_node_id")
# the whole-number filters: (lowest, highest, the 400's words)
NUMBERS = {"node_id": (1, INT4_MAX, "所属单位应为单位编号"),
           "place_id": (1, INT4_MAX, "问题所在地应为单位编号"),
           "late_clock_node_id": (1, INT4_MAX, "超期期限承办单位应为单位编号"),
           "headcount_from": (1, MAX_HEADCOUNT, f"人数下限应为1至{MAX_HEADCOUNT}的整数"),
           "late_clock_year": (EARLIEST_DAY.year, LATEST_DAY.year,
                               f"超期期限年度应为{EARLIEST_DAY.year}至{LATEST_DAY.year}年")}
BOOLEANS = frozenset({"open", "repeat", "overreach", "needs_ownership", "descending", "owned", "joint"})


@get("/matters", sync_to_thread=True)
def matter_list(request: Request, db: NamedDependency[ScopedSession], page: FromQuery[PageNumber] = 1,
                per_page: FromQuery[PerPage] = 20, after: FromQuery[OptionalCursor] = None,
                before: FromQuery[OptionalCursor] = None) -> Response:
    """The list as the API gives it; the filter form asks HTMX for the ``results`` block only.
    The export link carries the same filters to the API's export. 上一页/下一页 go by the
    API's cursors (a deep page costs what the first costs), carrying the page's number for
    display."""
    actor = current_actor(request)
    filters = filters_of(request)
    acting = acting_node_id(request, actor)
    view = request.query_params.get("view", "").strip()
    query = filters.apply(db, select(Matter))
    if view:
        query = saved_views.built_in(query, view, actor, _acting_node(db, request, actor))
    count = visible_rows(db, Matter) if query.whereclause is None else None
    listing = cursor_page_of(db, query, filters.order(), page, per_page, views.summary, after=after, before=before,
                             count=count, approximate=True)
    for item in listing["items"]:
        item["days_left"] = days_left(item["due_on"])
    county = _county_of(db, request, actor)
    pages = max(1, -(-listing["total"] // per_page))
    # the bulk assign bar, when a row on this page can be assigned
    may_assign = "matters:assign" in actor.permissions() and any(m["state"] == "registered" for m in listing["items"])
    units, categories = _units_and_categories(db, county) if county else ([], vocabulary.DEFAULT_CATEGORIES)
    # a node the statistics link to that the unit picker does not list (a county): shown as chosen
    chosen = {key: _node(db, value) for key in ("node_id", "place_id", "late_clock_node_id")
              if (value := getattr(filters, key)) and all(u.id != value for u in units)}
    return render_page(
        request, "matter_list.html", block="results", listing=listing, filters=filters, pages=pages,
        exact_up_to=EXACT_UP_TO,
        query=request.query_params, states=STATES, channels=vocabulary.CHANNELS, kinds=vocabulary.KINDS,
        deadline_states={"overdue": "已超期", "due_soon": "即将到期", "on_time": "正常"},
        categories=categories, sorts=SORT_LABELS, chosen_nodes=chosen,
        unit_options={key: unit_options(units, request.query_params.get(key)) for key in ("node_id", "place_id", "late_clock_node_id")},
        forms=vocabulary.FORMS, levels=LEVEL_KEYS,
        reaches=vocabulary.OVERREACH,
        may_export="matters:export" in actor.permissions() and not view, acting_id=acting, view=view,
        built_in_views=saved_views.BUILT_IN, may_save_view="matters:act" in actor.permissions(),
        saved=saved_views.listed(db, actor), may_assign=may_assign,
        assign_groups=grouped_unit_options(units) if may_assign else [],
        list_query=_query_string(request, page=None),
        more_filters=any(request.query_params.get(k) for k in MORE_FILTERS),
        may_register="matters:register" in actor.permissions(),
        export_query=_query_string(request, page=None),
        page_link=lambda n, **cursor: "?" + _query_string(request, page=n, **cursor))


def _node(db: ScopedSession, node_id: int | None) -> Node | None:
    if node_id is None:
        return None
    return db.execute(select(Node).where(Node.id == node_id), execution_options={"skip_scope": True}).scalar_one()


def _acting_node(db: ScopedSession, request: Request, actor) -> Node | None:
    """The node the actor acts for, from the frame's nodes of this request (read once for the
    page); a home node the actor holds no role at is not among them and is read here."""
    acting = acting_node_id(request, actor)
    if acting is None:
        return None
    return frame_nodes(request, actor).get(acting) or _node(db, acting)


def _county_of(db: ScopedSession, request: Request, actor) -> int | None:
    node = _acting_node(db, request, actor)
    return None if node is None else node.county_id or node.id


def _units(db: ScopedSession, county_id: int, skip: int | None) -> list:
    """The county's departments, townships and villages (those a matter can be assigned to):
    id, name and level only."""
    query = (select(Node.id, Node.name, Node.level)
             .where(or_(Node.county_id == county_id, Node.id == county_id),
                    Node.level.in_([Level.DEPARTMENT, Level.TOWNSHIP, Level.VILLAGE]))
             .order_by(Node.level, Node.code))
    return [n for n in db.execute(query, execution_options={"skip_scope": True}).all() if n.id != skip]


# the same units (``_units``) and, on the county's own row, its categories: one statement, built
# once, for the list page (which reads both on every request)
_UNITS_AND_CATEGORIES = (
    select(Node.id, Node.name, Node.level, CountyRules.categories)
    .outerjoin(CountyRules, CountyRules.node_id == Node.id)
    .where(or_(Node.county_id == bindparam("county"), Node.id == bindparam("county")),
           Node.level.in_([Level.COUNTY, Level.DEPARTMENT, Level.TOWNSHIP, Level.VILLAGE]))
    .order_by(Node.level, Node.code))
_UNIT_LEVELS = frozenset({Level.DEPARTMENT, Level.TOWNSHIP, Level.VILLAGE})


class Unit(NamedTuple):
    id: int
    name: str
    level: str


def _units_and_categories(db: ScopedSession, county_id: int) -> tuple[list[Unit], tuple[str, ...]]:
    """The unit picker's options and the county's categories (``rules_for``'s), read on every
    list page in one round trip."""
    rows = db.execute(_UNITS_AND_CATEGORIES, {"county": county_id}, execution_options={"skip_scope": True}).all()
    county = next((r for r in rows if r.id == county_id), None)
    return ([Unit(r.id, r.name, r.level) for r in rows if r.level in _UNIT_LEVELS],
            categories_of(county.categories if county is not None else None))


# --- registration -----------------------------------------------------------------------

def _registration(request: Request, db: ScopedSession, *, form: dict[str, Any] | None = None, errors=(),
                  status_code: int = 200) -> Response:
    actor = current_actor(request)
    county = _county_of(db, request, actor)
    return render_page(request, "matter_new.html", title="登记信访事项", status_code=status_code,
                       may_register="matters:register" in actor.permissions(), form=form or {}, errors=list(errors), rows=range(1, PETITIONER_ROWS + 1),
                       channels=vocabulary.CHANNELS, forms=vocabulary.FORMS, kinds=vocabulary.KINDS,
                       overreach=vocabulary.OVERREACH, max_representatives=vocabulary.MAX_REPRESENTATIVES,
                       categories=rules_for(db, county).categories if county else vocabulary.DEFAULT_CATEGORIES)


@get("/matters/new", sync_to_thread=True)
def new_matter(request: Request, db: NamedDependency[ScopedSession]) -> Response:
    return _registration(request, db)


@post("/matters/new", opt={"permission": "matters:register"}, sync_to_thread=True, include_in_schema=False)
def register_matter(request: Request, db: NamedDependency[ScopedSession],
                    data: URLEncodedBody[dict[str, Any]]) -> Response:
    """The registering node is the one the clerk acts for; blank petitioner rows are skipped."""
    actor = current_actor(request)
    form = {k: str(v)[:FIELD_LIMIT] for k, v in data.items()}
    try:
        node_id = acting_node_id(request, actor)
        if node_id is None:
            raise Forbidden("请先在页面顶部选择以哪个单位的身份登记")
        petitioners = [PetitionerIn(name=form.get(f"p{n}_name", "").strip()[:64],
                                    id_number=form.get(f"p{n}_id_number", "").strip()[:32],
                                    phone=form.get(f"p{n}_phone", "").strip()[:32],
                                    address=form.get(f"p{n}_address", "").strip()[:200],
                                    representative=bool(form.get(f"p{n}_representative")))
                       for n in range(1, PETITIONER_ROWS + 1)
                       if form.get(f"p{n}_name", "").strip() or form.get(f"p{n}_id_number", "").strip()]
        headcount = form.get("headcount", "").strip()
        received = form.get("received_on", "").strip()
        data_in = MatterIn(
            node_id=node_id, channel=form.get("channel", ""), form=form.get("form", ""), kind=form.get("kind", ""),
            category=form.get("category", ""), summary=form.get("summary", ""), petitioners=petitioners,
            demands=form.get("demands", ""), overreach=form.get("overreach") or "none",
            headcount=int(headcount) if headcount.isdigit() and int(headcount) <= 100_000 else 1,
            joint_signature=bool(form.get("joint_signature")), law_related=bool(form.get("law_related")),
            received_on=service._date(received, "received_on"))
        matter = service.register(db, actor, data_in)
        db.commit()
    except ClerkError as exc:
        db.rollback()
        problems = [d["message"] for d in (getattr(exc, "details", None) or []) if d.get("message")]
        return _registration(request, db, form=form, errors=problems or [exc.message], status_code=exc.status_code)
    return Redirect(f"/matters/{matter.id}?saved=1", status_code=303)


# --- the matter page --------------------------------------------------------------------

def _matter_page(request: Request, db: ScopedSession, matter: Matter, *, unmask: bool = False,
                 error: str = "", failed_action: str = "", form: dict[str, Any] | None = None,
                 status_code: int = 200) -> Response:
    actor = current_actor(request)
    detail = views.detail(db, actor, matter, unmask)
    for item in detail["clocks"]:
        item["days_left"] = None if item["stopped_on"] else days_left(item["due_on"])
        item["rule_text"] = _rule_text(item)
    acts = service.acts_open_to(db, actor, matter) if "matters:act" in actor.permissions() else []
    persons = _person_ids(db, matter)
    papers = None if views.acts_for_accused(db, actor, matter) else [{**a.to_dict(), "uploaded_at": a.uploaded_at}
                                                                 for a in attachments.of_matter(db, matter)]
    return render_page(
        request, "matter_page.html", title=f"信访事项 {matter.number}", status_code=status_code, m=detail,
        acts=[(a, TRANSITIONS[a].label, act_forms.fields_of(a)) for a in acts],
        units=_units(db, matter.county_id, matter.node_id) if "assign" in acts else [],
        error=error, failed_action=failed_action, form=form or {}, saved=request.query_params.get("saved"), attached=request.query_params.get("attached"),
        unmasked=unmask, persons=persons, attachments=papers, may_attach="matters:act" in actor.permissions(),
        upload_max_mb=request.app.state.settings.upload_max_bytes // 2**20)


def _rule_text(item: dict) -> str:
    unit = "个工作日" if item["unit"] == "working_days" else "日"
    amount = f"{item['amount']}{unit}" if item["amount"] else "交办机关指定期限"
    extra = f"，延长{item['extension_days']}日" if item["extension_days"] else ""
    return f"{RULES[item['kind']].basis}：{amount}{extra}"


def _person_ids(db: ScopedSession, matter: Matter) -> dict[int, int]:
    """petitioner row id → the person file the viewer may open (absent: not in their scope)."""
    rows = db.execute(select(MatterPetitioner.id, MatterPetitioner.person_id)
                      .where(MatterPetitioner.matter_id == matter.id)).all()
    visible = set(db.scalars(select(Person.id).where(Person.id.in_([p for _, p in rows if p]))))
    return {pid: person for pid, person in rows if person in visible}


@get("/matters/{matter_id:int}", sync_to_thread=True)
def matter_page(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id]) -> Response:
    return _matter_page(request, db, get_matter(db, matter_id))


@get("/matters/{matter_id:int}/pii", opt={"permission": "matters:read", "writes": True}, sync_to_thread=True,
     include_in_schema=False)
def reveal_page(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id]) -> Response:
    """The full personal data, for a pii:read holder only, written to the audit log first."""
    actor = current_actor(request)
    matter = get_matter(db, matter_id)
    if not views.viewer_for(db, actor, matter, unmask=True).sees_full_pii:
        raise Forbidden("您没有查看该事项信访人完整个人信息的权限")
    record(db, action="pii_read", object_type="matters", object_id=matter.id, node_id=matter.node_id,
           after={"fields": ["name", "id_number", "phone", "address"], "via": "page"})
    db.commit()
    return _matter_page(request, db, matter, unmask=True)


@post("/matters/{matter_id:int}/acts/{action:str}", opt={"permission": "matters:act"}, sync_to_thread=True,
      include_in_schema=False)
def act_submit(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id],
               action: FromPath[Line], data: URLEncodedBody[dict[str, Any]]) -> Response:
    actor = current_actor(request)
    matter = get_matter(db, matter_id)
    form = {k: str(v)[:FIELD_LIMIT] for k, v in data.items()}
    try:
        service.act(db, actor, matter, action, act_forms.payload_of(action, form))
        db.commit()
    except ClerkError as exc:
        db.rollback()
        return _matter_page(request, db, get_matter(db, matter_id), error=exc.message, failed_action=action,
                            form=form, status_code=exc.status_code)
    if db.get(Matter, matter_id) is None:  # e.g. a unit that returned the matter no longer sees it
        return Redirect("/matters?done=" + action, status_code=303)
    return Redirect(f"/matters/{matter_id}#timeline", status_code=303)


@post("/matters/{matter_id:int}/attachments", opt={"permission": "matters:act"}, sync_to_thread=True,
      include_in_schema=False)
def attach_from_page(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id],
                     data: MultipartBody[attachment_routes.AttachmentForm]) -> Response:
    """The matter page's upload form: back to the page's attachments, or the page with the refusal."""
    try:
        attachment_routes.upload(request, db, matter_id, data)
        db.commit()
    except ClerkError as exc:
        db.rollback()
        return _matter_page(request, db, get_matter(db, matter_id), error=exc.message, failed_action="attachment",
                            status_code=exc.status_code)
    return Redirect(f"/matters/{matter_id}?attached=1#attachments", status_code=303)


@post("/matters/views", opt={"permission": "matters:act"}, sync_to_thread=True, include_in_schema=False)
def save_view(request: Request, db: NamedDependency[ScopedSession], data: URLEncodedBody[dict[str, Any]]) -> Response:
    """Keep the list's current filters under a name (the user's own; nobody else sees them)."""
    view = saved_views.save(db, current_actor(request), str(data.get("name", ""))[:100],
                            str(data.get("query", ""))[:FIELD_LIMIT], LIST_KEYS)
    db.commit()
    return Redirect(f"/matters?{view.query}", status_code=303)


@post("/matters/views/delete", opt={"permission": "matters:act"}, sync_to_thread=True, include_in_schema=False)
def delete_view(request: Request, db: NamedDependency[ScopedSession], data: URLEncodedBody[dict[str, Any]]) -> Response:
    raw = str(data.get("view_id", "")).strip()
    if not raw.isdigit() or not 1 <= int(raw) <= INT4_MAX:
        raise BadRequest("请选择要删除的视图")
    saved_views.delete(db, current_actor(request), int(raw))
    db.commit()
    return Redirect("/matters", status_code=303)


# --- people -----------------------------------------------------------------------------

@get("/people", sync_to_thread=True)
def people_search(request: Request, db: NamedDependency[ScopedSession], q: FromQuery[Line | None] = None) -> Response:
    """By name (contains) or by the exact resident ID number; the numbers are shown masked."""
    text = (q or "").strip()
    found: list[dict] = []
    if text:
        number = normalize_id_number(text)
        looks_like_id = len(number) in (15, 18) and number[:-1].isdigit()
        query = select(Person).where(Person.id_number == number if looks_like_id else Person.name.contains(text))
        found = [_person_row(p) for p in db.scalars(query.order_by(Person.name, Person.id).limit(100))]
    return render_page(request, "people.html", title="信访人查询", block="results", q=text, found=found)


def _person_row(person: Person) -> dict:
    return PERSON_FIELDS.redact(person.to_dict(), Viewer())


@get("/people/{person_id:int}", sync_to_thread=True)
def person_file(request: Request, db: NamedDependency[ScopedSession], person_id: FromPath[Id]) -> Response:
    """一人一档: every matter of this identity number that the viewer may see, across files."""
    person = get_or_404(db, Person, person_id, "人员档案")
    owner = db.get(Node, person.node_id)
    may_pii = owner is not None and authorize(current_actor(request), owner, "pii", "read")
    matters = db.scalars(views.person_matters_query(person.id_number).limit(200)).all()
    rows = [views.summary(m) for m in matters]
    return render_page(request, "person.html", title="一人一档", person=_person_row(person), matters=rows,
                       may_pii=may_pii)


PAGES = [("/matters", "信访事项", "matters:read", matter_list),
         # a GET reads, like every page (the route walk: a supervisor opens every GET); the
         # form is drawn only for matters:register holders, whose POST alone can save it
         ("/matters/new", "登记信访事项", "matters:read", new_matter),
         ("/matters/{matter_id:int}", "信访事项", "matters:read", matter_page),
         ("/people", "信访人查询", "people:read", people_search),
         ("/people/{person_id:int}", "一人一档", "people:read", person_file)]
FORM_ROUTES = [register_matter, reveal_page, act_submit, attach_from_page, save_view, delete_view]
SORT_KEYS = tuple(SORTS)
