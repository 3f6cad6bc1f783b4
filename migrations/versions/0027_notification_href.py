"""notification_href: what a notice opens when it is not about a matter

A plugin's notice (the order campaign's 待审核, 待复核 …) links to its own page; the column
holds that site-relative path (checked by ``notifications.service.check_href``). Nullable:
the core's notices link to their matter, as before.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('href', sa.String(length=300), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('href')
