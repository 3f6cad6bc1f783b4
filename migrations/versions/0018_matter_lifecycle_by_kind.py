"""matter lifecycle by kind: 问题所在地, transfers from above, Art. 31 route, review one level up,
opinions by part (Art. 32), 送达, agreements (Art. 33), recusals (Art. 28), the county's 纪检监察 body

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-28
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('matter_agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('terms', sa.Text(), nullable=False),
    sa.Column('parties', sa.JSON(), nullable=False),
    sa.Column('concluded_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_agreements_matter_id_matters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_agreements'))
    )
    with op.batch_alter_table('matter_agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_agreements_matter_id'), ['matter_id'], unique=False)

    op.create_table('matter_recusals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('user_name', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('declared_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_recusals_matter_id_matters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_recusals')),
    sa.UniqueConstraint('matter_id', 'user_id', name='uq_matter_recusals_matter_user')
    )
    with op.batch_alter_table('matter_recusals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_recusals_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_recusals_user_id'), ['user_id'], unique=False)

    op.create_table('matter_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('proof', sa.Text(), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['matter_events.id'], name=op.f('fk_matter_deliveries_event_id_matter_events')),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_deliveries_matter_id_matters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_deliveries'))
    )
    with op.batch_alter_table('matter_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_deliveries_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_deliveries_matter_id'), ['matter_id'], unique=False)

    op.create_table('matter_opinions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.Column('outside_body', sa.String(length=100), nullable=False),
    sa.Column('request', sa.Text(), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['matter_events.id'], name=op.f('fk_matter_opinions_event_id_matter_events')),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_opinions_matter_id_matters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_matter_opinions_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_opinions'))
    )
    with op.batch_alter_table('matter_opinions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matter_opinions_matter_id'), ['matter_id'], unique=False)

    with op.batch_alter_table('county_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('discipline_node_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_county_rules_discipline_node_id_nodes'), 'nodes', ['discipline_node_id'], ['id'])

    with op.batch_alter_table('matter_units', schema=None) as batch_op:
        batch_op.add_column(sa.Column('report_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('reported_on', sa.Date(), nullable=True))

    # existing rows: no accused accounts, their problem lies where they were registered
    defaulted = ('accused_user_ids', 'transfer_body', 'transfer_doc_no', 'review_outside')
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accused_user_ids', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('place_node_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('transfer_body', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('transfer_doc_no', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('transfer_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('feedback_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('route', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('review_node_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('review_outside', sa.String(length=100), nullable=False, server_default=''))
    op.execute("UPDATE matters SET place_node_id = node_id")
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.alter_column('place_node_id', existing_type=sa.Integer(), nullable=False)
        for name in defaulted:
            batch_op.alter_column(name, server_default=None)
        batch_op.create_index(batch_op.f('ix_matters_place_node_id'), ['place_node_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_matters_review_node_id_nodes'), 'nodes', ['review_node_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_matters_place_node_id_nodes'), 'nodes', ['place_node_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_matters_place_node_id_nodes'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_matters_review_node_id_nodes'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_matters_place_node_id'))
        batch_op.drop_column('review_outside')
        batch_op.drop_column('review_node_id')
        batch_op.drop_column('route')
        batch_op.drop_column('feedback_on')
        batch_op.drop_column('transfer_due_on')
        batch_op.drop_column('transfer_doc_no')
        batch_op.drop_column('transfer_body')
        batch_op.drop_column('place_node_id')
        batch_op.drop_column('accused_user_ids')

    with op.batch_alter_table('matter_units', schema=None) as batch_op:
        batch_op.drop_column('reported_on')
        batch_op.drop_column('report_due_on')

    with op.batch_alter_table('county_rules', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_county_rules_discipline_node_id_nodes'), type_='foreignkey')
        batch_op.drop_column('discipline_node_id')

    with op.batch_alter_table('matter_opinions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_opinions_matter_id'))

    op.drop_table('matter_opinions')
    with op.batch_alter_table('matter_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_deliveries_matter_id'))
        batch_op.drop_index(batch_op.f('ix_matter_deliveries_event_id'))

    op.drop_table('matter_deliveries')
    with op.batch_alter_table('matter_recusals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_recusals_user_id'))
        batch_op.drop_index(batch_op.f('ix_matter_recusals_matter_id'))

    op.drop_table('matter_recusals')
    with op.batch_alter_table('matter_agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matter_agreements_matter_id'))

    op.drop_table('matter_agreements')
