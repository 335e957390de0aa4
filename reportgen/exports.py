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


def scores_xlsx_bytes(scores: ScoreSet, *, created: datetime, title: str) -> bytes:
    """The scores as a typed worksheet, their history as a second, and a data dictionary (what
    each column of the scores means) as a third; the same scores and ``created`` give the same bytes."""
    from openpyxl import Workbook  # imported when a workbook is made, off the start-up path

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    _fill(sheet, COLUMNS, [[row[column] for column in COLUMNS] for row in score_rows(scores)], "Scores")
    history = [history_row(score, point) for score in scores.scores for point in score.history]
    _fill(workbook.create_sheet(HISTORY_TITLE), HISTORY_COLUMNS, history, "History")
    _fill(workbook.create_sheet(DICTIONARY_TITLE), DICTIONARY_HEADER, [list(r) for r in dictionary_rows()],
          "Dictionary")
    properties = workbook.properties
    properties.title = title
    properties.creator = "reportgen"
    buffer = io.BytesIO()
    workbook.save(buffer)
    # openpyxl stamps the created and modified dates and the zip members with the
    # clock as it saves; normalising sets them all from ``created``.
    return normalise_ooxml(buffer.getvalue(), created)


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


def _xlsx_value(value: object) -> object:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        # Control characters are not allowed in the XML of a sheet; openpyxl would refuse them.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _fill(sheet, columns: tuple[str, ...], rows: list, table_name: str) -> None:
    """A header row, then ``rows`` as typed cells, guarded and laid out as an Excel table."""
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_xlsx_value(value) for value in row])
    _guard_formulas(sheet)
    _lay_out(sheet, columns, len(rows), table_name)


def _guard_formulas(sheet) -> None:
    # openpyxl writes any string starting with "=" as a formula; forcing the type
    # keeps it text, and quotePrefix keeps it text when someone edits the cell.
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and is_formula_like(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True


def _lay_out(sheet, columns: tuple[str, ...], rows: int, table_name: str) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        width = 40 if column in ("name", "commentary", "definition") else 100 if column == "meaning" \
            else max(10, len(column) + 2)
        sheet.column_dimensions[get_column_letter(index)].width = width
    if rows:
        # An Excel table tells screen readers which row holds the headers,
        # and gives filter buttons. Excel rejects a table with no data rows.
        ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"
        table = Table(displayName=table_name, ref=ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
        sheet.add_table(table)
