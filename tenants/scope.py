"""The scope of a session: which nodes' rows it may read and write.

One ``do_orm_execute`` listener adds ``with_loader_criteria`` to every ORM statement
(SELECT, relationship loads, bulk UPDATE and DELETE); ``before_flush`` fills the ancestor
columns and refuses writes outside the scope; ``ScopedSession.get`` re-checks objects
served from the identity map; Core and ``text()`` statements are refused outright in a
restricted session, because nothing can filter them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, event, false, inspect, or_, select
from sqlalchemy.orm import Mapper, Session, with_loader_criteria
from sqlalchemy.orm.util import LoaderCriteriaOption, identity_key
from sqlalchemy.sql import util as sql_util
from sqlalchemy.sql.cache_key import NO_CACHE, CacheConst
from sqlalchemy.sql.visitors import anon_map

from xinfang.tenants.levels import ANCESTOR_COLUMNS, COLUMN, Level
from xinfang.tenants.models import AccessScoped, Ancestry, AncestryColumns, Node


class ScopeViolation(Exception):
    """A write or a statement reached outside the session's scope."""

    def __init__(self, message: str = "无权操作该范围的数据") -> None:
        super().__init__(message)
        self.message = message


SYSTEM, PLATFORM, NODES = "system", "platform", "nodes"
READING_AS = "xinfang_reading_as"  # session.info key: inside ScopedSession.reading_as()


@dataclass(frozen=True)
class Scope:
    """``system``: no restriction (CLI, jobs, migrations). ``platform``: the operator — the
    tree and accounts, no tenant data. ``nodes``: the subtrees of the given nodes."""

    mode: str
    # column name -> node ids, e.g. {"township_id": (3, 7)}
    grants: tuple[tuple[str, tuple[int, ...]], ...] = field(default=())

    @classmethod
    def system(cls) -> Scope:
        return cls(SYSTEM)

    @classmethod
    def platform(cls) -> Scope:
        return cls(PLATFORM)

    @classmethod
    def nothing(cls) -> Scope:
        return cls(NODES)

    @classmethod
    def of_nodes(cls, nodes: Iterable[tuple[str, int]]) -> Scope:
        """``nodes``: (level, node id) pairs; each covers that node's whole subtree."""
        ids: dict[str, set[int]] = {}
        for level, node_id in nodes:
            ids.setdefault(COLUMN[Level(level)], set()).add(node_id)
        return cls(NODES, tuple(sorted((col, tuple(sorted(v))) for col, v in ids.items())))

    def ids(self, column: str) -> tuple[int, ...]:
        return dict(self.grants).get(column, ())

    @property
    def restricted(self) -> bool:
        return self.mode != SYSTEM

    def covers(self, ancestry: dict[str, int | None], platform_visible: bool = False) -> bool:
        if self.mode == SYSTEM or (self.mode == PLATFORM and platform_visible):
            return True
        return any(ancestry.get(col) in ids for col, ids in self.grants)

    def covers_row(self, obj: Any) -> bool:
        if not isinstance(obj, Ancestry):
            return True
        return self.covers(obj.ancestry(), type(obj).__platform_visible__)

    def covers_node(self, node: Node) -> bool:
        return self.covers(node.ancestry_with_self(), True)

    def loader_options(self) -> tuple[Any, ...]:
        """The criteria for every statement of a session with this scope, built once per scope
        (they are immutable SQL constructs; building them per query cost ~1.5 ms). A class
        mapped later empties the cache, so it gets its criteria too."""
        return _loader_options(self)

    def _build_loader_options(self) -> list:
        if self.mode == SYSTEM:
            return []
        if self.mode == PLATFORM:
            return [with_loader_criteria(cls, false(), include_aliases=True)
                    for cls in _tenant_data_classes()]
        if len(self.grants) == 1:
            column, ids = self.grants[0]
            return [with_loader_criteria(Ancestry, _ONE_COLUMN[column](list(ids)), include_aliases=True),
                    *self._access_options()]
        county, township, village, grid, department = (list(self.ids(c)) for c in ANCESTOR_COLUMNS)
        # One fixed SQL shape per code location (expanding IN parameters): SQLAlchemy caches a
        # criteria lambda by its code, and only the id lists vary from one request to the next.
        return [
            with_loader_criteria(
                Ancestry,
                lambda cls: or_(cls.county_id.in_(county), cls.township_id.in_(township),
                                cls.village_id.in_(village), cls.grid_id.in_(grid),
                                cls.department_id.in_(department)),
                include_aliases=True),
            *self._access_options(),
        ]

    def _access_options(self) -> list:
        """Criteria for rows seen through an access table, one per mapped class, sharing one
        subquery per access table. Plain expressions, not lambdas: a criteria lambda is
        analysed once against the mixin, which has no columns to analyse here."""
        visible: dict[type, Select] = {}
        options = []
        for cls in _access_scoped_classes():
            access = cls.__access_model__
            if access not in visible:
                visible[access] = select(access.subject_id).where(
                    or_(*(getattr(access, col).in_(list(ids)) for col, ids in self.grants))
                    if self.grants else false())
            options.append(with_loader_criteria(cls, getattr(cls, cls.__access_key__).in_(visible[access]),
                                                include_aliases=True))
        return options


