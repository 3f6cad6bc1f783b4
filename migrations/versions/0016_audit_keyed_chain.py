"""audit: keyed hash scheme, erasable detail rows, signed daily checkpoints

Existing records keep their unkeyed hash (hash_scheme 1) and their values; ``xinfang db
upgrade`` then seals each such chain with a keyed record (it needs the key, which a
migration does not have).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import xinfang.platform.db

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hash_scheme', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('fields', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('detail_hash', sa.String(length=64), nullable=True))
    op.create_table('audit_details',
    sa.Column('chain', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('salt', sa.String(length=32), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('erased_at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('erased_reason', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('chain', 'seq', name=op.f('pk_audit_details'))
    )
    op.create_table('audit_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chain', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('at', xinfang.platform.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoints')),
    sa.UniqueConstraint('chain', 'day', name='uq_audit_checkpoints_chain_day')
    )
    with op.batch_alter_table('audit_checkpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_checkpoints_chain'), ['chain'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_checkpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_checkpoints_chain'))
    op.drop_table('audit_checkpoints')
    op.drop_table('audit_details')
    with op.batch_alter_table('audit_records', schema=None) as batch_op:
        batch_op.drop_column('detail_hash')
        batch_op.drop_column('fields')
        batch_op.drop_column('hash_scheme')
