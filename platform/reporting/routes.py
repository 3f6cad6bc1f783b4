"""The reporting cycle over HTTP: submit, see one submission, and the township's overview."""

from __future__ import annotations

import dataclasses
import datetime as dt

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy import select

from xinfang.platform import clock
from xinfang.platform.calendar.service import WEEKDAYS, load_calendar
from xinfang.platform.errors import BadRequest
from xinfang.platform.ledgers import screening
from xinfang.platform.ledgers.models import ScreeningEntry
from xinfang.platform.matters.views import matter_numbers
from xinfang.platform.reception import register
from xinfang.platform.reception.models import ReceptionRecord
from xinfang.platform.reporting import cycle
from xinfang.platform.reporting.models import Submission
from xinfang.platform.web.guards import current_actor
from xinfang.platform.web.inputs import Bounded, Code, Id, Note, OptionalId, PageNumber, PerPage
from xinfang.platform.web.paging import Page, page_of
from xinfang.platform.web.subtree import visible_node, within
from xinfang.tenants.lookup import get_or_404, node_names
from xinfang.tenants.scope import ScopedSession

READ, SUBMIT = "reporting:read", "reporting:submit"


@dataclasses.dataclass
class SubmitBody(Bounded):
    node_id: Id
    kind: Code
    due_on: dt.date | None = None
    note: Note = ""


@post("/api/reporting/submissions", opt={"permission": SUBMIT}, sync_to_thread=True,
      summary="向乡镇(街道)报送本期排查清单或接访情况(每周三、周五)")
def submit(request: Request, db: NamedDependency[ScopedSession], data: JSONBody[SubmitBody]) -> dict:
    node = visible_node(db, data.node_id)
    submission = cycle.submit(db, current_actor(request), node, data.kind, data.due_on, data.note,
                              clock.now(), load_calendar(db))
    db.commit()
    return cycle.to_dict(submission, node.name)


@get("/api/reporting/submissions", opt={"permission": READ}, sync_to_thread=True, summary="报送记录")
def list_submissions(db: NamedDependency[ScopedSession], node_id: FromQuery[OptionalId] = None,
                     due_on: FromQuery[dt.date | None] = None, kind: FromQuery[str | None] = None,
                     late: FromQuery[bool | None] = None, page: FromQuery[PageNumber] = 1,
                     per_page: FromQuery[PerPage] = 50) -> Page:
    query = within(db, Submission, node_id, select(Submission))
    if due_on is not None:
        query = query.where(Submission.due_on == due_on)
    if kind is not None:
        if kind not in cycle.KINDS:
            raise BadRequest(f"报送内容应为:{'、'.join(cycle.KINDS)}")
        query = query.where(Submission.kind == kind)
    if late is not None:
        query = query.where(Submission.late.is_(late))
    listing = page_of(db, query.order_by(Submission.due_on.desc(), Submission.node_id, Submission.kind), page,
                      per_page, lambda s: s)
    names = node_names(db, [s.node_id for s in listing["items"]])
    listing["items"] = [cycle.to_dict(s, names.get(s.node_id, "")) for s in listing["items"]]
    return listing


@get("/api/reporting/submissions/{submission_id:int}", opt={"permission": READ}, sync_to_thread=True,
     summary="报送详情(所报送的清单或接访登记)")
def read_submission(request: Request, db: NamedDependency[ScopedSession], submission_id: FromPath[Id]) -> dict:
    return submission_detail(db, get_or_404(db, Submission, submission_id, "报送记录"))


def submission_detail(db: ScopedSession, submission: Submission) -> dict:
    """The submission with what it carried (the API's answer and the page's content)."""
    ids = list(submission.item_ids)
    if submission.kind == "screening":
        entries = list(db.scalars(select(ScreeningEntry).where(ScreeningEntry.id.in_(ids)).order_by(ScreeningEntry.id)))
        names = node_names(db, [e.node_id for e in entries] + [submission.node_id])
        numbers = matter_numbers(db, [e.matter_id for e in entries])
        items = [screening.to_dict(e, names, clock.today(), None, numbers) for e in entries]
    else:
        records = list(db.scalars(select(ReceptionRecord).where(ReceptionRecord.id.in_(ids))
                                  .order_by(ReceptionRecord.id)))
        names = node_names(db, [r.node_id for r in records] + [submission.node_id])
        numbers = matter_numbers(db, [r.matter_id for r in records])
        items = [register.to_dict(r, names, numbers) for r in records]
    return {**cycle.to_dict(submission, names.get(submission.node_id, "")), "items": items}


@get("/api/reporting/nodes/{node_id:int}/overview", opt={"permission": READ}, sync_to_thread=True,
     summary="报送情况一览:下辖各村(社区)某报送日按时报送、逾期报送、未报送情况")
def overview(request: Request, db: NamedDependency[ScopedSession], node_id: FromPath[Id],
             due_on: FromQuery[dt.date | None] = None) -> dict:
    node = visible_node(db, node_id)
    calendar = load_calendar(db)
    due = due_on or cycle.next_due(calendar, clock.today())
    return cycle.overview(db, node, due, clock.now(), calendar)


@get("/api/reporting/due-dates", opt={"permission": READ}, sync_to_thread=True,
     summary="报送日(每周三、周五,遇节假日顺延)及截止时间")
def due_dates(request: Request, db: NamedDependency[ScopedSession], start: FromQuery[dt.date | None] = None,
              end: FromQuery[dt.date | None] = None) -> dict:
    start = start or clock.today()
    end = end or start + dt.timedelta(days=27)
    if end < start or (end - start).days > 366:
        raise BadRequest("日期范围应在一年以内,且结束日期不早于开始日期")
    days = cycle.due_dates(load_calendar(db), start, end)
    return {"items": [{"due_on": d.isoformat(), "weekday": f"星期{WEEKDAYS[d.weekday()]}",
                       "deadline": cycle.deadline_of(d).isoformat()} for d in days]}


route_handlers = [submit, list_submissions, read_submission, overview, due_dates]
