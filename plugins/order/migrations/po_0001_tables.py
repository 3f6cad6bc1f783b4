"""petition_order: catalogue, county settings, incidents and their rows (the plugin's own branch)

Revision ID: po_0001
Revises:
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from xinfang.platform.api import UTCDateTime

revision = "po_0001"
down_revision = None
branch_labels = ("petition_order",)
depends_on = ("0001", "0021")  # nodes, users, people, campaigns

ANCESTRY = ("node_id", "county_id", "township_id", "village_id", "grid_id", "department_id")


def _table(name: str, *columns: sa.Column, unique: tuple[str, ...] = ()) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        *columns,
        sa.Column("node_id", sa.Integer(), sa.ForeignKey("nodes.id", name=f"fk_{name}_node_id_nodes"), nullable=True),
        *(sa.Column(c, sa.Integer(), nullable=True) for c in ANCESTRY[1:]),
        sa.PrimaryKeyConstraint("id", name=f"pk_{name}"),
        *([sa.UniqueConstraint(*unique[1:], name=unique[0])] if unique else []),
    )
    for column in ANCESTRY:
        op.create_index(f"ix_{name}_{column}", name, [column])


def _fk(column: str, target: str, table: str) -> sa.Column:
    return sa.Column(column, sa.Integer(), sa.ForeignKey(f"{target}.id", name=f"fk_{table}_{column}_{target}"),
                     nullable=False, index=True)


def upgrade() -> None:
    _table("po_behaviours",
           sa.Column("number", sa.Integer(), nullable=False),
           sa.Column("name", sa.String(100), nullable=False),
           sa.Column("description", sa.Text(), nullable=False),
           sa.Column("clause", sa.String(16), nullable=False),
           sa.Column("created_by", sa.String(64), nullable=False),
           sa.Column("created_at", UTCDateTime(), nullable=False),
           unique=("uq_po_behaviours_node_name", "node_id", "name"))
    _table("po_county_settings",
           sa.Column("retention_days", sa.Integer(), nullable=False),
           sa.Column("set_by", sa.String(64), nullable=False),
           unique=("uq_po_county_settings_node", "node_id"))
    _table("po_incidents",
           _fk("campaign_id", "campaigns", "po_incidents"),
           _fk("behaviour_id", "po_behaviours", "po_incidents"),
           sa.Column("clause", sa.String(16), nullable=False),
           sa.Column("occurred_on", sa.Date(), nullable=False, index=True),
           sa.Column("place", sa.String(200), nullable=False),
           sa.Column("account", sa.Text(), nullable=False),
           sa.Column("status", sa.String(16), nullable=False, index=True),
           sa.Column("recorded_by_id", sa.Integer(), sa.ForeignKey("users.id", name="fk_po_incidents_recorded_by_id_users"),
                     nullable=True, index=True),
           sa.Column("recorded_by", sa.String(64), nullable=False),
           sa.Column("recorded_at", UTCDateTime(), nullable=False),
           sa.Column("reviewed_by", sa.String(64), nullable=False),
           sa.Column("reviewed_at", UTCDateTime(), nullable=True),
           sa.Column("review_note", sa.Text(), nullable=False),
           sa.Column("anonymised_at", UTCDateTime(), nullable=True))
    _table("po_incident_people",
           _fk("incident_id", "po_incidents", "po_incident_people"),
           _fk("person_id", "people", "po_incident_people"),
           unique=("uq_po_incident_people", "incident_id", "person_id"))
    _table("po_evidence",
           _fk("incident_id", "po_incidents", "po_evidence"),
           sa.Column("filename", sa.String(200), nullable=False),
           sa.Column("sha256", sa.String(64), nullable=False),
           sa.Column("path", sa.String(300), nullable=False),
           sa.Column("size", sa.Integer(), nullable=False),
           sa.Column("added_by", sa.String(64), nullable=False),
           sa.Column("added_at", UTCDateTime(), nullable=False))
    _table("po_responses",
           _fk("incident_id", "po_incidents", "po_responses"),
           sa.Column("person_id", sa.Integer(), sa.ForeignKey("people.id", name="fk_po_responses_person_id_people"),
                     nullable=True, index=True),
           sa.Column("kind", sa.String(16), nullable=False),
           sa.Column("given_at", UTCDateTime(), nullable=False),
           sa.Column("staff", sa.String(64), nullable=False),
           sa.Column("told", sa.Text(), nullable=False),
           sa.Column("minutes", sa.Integer(), nullable=True),
           sa.Column("recorded_by", sa.String(64), nullable=False))
    _table("po_referrals",
           _fk("incident_id", "po_incidents", "po_referrals"),
           sa.Column("ground", sa.String(16), nullable=False),
           sa.Column("referred_at", UTCDateTime(), nullable=False),
           sa.Column("after_response", sa.Boolean(), nullable=False),
           sa.Column("emergency_reason", sa.Text(), nullable=False),
           sa.Column("review", sa.String(16), nullable=False),
           sa.Column("review_note", sa.Text(), nullable=False),
           sa.Column("reviewed_by", sa.String(64), nullable=False),
           sa.Column("outcome", sa.Text(), nullable=False),
           sa.Column("outcome_on", sa.Date(), nullable=True),
           sa.Column("referred_by", sa.String(64), nullable=False),
           unique=("uq_po_referrals_incident", "incident_id"))
    _table("po_objections",
           _fk("incident_id", "po_incidents", "po_objections"),
           _fk("person_id", "people", "po_objections"),
           sa.Column("received_on", sa.Date(), nullable=False),
           sa.Column("text", sa.Text(), nullable=False),
           sa.Column("status", sa.String(16), nullable=False),
           sa.Column("review_note", sa.Text(), nullable=False),
           sa.Column("reviewed_by", sa.String(64), nullable=False),
           sa.Column("recorded_by", sa.String(64), nullable=False))


def downgrade() -> None:
    for name in ("po_objections", "po_referrals", "po_responses", "po_evidence", "po_incident_people",
                 "po_incidents", "po_county_settings", "po_behaviours"):
        op.drop_table(name)
