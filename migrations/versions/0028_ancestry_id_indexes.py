"""ancestry_id_indexes: every ancestor column indexed with the row's id

A scoped list is ``WHERE township_id IN (…) ORDER BY id LIMIT n``. With the ancestor column
alone PostgreSQL read every row under the node (bitmap heap scan) and sorted them for a page
of 20 (0.30 ms for a township's 1,487 people, against 0.026 ms for the unscoped page's
primary-key scan); with (column, id) the index hands one node's rows in id order and the
page stops after n rows. The pair answers every lookup the column alone did (equality,
``IN``, index-only counts), so it replaces it: same number of indexes to maintain. SQLite
already kept each value's entries in rowid order; there the pair changes nothing.

Plain ``CREATE INDEX`` (no ``CONCURRENTLY``): an upgrade here is one transaction, which
``CONCURRENTLY`` cannot run in. Plugin tables (``NodeBound`` models of their own) get the
same indexes from their plugin's branch. Measured with bench/authz.py (docs/benchmarks.md).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07
"""
from __future__ import annotations

from xinfang.platform.migrate import ancestry_id_indexes

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

COLUMNS = ('county_id', 'township_id', 'village_id', 'grid_id', 'department_id')
# the core's tables with ancestor columns at 0027 (frozen here: a later table makes its own)
TABLES = (
    'audit_records', 'backlog_entries', 'campaign_access', 'campaign_ticks', 'campaigns',
    'county_rules', 'dispatch_notices', 'documents', 'four_none_rules', 'intake_cases',
    'leader_visits', 'matter_access', 'matters', 'nodes', 'notifications', 'people',
    'ranking_rules', 'rankings', 'reception_records', 'report_submissions', 'role_assignments',
    'rota_duties', 'screening_entries', 'supervision_orders', 'supervision_reports', 'users',
)


def upgrade() -> None:
    ancestry_id_indexes(TABLES, COLUMNS, pairs=True)


def downgrade() -> None:
    ancestry_id_indexes(TABLES, COLUMNS, pairs=False)
