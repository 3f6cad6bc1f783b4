"""Petition matters over HTTP: register, list, read (with timeline), act, follow up."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from litestar import Request, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy import Select, case, exists, literal, select
from sqlalchemy.sql.elements import ColumnElement

from xinfang.permissions.actor import authorize
from xinfang.platform import clock
from xinfang.platform.audit.log import record
from xinfang.platform.errors import BadRequest, Forbidden
from xinfang.platform.matters import clocks, recusals, service, views, vocabulary
from xinfang.platform.matters.models import NO_DUE_DATE, CountyRules, FollowUp, Matter, MatterClock, MatterPetitioner
from xinfang.platform.matters.ownership import MatterOwnership
from xinfang.platform.matters.rules import CHECKLISTS, rules_for
from xinfang.platform.matters.service import MatterIn
from xinfang.platform.matters.states import OPEN_STATES, STATES
from xinfang.platform.people.models import Person
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import (
    EARLIEST_DAY,
    LATEST_DAY,
    Bounded,
    Code,
    Count,
    Days,
    Id,
    Note,
    OptionalCursor,
    OptionalId,
    PageNumber,
    PerPage,
    Year,
)
from xinfang.platform.web.paging import EXACT_UP_TO, CursorPage, Key, Order, Page, cursor_page_of, page_of
from xinfang.tenants.levels import COLUMN, LEVEL_KEYS, Level
from xinfang.tenants.lookup import get_or_404
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession, visible_rows

MAX_HEADCOUNT = 100_000  # the most people a registration takes
# the list's sorts, each all one way (the id, registration order, breaks ties the same way) so
# one index walks it either way from any cursor and the page costs the same at any size
# (migrations 0026 and 0029). Not by number: a number starts with its county's code,
# so one county's list by number passed every matter of the counties before (or after) it.
SORTS = {"received_on": (Key(Matter.received_on), Key(Matter.id)),
         "due_on": (Key(Matter.due_on, null_as=NO_DUE_DATE), Key(Matter.id)),
         "id": (Key(Matter.id),)}


def get_matter(db: ScopedSession, matter_id: int) -> Matter:
    return get_or_404(db, Matter, matter_id, "信访事项")


@dataclasses.dataclass
class MatterFilters:
    """Every filter of the matters list (and its export), in one place."""

    node_id: Id | None = None
    state: Code | None = None
    open: bool | None = None
    deadline_state: Code | None = None
    channel: Code | None = None
    kind: Code | None = None
    category: Code | None = None
    repeat: bool | None = None
    overreach: bool | None = None
    needs_ownership: bool | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    q: Code | None = None
    sort: Code = "received_on"
    descending: bool = True
    owned: bool | None = None  # a leader currently owns the matter (包案)
    form: Code | None = None  # individual (个访) | collective (集体访)
    level: Code | None = None  # level of the registering office (the statistics' 登记机构层级)
    reach: Code | None = None  # how far above the competent level (越级): city | province | beijing | none
    joint: bool | None = None  # 联名
    place_id: Id | None = None  # the problem lies in this node's subtree (问题所在地, as 无访村 and 四无乡镇 count)
    reach_from: Code | None = None  # went at least this far above the competent level: city | province | beijing
    headcount_from: Count | None = None  # at least this many people
    late_clock_year: Year | None = None  # holds a statutory duty clock that settled late in this year
    late_clock_node_id: Id | None = None  # holds a statutory duty clock held in this node's subtree that settled late

    def apply(self, db: ScopedSession, query: Select) -> Select:
        if self.node_id is not None:
            node = get_or_404(db, Node, self.node_id, "节点")
            query = query.where(getattr(Matter, COLUMN[Level(node.level)]) == node.id)
        for column, value in ((Matter.state, self.state), (Matter.deadline_state, self.deadline_state),
                              (Matter.channel, self.channel), (Matter.kind, self.kind),
                              (Matter.category, self.category), (Matter.needs_ownership, self.needs_ownership),
                              (Matter.form, self.form)):
            if value is not None:
                query = query.where(column == value)
        if self.state is not None and self.state not in STATES:
            raise BadRequest(f"未知的状态“{self.state}”")
        if self.form is not None and self.form not in vocabulary.FORMS:
            raise BadRequest(f"信访形式应为：{'、'.join(f'{k}（{v}）' for k, v in vocabulary.FORMS.items())}")
        if self.level is not None:
            query = query.where(registering_level() == _known(self.level, LEVEL_KEYS, "登记机构层级"))
        if self.reach is not None:
            query = query.where(Matter.overreach == _known(self.reach, vocabulary.OVERREACH, "越级情况"))
        if self.joint is not None:
            query = query.where(Matter.joint_signature.is_(self.joint))
        if self.open is not None:
            query = query.where(Matter.state.in_(OPEN_STATES) if self.open else Matter.state.not_in(OPEN_STATES))
        if self.repeat is not None:
            query = query.where(Matter.repeat_of_id.is_not(None) if self.repeat else Matter.repeat_of_id.is_(None))
        if self.overreach is not None:
            query = query.where(Matter.overreach != "none" if self.overreach else Matter.overreach == "none")
        if self.owned is not None:
            owned = select(MatterOwnership.matter_id).where(MatterOwnership.ended_on.is_(None))
            query = query.where(Matter.id.in_(owned) if self.owned else Matter.id.not_in(owned))
        if self.received_from is not None:
            query = query.where(Matter.received_on >= self.received_from)
        if self.received_to is not None:
            query = query.where(Matter.received_on <= self.received_to)
        if self.place_id is not None:
            query = query.where(Matter.place_node_id.in_(subtree_ids(db, self.place_id, "问题所在地（place_id）")))
        if self.reach_from is not None:
            reaches = list(vocabulary.OVERREACH)[1:]  # in order: city, province, beijing
            first = reaches.index(_known(self.reach_from, {k: vocabulary.OVERREACH[k] for k in reaches}, "越级至少到"))
            query = query.where(Matter.overreach.in_(reaches[first:]))
        if self.headcount_from is not None:
            if not 1 <= self.headcount_from <= MAX_HEADCOUNT:
                raise BadRequest(f"人数下限（headcount_from）应为1至{MAX_HEADCOUNT}的整数")
            query = query.where(Matter.headcount >= self.headcount_from)
        if self.late_clock_year is not None or self.late_clock_node_id is not None:
            query = query.where(self._late_clock(db))
        if self.q:
            query = query.where(Matter.summary.contains(self.q.strip()) | (Matter.number == self.q.strip()))
        return self.order().sort(query)

    def _late_clock(self, db: ScopedSession) -> ColumnElement[bool]:
        """The matter holds a statutory duty clock that settled late (``clocks.late_duties``, as of
        today), in ``late_clock_year`` and held in ``late_clock_node_id``'s subtree when given: both
        conditions on the same clock."""
        year = self.late_clock_year
        if year is not None and not EARLIEST_DAY.year <= year <= LATEST_DAY.year:
            raise BadRequest(f"超期期限年度（late_clock_year）应为{EARLIEST_DAY.year}至{LATEST_DAY.year}年")
        duty = MatterClock.__table__.c  # its rows are visible exactly when their (scoped) matter is
        start, end = (None, None) if year is None else (dt.date(year, 1, 1), dt.date(year, 12, 31))
        held = [] if self.late_clock_node_id is None else [
            duty.node_id.in_(subtree_ids(db, self.late_clock_node_id, "超期期限承办单位（late_clock_node_id）"))]
        return exists().where(duty.matter_id == Matter.id, *held, *clocks.late_duties(duty, start, end, clock.today()))

    def order(self) -> Order:
        """The list's order: the chosen column, then the registration order, both ``descending``
        or both not (newest first, or oldest first)."""
        if self.sort == "number":
            raise BadRequest("不支持按编号排序(编号以县代码开头,按编号翻页要读过其他县的全部事项):"
                             "同一县的编号按收到年份和登记先后编排,请按登记顺序(sort=id)排序,或用 q=编号 直接查找")
        if self.sort not in SORTS:
            raise BadRequest(f"排序字段应为:{'、'.join(SORTS)}")
        return Order(SORTS[self.sort], self.descending)


def _known(value: str, labels: dict, what: str) -> str:
    if value not in labels:
        raise BadRequest(f"{what}应为：{'、'.join(f'{k}（{v}）' for k, v in labels.items())}")
    return value


def subtree_ids(db: ScopedSession, node_id: int, what: str) -> Select:
    """The ids of the nodes in the subtree of a node the viewer may see; a 400 naming the filter otherwise."""
    node = db.get(Node, node_id)
    if node is None:
        raise BadRequest(f"{what}应为您可见范围内的单位编号")
    return select(Node.id).where(getattr(Node, COLUMN[Level(node.level)]) == node.id)


def registering_level() -> ColumnElement[str]:
    """The level of the office that registered the matter, from its own ancestor columns (no join)."""
    return case((Matter.grid_id.is_not(None), literal("grid")), (Matter.village_id.is_not(None), literal("village")),
                (Matter.department_id.is_not(None), literal("department")),
                (Matter.township_id.is_not(None), literal("township")), else_=literal("county"))


def matter_filters(node_id: FromQuery[OptionalId] = None,
                   matter_state: Annotated[str | None, QueryParameter(name="state")] = None,
                   open: FromQuery[bool | None] = None,
                   deadline_state: FromQuery[str | None] = None, channel: FromQuery[str | None] = None,
                   kind: FromQuery[str | None] = None, category: FromQuery[str | None] = None,
                   repeat: FromQuery[bool | None] = None, overreach: FromQuery[bool | None] = None,
                   needs_ownership: FromQuery[bool | None] = None,
                   received_from: FromQuery[dt.date | None] = None, received_to: FromQuery[dt.date | None] = None,
                   q: FromQuery[str | None] = None, sort: FromQuery[str] = "received_on",
                   descending: FromQuery[bool] = True, owned: FromQuery[bool | None] = None,
                   form: FromQuery[str | None] = None, level: FromQuery[str | None] = None,
                   reach: FromQuery[str | None] = None, joint: FromQuery[bool | None] = None,
                   place_id: FromQuery[OptionalId] = None, reach_from: FromQuery[str | None] = None,
                   headcount_from: FromQuery[Count | None] = None, late_clock_year: FromQuery[Year | None] = None,
                   late_clock_node_id: FromQuery[OptionalId] = None) -> MatterFilters:
    """The query parameters of ``MatterFilters``, declared once for every route that filters
    matters (the list and its export): use ``dependencies=FILTERS`` and take ``filters``."""
    return MatterFilters(node_id, matter_state, open, deadline_state, channel, kind, category, repeat, overreach,
                         needs_ownership, received_from, received_to, q, sort, descending, owned=owned, form=form,
                         level=level, reach=reach, joint=joint, place_id=place_id, reach_from=reach_from,
                         headcount_from=headcount_from, late_clock_year=late_clock_year,
                         late_clock_node_id=late_clock_node_id)


FILTERS = {"filters": Provide(matter_filters, sync_to_thread=False)}


@get("/api/people/{person_id:int}/matters", opt={"permission": "matters:read"}, sync_to_thread=True,
     summary="一人一档：该信访人（同一身份证号）在您可见范围内的全部信访事项")
def list_person_matters(db: NamedDependency[ScopedSession], person_id: FromPath[Id],
                        page: FromQuery[PageNumber] = 1, per_page: FromQuery[PerPage] = 50) -> Page:
    person = get_or_404(db, Person, person_id, "人员档案")
    return page_of(db, views.person_matters_query(person.id_number), page, per_page, views.summary)


AFTER = ("翻页位置:上一次应答的 next,取其后的一页(无论翻到多深,每页的代价与第一页相同);"
         "应与取得它时的排序(sort、descending)相同")
BEFORE = "翻页位置:上一次应答的 previous,取其前的一页;已到开头时给出第一页"
PAGE = "页码:不带翻页位置时从开头数第几页(适合前几页);带 after/before 时仅为客户端对该页的编号,原样返回"


@get("/api/matters", opt={"permission": "matters:read"}, dependencies=FILTERS, sync_to_thread=True,
     summary="信访事项列表",
     description="按 sort 排序,同一值时按登记先后(与排序方向一致:倒序时新登记的在前)。翻页用应答中的 next/previous 作为下一次请求的 after/before;"
                 f"total 超过 {EXACT_UP_TO} 件时为几分钟内统计的近似数(total_exact 为 false)。")
def list_matters(db: NamedDependency[ScopedSession], filters: NamedDependency[MatterFilters],
                 page: Annotated[PageNumber, QueryParameter(description=PAGE)] = 1,
                 per_page: FromQuery[PerPage] = 50,
                 after: Annotated[OptionalCursor, QueryParameter(description=AFTER)] = None,
                 before: Annotated[OptionalCursor, QueryParameter(description=BEFORE)] = None) -> CursorPage:
    query = filters.apply(db, select(Matter))
    # unfiltered (the list as first opened): count the visible matters from the access index
    count = visible_rows(db, Matter) if query.whereclause is None else None
    return cursor_page_of(db, query, filters.order(), page, per_page, views.summary, after=after, before=before,
                          count=count, approximate=True)


@post("/api/matters", opt={"permission": "matters:register"}, sync_to_thread=True, summary="登记信访事项")
def register(request: Request, db: NamedDependency[ScopedSession], data: JSONBody[MatterIn]) -> dict:
    actor = current_actor(request)
    matter = service.register(db, actor, data)
    # commit first: the answer is built afterwards outside the write transaction (on SQLite the
    # one writer's lock), from the rows the registration wrote (read back only for a repeat);
    # a failure after the commit answers "saved" (errors.py)
    db.commit()
    return views.detail(db, actor, matter, registered=db.info.pop(service.REGISTERED, None))


@get("/api/matters/{matter_id:int}", opt={"permission": "matters:read"}, sync_to_thread=True,
     summary="信访事项详情(含全过程时间线)")
def read_matter(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id]) -> dict:
    return views.detail(db, current_actor(request), get_matter(db, matter_id))


@get("/api/matters/{matter_id:int}/pii", opt={"permission": "matters:read", "writes": True}, sync_to_thread=True,
     summary="查看信访人完整个人信息(记入审计日志)")
def reveal(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id]) -> dict:
    actor = current_actor(request)
    matter = get_matter(db, matter_id)
    viewer = views.viewer_for(db, actor, matter, unmask=True)
    if not viewer.sees_full_pii:
        raise Forbidden("您没有查看该事项信访人完整个人信息的权限")
    record(db, action="pii_read", object_type="matters", object_id=matter.id, node_id=matter.node_id,
           after={"fields": ["name", "id_number", "phone", "address"]})
    db.commit()
    petitioners = db.scalars(select(MatterPetitioner).where(MatterPetitioner.matter_id == matter.id)).all()
    return {"matter_id": matter.id, "petitioners": [views._petitioner(p) for p in petitioners]}


@post("/api/matters/{matter_id:int}/actions/{action:str}", opt={"permission": "matters:act"}, sync_to_thread=True,
      summary="对信访事项执行操作(转送交办、受理、延期、出具意见、复查复核、办结等)", status_code=200)
def act(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id], action: FromPath[str],
        data: JSONBody[dict[str, Any]]) -> dict:
    actor = current_actor(request)
    matter = service.act(db, actor, get_matter(db, matter_id), action, data)
    db.commit()
    if db.get(Matter, matter.id) is None:  # e.g. a unit that returned the matter no longer sees it
        return {"id": matter.id, "state": matter.state, "state_label": STATES[matter.state],
                "message": "操作已完成,该事项已不在您单位的办理范围内"}
    return views.detail(db, actor, matter)


@dataclasses.dataclass
class FollowUpBody(Bounded):
    satisfaction: Code
    stopped_petitioning: bool
    on: dt.date | None = None
    note: Note = ""


FOLLOW_UP_STATES = frozenset({"replied", "review_replied", "closed", "concluded", "diverted", "mediated"})
SATISFACTION = {"satisfied": "满意", "basically": "基本满意", "dissatisfied": "不满意"}


@post("/api/matters/{matter_id:int}/follow-ups", opt={"permission": "matters:act"}, sync_to_thread=True,
      summary="登记回访(满意度、是否息诉罢访)")
def follow_up(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id],
              data: JSONBody[FollowUpBody]) -> dict:
    actor = current_actor(request)
    matter = get_matter(db, matter_id)
    if matter.state not in FOLLOW_UP_STATES:
        raise BadRequest("出具处理意见后才能回访")
    if data.satisfaction not in SATISFACTION:
        raise BadRequest("满意度应为:满意(satisfied)、基本满意(basically)、不满意(dissatisfied)")
    owner = db.execute(select(Node).where(Node.id == matter.node_id), execution_options={"skip_scope": True}).scalar_one()
    if not authorize(actor, owner, "matters", "handle"):
        raise Forbidden("只有事项所属单位可以登记回访")
    on = data.on or clock.today()
    db.add(FollowUp(matter_id=matter.id, on=on, by=actor.display_name, satisfaction=data.satisfaction,
                    stopped_petitioning=data.stopped_petitioning, note=data.note.strip()))
    db.commit()
    return views.detail(db, actor, matter)


@dataclasses.dataclass
class RecusalBody(Bounded):
    reason: Note


@post("/api/matters/{matter_id:int}/recusals", opt={"permission": "matters:act"}, sync_to_thread=True,
      summary="声明与本事项有直接利害关系并回避(条例第二十八条)")
def recuse(request: Request, db: NamedDependency[ScopedSession], matter_id: FromPath[Id],
           data: JSONBody[RecusalBody]) -> dict:
    actor = current_actor(request)
    matter = get_matter(db, matter_id)
    recusals.declare(db, actor, matter, data.reason, clock.today())
    db.commit()
    return views.detail(db, actor, matter)


@get("/api/counties/{county_id:int}/matter-rules", opt={"permission": "matters:read"}, sync_to_thread=True,
     summary="本县信访事项设置(计期规则、临期提醒天数、包案清单、问题分类)")
def read_rules(db: NamedDependency[ScopedSession], county_id: FromPath[Id]) -> dict:
    node = get_or_404(db, Node, county_id, "县级节点", accept=lambda n: n.level == Level.COUNTY)
    return rules_for(db, node.id).to_dict()


@dataclasses.dataclass
class RulesBody:
    counting_rule: Code = "civil_code"
    due_soon_days: Days = 3
    escalate_every_days: Days = 5
    ownership_checklist: Code = "four"
    categories: list[Code] = dataclasses.field(default_factory=list)
    discipline_node_id: OptionalId = None  # the county's 纪检监察 body (a department node)


@put("/api/counties/{county_id:int}/matter-rules", opt={"permission": "matters:configure"}, sync_to_thread=True,
     summary="修改本县信访事项设置")
def write_rules(db: NamedDependency[ScopedSession], county_id: FromPath[Id], data: JSONBody[RulesBody]) -> dict:
    node = get_or_404(db, Node, county_id, "县级节点", accept=lambda n: n.level == Level.COUNTY)
    save_rules(db, node, data)
    db.commit()
    return rules_for(db, node.id).to_dict()


def save_rules(db: ScopedSession, node: Node, data: RulesBody) -> None:
    """Check every setting (all problems at once) and store the county's rules; the API and the
    administration page both call it."""
    problems = []
    if data.counting_rule not in ("civil_code", "working_days_only"):
        problems.append("计期规则应为 civil_code(民法典规则)或 working_days_only(一律按工作日)")
    if not 0 <= data.due_soon_days <= 30:
        problems.append("临期提醒天数应为0至30")
    if not 1 <= data.escalate_every_days <= 60:
        problems.append("逐级督办间隔应为1至60日")
    if data.ownership_checklist not in CHECKLISTS:
        problems.append("包案责任清单应为 four(四包)或 five(五包)")
    categories = [c.strip() for c in data.categories if c.strip()]
    if len(set(categories)) != len(categories) or any(len(c) > 32 for c in categories):
        problems.append("问题分类不能重复,每项不超过32个字")
    if data.discipline_node_id is not None:
        body = db.get(Node, data.discipline_node_id)
        if body is None or body.level != Level.DEPARTMENT or body.county_id != node.id:
            problems.append("纪检监察机关应为本县的部门节点")
    if problems:
        raise BadRequest(";".join(problems))
    row = db.scalar(select(CountyRules).where(CountyRules.node_id == node.id))
    if row is None:
        row = CountyRules(node_id=node.id)
        db.add(row)
    row.counting_rule, row.due_soon_days = data.counting_rule, data.due_soon_days
    row.escalate_every_days, row.ownership_checklist = data.escalate_every_days, data.ownership_checklist
    row.categories = categories
    row.discipline_node_id = data.discipline_node_id


route_handlers = [list_matters, list_person_matters, register, read_matter, reveal, act, follow_up, recuse, read_rules, write_rules]
