"""merge the parallel branches

Revision ID: 0015
Revises: 0005, 0006, 0007, 0009, 0010, 0012, 0013
Create Date: 2026-11-22
"""
from __future__ import annotations

revision = '0015'
down_revision = ('0005', '0006', '0007', '0009', '0010', '0012', '0013')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
