"""The scorecard's tables: their style, status colours, and long tables cut and split well.

``chunked_tables`` cuts a long table into reportlab tables of at most
ROWS_PER_TABLE rows (evenly shared), tagged as one (pdf_tags.TableTags);
``CaptionedTable`` never leaves fewer than MIN_ROWS rows of a table on a page it
runs on from or over to, and says "(continued)" in the caption of later parts.
Used by ``scorecard_pdf``; the cells' text comes from ``scorecard_cells``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.lib import colors
from reportlab.platypus import Table, TableStyle

from .pdf_tags import TableTags
from .scorecard_cells import (
    BOLD, FONT, HEADER_BG, HEADER_TEXT, MIN_ROWS, PALETTE, ROWS_PER_TABLE, TABLE_FONT_SIZE, TABLE_LEADING,
)


# ---------------------------------------------------------------- cell style

def table_style(header_row: int = 0) -> list[tuple]:
    """Padding, a dark band on the header row, and a grid from the header row down."""
    return [
        ("FONT", (0, 0), (-1, -1), FONT, TABLE_FONT_SIZE, TABLE_LEADING),
        ("FONT", (0, header_row), (-1, header_row), BOLD, TABLE_FONT_SIZE, TABLE_LEADING),
        ("BACKGROUND", (0, header_row), (-1, header_row), colors.HexColor(HEADER_BG)),
        ("TEXTCOLOR", (0, header_row), (-1, header_row), colors.HexColor(HEADER_TEXT)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, header_row), (-1, -1), 0.4, colors.HexColor("#8C8C8C")),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]


def status_cell_style(column: int, row: int, status: str) -> list[tuple]:
    """The status's colours and bold type for one cell; nothing for a status without colours."""
    if status not in PALETTE:
        return []
    background, text = PALETTE[status]
    return [
        ("BACKGROUND", (column, row), (column, row), colors.HexColor(background)),
        ("TEXTCOLOR", (column, row), (column, row), colors.HexColor(text)),
        ("FONT", (column, row), (column, row), BOLD, TABLE_FONT_SIZE, TABLE_LEADING),
    ]


# ---------------------------------------------------------------- tables

class CaptionedTable(Table):
    """A group's table whose first row names the group: "(continued)" on the pages it runs on to.

    reportlab repeats the first ``repeatRows`` rows of a split table unchanged,
    so the caption row is rewritten in each part that goes to a later page.
    A split leaves at least MIN_ROWS body rows on each side: fewer at the foot of
    a page, and the whole table moves on; fewer at the head of the next, and rows
    move over to join them.
    """

    caption = ""
    outline = None  # the group's bookmark, given to the part drawn first

    def split(self, availWidth, availHeight):
        parts = self._balanced_split(availWidth, availHeight)
        for i, part in enumerate(parts):
            part.caption, part.outline = self.caption, None if i else self.outline
            if i and self.caption:
                part._cellvalues[0] = [continued(self.caption), *part._cellvalues[0][1:]]
        return parts

    def _balanced_split(self, availWidth, availHeight) -> list:
        parts = super().split(availWidth, availHeight)
        if len(parts) != 2:
            return parts
        body = len(self._cellvalues) - self.repeatRows
        first = len(parts[0]._cellvalues) - self.repeatRows
        if body < 2 * MIN_ROWS or first < MIN_ROWS:
            return []  # too few to share: the whole table starts on the next page
        if body - first >= MIN_ROWS:
            return parts
        keep = self.repeatRows + body - MIN_ROWS  # rows of this part, the header rows included
        return super().split(availWidth, sum(self._rowHeights[:keep]) + 0.01)


def continued(caption: str) -> str:
    return f"{caption} (continued)"


def _caption_style() -> list[tuple]:
    """The caption row reads as a heading above the grid, not as a cell in it."""
    return [("SPAN", (0, 0), (-1, 0)), ("FONT", (0, 0), (-1, 0), BOLD, 11, 14), ("LEFTPADDING", (0, 0), (-1, 0), 0),
            ("VALIGN", (0, 0), (-1, 0), "BOTTOM"), ("BOTTOMPADDING", (0, 0), (-1, 0), 4)]


def chunked_tables(header: Sequence[str], widths: Sequence[float], rows: list[list],
                    statuses: list[tuple[int, str]], caption: str = "", row_header: int | None = 1) -> list[Table]:
    """Tables of at most ROWS_PER_TABLE rows (evenly shared), each with the header repeated on every page.

    ``statuses`` holds (column, status) per row, for the colour of its status cell.
    With a ``caption`` (a group's name), each table starts with a caption row that
    repeats above the header, saying "(continued)" after the first page of the group.
    The chunks are tagged as one table, headed by the cells of column ``row_header``.
    """
    tags = TableTags(caption_rows=1 if caption else 0, row_header=row_header)
    tables = []
    for start, stop in _chunks(len(rows)):
        chunk = rows[start:stop]
        top = [[continued(caption) if start else caption] + [""] * (len(header) - 1)] if caption else []
        style = table_style(len(top)) + (_caption_style() if top else [])
        for offset, (column, status) in enumerate(statuses[start:stop], start=len(top) + 1):
            style += status_cell_style(column, offset, status)
        table = CaptionedTable([*top, list(header), *chunk], colWidths=widths, repeatRows=len(top) + 1,
                                style=TableStyle(style), hAlign="LEFT", renderCB=tags)
        table.caption = caption
        tables.append(table)
    return tables


def _chunks(count: int) -> list[tuple[int, int]]:
    """(start, stop) of chunks of at most ROWS_PER_TABLE rows, as even as can be: 41 rows are 21 and 20,
    never 40 and a lone row that could end up on a page of its own."""
    parts = max(1, math.ceil(count / ROWS_PER_TABLE))
    size, extra = divmod(count, parts)
    bounds, start = [], 0
    for i in range(parts):
        stop = start + size + (1 if i < extra else 0)
        bounds.append((start, stop))
        start = stop
    return bounds
