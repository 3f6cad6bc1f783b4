"""督办 by hand: supervision orders and the handled units' reports back

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-28
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xinfang.platform.db

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('supervision_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=48), nullable=False),
    sa.Column('office_node_id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('requirements', sa.Text(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('accountability', sa.Text(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('suspended_on', sa.Date(), nullable=True),
    sa.Column('history', sa.JSON(), nullable=False),
    sa.Column('issued_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_supervision_orders_matter_id_matters'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_supervision_orders_node_id_nodes')),
    sa.ForeignKeyConstraint(['office_node_id'], ['nodes.id'], name=op.f('fk_supervision_orders_office_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_orders'))
    )
    with op.batch_alter_table('supervision_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_orders_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_orders_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_orders_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_orders_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_orders_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_orders_number'), ['number'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_orders_office_node_id'), ['office_node_id'], unique=False)
        batch_op.create_index('ix_supervision_orders_status_due', ['status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_orders_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_orders_village_id'), ['village_id'], unique=False)

    op.create_table('supervision_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('attachment', sa.JSON(), nullable=False),
    sa.Column('reported_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_supervision_reports_node_id_nodes')),
    sa.ForeignKeyConstraint(['order_id'], ['supervision_orders.id'], name=op.f('fk_supervision_reports_order_id_supervision_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_reports'))
    )
    with op.batch_alter_table('supervision_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_reports_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_reports_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_reports_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_reports_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_reports_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_reports_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_reports_village_id'), ['village_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('supervision_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_reports_village_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_reports_township_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_reports_order_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_reports_node_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_reports_grid_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_reports_department_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_reports_county_id'))

    op.drop_table('supervision_reports')
    with op.batch_alter_table('supervision_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervision_orders_village_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_orders_township_id'))
        batch_op.drop_index('ix_supervision_orders_status_due')
        batch_op.drop_index(batch_op.f('ix_supervision_orders_office_node_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_orders_number'))
        batch_op.drop_index(batch_op.f('ix_supervision_orders_node_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_orders_matter_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_orders_grid_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_orders_department_id'))
        batch_op.drop_index(batch_op.f('ix_supervision_orders_county_id'))

    op.drop_table('supervision_orders')
