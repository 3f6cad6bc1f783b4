"""Logging in and out, resolving a token to an ``Actor``, creating users, granting roles."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from xinfang.permissions.actor import Actor, Assignment
from xinfang.permissions.roles import GRANTABLE, ROLES
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
    verify_password,
)
from xinfang.platform.audit.log import record
from xinfang.platform.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    TooManyRequests,
    Unauthorized,
)
from xinfang.platform.settings import Settings
from xinfang.tenants.levels import LABELS, Level
from xinfang.tenants.models import Node


def token_hash(token: str, secret: str) -> str:
    """Keyed with XINFANG_SECRET_KEY: a copy of the database alone cannot confirm a token."""
    return hmac.new(secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def login(session: Session, settings: Settings, username: str, password: str, address: str) -> tuple[str, User]:
    """Check the password (throttled per account and per address); return a new token."""
    since = clock.now() - timedelta(minutes=settings.throttle_minutes)
    by_account = session.scalar(select(func.count()).select_from(LoginFailure)
                                .where(LoginFailure.username == username, LoginFailure.at >= since))
    by_address = session.scalar(select(func.count()).select_from(LoginFailure)
                                .where(LoginFailure.address == address, LoginFailure.at >= since))
    if by_account >= settings.throttle_per_account or by_address >= settings.throttle_per_address:
        raise TooManyRequests(f"密码错误次数过多,请{settings.throttle_minutes}分钟后再试",
                              retry_after=settings.throttle_minutes * 60)
    user = session.scalar(select(User).where(User.username == username))
    if not verify_password(user.password_hash if user else None, password) or not user.is_active:
        session.add(LoginFailure(username=username, address=address))
        session.info["actor"] = {"id": user.id if user else None, "name": username, "address": address}
        record(session, action="login_failed", object_type="users", object_id=user.id if user else "",
               node_id=user.node_id if user else None, after={"username": username})
        session.commit()
        raise Unauthorized("用户名或密码错误")
    token = secrets.token_urlsafe(32)
    session.add(AuthSession(token_hash=token_hash(token, settings.secret_key), user_id=user.id, address=address,
                            expires_at=clock.now() + timedelta(hours=settings.session_hours)))
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
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


def authenticate(session: Session, policy: PolicyStore, token: str, secret: str) -> Actor | None:
    """The actor behind a token, with assignments read fresh (a revoke takes effect at once)."""
    row = session.execute(
        select(User).join(AuthSession, AuthSession.user_id == User.id)
        .where(AuthSession.token_hash == token_hash(token, secret), AuthSession.revoked_at.is_(None),
               AuthSession.expires_at > clock.now(), User.is_active.is_(True))
    ).scalar_one_or_none()
    if row is None:
        return None
    assignments = session.execute(
        select(RoleAssignment.role, RoleAssignment.node_id, Node.level, Node.code, Node.name)
        .outerjoin(Node, Node.id == RoleAssignment.node_id)
        .where(RoleAssignment.user_id == row.id).order_by(RoleAssignment.id)
    ).all()
    return Actor(user_id=row.id, username=row.username, display_name=row.display_name, home_node_id=row.node_id,
                 assignments=tuple(Assignment(*a) for a in assignments), policy=policy)


def create_user(session: Session, *, username: str, display_name: str, password: str,
                node: Node | None, position: str = "", password_hash: str | None = None) -> User:
    """``password_hash`` may be given instead of hashing ``password`` again (bulk demo loads)."""
    username = username.strip()
    if not username or len(username) > 64:
        raise BadRequest("用户名不能为空,且不超过64个字符")
    problem = password_problem(password)
    if problem:
        raise BadRequest(problem)
    exists = session.execute(select(User.id).where(User.username == username),
                             execution_options={"skip_scope": True}).first()
    if exists:
        raise Conflict(f"用户名“{username}”已被使用")
    user = User(username=username, display_name=display_name.strip() or username, position=position,
                password_hash=password_hash or hash_password(password), node_id=node.id if node else None)
    session.add(user)
    session.flush()
    return user


def set_password(user: User, password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise BadRequest(problem)
    user.password_hash = hash_password(password)


# Admin roles sit at the level they administer.
_ROLE_LEVEL = {"county_admin": Level.COUNTY, "township_admin": Level.TOWNSHIP}


def grant_role(session: Session, granter: Actor | None, user: User, role: str, node: Node | None) -> RoleAssignment:
    """Give ``user`` ``role`` at ``node``; an admin grants only roles they may grant, in their subtree."""
    if role not in ROLES:
        raise BadRequest(f"未知的角色“{role}”,可选:{'、'.join(ROLES)}")
    if (role == "operator") != (node is None):
        raise BadRequest("平台运维角色不属于任何节点;其他角色必须指定节点")
    required = _ROLE_LEVEL.get(role)
    if required is not None and node is not None and node.level != required:
        raise BadRequest(f"{ROLES[role].label}只能在{LABELS[required]}节点授予")
    if granter is not None:
        allowed = [a for a in granter.holding("roles:grant")
                   if role in GRANTABLE.get(a.role, ()) and (node is None or a.covers(node))]
        if not allowed:
            raise Forbidden("您不能在该节点授予此角色")
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
    allowed = [a for a in granter.holding("roles:grant")
               if assignment.role in GRANTABLE.get(a.role, ()) and (node is None or a.covers(node))]
    if not allowed:
        raise Forbidden("您不能撤销该角色")
    if assignment.user_id == granter.user_id and assignment.role in GRANTABLE:
        raise Conflict("不能撤销自己的管理员角色,请由上级管理员操作")
    session.delete(assignment)
    session.flush()