# The common case, every assignment at one level: one indexed IN per column, each its own
# lambda (own code location, own cached shape), so the database can use that column's index.
_ONE_COLUMN = {
    "county_id": lambda ids: lambda cls: cls.county_id.in_(ids),
    "township_id": lambda ids: lambda cls: cls.township_id.in_(ids),
    "village_id": lambda ids: lambda cls: cls.village_id.in_(ids),
    "grid_id": lambda ids: lambda cls: cls.grid_id.in_(ids),
    "department_id": lambda ids: lambda cls: cls.department_id.in_(ids),
}


def visible_rows(session: Session, cls: type) -> Select | None:
    """A statement with one row per row of ``cls`` the session sees, from its access table
    alone, or None where that does not hold.

    A row is visible when one of the session's visible access rows names it, and each access
    row's subject is a foreign key to a row of ``cls`` (deleted with it), so the visible rows
    are exactly the distinct subjects of the visible access rows: one index-only scan instead
    of a semi-join over every row of ``cls``. The access rows go through the scope filter like
    any query. An unrestricted session sees every row of ``cls``, even one without an access
    row, so it gets None; so does a class whose access key is not its primary key."""
    scope: Scope | None = session.info.get("scope")
    if scope is None or not scope.restricted or not issubclass(cls, AccessScoped):
        return None
    if [c.key for c in inspect(cls).primary_key] != [cls.__access_key__]:
        return None
    return select(cls.__access_model__.subject_id).distinct()


@lru_cache(maxsize=4096)
def _loader_options(scope: Scope) -> tuple:
    parts = scope._build_loader_options()
    return (_ScopeCriteria(parts),) if parts else ()


@event.listens_for(Mapper, "after_mapper_constructed")
def _new_mapped_class(_mapper: Mapper, _cls: type) -> None:
    _loader_options.cache_clear()
    _access_models.cache_clear()


