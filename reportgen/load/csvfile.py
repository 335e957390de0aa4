"""A CSV file's bytes, decoded as Excel saves them and parsed as the csv module reads a file.

Why not ``text.splitlines()``: it splits on characters that are not line ends in
a CSV (``\\x0b``, Word's line break pasted into an Excel cell; ``\\x0c``,
``\\u2028``), and it cannot keep the line break inside a quoted multi-line cell.
The csv module on a stream opened with ``newline=''`` does both right, and its
records are what a spreadsheet calls rows.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..errors import Problem
from .tables import Collector, Record, Table, is_blank, normalise

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS_CSV = "save the sheet as CSV UTF-8"
BINARY = f"is not a text file (it looks like binary data); {SAVE_AS_CSV}"
_ALLOWED_CONTROLS = set("\t\n\r\x0b\x0c\x1a")  # tab, line ends, Word's line break, form feed, DOS end of file
CONTROL_SHARE = 0.005  # more control characters than this share of the text and it is not text
ASCII_SHARE = 0.5  # a council's CSV is mostly ASCII (its header always is); random bytes decoded are not


class NotText(ValueError):
    """The bytes are not a CSV file; the message says what they are and what to do."""


def _workbook_in_disguise(raw: bytes) -> str | None:
    if raw.startswith(ZIP_MAGIC):
        return ("is an Excel workbook (.xlsx) saved with a .csv name, not a CSV file; give the .xlsx "
                f"itself (named .xlsx), or open it in Excel and {SAVE_AS_CSV}")
    if raw.startswith(OLE_MAGIC):
        return f"is an Excel 97-2003 workbook (.xls), not a CSV file; open it in Excel and {SAVE_AS_CSV}"
    return None


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    controls = sum(1 for ch in text if ch < " " and ch not in _ALLOWED_CONTROLS)
    if controls > max(1, CONTROL_SHARE * len(text)):
        return True
    plain = sum(1 for ch in text if " " <= ch <= "~" or ch in _ALLOWED_CONTROLS)
    return plain < ASCII_SHARE * len(text)  # e.g. random bytes after a UTF-16 byte order mark


def decode(raw: bytes) -> tuple[str, str | None]:
    """(text, warning): UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252.

    Raises NotText for a workbook or binary data.
    """
    disguised = _workbook_in_disguise(raw)
    if disguised:
        raise NotText(disguised)
    warning = None
    try:
        if raw[:2] in UTF16_BOMS:
            text = raw[2:].decode(UTF16_BOMS[raw[:2]])
        elif raw.startswith(UTF8_BOM):
            text, warning = _after_utf8_bom(raw[3:])
        else:
            text = _utf8_or_cp1252(raw)
    except UnicodeDecodeError:
        raise NotText(BINARY) from None
    if _looks_binary(text):
        raise NotText(BINARY)
    return text, warning


def _after_utf8_bom(body: bytes) -> tuple[str, str | None]:
    try:
        return body.decode("utf-8"), None
    except UnicodeDecodeError:
        # A tool wrote Excel's UTF-8 mark in front of Windows-1252 text: say so, read what is meant.
        return body.decode("cp1252"), ("starts with a UTF-8 byte order mark but the text is Windows-1252; "
                                       f"read as Windows-1252 (to be sure of accents, {SAVE_AS_CSV})")


def _utf8_or_cp1252(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")  # "CSV (Comma delimited)" in a UK Excel


def delimiter(text: str) -> str:
    """Comma, or the semicolon or tab some Excel locales (and "Unicode Text") save with."""
    header = text.replace("\r", "\n").split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def records(text: str) -> list[tuple[int, list[str]]]:
    """(row number, cells) for every record; a row number is a spreadsheet's, header row 1."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    return [(number, [_line_breaks(cell) for cell in cells]) for number, cells in enumerate(reader, start=1)]


def _line_breaks(cell: str) -> str:
    """Every line break inside a cell as ``\\n``: Excel writes LF, Word's line break pasted in is \\x0b."""
    return cell.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")


def table_from_rows(source: str, rows: list[tuple[int, list[str]]], header_at: int | None = None) -> Table:
    """A Table from numbered rows: the header is ``header_at`` or the first row that is not blank."""
    filled = [(n, cells) for n, cells in rows if not is_blank(cells)]
    if header_at is not None:
        filled = [(n, cells) for n, cells in filled if n >= header_at]
    if not filled:
        return Table(source, [], (), header_at or 1)
    header_row, header = filled[0]
    columns = tuple(normalise(c) for c in header)
    body = []
    for number, cells in filled[1:]:
        found: dict[str, str] = {}
        for column, cell in zip(columns, cells):
            if column:  # a duplicated column is reported by the contract; the first one's cells are kept
                found.setdefault(column, str(cell).strip())
        body.append(Record(number, found))
    return Table(source, body, columns, header_row)


def read_csv(path: Path, label: str, collector: Collector) -> Table | None:
    try:
        text, warning = decode(path.read_bytes())
    except NotText as exc:
        collector.file(label, str(exc))
        return None
    if warning:
        collector.warnings.append(Problem(label, warning))
    return table_from_rows(label, records(text))
