"""statistics: the county's 月排队讲评 settings and its frozen, versioned rankings

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xinfang.platform.db

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

_ANCESTRY = ('county_id', 'township_id', 'village_id', 'grid_id', 'department_id')


def _node_columns() -> list[sa.Column]:
    return [sa.Column('node_id', sa.Integer(), nullable=True),
            *[sa.Column(name, sa.Integer(), nullable=True) for name in _ANCESTRY]]


def _indexes(table: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for name in ('node_id', *_ANCESTRY):
            batch_op.create_index(batch_op.f(f'ix_{table}_{name}'), [name], unique=False)


def upgrade() -> None:
    op.create_table('ranking_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('volume_bounds', sa.JSON(), nullable=False),
    sa.Column('updated_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    *_node_columns(),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_ranking_rules_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ranking_rules')),
    sa.UniqueConstraint('node_id', name='uq_ranking_rules_node_id')
    )
    _indexes('ranking_rules')
    op.create_table('rankings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('units', sa.String(length=16), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('volume_bounds', sa.JSON(), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('counted_on', sa.Date(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('published_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by', sa.String(length=64), nullable=False),
    *_node_columns(),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_rankings_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rankings')),
    sa.UniqueConstraint('node_id', 'units', 'period', 'version', name='uq_rankings_version')
    )
    _indexes('rankings')


def downgrade() -> None:
    op.drop_table('rankings')
    op.drop_table('ranking_rules')
