"""list_sorts: every sort the matters list offers walks an index, from any cursor

``routes.SORTS``: received_on and due_on break ties by id in the sort's own direction, id
alone, so each order is one index read forwards or backwards. received_on has
(received_on, id) (0026) and id its primary key; due_on sorts as
``coalesce(due_on, '9999-12-31')`` (a matter without a due date last ascending, first
descending) and gets that expression with id here. With ``due_on`` alone, a county list by due
date sorted every visible matter (805 ms at 200,000 matters). A list of one state by due date
newest first would walk every matter without a due date (the closed ones) before its first
(117 ms at 200,000): (state, that expression, id) starts at the state's own; likewise
(state, received_on, id) and (state, id), which replaces (state): a state's list oldest first
walked the older, mostly closed, matters first (a page 90 of handling matters: 450–535 ms).
(deadline_state, that expression, id) replaces (deadline_state): overdue matters by due date
newest first passed every handling matter not yet due (312 ms at 2,000,000 for a township);
(state, deadline_state, id) does for registration order what (state, deadline_state,
received_on, id) (0007) does for the received date: handling and overdue matters newest first
no longer pass the handling ones received in the last two months.
Number is no longer a sort: a number starts with its county's code, so one county's list by
number read every matter of the counties coded before it (673 ms at 200,000). Measured with
bench/list_plans.py and bench/matters.py --sort (docs/benchmarks.md).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None


DUE_ORDER = "coalesce(due_on, '9999-12-31')"


def upgrade() -> None:
    op.create_index('ix_matters_due_order_id', 'matters', [sa.text(DUE_ORDER), 'id'], unique=False)
    op.create_index('ix_matters_state_due_order_id', 'matters', ['state', sa.text(DUE_ORDER), 'id'], unique=False)
    op.create_index('ix_matters_state_received_on_id', 'matters', ['state', 'received_on', 'id'], unique=False)
    op.create_index('ix_matters_state_id', 'matters', ['state', 'id'], unique=False)
    op.create_index('ix_matters_state_deadline_id', 'matters', ['state', 'deadline_state', 'id'], unique=False)
    op.drop_index('ix_matters_state', table_name='matters')  # (state, id) answers all it did
    op.create_index('ix_matters_deadline_due_order_id', 'matters', ['deadline_state', sa.text(DUE_ORDER), 'id'],
                    unique=False)
    op.drop_index('ix_matters_deadline_state', table_name='matters')  # a prefix of the new one
    # the list no longer sorts by number: a saved view that did opens in registration order
    # (numbers are given in registration order within a county) instead of answering 400
    op.execute("UPDATE saved_views SET query = REPLACE(query, 'sort=number', 'sort=id') "
               "WHERE query LIKE '%sort=number%'")


def downgrade() -> None:
    op.create_index('ix_matters_deadline_state', 'matters', ['deadline_state'], unique=False)
    op.drop_index('ix_matters_deadline_due_order_id', table_name='matters')
    op.create_index('ix_matters_state', 'matters', ['state'], unique=False)
    op.drop_index('ix_matters_state_deadline_id', table_name='matters')
    op.drop_index('ix_matters_state_id', table_name='matters')
    op.drop_index('ix_matters_state_received_on_id', table_name='matters')
    op.drop_index('ix_matters_state_due_order_id', table_name='matters')
    op.drop_index('ix_matters_due_order_id', table_name='matters')
