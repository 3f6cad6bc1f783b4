"""The tenant tree and the ancestor columns every tenant-owned row carries.

Each row stores the id of every ancestor node (and, for rows bound to a node, that node
itself) in ``county_id`` … ``department_id``. "Everything under township X" is then one
equality test, ``township_id = X``, on SQLite and PostgreSQL alike; the scope filter in
``xinfang.tenants.scope`` is built from exactly these columns, and each is indexed with the
row's id (``ancestry_indexes``).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar, Protocol

from sqlalchemy import ForeignKey, FromClause, Index, Integer, String, Table, event, update
from sqlalchemy.orm import Mapped, Mapper, attributes, mapped_column, relationship

from xinfang.platform import clock
from xinfang.platform.db import Base, UTCDateTime
from xinfang.tenants.levels import ANCESTOR_COLUMNS, COLUMN, LABELS, Level


class AncestryColumns:
    """Ancestor columns. Filled automatically before flush; never set them by hand.

    Each is indexed together with the row's id (``ancestry_indexes``), added to every mapped
    table that carries them."""

    # Operators (platform staff) see directory rows (the tree, accounts) but no tenant data.
    __platform_visible__ = False

    county_id: Mapped[int | None] = mapped_column(Integer)
    township_id: Mapped[int | None] = mapped_column(Integer)
    village_id: Mapped[int | None] = mapped_column(Integer)
    grid_id: Mapped[int | None] = mapped_column(Integer)
    department_id: Mapped[int | None] = mapped_column(Integer)

    def ancestry(self) -> dict[str, int | None]:
        return {col: getattr(self, col) for col in ANCESTOR_COLUMNS}


def ancestry_index_name(table: str, column: str) -> str:
    return f"ix_{table}_{column}_id"


def ancestry_indexes(table: Table) -> list[Index]:
    """(ancestor column, id) for each ancestor column of ``table``.

    A scoped list is ``WHERE township_id IN (…) ORDER BY id LIMIT n``: with the column alone,
    PostgreSQL read every row of the township (bitmap heap scan) and sorted them for a page
    of 20; with (column, id) the index gives one township's rows in id order and the page
    stops after n. The pair answers every lookup the column alone did (equality, ``IN``,
    counts as index-only scans), so it replaces it. SQLite's index on the column alone was
    already ordered by rowid within a value; the pair costs it nothing more."""
    return [Index(ancestry_index_name(table.name, col), table.c[col], table.c.id) for col in ANCESTOR_COLUMNS]


@event.listens_for(AncestryColumns, "instrument_class", propagate=True)
def _index_ancestry(mapper: Mapper, _cls: type) -> None:
    """Every mapped class with the columns gets the indexes on its table, whatever
    ``__table_args__`` it declares itself (a class that declares it replaces a mixin's)."""
    table = mapper.local_table
    if isinstance(table, Table) and ancestry_index_name(table.name, ANCESTOR_COLUMNS[0]) not in {
            ix.name for ix in table.indexes}:
        ancestry_indexes(table)  # an Index of a table's columns attaches itself to that table


class Ancestry(AncestryColumns):
    """Rows visible where their own ancestor columns are in scope (most tenant data)."""


class AccessRows(Protocol):
    """An access model (``MatterAccess``, ``CampaignAccess``): a ``NodeBound`` row that opens
    its ``subject_id`` to its node (the scope filter reads its ancestor columns by name)."""

    __table__: ClassVar[FromClause]
    subject_id: Mapped[int]


class AccessScoped:
    """Rows visible through an access table instead of their own columns: a petition matter
    is seen by the office that owns it and by every unit it is assigned to.

    ``__access_model__`` is a ``NodeBound`` class with a ``subject_id`` column (its rows are
    filtered like any tenant row); ``__access_key__`` names this class's column that holds
    the subject id (``id`` on the matter itself, ``matter_id`` on its timeline, clocks …).
    """

    __platform_visible__ = False
    __access_model__: type[AccessRows]
    __access_key__: str = "id"


class NodeBound(Ancestry):
    """A row that belongs to exactly one node; its ancestry is that node's, itself included."""

    node_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"), index=True)


class Node(Ancestry, Base):
    __tablename__ = "nodes"
    __platform_visible__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    level: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("nodes.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    parent: Mapped[Node | None] = relationship(remote_side=[id], lazy="raise")

    @property
    def level_enum(self) -> Level:
        return Level(self.level)

    @property
    def level_label(self) -> str:
        return LABELS[Level(self.level)]

    def ancestry_with_self(self) -> dict[str, int | None]:
        """The ancestry a row bound to this node (or a child of it) carries."""
        values = self.ancestry()
        values[COLUMN[Level(self.level)]] = self.id
        return values

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "level": self.level,
            "level_label": self.level_label,
            "code": self.code,
            "name": self.name,
            "parent_id": self.parent_id,
        }


@event.listens_for(Node, "after_insert")
def _record_own_column(mapper, connection, target: Node) -> None:
    """A node is inside its own subtree: store its id in its own level's column."""
    column = COLUMN[Level(target.level)]
    connection.execute(update(Node).where(Node.id == target.id).values({column: target.id}))
    attributes.set_committed_value(target, column, target.id)
