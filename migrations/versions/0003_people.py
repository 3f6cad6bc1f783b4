"""petitioner files with personal data

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xinfang.platform.db

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('created_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_people_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('node_id', 'id_number', name='uq_people_node_id_number')
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_village_id'), ['village_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_village_id'))
        batch_op.drop_index(batch_op.f('ix_people_township_id'))
        batch_op.drop_index(batch_op.f('ix_people_node_id'))
        batch_op.drop_index(batch_op.f('ix_people_id_number'))
        batch_op.drop_index(batch_op.f('ix_people_grid_id'))
        batch_op.drop_index(batch_op.f('ix_people_department_id'))
        batch_op.drop_index(batch_op.f('ix_people_county_id'))

    op.drop_table('people')
