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
import re
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
# Counted by the regex engine, not character by character in Python: a 100,000-row file is 5 MB of text.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x19\x1b-\x1f]")  # control characters but those allowed
_NOT_PLAIN = re.compile("[^ -~\t\n\r\x0b\x0c\x1a]")  # neither printable ASCII nor an allowed control


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
    controls = len(_CONTROLS.findall(text))
    if controls > max(1, CONTROL_SHARE * len(text)):
        return True
    plain = len(text) - len(_NOT_PLAIN.findall(text))
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
    rows = list(enumerate(reader, start=1))
    if "\r" not in text and "\x0b" not in text:  # no cell can hold a break to rewrite
        return rows
    for _, cells in rows:
        joined = "".join(cells)  # one test a row, not one a cell: few rows have a break inside a cell
        if "\r" in joined or "\x0b" in joined:
            cells[:] = [_line_breaks(cell) for cell in cells]
    return rows


def _line_breaks(cell: str) -> str:
    """Every line break inside a cell as ``\\n``: Excel writes LF, Word's line break pasted in is \\x0b."""
    return cell.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")


def table_from_rows(source: str, rows: list[tuple[int, list[str]]], header_at: int | None = None) -> Table:
    """A Table from numbered rows: the header is ``header_at`` or the first row that is not blank."""
    filled = [(n, cells) for n, cells in rows if not _blank(cells)]
    if header_at is not None:
        filled = [(n, cells) for n, cells in filled if n >= header_at]
    if not filled:
        return Table(source, [], (), header_at or 1)
    header_row, header = filled[0]
    columns = tuple(normalise(c) for c in header)
    # A duplicated column is reported by the contract; the first one's cells are kept. Cells under a
    # blank header, or under a repeat, are dropped.
    kept = [i for i, c in enumerate(columns) if c and columns.index(c) == i]
    if len(kept) == len(columns):
        body = [Record(number, {c: v.strip() for c, v in zip(columns, cells)}) for number, cells in filled[1:]]
    else:
        names = [columns[i] for i in kept]
        body = [Record(number, {c: cells[i].strip() for c, i in zip(names, kept) if i < len(cells)})
                for number, cells in filled[1:]]
    return Table(source, body, columns, header_row)


def _blank(cells: list) -> bool:
    """is_blank for a row of text cells, in one step: whitespace alone joins to whitespace alone."""
    try:
        return not "".join(cells).strip()
    except TypeError:  # not all text
        return is_blank(cells)


def read_csv(path: Path, label: str, collector: Collector) -> Table | None:
    try:
        text, warning = decode(path.read_bytes())
    except NotText as exc:
        collector.file(label, str(exc))
        return None
    if warning:
        collector.warnings.append(Problem(label, warning))
    return table_from_rows(label, records(text))
