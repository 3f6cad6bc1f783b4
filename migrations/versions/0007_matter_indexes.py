"""matter indexes: the matters list at county size (bench/matters.py)

Every matters query carries the scope filter ``matters.id IN (SELECT subject_id FROM
matter_access WHERE <scope column> IN (...))``. With (scope column, subject_id) that
subquery, and the unfiltered list's count (``tenants.scope.visible_rows``), are index-only
scans in subject order instead of reads of the whole access table. (state, deadline_state,
received_on, id) answers the "handling and overdue" lists from the index alone, in the
list's order. Measured with bench/matters.py (docs/benchmarks.md).

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-22
"""
from __future__ import annotations

from alembic import op

revision = '0007'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('matter_access', schema=None) as batch_op:
        batch_op.create_index('ix_matter_access_county_subject', ['county_id', 'subject_id'], unique=False)
        batch_op.create_index('ix_matter_access_department_subject', ['department_id', 'subject_id'], unique=False)
        batch_op.create_index('ix_matter_access_township_subject', ['township_id', 'subject_id'], unique=False)

    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.create_index('ix_matters_state_deadline', ['state', 'deadline_state', 'received_on', 'id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('matters', schema=None) as batch_op:
        batch_op.drop_index('ix_matters_state_deadline')

    with op.batch_alter_table('matter_access', schema=None) as batch_op:
        batch_op.drop_index('ix_matter_access_township_subject')
        batch_op.drop_index('ix_matter_access_department_subject')
        batch_op.drop_index('ix_matter_access_county_subject')
