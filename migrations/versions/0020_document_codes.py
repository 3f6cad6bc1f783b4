"""documents: the verification code printed on every page, and the record a document is about

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-28
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # documents made before carry no code (nothing was printed on them) and no subject
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('subject', sa.String(length=64), nullable=False, server_default=''))
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.alter_column('subject', server_default=None)
        batch_op.create_index(batch_op.f('ix_documents_code'), ['code'], unique=True)
        batch_op.create_index(batch_op.f('ix_documents_subject'), ['subject'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_documents_subject'))
        batch_op.drop_index(batch_op.f('ix_documents_code'))
        batch_op.drop_column('subject')
        batch_op.drop_column('code')
