"""petition matters

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xinfang.platform.db

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('matter_counters',
    sa.Column('county_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('county_id', 'year', name=op.f('pk_matter_counters'))
    )
    op.create_table('county_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('counting_rule', sa.String(length=24), nullable=False),
    sa.Column('due_soon_days', sa.Integer(), nullable=False),
    sa.Column('escalate_every_days', sa.Integer(), nullable=False),
    sa.Column('ownership_checklist', sa.String(length=8), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_county_rules_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_county_rules')),
    sa.UniqueConstraint('node_id', name='uq_county_rules_node_id')
    )
    with op.batch_alter_table('county_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_county_rules_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_county_rules_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_county_rules_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_county_rules_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_county_rules_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_county_rules_village_id'), ['village_id'], unique=False)

    op.create_table('matters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('form', sa.String(length=16), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('demands', sa.Text(), nullable=False),
    sa.Column('overreach', sa.String(length=16), nullable=False),
    sa.Column('joint_signature', sa.Boolean(), nullable=False),
    sa.Column('law_related', sa.Boolean(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('accused_node_id', sa.Integer(), nullable=True),
    sa.Column('accused_description', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('deadline_state', sa.String(length=16), nullable=True),
    sa.Column('extended', sa.Boolean(), nullable=False),
    sa.Column('repeat_of_id', sa.Integer(), nullable=True),
    sa.Column('repeat_count', sa.Integer(), nullable=False),
    sa.Column('is_first', sa.Boolean(), nullable=False),
    sa.Column('needs_ownership', sa.Boolean(), nullable=False),
    sa.Column('lower_level_id', sa.Integer(), nullable=True),
    sa.Column('created_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['accused_node_id'], ['nodes.id'], name=op.f('fk_matters_accused_node_id_nodes')),
    sa.ForeignKeyConstraint(['lower_level_id'], ['matters.id'], name=op.f('fk_matters_lower_level_id_matters')),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_matters_node_id_nodes')),
    sa.ForeignKeyConstraint(['repeat_of_id'], ['matters.id'], name=op.f('fk_matters_repeat_of_id_matters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matters')),
    sa.UniqueConstraint('number', name=op.f('uq_matters_number'))
    )
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matters_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_county_id'), ['county_id'], unique=False)
        batch_op.create_index('ix_matters_county_state', ['county_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_deadline_state'), ['deadline_state'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_repeat_of_id'), ['repeat_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_township_id'), ['township_id'], unique=False)
        batch_op.create_index('ix_matters_township_state', ['township_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_matters_village_id'), ['village_id'], unique=False)

    op.create_table('matter_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.Column('county_id', sa.Integer(), nullable=True),
    sa.Column('township_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('grid_id', sa.Integer(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_matter_access_node_id_nodes')),
    sa.ForeignKeyConstraint(['subject_id'], ['matters.id'], name=op.f('fk_matter_access_subject_id_matters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_access')),
    sa.UniqueConstraint('subject_id', 'node_id', name='uq_matter_access_subject_node')
    )
    with op.batch_alter_table('matter_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_access_county_id'), ['county_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_access_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_access_grid_id'), ['grid_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_access_node_id'), ['node_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_access_subject_id'), ['subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_access_township_id'), ['township_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_access_village_id'), ['village_id'], unique=False)

    op.create_table('matter_clocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('rule', sa.String(length=24), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('calendar_version', sa.String(length=64), nullable=False),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('extension_days', sa.Integer(), nullable=False),
    sa.Column('paused_since', sa.Date(), nullable=True),
    sa.Column('paused_days', sa.Integer(), nullable=False),
    sa.Column('stopped_on', sa.Date(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('escalated_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_clocks_matter_id_matters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_matter_clocks_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_clocks'))
    )
    with op.batch_alter_table('matter_clocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_clocks_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_clocks_node_id'), ['node_id'], unique=False)
        batch_op.create_index('ix_matter_clocks_open', ['stopped_on', 'due_on'], unique=False)

    op.create_table('matter_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_name', sa.String(length=64), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('label', sa.String(length=64), nullable=False),
    sa.Column('from_state', sa.String(length=16), nullable=True),
    sa.Column('to_state', sa.String(length=16), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_events_matter_id_matters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_events'))
    )
    with op.batch_alter_table('matter_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_events_matter_id'), ['matter_id'], unique=False)

    op.create_table('matter_follow_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('by', sa.String(length=64), nullable=False),
    sa.Column('satisfaction', sa.String(length=16), nullable=False),
    sa.Column('stopped_petitioning', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_follow_ups_matter_id_matters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_follow_ups'))
    )
    with op.batch_alter_table('matter_follow_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_follow_ups_matter_id'), ['matter_id'], unique=False)

    op.create_table('matter_petitioners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('representative', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_petitioners_matter_id_matters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_matter_petitioners_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_petitioners'))
    )
    with op.batch_alter_table('matter_petitioners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_petitioners_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_petitioners_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_petitioners_person_id'), ['person_id'], unique=False)

    op.create_table('matter_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('assigned_on', sa.Date(), nullable=False),
    sa.Column('contribution', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_units_matter_id_matters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['nodes.id'], name=op.f('fk_matter_units_unit_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_units')),
    sa.UniqueConstraint('matter_id', 'unit_id', name='uq_matter_units_matter_unit')
    )
    with op.batch_alter_table('matter_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_units_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_units_unit_id'), ['unit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('matter_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_units_unit_id'))
        batch_op.drop_index(batch_op.f('ix_matter_units_matter_id'))

    op.drop_table('matter_units')
    with op.batch_alter_table('matter_petitioners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_petitioners_person_id'))
        batch_op.drop_index(batch_op.f('ix_matter_petitioners_matter_id'))
        batch_op.drop_index(batch_op.f('ix_matter_petitioners_id_number'))

    op.drop_table('matter_petitioners')
    with op.batch_alter_table('matter_follow_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_follow_ups_matter_id'))

    op.drop_table('matter_follow_ups')
    with op.batch_alter_table('matter_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_events_matter_id'))

    op.drop_table('matter_events')
    with op.batch_alter_table('matter_clocks', schema=None) as batch_op:
        batch_op.drop_index('ix_matter_clocks_open')
        batch_op.drop_index(batch_op.f('ix_matter_clocks_node_id'))
        batch_op.drop_index(batch_op.f('ix_matter_clocks_matter_id'))

    op.drop_table('matter_clocks')
    with op.batch_alter_table('matter_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_access_village_id'))
        batch_op.drop_index(batch_op.f('ix_matter_access_township_id'))
        batch_op.drop_index(batch_op.f('ix_matter_access_subject_id'))
        batch_op.drop_index(batch_op.f('ix_matter_access_node_id'))
        batch_op.drop_index(batch_op.f('ix_matter_access_grid_id'))
        batch_op.drop_index(batch_op.f('ix_matter_access_department_id'))
        batch_op.drop_index(batch_op.f('ix_matter_access_county_id'))

    op.drop_table('matter_access')
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matters_village_id'))
        batch_op.drop_index('ix_matters_township_state')
        batch_op.drop_index(batch_op.f('ix_matters_township_id'))
        batch_op.drop_index(batch_op.f('ix_matters_state'))
        batch_op.drop_index(batch_op.f('ix_matters_repeat_of_id'))
        batch_op.drop_index(batch_op.f('ix_matters_received_on'))
        batch_op.drop_index(batch_op.f('ix_matters_node_id'))
        batch_op.drop_index(batch_op.f('ix_matters_grid_id'))
        batch_op.drop_index(batch_op.f('ix_matters_due_on'))
        batch_op.drop_index(batch_op.f('ix_matters_department_id'))
        batch_op.drop_index(batch_op.f('ix_matters_deadline_state'))
        batch_op.drop_index('ix_matters_county_state')
        batch_op.drop_index(batch_op.f('ix_matters_county_id'))
        batch_op.drop_index(batch_op.f('ix_matters_category'))

    op.drop_table('matters')
    with op.batch_alter_table('county_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_county_rules_village_id'))
        batch_op.drop_index(batch_op.f('ix_county_rules_township_id'))
        batch_op.drop_index(batch_op.f('ix_county_rules_node_id'))
        batch_op.drop_index(batch_op.f('ix_county_rules_grid_id'))
        batch_op.drop_index(batch_op.f('ix_county_rules_department_id'))
        batch_op.drop_index(batch_op.f('ix_county_rules_county_id'))

    op.drop_table('county_rules')
    op.drop_table('matter_counters')
