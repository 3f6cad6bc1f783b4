"""the petitioner's side: matters' 查询码 (existing matters get one), matter_evaluations,
public_failures (throttling), public_submissions (merging repeats of a 网上信访)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07
"""
from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

import xinfang.platform.db

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

# as documents.service.new_code at the time of writing (a migration never follows later code)
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def upgrade() -> None:
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('query_code', sa.String(length=16), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_matters_query_code'), ['query_code'])
    conn = op.get_bind()
    matters = sa.table('matters', sa.column('id', sa.Integer), sa.column('query_code', sa.String))
    # one executemany per 5,000 matters (psycopg pipelines it): a statement per matter took
    # most of a 200,000-matter upgrade's time (make upgrade-check)
    ids = conn.execute(sa.select(matters.c.id).where(matters.c.query_code.is_(None))).scalars().all()
    fill = matters.update().where(matters.c.id == sa.bindparam('matter_id')).values(query_code=sa.bindparam('code'))
    for start in range(0, len(ids), 5000):
        conn.execute(fill, [{'matter_id': i, 'code': _code()} for i in ids[start:start + 5000]])

    op.create_table('matter_evaluations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('county_id', sa.Integer(), nullable=False),
    sa.Column('node_id', sa.Integer(), nullable=True),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('rating', sa.String(length=24), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_matter_evaluations_matter_id_matters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['node_id'], ['nodes.id'], name=op.f('fk_matter_evaluations_node_id_nodes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matter_evaluations')),
    sa.UniqueConstraint('matter_id', 'step', name='uq_matter_evaluations_matter_step')
    )
    with op.batch_alter_table('matter_evaluations', schema=None) as batch_op:
        batch_op.create_index('ix_matter_evaluations_county_created', ['county_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_evaluations_matter_id'), ['matter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matter_evaluations_node_id'), ['node_id'], unique=False)

    op.create_table('public_failures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_failures'))
    )
    with op.batch_alter_table('public_failures', schema=None) as batch_op:
        batch_op.create_index('ix_public_failures_address_at', ['address', 'at'], unique=False)
        batch_op.create_index('ix_public_failures_key_address_at', ['key', 'address', 'at'], unique=False)

    op.create_table('public_submissions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('matter_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['matter_id'], ['matters.id'], name=op.f('fk_public_submissions_matter_id_matters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_submissions'))
    )
    with op.batch_alter_table('public_submissions', schema=None) as batch_op:
        batch_op.create_index('ix_public_submissions_address_at', ['address', 'at'], unique=False)
        batch_op.create_index('ix_public_submissions_fingerprint_at', ['fingerprint', 'at'], unique=False)


def downgrade() -> None:
    op.drop_table('public_submissions')
    op.drop_table('public_failures')
    op.drop_table('matter_evaluations')
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_matters_query_code'), type_='unique')
        batch_op.drop_column('query_code')
