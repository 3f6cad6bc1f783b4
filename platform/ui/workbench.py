"""The workbench (工作台): what waits for the signed-in user, card by card, each opening the
matter list (or page) already filtered.

Cards about another domain's work (督办, notices, reports, campaigns) open that domain's page
when one is in the menu (``_page_for``: whatever page a plugin declares for the permission),
and each line opens the matter it is about.

Every card reads with the scope of the permission it is about (matters:read for matters,
notifications:read for notices…), exactly as the API route for it would: a user without
the permission does not get the card. Nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from litestar import Request, Response
from sqlalchemy import func, select

from xinfang.permissions.actor import Actor
from xinfang.platform import clock
from xinfang.platform.calendar.service import load_calendar
from xinfang.platform.campaigns import service as campaigns
from xinfang.platform.campaigns.models import Campaign
from xinfang.platform.campaigns.registry import campaign_types
from xinfang.platform.matters import saved_views
from xinfang.platform.matters.models import Matter
from xinfang.platform.matters.states import OPEN_STATES
from xinfang.platform.notifications.models import Notification
from xinfang.platform.notifications.service import addressed_to, target
from xinfang.platform.reporting import cycle
from xinfang.platform.reporting.models import Submission
from xinfang.platform.supervision.models import SupervisionOrder
from xinfang.platform.supervision.service import KINDS as SUPERVISION_KINDS
from xinfang.platform.ui.frame import acting_node_id
from xinfang.platform.ui.rendering import render_page
from xinfang.platform.web.guards import current_actor
from xinfang.tenants.levels import Level
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope

# the states in which a matter waits for someone's act, and the words for the card
WAITING = (("registered", "待转送交办或受理"), ("assigned", "已交办待受理"), ("handling", "办理中"),
           ("replied", "已答复待送达、回访或办结"))
SOON_LIST = 8


@dataclass
class Card:
    title: str
    href: str
    count: int | None = None
    lines: list[dict] = field(default_factory=list)
    note: str = ""
    tone: str = ""  # "", "warn", "bad"


def _session(request: Request, actor: Actor, permission: str):
    scope = actor.scope_for(permission)
    if scope is None:
        return None
    state = request.app.state
    return state.session_factory(scope=scope, bind=state.read_engine)


def _matter_cards(request: Request, actor: Actor, node: Node | None) -> list[Card]:
    session = _session(request, actor, "matters:read")
    if session is None:
        return []
    today = clock.today()
    with session:
        counts = dict(session.execute(select(Matter.state, func.count()).where(Matter.state.in_(OPEN_STATES))
                                      .group_by(Matter.state)).all())
        deadlines = dict(session.execute(select(Matter.deadline_state, func.count())
                                         .where(Matter.state.in_(OPEN_STATES),
                                                Matter.deadline_state.in_(("overdue", "due_soon")))
                                         .group_by(Matter.deadline_state)).all())
        urgent = session.scalars(select(Matter).where(Matter.state.in_(OPEN_STATES), Matter.due_on.is_not(None),
                                                      Matter.deadline_state.in_(("overdue", "due_soon")))
                                 .order_by(Matter.due_on, Matter.id).limit(SOON_LIST)).all()
        urgent_lines = [{"href": f"/matters/{m.id}", "text": f"{m.number} {m.summary[:24]}",
                         "state": m.deadline_state, "left": (m.due_on - today).days} for m in urgent]
        mine = [] if node is None else [{
            "href": "/matters?view=mine", "text": "我的待办",
            "count": session.scalar(saved_views.built_in(select(func.count()).select_from(Matter), "mine", actor, node))}]
    waiting = Card("待办事项", "/matters?open=true",
                   lines=mine + [{"href": f"/matters?state={key}", "text": text, "count": counts.get(key, 0)}
                                 for key, text in WAITING],
                   count=sum(counts.get(key, 0) for key, _ in WAITING))
    overdue, soon = deadlines.get("overdue", 0), deadlines.get("due_soon", 0)
    clocks = Card("期限提醒", "/matters?deadline_state=overdue" if overdue else "/matters?deadline_state=due_soon",
                  count=overdue + soon, lines=urgent_lines, tone="bad" if overdue else ("warn" if soon else ""),
                  note=f"已超期{overdue}件，即将到期{soon}件")
    return [waiting, clocks]


def _page_for(request: Request, actor: Actor, *permissions: str) -> str:
    """The menu page of the first of ``permissions`` the actor holds ("/" — no link — if none)."""
    held = actor.permissions()
    for item in request.app.state.navigation:
        if item.permission in permissions and item.permission in held:
            return item.href
    return "/"


def _supervision_card(request: Request, actor: Actor, node: Node | None) -> Card | None:
    """督办 of the acting unit: those waiting for its report (办理回报), and — for the office that
    issued them — those reported back and waiting for its result (督必有果) or late, with days left."""
    permission = "supervision:read" if "supervision:read" in actor.permissions() else "supervision:report"
    session = _session(request, actor, permission)
    if session is None or node is None:
        return None
    today = clock.today()
    with session:
        to_report = session.scalars(select(SupervisionOrder).where(SupervisionOrder.node_id == node.id,
                                                                   SupervisionOrder.status == "open")
                                    .order_by(SupervisionOrder.due_on, SupervisionOrder.id)).all()
        issued = session.scalars(select(SupervisionOrder).where(
            SupervisionOrder.office_node_id == node.id,
            (SupervisionOrder.status == "reported") | ((SupervisionOrder.status == "open")
                                                       & (SupervisionOrder.due_on < today)))
            .order_by(SupervisionOrder.due_on, SupervisionOrder.id)).all()
    lines = [{"href": f"/matters/{o.matter_id}" if o.matter_id else "",
              "text": f"待回报·{SUPERVISION_KINDS.get(o.kind, o.kind)}：{o.subject[:20]}", "state": "supervision",
              "left": (o.due_on - today).days} for o in to_report]
    lines += [{"href": f"/matters/{o.matter_id}" if o.matter_id else "",
               "text": f"{'已回报待办结' if o.status == 'reported' else '逾期未回报'}：{o.subject[:20]}"}
              for o in issued]
    late = sum(o.due_on < today for o in to_report) + sum(o.status == "open" for o in issued)
    total = len(to_report) + len(issued)
    return Card("督办", _page_for(request, actor, "supervision:read", "supervision:report"), count=total,
                lines=lines[:SOON_LIST], tone="bad" if late else ("warn" if total else ""),
                note=f"逾期{late}件" if late else ("" if total else "没有待回报或待办结的督办"))


def _notice_card(request: Request, actor: Actor) -> Card | None:
    session = _session(request, actor, "notifications:read")
    if session is None:
        return None
    with session:
        mine = select(Notification).where(addressed_to(actor, "notifications:read"), Notification.read_at.is_(None))
        total = session.scalar(select(func.count()).select_from(mine.order_by(None).subquery()))
        latest = session.scalars(mine.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(5)).all()
        lines = [{"href": target(n), "text": n.title, "kind": n.kind}
                 for n in latest]
    return Card("未读提醒", _page_for(request, actor, "notifications:read"), count=total, lines=lines,
                tone="warn" if total else "")


def _report_card(request: Request, actor: Actor, node: Node | None) -> Card | None:
    """The Wednesday/Friday report (排查清单、接访情况): a village's own, or how many of the
    villages below a township or county have sent theirs for the next reporting day."""
    if node is None or node.level not in (Level.VILLAGE, Level.TOWNSHIP, Level.COUNTY):
        return None
    own = node.level == Level.VILLAGE
    if ("reporting:submit" if own else "reporting:read") not in actor.permissions():
        return None
    state = request.app.state
    with state.session_factory(scope=Scope.system(), bind=state.read_engine) as session:
        due = cycle.next_due(load_calendar(session), clock.today())
        villages = cycle.villages_under(session, node)
        sent = session.execute(select(Submission.kind, func.count()).where(
            Submission.node_id.in_([v.id for v in villages]), Submission.due_on == due)
            .group_by(Submission.kind)).all()
    done = dict(sent)
    href = _page_for(request, actor, "reporting:submit" if own else "reporting:read", "reporting:read")
    note = f"报送日：{due.month}月{due.day}日{'（今天）' if due == clock.today() else ''}，每周三、周五18时前"
    if own:
        lines = [{"href": "", "text": f"{label}：{'已报送' if done.get(kind) else '未报送'}", "done": bool(done.get(kind))}
                 for kind, label in cycle.KINDS.items()]
        missing = sum(not done.get(kind) for kind in cycle.KINDS)
        return Card("本期报送", href, count=missing, lines=lines, tone="warn" if missing else "", note=note)
    lines = [{"href": "", "text": f"{label}：已报{done.get(kind, 0)}/{len(villages)}个村（社区）"}
             for kind, label in cycle.KINDS.items()]
    missing = sum(len(villages) - done.get(kind, 0) for kind in cycle.KINDS)
    return Card("村（社区）本期报送", href, count=missing, lines=lines, tone="warn" if missing else "", note=note)


def _campaign_card(request: Request, actor: Actor, node: Node | None) -> Card | None:
    """The current period's unfinished duties of the node in the active campaigns it falls in."""
    session = _session(request, actor, "campaigns:read")
    if session is None or node is None:
        return None
    today = clock.today()
    types = campaign_types(request.app.state.plugins)
    lines: list[dict] = []
    titles: dict[str, None] = {}  # the campaigns the lines belong to, in order
    with session:
        for campaign in session.scalars(select(Campaign).where(Campaign.status == "active",
                                                               Campaign.starts_on <= today, Campaign.ends_on >= today)):
            ctype = types.get(campaign.type_key)
            if ctype is None or not campaigns.in_scope(session, campaign, node):
                continue
            for duty in campaigns.duties(session, ctype, campaign, node, today):
                current = duty["periods"][-1] if duty["periods"] else None  # the period today falls in
                if current is not None and current["done"] < current["required"]:
                    titles.setdefault(campaign.title, None)
                    lines.append({"href": "", "text": f"{duty['text']}（{current['label']}，"
                                                      f"已完成{current['done']}/{current['required']}）"})
    href = _page_for(request, actor, "campaigns:read")
    if not lines:
        return Card("专项活动本周任务", href, count=0, note="本周没有待完成的任务")
    return Card("专项活动本周任务", href, count=len(lines), lines=lines[:8], tone="warn", note="、".join(titles))


def page(request: Request) -> Response:
    actor = current_actor(request)
    node_id = acting_node_id(request, actor)
    state = request.app.state
    node = None
    if node_id is not None:
        with state.session_factory(scope=Scope.system(), bind=state.read_engine) as session:
            node = session.get(Node, node_id)
            if node is not None:
                session.expunge(node)
    cards = [*_matter_cards(request, actor, node), _supervision_card(request, actor, node),
             _notice_card(request, actor), _report_card(request, actor, node), _campaign_card(request, actor, node)]
    return render_page(request, "workbench.html", cards=[c for c in cards if c is not None])
