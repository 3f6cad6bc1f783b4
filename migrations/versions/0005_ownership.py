"""matter ownership (领导包案) and its responsibility checklist

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xinfang.platform.db

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('matter_ownerships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('leader_user_id', sa.Integer(), nullable=False),
    sa.Column('leader_name', sa.String(length=64), nullable=False),
    sa.Column('leader_position', sa.String(length=64), nullable=False),
    sa.Column('checklist', sa.String(length=8), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_by', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('created_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['leader_user_id'], ['users.id'], name=op.f('fk_matter_ownerships_leader_user_id_users')),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_ownerships_matter_id_matters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_ownerships'))
    )
    with op.batch_alter_table('matter_ownerships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_ownerships_leader_user_id'), ['leader_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_ownerships_matter_id'), ['matter_id'], unique=False)

    op.create_table('matter_ownership_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ownership_id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=32), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.Column('done_by', sa.String(length=64), nullable=False),
    sa.Column('done_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_ownership_items_matter_id_matters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ownership_id'], ['matter_ownerships.id'], name=op.f('fk_matter_ownership_items_ownership_id_matter_ownerships'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_ownership_items')),
    sa.UniqueConstraint('ownership_id', 'position', name='uq_matter_ownership_items_position')
    )
    with op.batch_alter_table('matter_ownership_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_ownership_items_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_ownership_items_ownership_id'), ['ownership_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('matter_ownership_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_ownership_items_ownership_id'))
        batch_op.drop_index(batch_op.f('ix_matter_ownership_items_matter_id'))

    op.drop_table('matter_ownership_items')
    with op.batch_alter_table('matter_ownerships', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_ownerships_matter_id'))
        batch_op.drop_index(batch_op.f('ix_matter_ownerships_leader_user_id'))

    op.drop_table('matter_ownerships')
