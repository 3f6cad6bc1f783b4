"""Appending to and verifying the audit log.

Every ORM write is recorded automatically (collected at each flush, written at commit): create, update and delete,
with the changed columns before and after. Bulk UPDATE/DELETE statements are recorded
with their row count. Logins, exports, document generation and other events that are not
row changes call ``record()`` directly. A record holds who did what to which object and
the names of the changed fields; the values (personal data among them) go to a detail
row whose salted hash the record holds. Each record is an HMAC over its fields and the
previous record's hash with the chain key (kept outside the database), one chain per
county, so an edited, deleted, re-ordered or recomputed record shows up in ``verify()``
by its position, and signed daily checkpoints show a cut tail (docs/audit.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import bindparam, event, func, insert, inspect, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from xinfang.platform import clock
from xinfang.platform.audit.checkpoints import signature_valid
from xinfang.platform.audit.keys import AuditKeys
from xinfang.platform.audit.models import (
    KEYED_SCHEME,
    LEGACY_SCHEME,
    PLATFORM_CHAIN,
    AuditChain,
    AuditCheckpoint,
    AuditDetail,
    AuditRecord,
    keyed_fields,
)
from xinfang.platform.db import Base
from xinfang.platform.privacy.fields import Viewer
from xinfang.tenants.models import AccessScoped, AncestryColumns, Node
from xinfang.tenants.scope import ScopedSession, node_ancestry

# Rows whose changes are not audited as such: the log itself, login bookkeeping that is
# recorded as login / login_failed / logout events instead, and job bookkeeping.
_NOT_AUDITED = {"audit_records", "audit_chains", "audit_details", "audit_checkpoints", "auth_sessions",
                "login_failures", "outbox_jobs"}
REDACTED = "(已隐去)"
ERASE_ACTION = "erase_detail"  # one record per erased detail; its object_id is the erased seq


_PLAIN = (str, int, float, bool, type(None))


def _jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:  # most column values (exact types: a str Enum still goes below)
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def canonical(value: Any) -> bytes:
    return json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest(fields: list[Any]) -> str:
    """The unkeyed hash of the records written before keyed chains (scheme 1)."""
    return hashlib.sha256(canonical(fields)).hexdigest()


def record_hash(rec: AuditRecord, chain_key: bytes) -> str:
    if rec.hash_scheme == LEGACY_SCHEME:
        return digest(rec.hashed_fields())
    return hmac.new(chain_key, canonical(rec.hashed_fields()), hashlib.sha256).hexdigest()


def detail_hash(salt: str, before: Any, after: Any) -> str:
    return hashlib.sha256(salt.encode("ascii") + canonical([before, after])).hexdigest()


def audit_keys(session: Session) -> AuditKeys:
    keys = session.info.get("audit")
    if keys is None:
        raise RuntimeError("session without audit keys: build its factory with make_session_factory(engine, settings)")
    return keys


def _field_names(before: Any, after: Any) -> list[str]:
    names: set[str] = set()
    for values in (before, after):
        if isinstance(values, dict):
            names.update(values)
    return sorted(names)


def actor_info(session: Session) -> dict[str, Any]:
    return session.info.get("actor") or {"id": None, "name": "系统", "address": ""}


@dataclass
class _Pending:
    action: str
    object_type: str
    object_id: Any
    node_id: int | None
    before: Any
    after: Any
    at: datetime = field(default_factory=clock.now)  # when it happened, not when the batch is written
    plain: bool = False  # before and after are JSON values already (collected from a flush)


PENDING = "audit_pending"


def record(session: Session, *, action: str, object_type: str, object_id: Any = "",
           node_id: int | None = None, before: Any = None, after: Any = None) -> None:
    """Append one record in the session's transaction (it commits or rolls back with the data).

    It joins the records that flushes collected, after them, so each chain keeps the order in
    which things happened; all are written in one batch at commit (``write_pending`` sooner)."""
    session.info.setdefault(PENDING, []).append(_Pending(action, object_type, object_id, node_id, before, after))


def _append(session: Session, items: list[_Pending]) -> None:
    """Append ``items`` in order: each chain's head is locked once (in chain order, so two
    transactions never wait for each other crosswise) and updated once for the whole batch,
    and the records and details are inserted with one statement each (executemany)."""
    actor = actor_info(session)
    key = audit_keys(session).chain_key
    places = {node_id: _place_of(session, node_id) for node_id in {p.node_id for p in items}}
    records: list[dict[str, Any]] = []
    details: list[dict[str, Any]] = []
    conn = session.connection()
    heads = {chain: _lock_head(session, chain) for chain in sorted({places[p.node_id][0] for p in items})}
    for p in items:
        chain, ancestry = places[p.node_id]
        before, after = (p.before, p.after) if p.plain else (_jsonable(p.before), _jsonable(p.after))
        has_detail = before is not None or after is not None
        salt = secrets.token_hex(16) if has_detail else ""
        last_seq, last_hash = heads[chain]
        row = {"chain": chain, "seq": last_seq + 1, "prev_hash": last_hash, "hash_scheme": KEYED_SCHEME, "at": p.at,
               "actor_id": actor["id"], "actor_name": actor["name"], "address": actor.get("address", ""),
               "node_id": p.node_id, "object_type": p.object_type, "object_id": str(p.object_id or ""),
               "action": p.action, "fields": _field_names(before, after),
               "detail_hash": detail_hash(salt, before, after) if has_detail else None, **ancestry}
        row["hash"] = hmac.new(key, canonical(keyed_fields(row)), hashlib.sha256).hexdigest()
        heads[chain] = (row["seq"], row["hash"])
        records.append(row)
        if has_detail:
            details.append({"chain": chain, "seq": row["seq"], "salt": salt, "before": before, "after": after})
    conn.execute(_INSERT_RECORDS, records)
    if details:
        conn.execute(_INSERT_DETAILS, details)
    for chain, (seq, hash_) in heads.items():
        conn.execute(_MOVE_HEAD, {"head": chain, "new_seq": seq, "new_hash": hash_})


def _place_of(session: Session, node_id: int | None) -> tuple[int, dict[str, int | None]]:
    """A record's chain and the ancestry columns it carries (as the scope's flush check would fill them)."""
    ancestry = node_ancestry(session, node_id)
    return ancestry.get("county_id") or PLATFORM_CHAIN, ancestry


def write_pending(session: Session) -> None:
    """Write the records that flushes collected so far (before reading the log in the same
    transaction; commit does it anyway)."""
    session.flush()
    _drain(session)


def _drain(session: Session) -> None:
    """Write the records that flushes collected so far."""
    pending: list[_Pending] = session.info.pop(PENDING, [])
    if pending:
        _append(session, pending)


def chain_node(chain: int) -> int | None:
    """The node to pass to ``record()`` so that a record lands in ``chain`` (a county's id is its chain)."""
    return None if chain == PLATFORM_CHAIN else chain


def seal_legacy_chains(session: Session) -> list[int]:
    """Append a keyed record to every chain that ends in unkeyed (scheme 1) records.

    Its HMAC covers the last unkeyed hash, so the old records keep verifying and can no
    longer be rewritten; ``verify()`` accepts unkeyed records only before a keyed one."""
    last = (select(AuditRecord.chain, func.max(AuditRecord.seq).label("seq"))
            .group_by(AuditRecord.chain).subquery())
    query = (select(AuditRecord.chain, AuditRecord.seq)
             .join(last, (AuditRecord.chain == last.c.chain) & (AuditRecord.seq == last.c.seq))
             .where(AuditRecord.hash_scheme == LEGACY_SCHEME))
    sealed = []
    for chain, seq in session.execute(query).all():
        record(session, action="chain_keyed", object_type="audit_records", object_id=seq, node_id=chain_node(chain))
        sealed.append(chain)
    return sealed


def _lock_head(session: Session, chain: int) -> tuple[int, str]:
    """Lock the chain's head row (created on first use) and return its last seq and hash.

    Core statements on the session's connection: this runs inside flush events, where the
    ORM cannot flush again, and the head row is bookkeeping, not a scoped record."""
    conn = session.connection()
    row = conn.execute(_HEAD, {"head": chain}).first()
    if row is None:
        insert = postgresql_insert if conn.dialect.name == "postgresql" else sqlite_insert
        conn.execute(insert(AuditChain).values(chain=chain, last_seq=0, last_hash="").on_conflict_do_nothing())
        row = conn.execute(_HEAD, {"head": chain}).one()
    return row.last_seq, row.last_hash


# The statements of every append, built once (building one and its cache key costs about as
# much CPU as running it).
_HEAD = select(AuditChain.last_seq, AuditChain.last_hash).where(AuditChain.chain == bindparam("head")).with_for_update()
_MOVE_HEAD = (update(AuditChain).where(AuditChain.chain == bindparam("head"))
              .values(last_seq=bindparam("new_seq"), last_hash=bindparam("new_hash")))
_INSERT_RECORDS, _INSERT_DETAILS = insert(AuditRecord), insert(AuditDetail)


# --- automatic recording of ORM writes ------------------------------------------------


def _parent_key(obj: Any) -> tuple[Any, Any] | None:
    """(parent table, parent id) of a matter's (or campaign's) child row: its node is the parent's."""
    if isinstance(obj, Node) or (isinstance(obj, AncestryColumns) and hasattr(obj, "node_id")):
        return None
    if isinstance(obj, AccessScoped) and obj.__access_key__ != "id":
        parent = next(iter(obj.__access_model__.__table__.c.subject_id.foreign_keys)).column.table
        key = getattr(obj, obj.__access_key__)
        return None if key is None else (parent, key)
    return None


def _parent_nodes(session: Session, objs: list[Any], gone: list[Any]) -> dict[tuple[Any, Any], int | None]:
    """The parents' nodes of every child row in one flush: a parent the session holds (a
    registration's matter, just written) answers itself; the others are read with one query
    per parent table (a batch writing many matters' rows would otherwise ask once per row).
    A parent deleted in this flush (``gone``) is asked for too, as it was before."""
    wanted: dict[Any, set[Any]] = {}
    for obj in objs:
        found = _parent_key(obj)
        if found is not None:
            wanted.setdefault(found[0], set()).add(found[1])
    nodes: dict[tuple[Any, Any], int | None] = {}
    deleted = {id(obj) for obj in gone}
    for table, keys in wanted.items():
        cls = _mapped_class(table)
        for key in list(keys) if cls is not None else ():
            held = session.identity_map.get(identity_key(cls, key))
            if held is not None and id(held) not in deleted and "node_id" in (values := inspect(held).dict):
                nodes[(table, key)] = values["node_id"]
                keys.discard(key)
    conn = session.connection()
    for table, keys in wanted.items():
        if not keys:
            continue
        ordered = sorted(keys)
        for i in range(0, len(ordered), 500):
            rows = conn.execute(select(table.c.id, table.c.node_id).where(table.c.id.in_(ordered[i:i + 500])))
            nodes.update(((table, row.id), row.node_id) for row in rows)
    return nodes


_MAPPED: dict[Any, type] = {}


def _mapped_class(table: Any) -> type | None:
    """The class mapped to ``table`` (a parent table of access-scoped rows)."""
    if table not in _MAPPED:
        found = next((m.class_ for m in Base.registry.mappers if m.local_table is table), None)
        if found is None:
            return None
        _MAPPED[table] = found
    return _MAPPED[table]


def _node_of(obj: Any, parents: dict[tuple[Any, Any], int | None]) -> int | None:
    """The node a record is about, so it lands in its county's chain."""
    if isinstance(obj, Node):
        return obj.id
    if isinstance(obj, AncestryColumns) and hasattr(obj, "node_id"):
        return obj.node_id
    found = _parent_key(obj)
    return None if found is None else parents.get(found)


def _private(obj: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Hide secrets (``__audit_redact__``) and mask personal data (``__field_rules__``)."""
    for key in getattr(type(obj), "__audit_redact__", ()):
        if key in values:
            values[key] = REDACTED
    rules = getattr(type(obj), "__field_rules__", None)
    return rules.redact(values, Viewer()) if rules else values


def _columns(obj: Any) -> dict[str, Any]:
    return _private(obj, {a.key: _jsonable(getattr(obj, a.key)) for a in inspect(obj).mapper.column_attrs})


def _changes(obj: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(obj)
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if hist.has_changes():
            before[attr.key] = _jsonable(hist.deleted[0] if hist.deleted else None)
            after[attr.key] = _jsonable(hist.added[0] if hist.added else None)
    return _private(obj, before), _private(obj, after)


def _audited(obj: Any) -> bool:
    return getattr(obj, "__tablename__", None) not in _NOT_AUDITED


@event.listens_for(ScopedSession, "after_flush")
def _collect(session: Session, _ctx: Any) -> None:
    pending: list[_Pending] = session.info.setdefault(PENDING, [])
    new = [obj for obj in session.new if _audited(obj)]
    dirty = [obj for obj in session.dirty if _audited(obj) and session.is_modified(obj, include_collections=False)]
    deleted = [obj for obj in session.deleted if _audited(obj)]
    parents = _parent_nodes(session, [*new, *dirty, *deleted], deleted)
    for obj in new:
        pending.append(_Pending("create", obj.__tablename__, _pk(obj), _node_of(obj, parents), None, _columns(obj),
                                plain=True))
    for obj in dirty:
        before, after = _changes(obj)
        if before or after:
            pending.append(_Pending(getattr(obj, "__audit_action__", None) or "update", obj.__tablename__,
                                    _pk(obj), _node_of(obj, parents), before, after, plain=True))
    for obj in deleted:
        pending.append(_Pending("delete", obj.__tablename__, _pk(obj), _node_of(obj, parents), _columns(obj), None,
                                plain=True))


def _pk(obj: Any) -> Any:
    """The primary key, also for a row just inserted (its identity key is set only after the flush)."""
    key = inspect(obj).mapper.primary_key_from_instance(obj)
    return key[0] if len(key) == 1 else "/".join(str(k) for k in key)


@event.listens_for(ScopedSession, "before_commit")
def _write(session: Session) -> None:
    """The collected records are written once, at commit, in one batch per chain: a chain's
    head row (one writer at a time per county on PostgreSQL) is locked only for the last
    moment of the transaction instead of from its first flush. A savepoint's release is no
    commit: its records wait for the transaction's (a rolled-back savepoint takes its own back)."""
    if session.in_nested_transaction():
        return
    write_pending(session)  # what is still unflushed is collected first


@event.listens_for(ScopedSession, "after_transaction_end")
def _forget(session: Session, transaction: Any) -> None:
    """A transaction that ends without its commit (rolled back, closed) takes its records along."""
    if transaction.parent is None:
        session.info.pop(PENDING, None)
        session.info.pop(SAVEPOINTS, None)  # (a savepoint's mark is used after it ends: _take_back)


SAVEPOINTS = "audit_savepoints"


@event.listens_for(ScopedSession, "after_transaction_create")
def _mark(session: Session, transaction: Any) -> None:
    """A savepoint remembers the records collected before it (a copy: a record() inside it may
    write and drop them), so that rolling it back takes back exactly what happened inside."""
    if transaction.nested:
        session.info.setdefault(SAVEPOINTS, {})[id(transaction)] = list(session.info.get(PENDING, []))


@event.listens_for(ScopedSession, "after_soft_rollback")
def _take_back(session: Session, transaction: Any) -> None:
    """A rolled-back savepoint's writes never happened: neither do their records."""
    if transaction.nested:
        before = session.info.get(SAVEPOINTS, {}).pop(id(transaction), None)
        if before is not None:
            session.info[PENDING] = before


@event.listens_for(ScopedSession, "do_orm_execute")
def _bulk(state) -> Any:
    """Bulk UPDATE/DELETE bypass the flush: run them here and record what they touched."""
    if not (state.is_update or state.is_delete) or state.execution_options.get("skip_audit"):
        return None
    entity = state.bind_mapper.class_ if state.bind_mapper else None
    table = getattr(entity, "__tablename__", "?")
    if table in _NOT_AUDITED:
        return None
    result = state.invoke_statement()
    home = (session_actor_node(state.session))
    record(state.session, action="bulk_update" if state.is_update else "bulk_delete", object_type=table,
           node_id=home, after={"rows": result.rowcount, "statement": str(state.statement)})
    return result


def session_actor_node(session: Session) -> int | None:
    return actor_info(session).get("node_id")


# --- verification --------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    position: int  # 1-based position in the chain as stored
    seq: int
    kind: str  # modified | missing | out_of_order | truncated | downgraded | unsealed | checkpoint
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"position": self.position, "seq": self.seq, "kind": self.kind, "message": self.message}


@dataclass
class ChainReport:
    """One chain's verdict: problems (tampering), and details erased by an audited erasure."""

    chain: int
    problems: list[Problem]
    erased: list[int]  # seqs whose detail was erased (anonymised): not tampering
    checkpoints: int  # signed checkpoints checked

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        notes = [f"序号{seq}的明细已按规定清除(匿名化),记录本身完整" for seq in self.erased]
        return {"chain": self.chain, "ok": self.ok, "status": "完整" if self.ok else "被篡改",
                "problems": [p.to_dict() for p in self.problems], "detail_erased": self.erased,
                "notes": notes, "checkpoints": self.checkpoints}


def verify(session: Session, chain: int) -> ChainReport:
    """Walk one chain in stored order and report every record that breaks it."""
    keys = audit_keys(session)
    # what claims the chain's length is read BEFORE the records: a record committed in between
    # (the service keeps writing) then only lengthens the records, it cannot look like a cut
    head = session.scalar(select(AuditChain.last_seq).where(AuditChain.chain == chain))
    signed = session.scalars(select(AuditCheckpoint).where(AuditCheckpoint.chain == chain)
                             .order_by(AuditCheckpoint.day)).all()
    records = session.scalars(select(AuditRecord).where(AuditRecord.chain == chain)
                              .order_by(AuditRecord.id)).all()
    present = {rec.seq for rec in records}
    problems: list[Problem] = []
    prev: AuditRecord | None = None
    keyed_seen = False
    for pos, rec in enumerate(records, start=1):
        if rec.hash_scheme == LEGACY_SCHEME and keyed_seen:
            problems.append(Problem(pos, rec.seq, "downgraded",
                                    f"第{pos}条记录(序号{rec.seq})使用无密钥的旧哈希,却位于有密钥的记录之后"))
        keyed_seen = keyed_seen or rec.hash_scheme == KEYED_SCHEME
        if (rec.hash_scheme not in (LEGACY_SCHEME, KEYED_SCHEME)
                or not hmac.compare_digest(record_hash(rec, keys.chain_key), rec.hash)
                or (rec.hash_scheme == KEYED_SCHEME and (rec.before is not None or rec.after is not None))):
            problems.append(Problem(pos, rec.seq, "modified", f"第{pos}条记录(序号{rec.seq})的内容被修改"))
        expected = prev.seq + 1 if prev else 1
        if rec.seq != expected:
            gap = [s for s in range(expected, rec.seq) if s not in present]
            if rec.seq > expected and gap:
                problems.append(Problem(pos, rec.seq, "missing",
                                        f"第{pos}条记录(序号{rec.seq})之前的序号{gap[0]}至{gap[-1]}的记录被删除"))
            else:
                problems.append(Problem(pos, rec.seq, "out_of_order", f"第{pos}条记录(序号{rec.seq})的顺序被调换"))
        elif rec.prev_hash != (prev.hash if prev else ""):
            problems.append(Problem(pos, rec.seq, "modified", f"第{pos}条记录(序号{rec.seq})与前一条记录的链接不符"))
        prev = rec
    if records and not keyed_seen:
        problems.append(Problem(len(records), records[-1].seq, "unsealed",
                                "整条链只有无密钥的旧记录,无法排除被整体改写(请运行 xinfang db upgrade 加封)"))
    erased = _check_details(session, chain, records, problems)
    checkpoints = _check_checkpoints(keys, signed, head, records, problems)
    return ChainReport(chain, problems, erased, checkpoints)


def _check_details(session: Session, chain: int, records: Sequence[AuditRecord], problems: list[Problem]) -> list[int]:
    details = {d.seq: d for d in session.scalars(select(AuditDetail).where(AuditDetail.chain == chain))}
    erasures = {rec.object_id for rec in records if rec.action == ERASE_ACTION}
    erased = []
    for pos, rec in enumerate(records, start=1):
        if rec.hash_scheme != KEYED_SCHEME or rec.detail_hash is None:
            continue
        detail = details.get(rec.seq)
        if detail is None:
            problems.append(Problem(pos, rec.seq, "modified", f"第{pos}条记录(序号{rec.seq})的明细被删除"))
        elif detail.erased_at is not None:
            if str(rec.seq) in erasures:
                erased.append(rec.seq)
            else:
                problems.append(Problem(pos, rec.seq, "modified",
                                        f"第{pos}条记录(序号{rec.seq})的明细被清除,但链中没有清除记录"))
        elif not hmac.compare_digest(detail_hash(detail.salt, detail.before, detail.after), rec.detail_hash):
            problems.append(Problem(pos, rec.seq, "modified", f"第{pos}条记录(序号{rec.seq})的明细被修改"))
    return erased


def _check_checkpoints(keys: AuditKeys, signed: Sequence[AuditCheckpoint], head: int | None,
                       records: Sequence[AuditRecord], problems: list[Problem]) -> int:
    """A signed head must still be in the chain, with the same hash; the chain may not end before it."""
    public_key = keys.public_key()
    by_seq = {rec.seq: (pos, rec) for pos, rec in enumerate(records, start=1)}
    last = max(by_seq, default=0)
    claimed, evidence = 0, ""
    checked = 0
    for cp in signed:
        day = cp.day.isoformat()
        if not signature_valid(public_key, cp.to_dict()):
            problems.append(Problem(0, cp.seq, "checkpoint", f"{day}的检查点签名无效(检查点被伪造或改动)"))
            continue
        checked += 1
        if cp.seq > claimed:
            claimed, evidence = cp.seq, f"{day}的签名检查点"
        pos, rec = by_seq.get(cp.seq, (0, None))
        if rec is not None and not hmac.compare_digest(rec.hash, cp.hash):
            problems.append(Problem(pos, rec.seq, "checkpoint",
                                    f"第{pos}条记录(序号{rec.seq})与{day}的签名检查点不符:记录被改写"))
    if head is not None and head > claimed:
        claimed, evidence = head, "链头"
    if claimed > last:
        problems.append(Problem(len(records) + 1, claimed, "truncated",
                                f"链尾序号{last + 1}至{claimed}的记录被删除(依据:{evidence})"))
    return checked
