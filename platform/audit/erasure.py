"""Erasing the personal data an audit record points to, without breaking its chain.

Anonymisation (e.g. a campaign anonymising incidents, or a county admin through
``POST /api/audit/erasures``) calls ``erase_details()`` for one object; the retention rule
(the periodic task ``audit_retention``, ``XINFANG_AUDIT_RETENTION_DAYS``) erases every detail
older than the retention period. The detail rows lose their values and salt, and each erasure
is itself a chain record naming the erased position, so ``verify()`` reports those positions
as "明细已清除" while a detail cleared behind the application's back is tampering.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from xinfang.platform import clock
from xinfang.platform.audit.log import ERASE_ACTION, chain_node, record, write_pending
from xinfang.platform.audit.models import AuditDetail, AuditRecord
from xinfang.platform.jobs.periodic import PeriodicTask
from xinfang.tenants.scope import Scope

RETENTION_REASON = "审计明细保存期满,按保存期限规则清除"
RETENTION_BATCH = 500  # details per transaction: a first run over years of records stays short


def erase_details(session: Session, object_type: str, object_id: object, reason: str) -> int:
    """Erase the details of every record about one object (e.g. a person file); returns how many.

    Runs in the caller's transaction, so the erasure and its records commit together."""
    query = (select(AuditDetail)
             .join(AuditRecord, (AuditRecord.chain == AuditDetail.chain) & (AuditRecord.seq == AuditDetail.seq))
             .where(AuditRecord.object_type == object_type, AuditRecord.object_id == str(object_id),
                    AuditDetail.erased_at.is_(None))
             .order_by(AuditDetail.chain, AuditDetail.seq))
    return _erase(session, query, reason)


def erase_older_than(session: Session, before: dt.datetime, reason: str = RETENTION_REASON,
                     limit: int = RETENTION_BATCH) -> int:
    """Erase the details of records written before ``before`` (at most ``limit``, oldest first)."""
    query = (select(AuditDetail)
             .join(AuditRecord, (AuditRecord.chain == AuditDetail.chain) & (AuditRecord.seq == AuditDetail.seq))
             .where(AuditRecord.at < before, AuditDetail.erased_at.is_(None))
             .order_by(AuditDetail.chain, AuditDetail.seq).limit(limit))
    return _erase(session, query, reason)


def _erase(session: Session, query: Select, reason: str) -> int:
    write_pending(session)  # records of this transaction's own writes are erased too
    details = session.scalars(query).all()
    for detail in details:
        detail.before = detail.after = None
        detail.salt = ""
        detail.erased_at = clock.now()
        detail.erased_reason = reason[:200]
        record(session, action=ERASE_ACTION, object_type="audit_details", object_id=detail.seq,
               node_id=chain_node(detail.chain), after={"reason": reason[:200]})
    return len(details)


def run_retention(session_factory: sessionmaker, now: dt.datetime) -> str:
    """Daily: erase the details older than the retention period, batch by batch; idempotent
    (what is erased is not found again). ``audit_retention_days`` 0 switches it off."""
    days = session_factory.kw["info"].get("audit_retention_days", 0)
    if not days:
        return "未设置审计明细保存期限"
    erased = 0
    while True:
        with session_factory(scope=Scope.system()) as session:
            session.info["actor"] = {"id": None, "name": "保存期限规则", "address": ""}
            done = erase_older_than(session, now - dt.timedelta(days=days))
            session.commit()
        erased += done
        if done < RETENTION_BATCH:
            return f"清除保存期满的审计明细{erased}条"


RETENTION_TASK = PeriodicTask("audit_retention", dt.timedelta(hours=24), run_retention)
