"""Daily signed checkpoints of every audit chain's head, and their offline check.

Once a day each chain's head (chain, seq, hash, time) is signed with the checkpoint key
(Ed25519, private half outside the database). A supervisor downloads the checkpoints and
the public key and checks them with ``xinfang audit verify-checkpoints`` without any
database; ``verify()`` checks the stored ones against the chain, so a tail cut after a
checkpoint, or a chain rewritten under it, is found even by someone who edited the
head row too.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from xinfang.platform.audit.keys import AuditKeys, fingerprint
from xinfang.platform.audit.models import AuditChain, AuditCheckpoint
from xinfang.platform.clock import CHINA
from xinfang.platform.jobs.periodic import PeriodicTask
from xinfang.tenants.scope import Scope

SIGNED_FIELDS = ("chain", "day", "seq", "hash", "at")


def message(checkpoint: dict[str, Any]) -> bytes:
    """The bytes signed: the checkpoint's fields as canonical JSON (what an offline checker rebuilds)."""
    return json.dumps({k: checkpoint[k] for k in SIGNED_FIELDS}, sort_keys=True, separators=(",", ":")).encode()


def sign(key: Ed25519PrivateKey, checkpoint: dict[str, Any]) -> str:
    return key.sign(message(checkpoint)).hex()


def signature_valid(public_key: Ed25519PublicKey, checkpoint: dict[str, Any]) -> bool:
    try:
        public_key.verify(bytes.fromhex(checkpoint["signature"]), message(checkpoint))
    except (InvalidSignature, ValueError, KeyError, TypeError):
        return False
    return True


def checkpoint_heads(session, keys: AuditKeys, now: dt.datetime) -> int:
    """Sign each non-empty chain's head for today (Asia/Shanghai) unless already signed today."""
    day = now.astimezone(CHINA).date()
    done = set(session.scalars(select(AuditCheckpoint.chain).where(AuditCheckpoint.day == day)))
    key = keys.signing_key()
    key_id = fingerprint(key.public_key())
    made = 0
    for head in session.scalars(select(AuditChain).where(AuditChain.last_seq > 0).order_by(AuditChain.chain)):
        if head.chain in done:
            continue
        cp = AuditCheckpoint(chain=head.chain, day=day, seq=head.last_seq, hash=head.last_hash, at=now.astimezone(dt.UTC),
                             key_id=key_id, signature="")
        cp.signature = sign(key, cp.to_dict())
        session.add(cp)
        made += 1
    return made


def run(session_factory: sessionmaker, now: dt.datetime) -> str:
    """Hourly, so a restart never skips a day; a chain gets one checkpoint per day."""
    keys: AuditKeys = session_factory.kw["info"]["audit"]
    with session_factory(scope=Scope.system()) as session:
        made = checkpoint_heads(session, keys, now)
        try:
            session.commit()
        except IntegrityError:  # another process signed today's heads at the same moment
            session.rollback()
            return "已由其他进程签署"
    return f"签署检查点{made}个"


TASK = PeriodicTask("audit_checkpoints", dt.timedelta(hours=1), run)


def check_offline(public_key: Ed25519PublicKey, checkpoints: list[dict[str, Any]]) -> tuple[int, list[str]]:
    """Check downloaded checkpoints with the public key alone: every signature, and per chain
    that the signed heads only ever grow (a lower seq later, or one seq with two hashes,
    means the chain was cut or rewritten between the two days). Returns (valid, problems)."""
    problems: list[str] = []
    valid = 0
    seen: dict[int, dict[str, Any]] = {}
    for cp in sorted(checkpoints, key=lambda c: (c.get("chain", -1), c.get("day", ""))):
        label = f"[链 {cp.get('chain')}] {cp.get('day')}"
        if not signature_valid(public_key, cp):
            problems.append(f"{label}:签名无效(检查点被伪造或改动)")
            continue
        valid += 1
        before = seen.get(cp["chain"])
        if before is not None:
            if cp["seq"] < before["seq"]:
                problems.append(f"{label}:链尾序号从{before['seq']}({before['day']})回退到{cp['seq']},链尾被截断")
            elif cp["seq"] == before["seq"] and cp["hash"] != before["hash"]:
                problems.append(f"{label}:序号{cp['seq']}的哈希与{before['day']}不同,链被改写")
        seen[cp["chain"]] = cp
    return valid, problems
