"""no_petition_village: the ancestor columns indexed with the row's id, as the core's NodeBound now declares

The core's revision 0028 (0028_ancestry_id_indexes.py) says why: a scoped page, ``WHERE township_id IN
(…) ORDER BY id LIMIT n``, reads one node's rows in id order from (column, id) and stops after
n; the pair answers every lookup the column alone did, so it replaces it.

Revision ID: npv_0002
Revises: npv_0001
"""
from __future__ import annotations

from xinfang.platform.api import ancestry_id_indexes

revision = 'npv_0002'
down_revision = 'npv_0001'
branch_labels = None
depends_on = None

COLUMNS = ('county_id', 'township_id', 'village_id', 'grid_id', 'department_id')
TABLES = ('npv_honours',)


def upgrade() -> None:
    ancestry_id_indexes(TABLES, COLUMNS, pairs=True)


def downgrade() -> None:
    ancestry_id_indexes(TABLES, COLUMNS, pairs=False)
