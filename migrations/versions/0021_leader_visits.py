"""leader_visits: leaders' 下访 and 约访 (seed 004's quotas are counted from them)

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-28
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xinfang.platform.db

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('leader_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('visited_on', sa.Date(), nullable=False),
    sa.Column('leader_user_id', sa.Integer(), nullable=True),
    sa.Column('leader_name', sa.String(length=64), nullable=False),
    sa.Column('leader_position', sa.String(length=64), nullable=False),
    sa.Column('leader_kind', sa.String(length=24), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('place_node_id', sa.Integer(), nullable=True),
    sa.Column('people_met', sa.Text(), nullable=False),
    sa.Column('people_count', sa.Integer(), nullable=False),
    sa.Column('matters_raised', sa.Text(), nullable=False),
    sa.Column('problems_solved', sa.Integer(), nullable=False),
    sa.Column('solutions', sa.Text(), nullable=False),
    sa.Column('matter_ids', sa.JSON(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('created_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['leader_user_id'], ['users.id'], name=op.f('fk_leader_visits_leader_user_id_users')),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_leader_visits_node_id_nodes')),
    sa.ForeignKeyConstraint(['place_node_id'], ['nodes.id'], name=op.f('fk_leader_visits_place_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leader_visits'))
    )
    with op.batch_alter_table('leader_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leader_visits_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leader_visits_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leader_visits_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leader_visits_leader_user_id'), ['leader_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leader_visits_node_id'), ['node_id'], unique=False)
        batch_op.create_index('ix_leader_visits_node_on', ['node_id', 'visited_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_leader_visits_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leader_visits_village_id'), ['village_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_leader_visits_visited_on'), ['visited_on'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('leader_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leader_visits_visited_on'))
        batch_op.drop_index(batch_op.f('ix_leader_visits_village_id'))
        batch_op.drop_index(batch_op.f('ix_leader_visits_township_id'))
        batch_op.drop_index('ix_leader_visits_node_on')
        batch_op.drop_index(batch_op.f('ix_leader_visits_node_id'))
        batch_op.drop_index(batch_op.f('ix_leader_visits_leader_user_id'))
        batch_op.drop_index(batch_op.f('ix_leader_visits_grid_id'))
        batch_op.drop_index(batch_op.f('ix_leader_visits_department_id'))
        batch_op.drop_index(batch_op.f('ix_leader_visits_county_id'))

    op.drop_table('leader_visits')
