"""Anyone holding a paper or a file asks whether it is one of ours (条例: documents a
petitioner receives must be checkable): by the code printed on its pages, or by the file's
SHA-256. The answer is genuine or not, and the issuing body, 文号 and date — nothing else."""

from __future__ import annotations

import hashlib
from typing import Any

from xinfang.platform import clock
from xinfang.platform.audit.log import record
from xinfang.platform.documents.models import DONE, Document
from xinfang.platform.documents.service import find_by_code, find_by_sha256, normalise_code
from xinfang.platform.errors import BadRequest
from xinfang.platform.public import throttle
from xinfang.platform.public.access import address_of
from xinfang.tenants.scope import ScopedSession

KEY = "verify"


def _answer(document: Document | None) -> dict[str, Any]:
    if document is None or document.status != DONE:
        return {"genuine": False,
                "message": "未找到对应的文书:核验码有误,或文件不是本平台生成的,或文件已被改动"}
    return {"genuine": True, "message": "经核验,该文书为本平台生成的真实文书",
            "issuer": document.issuer, "number": document.number or None,
            "date": (document.inputs or {}).get("date") or document.created_at.date().isoformat()}


def verify(session: ScopedSession, code: str = "", content: bytes | None = None) -> dict[str, Any]:
    """Check a code or a file (throttled per address like the lookup; audited; the caller commits)."""
    address, now = address_of(session), clock.now()
    throttle.check(session, KEY, address, now)
    if content is not None:
        digest = hashlib.sha256(content).hexdigest()
        document, asked = find_by_sha256(session, digest), {"sha256": digest, "size": len(content)}
    else:
        if not (code or "").strip():
            raise BadRequest("请填写文书上印制的核验码,或上传文书文件")
        document, asked = (find_by_code(session, code) if normalise_code(code) else None), {"code": code[:40]}
    answer = _answer(document)
    if not answer["genuine"]:
        throttle.fail(session, KEY, address, now)
    record(session, action="public_document_verified", object_type="documents",
           object_id=document.id if document else "", node_id=document.node_id if document else None,
           after={**asked, "genuine": answer["genuine"]})
    return answer
