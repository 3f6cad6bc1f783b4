"""A township user cannot read or change a sibling township's rows by any query path."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, text, update

from xinfang.platform.accounts.models import RoleAssignment, User
from xinfang.platform.audit.models import AuditRecord
from xinfang.tenants.models import Node
from xinfang.tenants.scope import Scope, ScopeViolation

BAIYU, DANSHUI, JINJIANG = "411323001", "411323100", "350582"


@pytest.fixture
def scoped(app, demo):
    """Open a session limited to one township's subtree."""
    opened = []

    def open_for(code: str, read_only: bool = False):
        node = demo.node(code)
        bind = app.state.read_engine if read_only else app.state.engine
        session = app.state.session_factory(scope=Scope.of_nodes([(node.level, node.id)]), bind=bind)
        session.info["actor"] = {"id": None, "name": "测试", "address": "test"}
        opened.append(session)
        return session

    yield open_for
    for s in opened:
        s.close()


def test_list_sees_only_own_subtree(scoped, demo):
    s = scoped(BAIYU)
    codes = set(s.scalars(select(Node.code)))
    assert codes and all(c.startswith(BAIYU) for c in codes)
    assert BAIYU in codes and DANSHUI not in codes
    users = set(s.scalars(select(User.username)))
    assert "xx_by_admin" in users and "xx_ds_officer" not in users and "jj_admin" not in users


def test_count_subquery_and_join_are_filtered(scoped, demo):
    s = scoped(BAIYU)
    total = s.scalar(select(func.count()).select_from(select(Node).subquery()))
    assert total == len(list(s.scalars(select(Node))))
    joined = s.execute(select(User.username, Node.code).join(Node, Node.id == User.node_id)).all()
    assert joined and all(code.startswith(BAIYU) for _, code in joined)


def test_get_returns_none_for_sibling_even_from_identity_map(app, scoped, demo):
    sibling = demo.node(DANSHUI)
    s = scoped(BAIYU)
    assert s.get(Node, sibling.id) is None
    # Put the sibling in this session's identity map through an unscoped load, then get it.
    s.execute(select(Node).where(Node.id == sibling.id), execution_options={"skip_scope": True}).scalar_one()
    assert s.get(Node, sibling.id) is None


def test_relationship_load_is_filtered(scoped, demo):
    s = scoped(BAIYU)
    user = s.scalar(select(User).where(User.username == "xx_by_admin"))
    # the assignments relationship is lazy="raise": loading it explicitly goes through the filter
    from sqlalchemy.orm import selectinload

    user = s.scalar(select(User).where(User.id == user.id).options(selectinload(User.assignments)))
    assert sorted(a.role for a in user.assignments) == ["officer", "township_admin"]  # 信访办主任: both
    other = s.scalars(select(RoleAssignment).join(User)).all()
    assert {a.node_id for a in other} <= {n for n in s.scalars(select(Node.id))}


def test_bulk_update_and_delete_touch_only_own_rows(app, scoped, demo, system_session):
    s = scoped(BAIYU)
    s.execute(update(Node).where(Node.level == "village").values(name="改名"))
    s.commit()
    renamed = set(system_session.scalars(select(Node.code).where(Node.name == "改名")))
    assert renamed and all(c.startswith(BAIYU) for c in renamed)

    s.execute(delete(RoleAssignment).where(RoleAssignment.role == "officer"))
    s.commit()
    system_session.rollback()  # end the earlier read transaction: see the commit above
    officers = set(system_session.scalars(
        select(User.username).join(RoleAssignment).where(RoleAssignment.role == "officer")))
    assert "xx_by_officer" not in officers
    assert {"xx_ds_officer", "xx_officer", "jj_officer", "jj_qy_officer"} <= officers
    # the bulk statements were audited in the township's county chain
    assert system_session.scalar(select(func.count()).where(AuditRecord.action.in_(["bulk_update", "bulk_delete"]))) == 2


def test_bulk_update_cannot_move_rows_out_of_scope(scoped, demo):
    s = scoped(BAIYU)
    with pytest.raises(ScopeViolation):
        s.execute(update(User).values(node_id=demo.node(DANSHUI).id))


def test_core_and_text_statements_are_refused(scoped, demo):
    s = scoped(BAIYU)
    with pytest.raises(ScopeViolation):
        s.execute(text("SELECT code FROM nodes"))
    with pytest.raises(ScopeViolation):
        s.execute(select(Node.__table__.c.code))


def test_writes_outside_scope_are_refused(scoped, demo):
    s = scoped(BAIYU)
    s.add(Node(level="village", code="411323100299", name="越权新建", parent_id=demo.node(DANSHUI).id))
    with pytest.raises(ScopeViolation):
        s.flush()
    s.rollback()
    own = s.scalar(select(User).where(User.username == "xx_by_officer"))
    own.node_id = demo.node(DANSHUI).id
    with pytest.raises(ScopeViolation):
        s.flush()


def test_cannot_touch_own_root_node_placement(scoped, demo):
    s = scoped(BAIYU)
    root = s.scalar(select(Node).where(Node.code == BAIYU))
    s.delete(root)
    with pytest.raises(ScopeViolation):
        s.flush()


def test_platform_scope_sees_directory_but_no_tenant_data(app, demo):
    with app.state.session_factory(scope=Scope.platform()) as s:
        assert s.scalar(select(func.count()).select_from(Node)) > 0
        assert s.scalar(select(func.count()).select_from(AuditRecord)) == 0


def test_two_scopes_in_turn_do_not_share_cached_sql(scoped, demo):
    a = set(scoped(BAIYU, read_only=True).scalars(select(Node.code)))
    b = set(scoped(DANSHUI, read_only=True).scalars(select(Node.code)))
    c = set(scoped(JINJIANG, read_only=True).scalars(select(Node.code)))
    assert a and b and c and not (a & b) and not (a & c) and not (b & c)
