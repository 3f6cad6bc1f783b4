"""notifications and 督办 (matter supervisions)

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xinfang.platform.db

revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('read_by', sa.String(length=64), nullable=False),
    sa.Column('dedupe_key', sa.String(length=128), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_notifications_matter_id_matters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_notifications_node_id_nodes')),
    sa.ForeignKeyConstraint(['recipient_user_id'], ['users.id'], name=op.f('fk_notifications_recipient_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('dedupe_key', name='uq_notifications_dedupe_key')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_node_id'), ['node_id'], unique=False)
        batch_op.create_index('ix_notifications_node_read', ['node_id', 'read_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_recipient_user_id'), ['recipient_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_village_id'), ['village_id'], unique=False)

    op.create_table('matter_supervisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('clock_id', sa.Integer(), nullable=False),
    sa.Column('from_node_id', sa.Integer(), nullable=False),
    sa.Column('to_node_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['clock_id'], ['matter_clocks.id'], name=op.f('fk_matter_supervisions_clock_id_matter_clocks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_node_id'], ['nodes.id'], name=op.f('fk_matter_supervisions_from_node_id_nodes')),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_supervisions_matter_id_matters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_node_id'], ['nodes.id'], name=op.f('fk_matter_supervisions_to_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_supervisions')),
    sa.UniqueConstraint('clock_id', 'level', name='uq_matter_supervisions_clock_level')
    )
    with op.batch_alter_table('matter_supervisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_supervisions_clock_id'), ['clock_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_supervisions_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_supervisions_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_supervisions_to_node_id'), ['to_node_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('matter_supervisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_supervisions_to_node_id'))
        batch_op.drop_index(batch_op.f('ix_matter_supervisions_status'))
        batch_op.drop_index(batch_op.f('ix_matter_supervisions_matter_id'))
        batch_op.drop_index(batch_op.f('ix_matter_supervisions_clock_id'))

    op.drop_table('matter_supervisions')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_village_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_township_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_recipient_user_id'))
        batch_op.drop_index('ix_notifications_node_read')
        batch_op.drop_index(batch_op.f('ix_notifications_node_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_matter_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_grid_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_department_id'))
        batch_op.drop_index(batch_op.f('ix_notifications_county_id'))

    op.drop_table('notifications')
