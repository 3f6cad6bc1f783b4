"""Casbin policies in our own ``casbin_rules`` table, cached per process by policy version.

Casbin is asked once per (role, permission) after each policy change, never on the
request path: a plain Enforcer answers a few hundred checks a second here.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from pathlib import Path

import casbin
from casbin import persist
from sqlalchemy import Integer, String, UniqueConstraint, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapped, Session, mapped_column

from xinfang.permissions.roles import PERMISSION_LABELS, is_read_only
from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime, read_only
from xinfang.platform.extensions.hookspecs import RoleSpec
from xinfang.platform.extensions.manager import plugin_permissions, plugin_roles, plugins_of

logging.getLogger("casbin").setLevel(logging.ERROR)  # it logs every denial at WARNING
log = logging.getLogger(__name__)
MODEL_PATH = Path(__file__).with_name("model.conf")


class CasbinRule(Base):
    __tablename__ = "casbin_rules"
    __table_args__ = (UniqueConstraint("ptype", "v0", "v1", "v2", name="uq_casbin_rules_rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ptype: Mapped[str] = mapped_column(String(8))
    v0: Mapped[str] = mapped_column(String(64))
    v1: Mapped[str] = mapped_column(String(64))
    v2: Mapped[str] = mapped_column(String(64))


class PolicyVersion(Base):
    """One row; bumped on every policy change so other processes reload."""

    __tablename__ = "policy_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class TableAdapter(persist.Adapter):
    """Reads the rules through ``bind``: an engine, or the connection a request already holds."""

    def __init__(self, bind: Engine | Connection) -> None:
        self.bind = read_only(bind) if isinstance(bind, Engine) else bind

    def load_policy(self, model) -> None:
        with Session(self.bind) as s:
            for rule in s.scalars(select(CasbinRule).order_by(CasbinRule.id)):
                persist.load_policy_line(", ".join((rule.ptype, rule.v0, rule.v1, rule.v2)), model)


def check_role_permission(roles: dict[str, RoleSpec], role: str, permission: str) -> None:
    """Refuse a grant to an undeclared role, or a write permission to a read-only role
    (the 纪工委 supervisor, or a plugin's role declared ``read_only``)."""
    if role not in roles:
        raise ValueError(f"unknown role {role!r}")
    if roles[role].read_only and not is_read_only(permission):
        raise ValueError(f"{role} is a read-only role; cannot grant {permission!r}")


def replace_rules(session: Session, grants: dict[str, set[str]], roles: dict[str, RoleSpec] | None = None) -> bool:
    """Make the table hold exactly these role → permission rules; bump the version and
    return True if anything changed. ``roles``: the declared roles (default: those of the
    plugin manager the session carries)."""
    roles = plugin_roles(plugins_of(session)) if roles is None else roles
    for role, perms in grants.items():
        for perm in perms:
            check_role_permission(roles, role, perm)
    wanted = {(role, *perm.split(":", 1)) for role, perms in grants.items() for perm in perms}
    have = {(r.v0, r.v1, r.v2): r for r in session.scalars(select(CasbinRule).where(CasbinRule.ptype == "p"))}
    if set(have) == wanted:
        return False
    for key in set(have) - wanted:
        session.delete(have[key])
    for sub, obj, act in sorted(wanted - set(have)):
        session.add(CasbinRule(ptype="p", v0=sub, v1=obj, v2=act))
    bump_version(session)
    return True


def bump_version(session: Session) -> None:
    row = session.get(PolicyVersion, 1)
    if row is None:
        session.add(PolicyVersion(id=1, version=1))
    else:
        session.execute(update(PolicyVersion).where(PolicyVersion.id == 1)
                        .values(version=PolicyVersion.version + 1, changed_at=clock.now()))


def current_version(bind: Engine | Connection) -> int:
    query = select(PolicyVersion.version).where(PolicyVersion.id == 1)
    if isinstance(bind, Connection):
        return bind.execute(query).scalar() or 0
    # read-only: on SQLite it must not wait for the write lock a request in this thread may hold
    with read_only(bind).connect() as conn:
        return conn.execute(query).scalar() or 0


CHANNEL = "xinfang:policy"


def announce_change(redis_client) -> None:
    """Tell every process listening on Redis to re-read the policy now (call after commit).
    If Redis is down the change still arrives through the periodic version check."""
    if redis_client is None:
        return
    try:
        redis_client.publish(CHANNEL, "changed")
    except Exception as exc:  # noqa: BLE001 - any Redis failure; the version check covers it
        log.warning("could not announce a policy change over Redis (%s); processes pick it up within "
                    "their check interval", exc)


class PolicyStore:
    """role → set of permissions, reloaded when the stored version moves.

    ``refresh(connection)`` re-reads the version at most every ``check_seconds`` (so a change
    reaches every process within that time even without Redis; with Redis, a message on
    ``CHANNEL`` makes the next refresh re-read it at once). The web guard calls it on the
    connection it authenticates with, so a handler's permission checks never take a second
    connection: ``permissions_of`` only reads memory, except for the very first load.
    """

    def __init__(self, engine: Engine, check_seconds: float = 2.0, redis_client=None) -> None:
        self.engine = engine
        self.check_seconds = check_seconds
        self._stopped = threading.Event()
        if redis_client is not None:
            threading.Thread(target=self._listen, args=(redis_client,), daemon=True,
                             name="policy-listener").start()
        self._lock = threading.Lock()
        self._version = -1
        self._checked_at = 0.0
        self._grants: dict[str, frozenset[str]] = {}

    def invalidate(self) -> None:
        self._checked_at = 0.0

    def close(self) -> None:
        self._stopped.set()

    def _listen(self, redis_client) -> None:
        while not self._stopped.is_set():
            try:
                pubsub = redis_client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(CHANNEL)
                while not self._stopped.is_set():
                    if pubsub.get_message(timeout=1.0) is not None:
                        self.invalidate()
                pubsub.close()
            except Exception as exc:  # noqa: BLE001 - Redis gone: the periodic check still works
                if not self._stopped.is_set():
                    log.warning("policy listener lost Redis (%s); retrying in 5 s", exc)
                    self._stopped.wait(5)

    def permissions_of(self, role: str) -> frozenset[str]:
        if self._version < 0:
            self.refresh()
        return self._grants.get(role, frozenset())

    def refresh(self, connection: Connection | None = None) -> None:
        """Reload if the stored version moved; through ``connection`` when given. While another
        thread reloads, the loaded rules serve rather than anyone waiting."""
        now = time.monotonic()
        if now - self._checked_at < self.check_seconds:
            return
        if not self._lock.acquire(blocking=self._version < 0):
            return
        try:
            if now - self._checked_at < self.check_seconds:
                return
            bind = connection if connection is not None else self.engine
            version = current_version(bind)
            if version != self._version:
                self._grants = self._load(bind)
                self._version = version
            self._checked_at = time.monotonic()
        finally:
            self._lock.release()

    def _load(self, bind: Engine | Connection) -> dict[str, frozenset[str]]:
        enforcer = casbin.Enforcer(str(MODEL_PATH), TableAdapter(bind))
        catalogue = set(PERMISSION_LABELS) | {f"{obj}:{act}" for _, obj, act in enforcer.get_policy()}
        return {role: frozenset(p for p in catalogue if enforcer.enforce(role, *p.split(":", 1)))
                for role in {sub for sub, _, _ in enforcer.get_policy()}}


def sync_policy(session: Session, plugins) -> bool:
    """Store the grants the plugins declare (the core's included: its roles and each domain's
    permissions) in the table, if different. Start-up fails on a grant to an unknown role
    or a write permission for a read-only role."""
    roles = plugin_roles(plugins)
    grants = {key: set(role.permissions) for key, role in roles.items()}
    for spec in plugin_permissions(plugins):
        for role in spec.roles:
            grants.setdefault(role, set()).add(spec.permission)
    return replace_rules(session, grants, roles)
