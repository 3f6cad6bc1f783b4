"""The county's 月排队讲评 settings and its published rankings.

A published ranking is frozen: its rows, the weights it used and its SHA-256 are written once
and the ORM refuses to change or delete the row. A correction is a new version (with its
reason and the differences from the version before), never an edit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.tenants.models import NodeBound


class RankingRules(NodeBound, Base):
    """One county's weights (rate key → weight) and volume groups (the lower bounds, in 件次, of
    every group after the first) for its monthly ranking; defaults when absent."""

    __tablename__ = "ranking_rules"
    __table_args__ = (UniqueConstraint("node_id", name="uq_ranking_rules_node_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    volume_bounds: Mapped[list[int]] = mapped_column(JSON, default=list)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class FourNoneRules(NodeBound, Base):
    """One county's 四无乡镇 criteria: a list of ``{"key", "limit", "people"}`` (a criterion from
    ``four_none.CRITERIA``, the most matters or clocks a township may have and still meet it, and
    for 大规模集体访 the head count that makes a visit large); defaults when absent."""

    __tablename__ = "four_none_rules"
    __table_args__ = (UniqueConstraint("node_id", name="uq_four_none_rules_node_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_by: Mapped[str] = mapped_column(String(64), default="")


class Ranking(NodeBound, Base):
    """One published version of a county's ranking of its townships or departments for a month."""

    __tablename__ = "rankings"
    __table_args__ = (UniqueConstraint("node_id", "units", "period", "version", name="uq_rankings_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    units: Mapped[str] = mapped_column(String(16))  # township | department
    period: Mapped[str] = mapped_column(String(16))  # 2026-03
    version: Mapped[int] = mapped_column(Integer)
    weights: Mapped[dict[str, Any]] = mapped_column(JSON)
    volume_bounds: Mapped[list[int]] = mapped_column(JSON)
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text, default="")
    counted_on: Mapped[dt.date] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=clock.now)
    published_by: Mapped[str] = mapped_column(String(64))


@event.listens_for(Ranking, "before_update")
@event.listens_for(Ranking, "before_delete")
def _frozen(mapper, connection, target: Ranking) -> None:
    raise RuntimeError("a published ranking is frozen: publish a new version instead")
