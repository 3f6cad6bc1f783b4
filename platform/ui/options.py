"""A unit picker's ``<option>`` elements, drawn once per distinct list of units.

The matter list draws its county's units (two hundred and more in a real county) into the
unit filter on every request, and into the bulk assign bar when a row can be assigned: the
same units each time, and Jinja's loop over them cost more than the page's own list query.
The markup is kept per process, keyed by the units as this request read them (id, name,
level) and the chosen value: a unit added, renamed or removed makes a new key, so a cached
list can never be stale; a bounded LRU drops lists no longer asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from itertools import groupby
from typing import Protocol

from markupsafe import Markup, escape

SIZE = 256


class Unit(Protocol):
    id: int
    name: str
    level: str


def unit_options(units: Iterable[Unit], chosen: str | None) -> Markup:
    """``<option value="id"[ selected]>name</option>`` for each unit, in order; selected where
    the id, as text, is ``chosen`` (the query's raw value)."""
    return _options(tuple((u.id, u.name) for u in units), chosen)


def grouped_unit_options(units: Iterable[Unit]) -> list[tuple[str, Markup]]:
    """(level, its units' options) for each level, levels in order (what Jinja's
    ``groupby("level")`` gives): the optgroups of the bulk assign bar."""
    return _grouped(tuple((u.id, u.name, u.level) for u in units))


@lru_cache(maxsize=SIZE)
def _options(units: tuple[tuple[int, str], ...], chosen: str | None) -> Markup:
    return Markup("".join(f'<option value="{id_}"{" selected" if chosen == str(id_) else ""}>{escape(name)}</option>'
                          for id_, name in units))


@lru_cache(maxsize=SIZE)
def _grouped(units: tuple[tuple[int, str, str], ...]) -> list[tuple[str, Markup]]:
    ordered = sorted(units, key=lambda u: u[2])
    return [(level, _options(tuple((id_, name) for id_, name, _ in group), None))
            for level, group in groupby(ordered, key=lambda u: u[2])]