class _ScopeCriteria(LoaderCriteriaOption):
    """All of a scope's criteria as one ``with_loader_criteria`` option, its cache key worked
    out once.

    SQLAlchemy rebuilds a statement's cache key on every execution, options included, and
    the scope used to add one option per access-scoped class, each with its access subquery:
    ~0.15 ms of key work per statement, plus the coercion of every option, whatever the
    statement touched. Here the parts (``with_loader_criteria`` options, one for the
    ``Ancestry`` rows and one per access-scoped class) stay as they were, and this option
    stands for all of them: at compile time it hands each mapped class the criteria of its
    parts; its cache key is the parts' keys, computed once with its own anonymous-name map
    (a complete, deterministic description wherever the option appears), and the bound
    parameters collected with it are the same objects each time, so they line up by position
    with the cached compiled SQL as SQLAlchemy's own would. A subquery inside the criteria
    is not filtered again (``_should_include``): the access subqueries read the access rows
    with the very condition the ``Ancestry`` part would add."""

    __slots__ = ("_parts", "_by_mapper", "_memo")
    _traverse_internals: list = []  # the cache key is built from the parts (_gen_cache_key)

    def __init__(self, parts: list[LoaderCriteriaOption]) -> None:
        self.root_entity, self.entity = None, None
        self.where_criteria = self._where_crit_orig = None  # type: ignore[assignment]
        self.deferred_where_criteria = False
        self.include_aliases = self.propagate_to_loaders = True
        self._parts = tuple(parts)
        self._memo: tuple[tuple, list] | None = None
        by_mapper: dict[Mapper, list[LoaderCriteriaOption]] = {}
        for part in parts:
            for mapper in dict.fromkeys(part._all_mappers()):
                by_mapper.setdefault(mapper, []).append(part)
        self._by_mapper = by_mapper

    def _all_mappers(self) -> Iterator[Mapper]:
        yield from self._by_mapper

    def _resolve_where_criteria(self, ext_info: Any) -> Any:
        crits: list[Any] = [part.where_criteria._resolve_with_args(ext_info.entity)
                            if part.deferred_where_criteria else part.where_criteria
                            for part in self._by_mapper[ext_info.mapper]]
        return sql_util._deep_annotate(and_(*crits) if len(crits) > 1 else crits[0],
                                       {"for_loader_criteria": self},
                                       detect_subquery_cols=True, ind_cols_on_fromclause=True)

    def _gen_cache_key(self, anon_map_: Any, bindparams: list) -> Any:
        if self._memo is None:
            own_map = anon_map()
            own_binds: list = []
            key = (type(self), tuple(p._gen_cache_key(own_map, own_binds) for p in self._parts))
            if NO_CACHE in own_map or CacheConst.PARAMS in own_map:  # nothing safe to keep
                return (type(self), tuple(p._gen_cache_key(anon_map_, bindparams) for p in self._parts))
            self._memo = (key, own_binds)
        key, binds = self._memo
        bindparams.extend(binds)
        return key


def _access_scoped_classes() -> list[type[AccessScoped]]:
    from xinfang.platform.db import Base

    return [m.class_ for m in Base.registry.mappers if issubclass(m.class_, AccessScoped)]


@lru_cache(maxsize=1)
def _access_models() -> frozenset[type]:
    """Built once (a class mapped later empties the cache): listing the registry's mappers
    builds a set of them all, and the flush check asks for every new row."""
    return frozenset(cls.__access_model__ for cls in _access_scoped_classes())


def _tenant_data_classes() -> list[type]:
    from xinfang.platform.db import Base

    return [m.class_ for m in Base.registry.mappers
            if issubclass(m.class_, Ancestry | AccessScoped) and not m.class_.__platform_visible__]


