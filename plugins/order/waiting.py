"""What waits for a county's legal reviewers, and the notices that tell them.

Three things wait for a reviewer (role ``legal_reviewer`` at the county): a draft record
(待审核), an emergency referral made without a prior staff response (待事后审查) and a
person's objection (待复核). Each is announced once when it is recorded, in the recording's
transaction, and reminded once more by the daily task (``reminders.py``) when it still waits
after ``REMIND_AFTER``. A notice names the record's number, the unit and a date only — never
a person or what happened — and opens the incident's page. Its dedupe key starts with the
incident's (``key_prefix``), so a rejected draft takes its notices with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.platform.api import Notification, clock, cn_date, node_names, notify_role
from xinfang.plugins.order.models import Incident, Objection, Referral
from xinfang.plugins.order.vocabulary import KEY, REVIEWER

REVIEW, REFERRAL, OBJECTION = "order_review", "order_referral", "order_objection"
# the kinds of notice the plugin sends (``notice_kind`` in its code labels), each what waits
KINDS = {REVIEW: "整治记录待审核", REFERRAL: "紧急移送待事后审查", OBJECTION: "当事人异议待复核"}
REMIND_AFTER = dt.timedelta(days=3)


@dataclass(frozen=True)
class Waiting:
    kind: str  # one of KINDS
    incident_id: int
    node_id: int  # the incident's unit
    county_id: int  # whose reviewers it waits for
    key: str  # the dedupe key of its notices (each reviewer's adds ``:u<id>``)
    since: dt.datetime  # waiting since: recorded, referred, the objection received
    on: dt.date  # the date its notice names
    incident: Incident = field(compare=False, repr=False)

    @property
    def href(self) -> str:
        return f"/petition-order/incidents/{self.incident_id}"

    @property
    def label(self) -> str:
        return KINDS[self.kind]


def key_prefix(incident_id: int) -> str:
    return f"{KEY}:incident:{incident_id}:"


def draft(incident: Incident) -> Waiting:
    return Waiting(REVIEW, incident.id, int(incident.node_id or 0), int(incident.county_id or 0),
                   f"{key_prefix(incident.id)}review", incident.recorded_at,
                   incident.recorded_at.astimezone(clock.CHINA).date(), incident)


def referral(incident: Incident, row: Referral) -> Waiting:
    return Waiting(REFERRAL, incident.id, int(incident.node_id or 0), int(incident.county_id or 0),
                   f"{key_prefix(incident.id)}referral:{row.id}", row.referred_at,
                   row.referred_at.astimezone(clock.CHINA).date(), incident)


def objection(incident: Incident, row: Objection) -> Waiting:
    received = dt.datetime.combine(row.received_on, dt.time(), tzinfo=clock.CHINA)
    return Waiting(OBJECTION, incident.id, int(incident.node_id or 0), int(incident.county_id or 0),
                   f"{key_prefix(incident.id)}objection:{row.id}", received, row.received_on, incident)


def waiting(session: Session, *, county_id: int | None = None, campaign_id: int | None = None,
            before: dt.datetime | None = None) -> list[Waiting]:
    """Everything waiting for a reviewer in the session's scope (of one county, one campaign,
    waiting since before ``before``), oldest first."""
    def narrowed(query):
        query = query.where(Incident.status != "anonymised")
        if county_id is not None:
            query = query.where(Incident.county_id == county_id)
        if campaign_id is not None:
            query = query.where(Incident.campaign_id == campaign_id)
        return query

    drafts = narrowed(select(Incident).where(Incident.status == "draft"))
    referrals = narrowed(select(Incident, Referral).join(Referral, Referral.incident_id == Incident.id)
                         .where(Referral.review == "pending"))
    objections = narrowed(select(Incident, Objection).join(Objection, Objection.incident_id == Incident.id)
                          .where(Objection.status == "pending"))
    if before is not None:
        drafts = drafts.where(Incident.recorded_at <= before)
        referrals = referrals.where(Referral.referred_at <= before)
        objections = objections.where(Objection.received_on <= before.astimezone(clock.CHINA).date())
    found = [draft(i) for i in session.scalars(drafts.order_by(Incident.id))]
    found += [referral(i, r) for i, r in session.execute(referrals.order_by(Referral.id))]
    found += [objection(i, o) for i, o in session.execute(objections.order_by(Objection.id))]
    return sorted(found, key=lambda w: (w.since, w.incident_id, w.key))


def _words(item: Waiting, unit: str, reminder: bool) -> tuple[str, str]:
    number, day = f"第{item.incident_id}号", cn_date(item.on)
    title = {REVIEW: f"信访秩序整治记录{number}待审核",
             REFERRAL: f"信访秩序整治记录{number}的紧急移送待事后审查",
             OBJECTION: f"信访秩序整治记录{number}的异议待复核"}[item.kind]
    text = {REVIEW: f"{unit}登记的信访秩序整治记录{number}（{day}登记）待法制审核员审核确认。",
            REFERRAL: f"{unit}信访秩序整治记录{number}于{day}未经劝阻、批评或者教育即紧急移送公安机关，待事后审查。",
            OBJECTION: f"{unit}信访秩序整治记录{number}于{day}收到当事人异议，待复核。"}[item.kind]
    if reminder:
        return f"再次提醒：{title}", f"{text}已等待{REMIND_AFTER.days}日以上，请及时处理。"
    return title, text


def tell(session: Session, items: list[Waiting], *, reminder: bool = False) -> int:
    """One notice per item to each legal reviewer of its county (the county as a whole if it
    has none yet); an item told before (its key stored) is not told again. Returns how many
    notices were added."""
    units = node_names(session, [item.node_id for item in items])
    added = 0
    for item in items:
        title, text = _words(item, units.get(item.node_id, ""), reminder)
        added += len(notify_role(session, role=REVIEWER, node_id=item.county_id, kind=item.kind, title=title,
                                 text=text, dedupe_key=item.key + (":reminder" if reminder else ""), href=item.href))
    return added


def forget(session: Session, incident_id: int) -> None:
    """A rejected draft is gone: so are the notices about it (its number may be given again)."""
    for notice in session.scalars(select(Notification).where(
            Notification.dedupe_key.like(f"{key_prefix(incident_id)}%"))):
        session.delete(notice)
