"""Erasing the personal data an audit record points to, without breaking its chain.

Retention rules and anonymisation (e.g. a campaign anonymising incidents) call
``erase_details()``: the detail rows lose their values and salt, and each erasure is
itself a chain record naming the erased position, so ``verify()`` reports those
positions as "明细已清除" while a detail cleared behind the application's back is tampering.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinfang.platform import clock
from xinfang.platform.audit.log import ERASE_ACTION, chain_node, record
from xinfang.platform.audit.models import AuditDetail, AuditRecord


def erase_details(session: Session, object_type: str, object_id: object, reason: str) -> int:
    """Erase the details of every record about one object (e.g. a person file); returns how many.

    Runs in the caller's transaction, so the erasure and its records commit together."""
    query = (select(AuditDetail)
             .join(AuditRecord, (AuditRecord.chain == AuditDetail.chain) & (AuditRecord.seq == AuditDetail.seq))
             .where(AuditRecord.object_type == object_type, AuditRecord.object_id == str(object_id),
                    AuditDetail.erased_at.is_(None))
             .order_by(AuditDetail.chain, AuditDetail.seq))
    details = session.scalars(query).all()
    for detail in details:
        detail.before = detail.after = None
        detail.salt = ""
        detail.erased_at = clock.now()
        detail.erased_reason = reason[:200]
        record(session, action=ERASE_ACTION, object_type="audit_details", object_id=detail.seq,
               node_id=chain_node(detail.chain), after={"reason": reason[:200]})
    return len(details)
