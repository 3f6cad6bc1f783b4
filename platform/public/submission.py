"""网上信访 (条例第十八条): a petitioner's own submission, registered at once at the county office
with channel 网上, answered with the number, the 查询码 and a receipt.

Abuse is held back without any outside service: a signed arithmetic challenge (no storage, ten
minutes to answer), a few submissions per address per hour, bounded text and attachments (type
told by the file's first bytes, not its name), and the same ID number with the same text within
ten minutes lands on the matter the first one made instead of a second one.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field

from sqlalchemy import func, select

from xinfang.permissions.actor import Actor
from xinfang.platform import clock
from xinfang.platform.audit.log import record
from xinfang.platform.documents.service import generate
from xinfang.platform.errors import BadRequest, TooManyRequests
from xinfang.platform.matters import attachments
from xinfang.platform.matters import service as matters
from xinfang.platform.matters.documents import subject_ref
from xinfang.platform.matters.models import Matter, MatterEvent
from xinfang.platform.matters.rules import rules_for
from xinfang.platform.privacy.identity import normalize_id_number
from xinfang.platform.public.access import address_of
from xinfang.platform.public.models import PublicSubmission
from xinfang.tenants.models import Node
from xinfang.tenants.scope import ScopedSession

CHALLENGE_MINUTES = 10
MERGE_MINUTES = 10
PER_ADDRESS_PER_HOUR = 5
MAX_FILES, MAX_FILE_BYTES = 3, 5 * 1024 * 1024
KINDS = {"claim": "申诉求决", "suggestion": "建议意见", "accusation": "检举控告"}
# what a file's first bytes say it is: only these may be attached


# --- the challenge ----------------------------------------------------------------------------


def _sign(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), b"public-challenge:" + payload.encode(), hashlib.sha256).hexdigest()[:32]


def new_challenge(secret: str) -> dict[str, str]:
    """A sum to work out; the token carries the numbers and the expiry, signed with the app's key."""
    a, b = secrets.randbelow(40) + 10, secrets.randbelow(9) + 1
    expires = int((clock.now() + dt.timedelta(minutes=CHALLENGE_MINUTES)).timestamp())
    payload = base64.urlsafe_b64encode(json.dumps([a + b, expires]).encode()).decode()
    return {"question": f"{a} + {b} = ?", "token": f"{payload}.{_sign(secret, payload)}"}


def check_challenge(secret: str, token: str, answer: str) -> None:
    payload, _, signature = (token or "").partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(secret, payload)):
        raise BadRequest("验证题无效,请刷新页面后重新作答")
    total, expires = json.loads(base64.urlsafe_b64decode(payload.encode()))
    if clock.now().timestamp() > expires:
        raise BadRequest("验证题已过期,请刷新页面后重新作答")
    if str(answer or "").strip() != str(total):
        raise BadRequest("验证题答案不正确,请重新计算")


# --- the submission ---------------------------------------------------------------------------


@dataclass
class Attachment:
    name: str
    content: bytes


@dataclass
class Submission:
    name: str
    id_number: str
    phone: str
    address: str
    kind: str
    category: str
    request: str
    facts: str
    attachments: list[Attachment] = field(default_factory=list)


def _is_allowed(content: bytes) -> bool:
    """The matter attachments' own check (by content: PDF, JPEG, PNG)."""
    try:
        attachments.media_type_of(content)
    except BadRequest:
        return False
    return True


def check(data: Submission) -> list[str]:
    problems = []
    if data.kind not in KINDS:
        problems.append(f"事项类别应为:{'、'.join(KINDS.values())}")
    if not data.request.strip():
        problems.append("请填写投诉请求")
    if not data.facts.strip():
        problems.append("请填写事实和理由")
    if len(data.request) > 2000 or len(data.facts) > 5000:
        problems.append("投诉请求不超过2000字,事实和理由不超过5000字")
    if not data.phone.strip():
        problems.append("请填写联系电话,以便告知办理情况")
    if len(data.attachments) > MAX_FILES:
        problems.append(f"附件最多{MAX_FILES}个")
    for a in data.attachments:
        if len(a.content) > MAX_FILE_BYTES:
            problems.append(f"附件“{a.name}”超过{MAX_FILE_BYTES // 2**20}MB")
        elif not _is_allowed(a.content):
            problems.append(f"附件“{a.name}”不是PDF、JPEG或PNG文件")
    return problems


def fingerprint(data: Submission) -> str:
    text = "\n".join((normalize_id_number(data.id_number), " ".join(data.request.split()),
                      " ".join(data.facts.split())))
    return hashlib.sha256(text.encode()).hexdigest()


def _limit(session: ScopedSession, address: str) -> None:
    since = clock.now() - dt.timedelta(hours=1)
    count = session.scalar(select(func.count()).select_from(PublicSubmission)
                           .where(PublicSubmission.address == address, PublicSubmission.at > since))
    if (count or 0) >= PER_ADDRESS_PER_HOUR:
        raise TooManyRequests("同一网络地址一小时内提交次数过多,请稍后再试,或到信访接待场所当面反映",
                              retry_after=3600)


def submit(session: ScopedSession, desk: Actor, county: Node, data: Submission) -> tuple[Matter, bool]:
    """Register ``data`` at ``county`` (or find the matter the same submission made within ten
    minutes); (the matter, True when it was merged into an earlier one). The caller commits."""
    address = address_of(session)
    _limit(session, address)
    mark = fingerprint(data)
    earlier = session.scalar(select(Matter).join(PublicSubmission, PublicSubmission.matter_id == Matter.id)
                             .where(PublicSubmission.fingerprint == mark,
                                    PublicSubmission.at > clock.now() - dt.timedelta(minutes=MERGE_MINUTES))
                             .order_by(PublicSubmission.id).limit(1))
    if earlier is not None:
        session.add(PublicSubmission(fingerprint=mark, matter_id=earlier.id, address=address))
        record(session, action="public_submission_merged", object_type="matters", object_id=earlier.id,
               node_id=earlier.node_id)
        return earlier, True
    categories = rules_for(session, county.id).categories
    matter = matters.register(session, desk, matters.MatterIn(
        node_id=county.id, channel="online", form="individual", kind=data.kind,
        category=data.category if data.category in categories else ("其他" if "其他" in categories else categories[0]),
        summary=data.facts.strip(), demands=data.request.strip(),
        petitioners=[matters.PetitionerIn(name=data.name, id_number=data.id_number, phone=data.phone,
                                          address=data.address)]))
    for a in data.attachments:  # on the matter like a clerk's upload: listed, downloadable, audited
        attachments.attach(session, desk, matter, a.name, a.content, note="信访人网上提交")
    session.add(PublicSubmission(fingerprint=mark, matter_id=matter.id, address=address))
    session.flush()
    event = session.scalar(select(MatterEvent).where(MatterEvent.matter_id == matter.id,
                                                     MatterEvent.action == "register"))
    generate(session, desk, "matter_receipt", county.id, subject=matter, subject_ref=subject_ref(matter, event))
    return matter, False
