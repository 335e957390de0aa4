"""Load indicator data (CSV folder or Excel workbook, long or wide) into a validated Dataset.

The data contract is in docs/data-contract.md; the readers are in reportgen/load/.
Every problem is collected and reported at once, each naming the file, the row as
a spreadsheet user counts it (the header is row 1) and the column.
"""

from __future__ import annotations

from pathlib import Path

from .errors import DataError
from .load.contract import (
    INDICATOR_COLUMNS, MORE_INDICATOR_COLUMNS, VALUE_COLUMNS, check_columns, ids_on_bad_rows,
    load_indicators, load_observations, parse_number,
)
from .load.sources import LAYOUTS, WORKBOOKS, Options, read_tables
from .load.tables import Collector, no_cycle_collection
from .model import Dataset, Indicator, Observation

__all__ = ["load_dataset", "parse_number", "INDICATOR_COLUMNS", "MORE_INDICATOR_COLUMNS", "VALUE_COLUMNS",
           "LAYOUTS", "Options"]


def load_dataset(path: Path | str, *, sheet: str | None = None, header_row: int | None = None,
                 layout: str = "auto") -> Dataset:
    """Read and validate indicator data; raise DataError listing every problem found.

    ``sheet``, ``header_row`` and ``layout`` say how to read a workbook (the
    meeting file's ``scoring:`` keys); by default the layout is detected.
    """
    with no_cycle_collection():
        path, options = Path(path), Options(sheet, header_row, layout)
        if path.suffix.lower() in WORKBOOKS and path.is_file():
            return _kept(path, options)
        return _load(path, options)


def _kept(path: Path, options: Options) -> Dataset:
    """A workbook's Dataset, read once and then kept (load/kept.py) while the workbook is unchanged.

    Reading a workbook means importing openpyxl (and pandas for the wide layout)
    and parsing its XML: a third of a build. A CSV folder is read in a hundredth
    of a second, so only workbooks are kept. A workbook with problems is never
    kept: every build reads it again and reports them.
    """
    from .load.kept import dataset_key, kept_dataset

    try:
        key = dataset_key(path, options)
    except OSError:
        return _load(path, options)  # unreadable now: let the reader say why
    return kept_dataset(key, lambda: _load(path, options))


def _load(path: Path, options: Options) -> Dataset:
    collector = Collector()
    tables = read_tables(path, options, collector)
    indicators: list[Indicator] = []
    observations: list[Observation] = []
    ind_table, val_table = tables.get("indicators"), tables.get("values")
    limits = {}
    if ind_table and check_columns(ind_table, "indicators", collector):
        indicators, limits = load_indicators(ind_table, collector)
    if val_table and check_columns(val_table, "values", collector) and ind_table:
        unreadable = ids_on_bad_rows(ind_table, indicators)
        observations = load_observations(val_table, {i.id: i for i in indicators}, limits, unreadable, collector)
    if collector.problems:
        raise DataError(collector.problems)
    sources = tuple(dict.fromkeys(t.source.split("[")[0] for t in tables.values()))
    return Dataset(tuple(indicators), tuple(observations), sources, ind_table.source, val_table.source,
                   warnings=tuple(collector.warnings))
