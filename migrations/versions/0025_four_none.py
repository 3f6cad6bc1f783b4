"""four_none_rules: the criteria a county sets for its 四无乡镇 award (seed 000)

Revision ID: 0025_four_none
Revises: 0024
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xinfang.platform.db

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

_ANCESTRY = ('county_id', 'township_id', 'village_id', 'grid_id', 'department_id')


def upgrade() -> None:
    op.create_table('four_none_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('updated_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=True),
    *[sa.Column(name, sa.Integer(), nullable=True) for name in _ANCESTRY],
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_four_none_rules_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_four_none_rules')),
    sa.UniqueConstraint('node_id', name='uq_four_none_rules_node_id')
    )
    with op.batch_alter_table('four_none_rules', schema=None) as batch_op:
        for name in ('node_id', *_ANCESTRY):
            batch_op.create_index(batch_op.f(f'ix_four_none_rules_{name}'), [name], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('four_none_rules', schema=None) as batch_op:
        for name in ('node_id', *_ANCESTRY):
            batch_op.drop_index(batch_op.f(f'ix_four_none_rules_{name}'))
    op.drop_table('four_none_rules')
