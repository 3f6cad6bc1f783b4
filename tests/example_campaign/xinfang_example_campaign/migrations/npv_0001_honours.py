"""no_petition_village: the honours table (the plugin's own Alembic branch)

Revision ID: npv_0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from xinfang.platform.api import UTCDateTime

revision = "npv_0001"
down_revision = None
branch_labels = ("no_petition_village",)
depends_on = "0001"  # the core revision that creates the nodes table


def upgrade() -> None:
    op.create_table(
        "npv_honours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("awarded_by", sa.String(length=100), nullable=False),
        sa.Column("awarded_at", UTCDateTime(), nullable=False),
        sa.Column("node_id", sa.Integer(), nullable=True),
        sa.Column("county_id", sa.Integer(), nullable=True),
        sa.Column("township_id", sa.Integer(), nullable=True),
        sa.Column("village_id", sa.Integer(), nullable=True),
        sa.Column("grid_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["node_id"], ["nodes.id"], name=op.f("fk_npv_honours_node_id_nodes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_npv_honours")),
        sa.UniqueConstraint("node_id", "year", name="uq_npv_honours_node_year"),
    )
    for column in ("node_id", "county_id", "township_id", "village_id", "grid_id", "department_id"):
        op.create_index(op.f(f"ix_npv_honours_{column}"), "npv_honours", [column])


def downgrade() -> None:
    op.drop_table("npv_honours")
