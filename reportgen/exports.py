"""scores.csv and scores.xlsx: the scored indicators for reuse in other tools.

The columns are those of ``scoretable`` (one row per score, cohort variants
included), so `reportgen score` and the build agree. Both files are built for
people who open them in Excel: one header row, no merged cells, and no text from
the data that a spreadsheet could run as a formula.

Choices:
- CSV is UTF-8 *with* a byte order mark. Excel opens a BOM-less CSV in the
  Windows ANSI code page, which has no ŵ or ŷ, so Welsh names come out garbled;
  with the BOM it reads UTF-8. Python (``encoding="utf-8-sig"``), pandas and R
  skip the BOM. Lines end in CRLF, as RFC 4180 says.
- Missing numbers are empty cells (the ``status`` column says "No data").
- Excel still turns a CSV ``2017-04`` into a date when it opens the file; the
  .xlsx, where every cell has its type, is the one to open in Excel.
- The .xlsx has a second sheet, ``history``: the figures behind every trend
  chart and sparkline, one row per indicator, cohort and period (oldest first),
  so that nothing shown only as a line is missing from the data.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from .model import Point, Score, ScoreSet
from .pack import atomic_write_bytes, normalise_ooxml
from .scoretable import COLUMNS, DICTIONARY_HEADER, dictionary_rows, score_rows

# A cell that starts with one of these is a formula to Excel, LibreOffice and
# Google Sheets (OWASP "CSV injection"); tab and CR can hide one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE = "Scores"
HISTORY_TITLE = "history"
DICTIONARY_TITLE = "dictionary"  # what each column of the Scores sheet means
HISTORY_COLUMNS = ("id", "cohort", "period", "period_label", "value", "target", "floor")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value  # shown as text; the apostrophe is how spreadsheets mark it
    return value


def scores_csv_bytes(scores: ScoreSet) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in score_rows(scores):
        writer.writerow([_csv_cell(row[column]) for column in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def write_scores_csv(scores: ScoreSet, path: Path) -> None:
    atomic_write_bytes(Path(path), scores_csv_bytes(scores))


# Up to this many cells a workbook is written by XlsxWriter, all in memory: fast to import and
# to write (openpyxl's import alone, which pulls in numpy, was a fifth of a build). A bigger one
# (5,000 indicators' history is half a million cells, 200 MB as XlsxWriter's cell objects) is
# streamed to disk row by row by openpyxl's write-only mode, which can still add the tables.
STREAM_FROM = 100_000


def scores_xlsx_bytes(scores: ScoreSet, *, created: datetime, title: str) -> bytes:
    """The scores as a typed worksheet, their history as a second, and a data dictionary (what
    each column of the scores means) as a third; the same scores and ``created`` give the same bytes."""
    history = [history_row(score, point) for score in scores.scores for point in score.history]
    sheets = [
        (SHEET_TITLE, COLUMNS, [[row[column] for column in COLUMNS] for row in score_rows(scores)], "Scores"),
        (HISTORY_TITLE, HISTORY_COLUMNS, history, "History"),
        (DICTIONARY_TITLE, DICTIONARY_HEADER, [list(r) for r in dictionary_rows()], "Dictionary"),
    ]
    cells = sum(len(columns) * len(rows) for _, columns, rows, _ in sheets)
    write = _in_memory if cells < STREAM_FROM else _streamed
    # The zip members carry the clock's time as it saves; normalising sets them, and the
    # created and modified dates, from ``created``.
    return normalise_ooxml(write(sheets, title), created)


def write_scores_xlsx(scores: ScoreSet, path: Path, *, created: datetime, title: str) -> None:
    atomic_write_bytes(Path(path), scores_xlsx_bytes(scores, created=created, title=title))


def _number(value: float | None) -> float | int | None:
    # Whole numbers as integers, as the Scores sheet writes them (scoretable).
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def history_row(score: Score, point: Point) -> tuple[object, ...]:
    """One period of a score's history, in HISTORY_COLUMNS order."""
    return (score.id, score.cohort, str(point.period), point.period.label(score.indicator.frequency),
            _number(point.value), _number(point.target), _number(point.floor))


# Control characters are not allowed in the XML of a sheet (tab, line feed and carriage return are).
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cells(row: list) -> Iterable[tuple[int, object, bool]]:
    """(column, value, is formula-like text) of each cell that is not empty, as a sheet may hold it."""
    for column, value in enumerate(row):
        if value is None or value == "":
            continue  # an empty cell, as Excel itself keeps an empty text
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS.sub("", value)
            yield column, value, is_formula_like(value)
        else:
            yield column, value, False


def column_width(column: str) -> int:
    return 40 if column in ("name", "commentary", "definition") else 100 if column == "meaning" \
        else max(10, len(column) + 2)


# An Excel table tells screen readers which row holds the headers, and gives filter
# buttons. Excel rejects a table with no data rows, so an empty sheet has none.

def _in_memory(sheets: list, title: str) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    # No string is ever turned into a formula, a number or a link: text stays text.
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                            "strings_to_numbers": False, "strings_to_urls": False,
                                            "nan_inf_to_errors": True})
    bold, text = workbook.add_format({"bold": True}), workbook.add_format({"quote_prefix": True})
    for name, columns, rows, table_name in sheets:
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, columns, bold)
        for r, row in enumerate(rows, start=1):
            for c, value, formula_like in _cells(row):
                if formula_like:  # quote_prefix keeps it text when someone edits the cell
                    sheet.write_string(r, c, value, text)
                else:
                    sheet.write(r, c, value)
        sheet.freeze_panes(1, 0)
        for index, column in enumerate(columns):
            sheet.set_column(index, index, column_width(column))
        if rows:
            sheet.add_table(0, 0, len(rows), len(columns) - 1, {
                "name": table_name, "style": "Table Style Light 1", "banded_rows": True,
                "columns": [{"header": column, "header_format": bold} for column in columns]})
    workbook.set_properties({"title": title, "author": "reportgen"})
    workbook.close()
    return buffer.getvalue()


def _streamed(sheets: list, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    workbook = Workbook(write_only=True)
    for name, columns, rows, table_name in sheets:
        sheet = workbook.create_sheet(name)
        sheet.freeze_panes = "A2"
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column_width(column)
        if rows:
            table = Table(displayName=table_name, ref=f"A1:{get_column_letter(len(columns))}{len(rows) + 1}",
                          tableStyleInfo=TableStyleInfo(name="TableStyleLight1", showRowStripes=True))
            table.tableColumns = [TableColumn(id=i, name=column) for i, column in enumerate(columns, start=1)]
            with warnings.catch_warnings():  # "you must add table columns manually": they are, above
                warnings.simplefilter("ignore", UserWarning)
                sheet.add_table(table)
        sheet.append([_styled(sheet, column, font=Font(bold=True)) for column in columns])
        for row in rows:
            cells = [None] * len(columns)
            for c, value, formula_like in _cells(row):
                # openpyxl writes text starting "=" as a formula: the type keeps it text.
                cells[c] = _styled(sheet, value, data_type="s", quotePrefix=True) if formula_like else value
            sheet.append(cells)
    workbook.properties.title, workbook.properties.creator = title, "reportgen"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _styled(sheet, value, data_type: str | None = None, **style):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if data_type:
        cell.data_type = data_type
    for key, setting in style.items():
        setattr(cell, key, setting)
    return cell
