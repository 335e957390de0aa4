"""An Excel workbook read as Excel shows it.

openpyxl gives a cell's stored value; a reader sees its *displayed* one. So a
cell stored as 0.259 with the format ``0.0%`` is 25.9 (the contract writes
percentages in points), a date-formatted period is its month, and thousands or
currency formats are plain numbers. A formula saved without its result (as
openpyxl and some exports write them) has no value at all: that is an error
naming its cell, never a silent blank. A file that is not a workbook gets one
sentence saying what it is and what to do.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import Problem
from .csvfile import OLE_MAGIC, ZIP_MAGIC, NotText, decode
from .tables import Collector, normalise

Rows = list[tuple[int, list[str]]]  # (sheet row number, the cells' text)

SAVE_XLSX = "save it from Excel as an Excel Workbook (.xlsx)"
_QUOTED = re.compile(r'"[^"]*"|\\.')
_PLAIN_DIGITS = 15  # beyond this many digits a number is written in E notation, not spelt out
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")  # a cell's <f> element, with any namespace prefix


def is_percent_format(number_format: str | None) -> bool:
    """True for ``0%``, ``0.0%``, ``#,##0.00%``; a ``%`` in quotes or escaped is only text."""
    return bool(number_format) and "%" in _QUOTED.sub("", number_format)


def number_text(value: int | float, percent: bool = False) -> str:
    """A number as text, exactly as typed: no float noise (0.259 as a percentage is 25.9, not 25.900000000000002)."""
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if percent:
        exact *= 100
    if exact.adjusted() >= _PLAIN_DIGITS:
        return repr(float(exact))
    return format(exact.normalize(), "f")


def cell_text(value: Any, number_format: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (datetime, date)):
        return f"{value.year:04d}-{value.month:02d}"  # a period needs only its month
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return number_text(value, is_percent_format(number_format))
    return str(value)


# --- is it a workbook at all? ------------------------------------------------------------------

def file_problem(path: Path) -> str | None:
    """What is wrong with the file as an .xlsx, in one sentence; None when it is a zip workbook."""
    raw = path.read_bytes()
    if not raw:
        return f"is empty (0 bytes), not an Excel workbook; {SAVE_XLSX} again"
    if raw.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in raw:
            return "is password-protected; remove the password (File > Info > Protect Workbook) and save again"
        return "is an Excel 97-2003 .xls; save it as .xlsx (File > Save As > Excel Workbook)"
    if raw.startswith(ZIP_MAGIC):
        return _zip_problem(path)
    try:
        decode(raw[:65536])
    except NotText:
        return f"is not an Excel workbook (neither an .xlsx nor an .xls file); {SAVE_XLSX}"
    return ("is text, not an Excel workbook (a CSV or text file renamed .xlsx); rename it to .csv, "
            f"or open it in Excel and {SAVE_XLSX}")


def _zip_problem(path: Path) -> str | None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            damaged = archive.testzip()
    except (zipfile.BadZipFile, EOFError, OSError):
        damaged, names = "archive", set()
    if damaged:
        return ("is damaged or incomplete (an .xlsx is a zip archive and this one cannot be read); "
                f"copy it again, or open it in Excel and {SAVE_XLSX}")
    if "xl/workbook.xml" not in names:
        return f"is a zip archive but not an Excel workbook (it has no xl/workbook.xml); {SAVE_XLSX}"
    return None


# --- reading sheets ------------------------------------------------------------------------------

class Workbook:
    """An open .xlsx: its sheet names, and each sheet's rows as displayed text."""

    def __init__(self, path: Path, label: str, collector: Collector):
        from openpyxl import load_workbook  # only paid for when a workbook is read

        self.path, self.label, self.collector = path, label, collector
        self._load = load_workbook
        self.book = load_workbook(path, read_only=True, data_only=True)
        self._formulas = None
        self.sheetnames = list(self.book.sheetnames)

    def find(self, name: str) -> str | None:
        """The sheet's real name, matched ignoring case and spaces."""
        names = {normalise(n): n for n in self.sheetnames}
        return names.get(normalise(name))

    def source(self, sheet: str) -> str:
        return f"{self.label}[{sheet}]"

    def rows(self, sheet: str) -> Rows:
        """Every row of a sheet, numbered as Excel numbers them, each cell as Excel shows it."""
        values = self.book[sheet].iter_rows(min_row=1)
        rows: Rows = []
        if not self._has_formulas(sheet):  # the second reading finds formulas; without any, one is enough
            for number, cells in enumerate(values, start=1):
                rows.append((number, [self._text(sheet, c, None) for c in cells]))
            return rows
        formulas = self._formula_book()[sheet].iter_rows(min_row=1)
        for number, (cells, written) in enumerate(zip(values, formulas), start=1):
            rows.append((number, [self._text(sheet, c, w) for c, w in zip(cells, written)]))
        return rows

    def _has_formulas(self, sheet: str) -> bool:
        """Whether the sheet's XML holds any formula: a search of its bytes, far quicker than a second parse."""
        try:
            part = self.book[sheet]._worksheet_path  # openpyxl's name for the sheet's part in the zip
            with zipfile.ZipFile(self.path) as archive:
                return bool(_FORMULA.search(archive.read(part)))
        except (AttributeError, KeyError, zipfile.BadZipFile, OSError):
            return True  # cannot tell: read the formulas as before

    def _formula_book(self):
        if self._formulas is None:
            self._formulas = self._load(self.path, read_only=True, data_only=False)
        return self._formulas

    def _text(self, sheet: str, cell, written) -> str:
        value = cell.value
        if value is None:
            if getattr(written, "data_type", None) == "f":
                self.collector.problems.append(Problem(
                    self.source(sheet), "has a formula but no saved result; open the workbook in Excel and save it",
                    written.row, None, written.coordinate))
            return ""
        if isinstance(value, str):
            return value.strip()
        # Only a number's text depends on its format; looking the format up costs as much as the rest.
        number_format = getattr(cell, "number_format", None) if isinstance(value, (int, float)) else None
        return cell_text(value, number_format).strip()

    def close(self) -> None:
        self.book.close()
        if self._formulas is not None:
            self._formulas.close()
