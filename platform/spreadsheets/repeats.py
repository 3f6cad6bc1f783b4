"""Rows of an import that repeat an earlier row of the same file, or a record already stored:
each is a problem of its row, so an all-or-nothing import refuses the whole file."""

from __future__ import annotations

from collections.abc import Callable, Hashable


class SeenRows:
    """The rows a file has named so far, by their key (the first row that named each)."""

    def __init__(self) -> None:
        self.first: dict[Hashable, int] = {}

    def check(self, key: Hashable, row_number: int, problems: list[str], stored: Callable[[], bool],
              stored_message: str) -> None:
        """Note ``key`` for row ``row_number``; a repeat of an earlier row, or (asked only when it
        is not) a key ``stored`` already, adds its problem."""
        if key in self.first:
            problems.append(f"与第{self.first[key]}行重复")
        elif stored():
            problems.append(stored_message)
        self.first.setdefault(key, row_number)
