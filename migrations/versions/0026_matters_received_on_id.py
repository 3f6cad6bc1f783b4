"""matters_received_on_id: the matters list's order, (received_on, id), in one index

The list sorts by received_on, then id. With ``ix_matters_received_on`` (received_on) alone,
PostgreSQL walked the date index and sorted each day's matters by id (Incremental Sort), so
the first page read every matter of the newest day: ≈ 250 at 200,000 matters, ≈ 2,500 at
2,000,000 (11.5 ms for a 20-row page). With (received_on, id) the index gives the order
itself, the page stops after 20 visible matters, and a cursor's page (``web.paging.Order``)
starts at its row: ``(received_on, id) < (:v, :id)`` is the index condition. The new index
replaces the old one (it answers every query the old one did). Measured with bench/matters.py
(docs/benchmarks.md).

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07
"""
from __future__ import annotations

from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.create_index('ix_matters_received_on_id', ['received_on', 'id'], unique=False)
        batch_op.drop_index('ix_matters_received_on')


def downgrade() -> None:
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.create_index('ix_matters_received_on', ['received_on'], unique=False)
        batch_op.drop_index('ix_matters_received_on_id')
