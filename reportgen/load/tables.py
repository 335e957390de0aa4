"""The shapes shared by the readers: a sheet of text records, and the problems found reading it."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..errors import Problem


@dataclass
class Record:
    """One row of data as text, with the spreadsheet row it came from.

    ``places`` says where a cell really is when that is not ``(row, column)``:
    in a wide sheet a period's value sits in the column headed ``Apr-17`` and a
    numerator on its own row.
    """

    row: int
    cells: dict[str, str]
    places: dict[str, tuple[int, str]] = field(default_factory=dict)

    def get(self, column: str) -> str:
        return self.cells.get(column, "")

    def place(self, column: str | None) -> tuple[int, str | None]:
        if column is None:
            return self.row, None
        return self.places.get(column, (self.row, column))


@dataclass
class Table:
    """One sheet of records as text, with where it came from."""

    source: str  # "data/x/indicators.csv" or "data/x/data.xlsx[values]"
    records: list[Record]
    columns: tuple[str, ...]
    header_row: int = 1
    synthesised: bool = False  # made by reshaping a wide sheet: its columns are always right


@dataclass
class Collector:
    """Gathers problems (and warnings) so that all of them are reported together."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def add(self, table: Table, record: Record | None, column: str | None, message: str) -> None:
        row, label = record.place(column) if record is not None else (None, column)
        self.problems.append(Problem(table.source, message, row, label))

    def at_header(self, table: Table, column: str | None, message: str) -> None:
        self.problems.append(Problem(table.source, message, table.header_row, column))

    def file(self, source: str, message: str) -> None:
        self.problems.append(Problem(source, message))


def normalise(name: object) -> str:
    """A column name as matched: case and surrounding spaces ignored."""
    return str(name if name is not None else "").strip().lower()


def is_blank(cells) -> bool:
    return all(not str(c if c is not None else "").strip() for c in cells)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while a table is read, then restore it.

    Reading 100,000 rows makes a million small objects and no reference cycles;
    the collector would walk the growing heap again and again and take more time
    than the reading (1.1 s against 0.8 s for 100,000 rows). Cycles made meanwhile
    are collected as usual once it runs again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
