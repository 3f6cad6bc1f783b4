"""Every table with the ancestor columns has them indexed as (column, id), from the mixin
alone: a scoped page (``WHERE township_id IN (…) ORDER BY id LIMIT n``) reads one node's rows
in id order and stops after n, whatever ``__table_args__`` the class declares itself."""

from __future__ import annotations

from sqlalchemy import Index, Integer
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tests.conftest import test_plugins
from xinfang.platform.models import metadata
from xinfang.tenants.levels import ANCESTOR_COLUMNS
from xinfang.tenants.models import NodeBound

test_plugins()  # the installed plugins' and the example campaign's models are in the metadata too


def _indexed(table) -> set[tuple[str, ...]]:
    return {tuple(c.name for c in ix.columns) for ix in table.indexes}


def test_every_table_with_ancestor_columns_has_the_column_id_indexes_and_no_single_ones():
    tables = [t for t in metadata.tables.values() if set(ANCESTOR_COLUMNS) <= set(t.c.keys())]
    assert {"people", "matters", "matter_access", "role_assignments", "npv_honours"} <= {t.name for t in tables}
    for table in tables:
        indexed = _indexed(table)
        for column in ANCESTOR_COLUMNS:
            assert (column, "id") in indexed, (table.name, column)
            assert (column,) not in indexed, (table.name, column)


def test_a_class_declaring_its_own_table_args_keeps_them_and_gets_the_indexes():
    class Elsewhere(DeclarativeBase):  # a registry of its own: the app's metadata stays as it is
        pass

    class Sample(NodeBound, Elsewhere):
        __tablename__ = "samples"
        __table_args__ = (Index("ix_samples_n", "n"),)

        id: Mapped[int] = mapped_column(primary_key=True)
        n: Mapped[int] = mapped_column(Integer)

    indexes = {ix.name: tuple(c.name for c in ix.columns) for ix in Sample.__table__.indexes}
    assert indexes["ix_samples_n"] == ("n",)
    for column in ANCESTOR_COLUMNS:
        assert indexes[f"ix_samples_{column}_id"] == (column, "id")
