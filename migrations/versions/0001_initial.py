"""initial schema: tenant tree, accounts, policies, audit log

Revision ID: 0001
Revises: 
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xinfang.platform.db

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_chains',
    sa.Column('chain', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('chain', name=op.f('pk_audit_chains'))
    )
    op.create_table('casbin_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ptype', sa.String(length=8), nullable=False),
    sa.Column('v0', sa.String(length=64), nullable=False),
    sa.Column('v1', sa.String(length=64), nullable=False),
    sa.Column('v2', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_casbin_rules')),
    sa.UniqueConstraint('ptype', 'v0', 'v1', 'v2', name='uq_casbin_rules_rule')
    )
    op.create_table('login_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures'))
    )
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.create_index('ix_login_failures_address_at', ['address', 'at'], unique=False)
        batch_op.create_index('ix_login_failures_username_at', ['username', 'at'], unique=False)

    op.create_table('nodes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('created_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['nodes.id'], name=op.f('fk_nodes_parent_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nodes')),
    sa.UniqueConstraint('code', name=op.f('uq_nodes_code'))
    )
    with op.batch_alter_table('nodes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nodes_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nodes_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nodes_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nodes_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nodes_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nodes_village_id'), ['village_id'], unique=False)

    op.create_table('policy_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_version'))
    )
    op.create_table('audit_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chain', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_audit_records_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_records')),
    sa.UniqueConstraint('chain', 'seq', name='uq_audit_records_chain_seq')
    )
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_records_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_chain'), ['chain'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_object_type'), ['object_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_records_village_id'), ['village_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('position', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_users_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('username', name=op.f('uq_users_username'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_users_village_id'), ['village_id'], unique=False)

    op.create_table('auth_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('revoked_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_auth_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_auth_sessions_token_hash'))
    )
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('role_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('created_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_role_assignments_node_id_nodes')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_role_assignments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_assignments')),
    sa.UniqueConstraint('user_id', 'role', 'node_id', name='uq_role_assignments_user_role_node')
    )
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_assignments_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_assignments_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_assignments_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_assignments_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_assignments_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_assignments_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_role_assignments_village_id'), ['village_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('role_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_assignments_village_id'))
        batch_op.drop_index(batch_op.f('ix_role_assignments_user_id'))
        batch_op.drop_index(batch_op.f('ix_role_assignments_township_id'))
        batch_op.drop_index(batch_op.f('ix_role_assignments_node_id'))
        batch_op.drop_index(batch_op.f('ix_role_assignments_grid_id'))
        batch_op.drop_index(batch_op.f('ix_role_assignments_department_id'))
        batch_op.drop_index(batch_op.f('ix_role_assignments_county_id'))

    op.drop_table('role_assignments')
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_sessions_user_id'))

    op.drop_table('auth_sessions')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_village_id'))
        batch_op.drop_index(batch_op.f('ix_users_township_id'))
        batch_op.drop_index(batch_op.f('ix_users_node_id'))
        batch_op.drop_index(batch_op.f('ix_users_grid_id'))
        batch_op.drop_index(batch_op.f('ix_users_department_id'))
        batch_op.drop_index(batch_op.f('ix_users_county_id'))

    op.drop_table('users')
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_records_village_id'))
        batch_op.drop_index(batch_op.f('ix_audit_records_township_id'))
        batch_op.drop_index(batch_op.f('ix_audit_records_object_type'))
        batch_op.drop_index(batch_op.f('ix_audit_records_node_id'))
        batch_op.drop_index(batch_op.f('ix_audit_records_grid_id'))
        batch_op.drop_index(batch_op.f('ix_audit_records_department_id'))
        batch_op.drop_index(batch_op.f('ix_audit_records_county_id'))
        batch_op.drop_index(batch_op.f('ix_audit_records_chain'))
        batch_op.drop_index(batch_op.f('ix_audit_records_at'))
        batch_op.drop_index(batch_op.f('ix_audit_records_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_records_action'))

    op.drop_table('audit_records')
    op.drop_table('policy_version')
    with op.batch_alter_table('nodes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nodes_village_id'))
        batch_op.drop_index(batch_op.f('ix_nodes_township_id'))
        batch_op.drop_index(batch_op.f('ix_nodes_parent_id'))
        batch_op.drop_index(batch_op.f('ix_nodes_grid_id'))
        batch_op.drop_index(batch_op.f('ix_nodes_department_id'))
        batch_op.drop_index(batch_op.f('ix_nodes_county_id'))

    op.drop_table('nodes')
    with op.batch_alter_table('login_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failures_username_at')
        batch_op.drop_index('ix_login_failures_address_at')

    op.drop_table('login_failures')
    op.drop_table('casbin_rules')
    op.drop_table('audit_chains')