class ScopedSession(Session):
    """A session whose reads and writes are limited to ``self.scope``."""

    def __init__(self, *args: Any, scope: Scope | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.info["scope"] = scope or Scope.nothing()

    @property
    def scope(self) -> Scope:
        return self.info["scope"]

    @contextmanager
    def reading_as(self, scope: Scope, read_engine: Any = None) -> Iterator[ScopedSession]:
        """Read under another scope on this session's own connection, so that a request never
        holds two: e.g. a campaign metric over its whole area, or the audit chains a caller may
        verify but not read. Read-only (a flush inside is refused), and whatever was first
        loaded inside leaves the session at the end, so nothing read under ``scope`` stays
        reachable under the session's own.

        With ``read_engine`` (only between transactions) the block reads in a transaction of
        its own on that engine, ended with the block: on SQLite a writing request's long read
        then never holds the write lock."""
        if read_engine is not None and self.in_transaction():
            raise RuntimeError("reading_as(read_engine=…) needs a session between transactions")
        before = set(self.identity_map.keys())
        own_scope, own_bind = self.info["scope"], self.bind
        self.info["scope"], self.info[READING_AS] = scope, True
        if read_engine is not None:
            self.bind = read_engine
        try:
            with self.no_autoflush:
                yield self
        finally:
            self.info["scope"] = own_scope
            self.info.pop(READING_AS, None)
            if read_engine is not None:
                self.rollback()  # ends the read transaction (nothing was written)
                self.bind = own_bind
            for key in set(self.identity_map.keys()) - before:
                obj = self.identity_map.get(key)
                if obj is not None:
                    self.expunge(obj)

    def get(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        obj = super().get(entity, ident, **kwargs)
        if obj is None or not self.scope.restricted:
            return obj
        if isinstance(obj, AccessScoped):
            # visibility lives in the access table: ask the database, through the filter
            key = getattr(type(obj), obj.__access_key__)
            found = self.execute(select(key).where(key == getattr(obj, obj.__access_key__)).limit(1)).first()
            return obj if found is not None else None
        if not self.scope.covers_row(obj):
            return None  # served from the identity map, loaded under another scope
        return obj

    def get_one(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        from sqlalchemy.orm.exc import NoResultFound

        obj = self.get(entity, ident, **kwargs)
        if obj is None:
            raise NoResultFound("No row was found when one was required")
        return obj


@event.listens_for(ScopedSession, "do_orm_execute")
def _apply_scope(state) -> None:
    scope: Scope = state.session.info["scope"]
    if not scope.restricted or state.execution_options.get("skip_scope"):
        return
    if not state.is_orm_statement:
        raise ScopeViolation("受限会话中不允许执行无法按辖区过滤的语句")
    if state.is_insert:
        raise ScopeViolation("受限会话中请通过对象写入数据,不允许批量插入")
    if state.is_update:
        values = getattr(state.statement, "_values", None) or {}
        touched = {getattr(k, "key", str(k)) for k in values}
        if touched & {*ANCESTOR_COLUMNS, "node_id", "parent_id"}:
            raise ScopeViolation("受限会话中不允许批量修改记录的归属")
    state.statement = state.statement.options(*scope.loader_options())


def node_by_id(session: Session, node_id: int) -> Node | None:
    """A node whatever the session's scope (the tree is not tenant data): the one the session
    already holds when it does — a SELECT would hand back that very object, unrefreshed —
    else read. A registration asks for its office's node four times (scope check, placing
    each row, its audit chain, the answer's viewer)."""
    held = session.identity_map.get(identity_key(Node, node_id))
    if held is not None and inspect(held).dict.keys() >= _node_columns():  # (an expired one is read again)
        return held
    return session.execute(select(Node).where(Node.id == node_id),
                           execution_options={"skip_scope": True}).scalar_one_or_none()


@lru_cache(maxsize=1)
def _node_columns() -> frozenset[str]:
    return frozenset(attr.key for attr in inspect(Node).column_attrs)


def _node_ancestry(session: Session, node_id: int) -> tuple[Node, dict[str, int | None]]:
    cache: dict[int, Node] = session.info.setdefault("node_cache", {})
    node = cache.get(node_id)
    if node is None:
        node = node_by_id(session, node_id)
        if node is None:
            raise ScopeViolation(f"节点 {node_id} 不存在")
        cache[node_id] = node
    return node, node.ancestry_with_self()


def node_ancestry(session: Session, node_id: int | None) -> dict[str, int | None]:
    """The ancestor columns a row placed at ``node_id`` carries (all None without a node)."""
    if node_id is None:
        return {col: None for col in ANCESTOR_COLUMNS}
    return _node_ancestry(session, node_id)[1]


def ancestry_for(session: Session, obj: AncestryColumns) -> dict[str, int | None] | None:
    """The ancestry an object must carry, computed from its node (or parent), or None if unbound."""
    if isinstance(obj, Node):
        return node_ancestry(session, obj.parent_id)
    if hasattr(obj, "node_id"):
        return node_ancestry(session, obj.node_id)
    return None


_OWNERSHIP_KEYS = (*ANCESTOR_COLUMNS, "node_id", "parent_id")


def _placement(obj: AncestryColumns, values: dict[str, int | None]) -> dict[str, int | None]:
    """The ancestry that decides where a row may be written. A node is placed where its
    parent is: its own column is left out, so nobody can move or create the node they hold."""
    if isinstance(obj, Node):
        return {**values, COLUMN[Level(obj.level)]: None}
    return values


@event.listens_for(ScopedSession, "before_flush")
def _check_writes(session: Session, _ctx: Any, _instances: Any) -> None:
    if session.info.get(READING_AS) and (session.new or session.dirty or session.deleted):
        raise ScopeViolation("只读查询中不允许写入数据")
    scope: Scope = session.info["scope"]
    new = session.new  # built once: each call walks every pending object (a batch flushes thousands)
    for obj in [*new, *session.dirty]:
        if isinstance(obj, AncestryColumns):
            _place(session, scope, obj, obj in new)
    # access rows placed inside the scope just now: their subjects are visible without asking
    granted = {(type(obj), obj.subject_id) for obj in new
               if type(obj) in _access_models() and getattr(obj, "subject_id", None) is not None}
    for obj in new:
        if isinstance(obj, AccessScoped) and not isinstance(obj, AncestryColumns):
            _check_subject_visible(session, scope, obj, granted)
    for obj in session.deleted:
        if isinstance(obj, Ancestry) and not scope.covers(_placement(obj, obj.ancestry()),
                                                          type(obj).__platform_visible__):
            raise ScopeViolation()


def _place(session: Session, scope: Scope, obj: AncestryColumns, is_new: bool) -> None:
    """Fill the ancestor columns of a new or moved row and refuse a place outside the scope."""
    if getattr(obj, "__append_only__", False) and is_new:
        # the audit log: appended by the system on behalf of any session, never edited
        for col, value in (ancestry_for(session, obj) or {}).items():
            setattr(obj, col, value)
        return
    visible = type(obj).__platform_visible__
    if not is_new:
        state = inspect(obj)
        if not any(state.attrs[k].history.has_changes() for k in _OWNERSHIP_KEYS if k in state.attrs):
            return
        old = {k: (state.attrs[k].history.deleted or [getattr(obj, k)])[0] for k in ANCESTOR_COLUMNS}
        if isinstance(obj, Ancestry) and not scope.covers(_placement(obj, old), visible):
            raise ScopeViolation()
    own = COLUMN[Level(obj.level)] if isinstance(obj, Node) else None
    for col, value in (ancestry_for(session, obj) or {}).items():
        if col != own:
            setattr(obj, col, value)
    if not scope.covers(_placement(obj, obj.ancestry()), visible):
        raise ScopeViolation()


def _check_subject_visible(session: Session, scope: Scope, obj: AccessScoped,
                           granted: set[tuple[type, int]]) -> None:
    """A new child row (timeline entry, clock …) is written only to a matter this session sees:
    through an access row in the database, or one this same flush writes inside the scope."""
    if not scope.restricted:
        return
    subject = getattr(obj, obj.__access_key__)
    if subject is None:
        return  # its parent is new in this same flush and is checked itself
    access = obj.__access_model__
    if (access, subject) in granted:
        return
    with session.no_autoflush:
        seen = session.execute(select(access.subject_id).where(access.subject_id == subject).limit(1)).first()
    if seen is None:
        raise ScopeViolation()
