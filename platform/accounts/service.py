"""Logging in and out, resolving a token to an ``Actor``, creating users, granting roles."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor, Assignment
from xinfang.permissions.roles import GRANTABLE
from xinfang.permissions.store import PolicyStore
from xinfang.platform import clock
from xinfang.platform.accounts.models import (
    AuthSession,
    LoginFailure,
    RoleAssignment,
    User,
)
from xinfang.platform.accounts.passwords import (
    hash_password,
    password_problem,
    username_problem,
    verify_password,
)
from xinfang.platform.accounts.throttle import seconds_to_wait, wait_message
from xinfang.platform.audit.log import record
from xinfang.platform.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    TooManyRequests,
    Unauthorized,
)
from xinfang.platform.extensions.manager import plugin_roles, plugins_of
from xinfang.platform.settings import Settings
from xinfang.tenants.levels import LABELS, Level
from xinfang.tenants.models import Node


def token_hash(token: str, secret: str) -> str:
    """Keyed with XINFANG_SECRET_KEY: a copy of the database alone cannot confirm a token."""
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def login(session: Session, settings: Settings, username: str, password: str, address: str) -> tuple[str, User]:
    """Check the password (throttled per account+address and per address); return a new token."""
    now = clock.now()
    username = username[:64]  # longer names do not exist; the failure record keeps its column size
    wait = seconds_to_wait(session, settings, username, address, now)
    if wait:
        raise TooManyRequests(wait_message(wait), retry_after=wait)
    user = session.scalar(select(User).where(User.username == username))
    if not verify_password(user.password_hash if user else None, password) or not user.is_active:
        session.add(LoginFailure(username=username, address=address, at=now))
        session.info["actor"] = {"id": user.id if user else None, "name": username, "address": address}
        record(session, action="login_failed", object_type="users", object_id=user.id if user else "",
               node_id=user.node_id if user else None, after={"username": username})
        session.commit()
        raise Unauthorized("用户名或密码错误")
    token = secrets.token_urlsafe(32)
    session.add(AuthSession(token_hash=token_hash(token, settings.secret_key), user_id=user.id, address=address,
                            created_at=now, expires_at=now + timedelta(hours=settings.session_hours)))
    # only this address's failures on this account: the attacker's elsewhere keep counting
    session.execute(delete(LoginFailure).where(LoginFailure.username == username, LoginFailure.address == address))
    session.info["actor"] = {"id": user.id, "name": user.username, "address": address}
    record(session, action="login", object_type="users", object_id=user.id, node_id=user.node_id)
    session.commit()
    return token, user


def logout(session: Session, settings: Settings, token: str, address: str) -> bool:
    auth = session.scalar(select(AuthSession).where(AuthSession.token_hash == token_hash(token, settings.secret_key),
                                                    AuthSession.revoked_at.is_(None)))
    if auth is None:
        return False
    auth.revoked_at = clock.now()
    user = session.get(User, auth.user_id)
    session.info["actor"] = {"id": user.id, "name": user.username, "address": address}
    record(session, action="logout", object_type="users", object_id=user.id, node_id=user.node_id)
    session.commit()
    return True


# Built once: executing a prebuilt statement reuses its cache key and compiled form, where
# building the select per request cost more than running it. Plain Core rows, no ORM objects.
_users, _sessions, _assignments, _nodes = (User.__table__, AuthSession.__table__, RoleAssignment.__table__,
                                           Node.__table__)
_ACTOR_ROWS = (
    select(_users.c.id, _users.c.username, _users.c.display_name, _users.c.node_id, _users.c.must_change_password,
           _assignments.c.role, _assignments.c.node_id, _nodes.c.level, _nodes.c.code, _nodes.c.name)
    .select_from(_sessions.join(_users, _users.c.id == _sessions.c.user_id)
                 .outerjoin(_assignments, _assignments.c.user_id == _users.c.id)
                 .outerjoin(_nodes, _nodes.c.id == _assignments.c.node_id))
    .where(_sessions.c.token_hash == bindparam("token_hash"), _sessions.c.revoked_at.is_(None),
           _sessions.c.expires_at > bindparam("now", type_=_sessions.c.expires_at.type),
           _users.c.is_active.is_(True))
    .order_by(_assignments.c.id)
)


def authenticate(connection: Connection, policy: PolicyStore, token: str, secret: str) -> Actor | None:
    """The actor behind a token, with assignments read fresh (a revoke takes effect at once);
    the policy is brought up to date on the same connection. One statement (the user and their
    assignments, outer-joined): it runs before every request, so each round trip counts."""
    policy.refresh(connection)
    rows = connection.execute(_ACTOR_ROWS, {"token_hash": token_hash(token, secret), "now": clock.now()}).all()
    if not rows:
        return None
    user_id, username, display_name, home_node_id, must_change = rows[0][:5]
    return Actor(user_id=user_id, username=username, display_name=display_name, home_node_id=home_node_id,
                 assignments=tuple(Assignment(*row[5:]) for row in rows if row[5] is not None), policy=policy,
                 must_change_password=must_change)


def create_user(session: Session, *, username: str, display_name: str, password: str,
                node: Node | None, position: str = "", password_hash: str | None = None,
                must_change_password: bool = False) -> User:
    """``password_hash`` may be given instead of a password (bulk demo loads): then the
    password policy, which only a plain password can be checked against, does not apply."""
    username = username.strip()
    problem = username_problem(username) or (None if password_hash else password_problem(password, username))
    if problem:
        raise BadRequest(problem)
    exists = session.execute(select(User.id).where(User.username == username),
                             execution_options={"skip_scope": True}).first()
    if exists:
        raise Conflict(f"用户名“{username}”已被使用")
    user = User(username=username, display_name=display_name.strip() or username, position=position,
                password_hash=password_hash or hash_password(password), node_id=node.id if node else None,
                must_change_password=must_change_password)
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str, *, must_change: bool = False,
                 keep_token_hash: str | None = None) -> None:
    """A new password ends every session of the user except ``keep_token_hash`` (the one
    changing it). ``must_change``: chosen by someone else who should not keep knowing it."""
    problem = password_problem(password, user.username)
    if problem:
        raise BadRequest(problem)
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    end_sessions(session, user.id, keep_token_hash=keep_token_hash)


def change_own_password(session: Session, settings: Settings, user: User, current: str, new: str,
                        token: str, address: str) -> None:
    """Throttled like a login: a stolen session must not become a way to guess the password."""
    wait = seconds_to_wait(session, settings, user.username, address, clock.now())
    if wait:
        raise TooManyRequests(wait_message(wait), retry_after=wait)
    if not verify_password(user.password_hash, current):
        session.add(LoginFailure(username=user.username, address=address, at=clock.now()))
        record(session, action="password_change_failed", object_type="users", object_id=user.id,
               node_id=user.node_id)
        session.commit()
        raise BadRequest("当前密码不正确")
    if current == new:
        raise BadRequest("新密码不能与当前密码相同")
    set_password(session, user, new, keep_token_hash=token_hash(token, settings.secret_key))


def set_active(session: Session, user: User, active: bool) -> None:
    """Deactivation ends every session; reactivating does not bring them back."""
    user.is_active = active
    if not active:
        end_sessions(session, user.id)


def end_sessions(session: Session, user_id: int, keep_token_hash: str | None = None) -> None:
    query = update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    if keep_token_hash is not None:
        query = query.where(AuthSession.token_hash != keep_token_hash)
    session.execute(query.values(revoked_at=clock.now()), execution_options={"synchronize_session": False})


# Admin roles sit at the level they administer.
_ROLE_LEVEL = {"county_admin": Level.COUNTY, "township_admin": Level.TOWNSHIP}


def grant_role(session: Session, granter: Actor | None, user: User, role: str, node: Node | None) -> RoleAssignment:
    """Give ``user`` ``role`` at ``node``; an admin grants only roles they may grant, in their subtree."""
    roles = plugin_roles(plugins_of(session))
    if role not in roles:
        raise BadRequest(f"未知的角色“{role}”,可选:{'、'.join(roles)}")
    if (role == "operator") != (node is None):
        raise BadRequest("平台运维角色不属于任何节点;其他角色必须指定节点")
    required = _ROLE_LEVEL.get(role)
    if required is not None and node is not None and node.level != required:
        raise BadRequest(f"{roles[role].label}只能在{LABELS[required]}节点授予")
    if granter is not None:
        if user.id == granter.user_id:
            raise Forbidden("不能给自己授予角色,请由上级管理员操作")
        allowed = [a for a in granter.holding("roles:grant")
                   if a.role in roles[role].granted_by and (node is None or a.covers(node))]
        if not allowed:
            raise Forbidden("您不能在该节点授予此角色")
        if all(a.node_id is None for a in allowed) and (node is None or user.node_id != node.id):
            # the operator: a county's county_admin, to an account of that county's own node
            raise Forbidden("平台运维只能为本县县级节点上的账号授予县级管理员角色")
    existing = session.scalar(select(RoleAssignment).where(
        RoleAssignment.user_id == user.id, RoleAssignment.role == role,
        RoleAssignment.node_id == (node.id if node else None)))
    if existing is not None:
        raise Conflict("该用户在此节点已拥有此角色")
    assignment = RoleAssignment(user_id=user.id, role=role, node_id=node.id if node else None)
    session.add(assignment)
    session.flush()
    return assignment


def revoke_role(session: Session, granter: Actor, assignment: RoleAssignment, node: Node | None) -> None:
    role = plugin_roles(plugins_of(session)).get(assignment.role)
    allowed = [a for a in granter.holding("roles:grant")
               if role is not None and a.role in role.granted_by and (node is None or a.covers(node))]
    if not allowed:
        raise Forbidden("您不能撤销该角色")
    if assignment.user_id == granter.user_id and assignment.role in GRANTABLE:
        raise Conflict("不能撤销自己的管理员角色,请由上级管理员操作")
    session.delete(assignment)
    session.flush()


def role_label(plugins, key: str) -> str:
    """A role's Chinese label, plugins' roles included (the key itself if none declares it)."""
    role = plugin_roles(plugins).get(key)
    return role.label if role else key


def assignment_to_dict(session: Session, a: RoleAssignment) -> dict:
    """A role granted to a user, with the role's label."""
    return {"id": a.id, "user_id": a.user_id, "role": a.role, "role_label": role_label(plugins_of(session), a.role),
            "node_id": a.node_id}
