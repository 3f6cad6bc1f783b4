"""campaigns

Revision ID: 0013
Revises: 0004
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xinfang.platform.db

revision = '0013'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('campaigns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=False),
    sa.Column('type_key', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('closing_note', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_campaigns_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaigns'))
    )
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaigns_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_type_key'), ['type_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaigns_village_id'), ['village_id'], unique=False)

    op.create_table('campaign_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_campaign_access_node_id_nodes')),
    sa.ForeignKeyConstraint(['subject_id'], ['campaigns.id'], name=op.f('fk_campaign_access_subject_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_access')),
    sa.UniqueConstraint('subject_id', 'node_id', name='uq_campaign_access_subject_node')
    )
    with op.batch_alter_table('campaign_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_access_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_access_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_access_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_access_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_access_subject_id'), ['subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_access_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_access_village_id'), ['village_id'], unique=False)

    op.create_table('campaign_phases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('entered', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_phases_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_phases')),
    sa.UniqueConstraint('campaign_id', 'key', name='uq_campaign_phases_campaign_key')
    )
    with op.batch_alter_table('campaign_phases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_phases_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_scopes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_scopes_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_campaign_scopes_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_scopes'))
    )
    with op.batch_alter_table('campaign_scopes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_scopes_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('campaign_ticks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('checklist', sa.String(length=64), nullable=False),
    sa.Column('item', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=16), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=True),
    sa.Column('done_on', sa.Date(), nullable=False),
    sa.Column('ticked_by_id', sa.Integer(), nullable=True),
    sa.Column('ticked_by', sa.String(length=64), nullable=False),
    sa.Column('ticked_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_campaign_ticks_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_campaign_ticks_matter_id_matters')),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_campaign_ticks_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_campaign_ticks')),
    sa.UniqueConstraint('campaign_id', 'node_id', 'checklist', 'item', 'period', 'n', name='uq_campaign_ticks_duty')
    )
    with op.batch_alter_table('campaign_ticks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_campaign_ticks_campaign_id'), ['campaign_id'], unique=False)
        batch_op.create_index('ix_campaign_ticks_campaign_item', ['campaign_id', 'checklist', 'item'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_ticks_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_ticks_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_ticks_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_ticks_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_ticks_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_campaign_ticks_village_id'), ['village_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('campaign_ticks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_ticks_village_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_ticks_township_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_ticks_node_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_ticks_grid_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_ticks_department_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_ticks_county_id'))
        batch_op.drop_index('ix_campaign_ticks_campaign_item')
        batch_op.drop_index(batch_op.f('ix_campaign_ticks_campaign_id'))

    op.drop_table('campaign_ticks')
    with op.batch_alter_table('campaign_scopes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_scopes_campaign_id'))

    op.drop_table('campaign_scopes')
    with op.batch_alter_table('campaign_phases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_phases_campaign_id'))

    op.drop_table('campaign_phases')
    with op.batch_alter_table('campaign_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaign_access_village_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_access_township_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_access_subject_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_access_node_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_access_grid_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_access_department_id'))
        batch_op.drop_index(batch_op.f('ix_campaign_access_county_id'))

    op.drop_table('campaign_access')
    with op.batch_alter_table('campaigns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_campaigns_village_id'))
        batch_op.drop_index(batch_op.f('ix_campaigns_type_key'))
        batch_op.drop_index(batch_op.f('ix_campaigns_township_id'))
        batch_op.drop_index(batch_op.f('ix_campaigns_node_id'))
        batch_op.drop_index(batch_op.f('ix_campaigns_grid_id'))
        batch_op.drop_index(batch_op.f('ix_campaigns_department_id'))
        batch_op.drop_index(batch_op.f('ix_campaigns_county_id'))

    op.drop_table('campaigns')
