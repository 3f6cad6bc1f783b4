"""backlog_year: the 积案, their dossier files and the inspection visits (the plugin's branch)

Revision ID: by_0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from xinfang.platform.api import UTCDateTime

revision = "by_0001"
down_revision = None
branch_labels = ("backlog_year",)
depends_on = "0013"  # the campaigns table (0004 made the matters table before it)

ANCESTRY = ("node_id", "county_id", "township_id", "village_id", "grid_id", "department_id")


def _ancestry(table: str) -> list[sa.Column]:
    return [sa.Column("node_id", sa.Integer(), sa.ForeignKey("nodes.id", name=f"fk_{table}_node_id_nodes"),
                      nullable=True),
            *(sa.Column(c, sa.Integer(), nullable=True) for c in ANCESTRY[1:])]


def _indexes(table: str) -> None:
    for column in ANCESTRY:
        op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def upgrade() -> None:
    op.create_table(
        "backlog_year_settings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaigns.id", ondelete="CASCADE",
                                                             name="fk_backlog_year_settings_campaign_id_campaigns"),
                  nullable=False),
        sa.Column("cutoff", sa.Date(), nullable=False),
        sa.Column("dossier_due_on", sa.Date(), nullable=False),
        *_ancestry("backlog_year_settings"),
        sa.UniqueConstraint("campaign_id", name="uq_backlog_year_settings_campaign_id"),
    )
    _indexes("backlog_year_settings")
    op.create_table(
        "backlog_year_cases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaigns.id", ondelete="CASCADE",
                                                             name="fk_backlog_year_cases_campaign_id_campaigns"),
                  nullable=False),
        sa.Column("matter_id", sa.Integer(), sa.ForeignKey("matters.id", name="fk_backlog_year_cases_matter_id_matters"),
                  nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=False),
        sa.Column("confirmed_by", sa.String(64), nullable=False),
        sa.Column("removed_reason", sa.Text(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("class_key", sa.String(16), nullable=True),
        sa.Column("class_note", sa.Text(), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=True),
        sa.Column("responsible_unit", sa.String(100), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("report", sa.Text(), nullable=False),
        sa.Column("report_signed_by_id", sa.Integer(), nullable=True),
        sa.Column("report_signed_by", sa.String(64), nullable=False),
        sa.Column("report_signed_on", sa.Date(), nullable=True),
        sa.Column("reviewed_by", sa.String(64), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_by", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        *_ancestry("backlog_year_cases"),
        sa.UniqueConstraint("campaign_id", "matter_id", name="uq_backlog_year_cases_campaign_matter"),
    )
    op.create_index(op.f("ix_backlog_year_cases_campaign_id"), "backlog_year_cases", ["campaign_id"])
    op.create_index(op.f("ix_backlog_year_cases_matter_id"), "backlog_year_cases", ["matter_id"])
    _indexes("backlog_year_cases")
    op.create_table(
        "backlog_year_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("backlog_year_cases.id", ondelete="CASCADE",
                                                         name="fk_backlog_year_files_case_id_backlog_year_cases"),
                  nullable=False),
        sa.Column("part", sa.String(16), nullable=False),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(200), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        *_ancestry("backlog_year_files"),
    )
    op.create_index(op.f("ix_backlog_year_files_case_id"), "backlog_year_files", ["case_id"])
    _indexes("backlog_year_files")
    op.create_table(
        "backlog_year_inspections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaigns.id", ondelete="CASCADE",
                                                             name="fk_backlog_year_inspections_campaign_id_campaigns"),
                  nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("inspectors", sa.String(200), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("corrections", sa.Text(), nullable=False),
        sa.Column("follow_up", sa.Text(), nullable=False),
        sa.Column("followed_up_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        *_ancestry("backlog_year_inspections"),
    )
    op.create_index(op.f("ix_backlog_year_inspections_campaign_id"), "backlog_year_inspections", ["campaign_id"])
    _indexes("backlog_year_inspections")


def downgrade() -> None:
    op.drop_table("backlog_year_inspections")
    op.drop_table("backlog_year_files")
    op.drop_table("backlog_year_cases")
    op.drop_table("backlog_year_settings")
