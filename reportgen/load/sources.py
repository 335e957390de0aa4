"""Where indicator data comes from: a folder of CSVs, or a workbook in the long or the wide layout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .contract import INDICATOR_COLUMNS, MORE_INDICATOR_COLUMNS
from .csvfile import read_csv, table_from_rows
from .tables import Collector, Table, normalise

LAYOUTS = ("auto", "long", "wide")
WORKBOOKS = (".xlsx", ".xlsm")  # what is read as an Excel workbook
SHEETS = ("indicators", "values")


@dataclass(frozen=True)
class Options:
    """How to read a workbook: the meeting file's ``scoring:`` keys ``sheet``, ``header_row`` and ``layout``."""

    sheet: str | None = None  # the wide sheet's name
    header_row: int | None = None  # the wide sheet's header row, as Excel numbers it
    layout: str = "auto"  # long: sheets 'indicators' and 'values'; wide: one sheet, a column per period


def read_tables(path: Path, options: Options, collector: Collector) -> dict[str, Table]:
    label = str(path)
    if path.is_dir():
        return _folder(path, collector)
    if path.suffix.lower() in WORKBOOKS:
        if path.is_file():
            return _workbook(path, label, options, collector)
        collector.file(label, "workbook not found")
        return {}
    collector.file(label, "not found or not indicator data; give a folder holding indicators.csv and "
                          "values.csv, or an Excel workbook (.xlsx) with sheets 'indicators' and 'values' "
                          "or one sheet in the wide layout")
    return {}


def _folder(path: Path, collector: Collector) -> dict[str, Table]:
    tables = {}
    for sheet in SHEETS:
        file = path / f"{sheet}.csv"
        if not file.is_file():
            collector.file(str(file), "file is missing; a data folder needs indicators.csv and values.csv")
            continue
        table = read_csv(file, str(file), collector)
        if table is not None:
            tables[sheet] = table
    return tables


def _workbook(path: Path, label: str, options: Options, collector: Collector) -> dict[str, Table]:
    from .workbook import Workbook, file_problem

    problem = file_problem(path)
    if problem:
        collector.file(label, problem)
        return {}
    try:
        book = Workbook(path, label, collector)
    except Exception as exc:  # openpyxl's many ways of finding a zip is not quite a workbook
        collector.file(label, f"cannot be read as an Excel workbook ({type(exc).__name__}: {exc}); "
                              "open it in Excel and save it as an Excel Workbook (.xlsx)")
        return {}
    try:
        layout = options.layout
        if layout == "auto":
            layout = "long" if options.sheet is None and any(book.find(s) for s in SHEETS) else "wide"
        return _long(book, collector) if layout == "long" else _wide(book, options, collector)
    finally:
        book.close()


def _sheets_there(book) -> str:
    return ", ".join(f"'{n}'" for n in book.sheetnames)


def _long(book, collector: Collector) -> dict[str, Table]:
    tables = {}
    for sheet in SHEETS:
        name = book.find(sheet)
        if name is None:
            collector.file(book.label, f"sheet '{sheet}' is missing; the workbook has sheets {_sheets_there(book)}; "
                                       "it needs sheets 'indicators' and 'values' (or one sheet in the wide layout)")
            continue
        rows = book.rows(name)
        # Title rows above the header are skipped: the header is the first row with an 'id' column.
        header = next((n for n, cells in rows if "id" in {normalise(c) for c in cells}), None)
        tables[sheet] = table_from_rows(book.source(name), rows, header)
    return tables


def _wide(book, options: Options, collector: Collector) -> dict[str, Table]:
    from .wide import WideSheet, find_header  # only a wide sheet needs it (a check of kept data reads no sheet)

    if options.sheet is not None:
        names = [book.find(options.sheet)]
        if names[0] is None:
            collector.file(book.label, f"sheet '{options.sheet}' is missing; the workbook has sheets {_sheets_there(book)}")
            return {}
    else:
        names = book.sheetnames
    for name in names:
        rows = book.rows(name)
        header = find_header(rows, options.header_row)
        if header is None:
            continue
        if not any(n == header and any(c.strip() for c in cells) for n, cells in rows):
            collector.file(book.source(name), f"header_row {header} is blank; give the row that holds the column names")
            return {}
        known = INDICATOR_COLUMNS + MORE_INDICATOR_COLUMNS
        split = WideSheet(book.source(name), rows, header, known, collector).tables()
        return dict(zip(SHEETS, split)) if split else {}
    collector.file(book.label, "has no sheets 'indicators' and 'values' (the long layout) and no sheet with a header "
                               f"row holding 'id' and 'name' (the wide layout); the workbook has sheets {_sheets_there(book)}")
    return {}
