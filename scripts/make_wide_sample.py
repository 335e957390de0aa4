#!/usr/bin/env python3
"""Write a sample's long CSVs as a wide workbook, the way many performance teams keep a scorecard.

    .venv/bin/python scripts/make_wide_sample.py [DATA_DIR] [OUT.xlsx]

By default it turns data/bucks-cscl-2016-12/{indicators,values}.csv into
data/bucks-cscl-2016-12/performance.xlsx, which that meeting reads. The layout is
the wide one of docs/data-contract.md: a title row (merged across the sheet), a
blank row, then the header on row 3: the indicator's columns, ``cohort`` and
``figure``, then one column per period. Each indicator has a ``value`` row and,
where the data has them, ``numerator``, ``denominator``, ``ytd``, ``commentary``
(and other figure) rows; each cohort the same. Percentages are stored as Excel
stores a typed ``69.3%`` (0.693 with the format ``0.0%``) and counts with
thousands separators, so the loader has to read them as Excel displays them.
Period headers are ``Q2 2016/17`` when every indicator is quarterly, ``2016/17``
when every one is annual, and otherwise real Excel dates shown as ``Apr-17``.

Same input, same bytes: the workbook's dates and zip times are pinned.
"""

from __future__ import annotations

import csv
import io
import sys
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from reportgen.data import INDICATOR_COLUMNS, MORE_INDICATOR_COLUMNS  # noqa: E402  (the contract's columns)
from reportgen.pack import normalise_ooxml  # noqa: E402  (same bytes on every run)
from reportgen.periods import Period  # noqa: E402

SAMPLE = ROOT / "data" / "bucks-cscl-2016-12"
WORKBOOK = "performance.xlsx"
SHEET = "Performance"
TITLE = "Children's Services Portfolio: key performance indicators"
HEADER_ROW = 3
WHEN = datetime(2016, 11, 21, 9, 0, 0)  # any fixed time would do: the bytes must not depend on the clock
FIGURES = ("value", "numerator", "denominator", "ytd", "target", "floor", "expected_low", "expected_high",
           "forecast", "commentary")
PERCENT_FIGURES = {"value", "ytd", "target", "floor", "expected_low", "expected_high"}
PERCENT_ATTRIBUTES = {"target", "floor", "expected_low", "expected_high", "england", "neighbours", "min", "max"}
COUNT_FIGURES = {"numerator", "denominator"}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _number(text: str) -> int | float | str:
    try:
        exact = Decimal(text)
    except ArithmeticError:
        return text
    return int(exact) if exact == exact.to_integral_value() and "." not in text else float(exact)


def _fraction(text: str) -> float:
    """A percentage in points as Excel stores it: 69.3 is 0.693 (exactly, not 0.6930000000000001)."""
    return float(Decimal(text) / 100)


def _percent_format(decimals: str) -> str:
    places = int(decimals or 1)
    return "0%" if places == 0 else "0." + "0" * places + "%"


def header_cell(period: Period, frequencies: set[str]) -> object:
    if frequencies == {"quarterly"}:
        quarter = (period.month - 4) % 12 // 3 + 1
        return f"Q{quarter} {period.financial_year}"
    if frequencies == {"annual"}:
        return period.financial_year
    return datetime(period.year, period.month, 1)


def _rows_of(indicators, values):
    """(indicator, cohort, figure, {period: text}) for every row the sheet will have, in order."""
    cells: dict[tuple[str, str], dict[str, dict[Period, str]]] = defaultdict(lambda: defaultdict(dict))
    for row in values:
        for figure in FIGURES:
            if row.get(figure, "").strip():
                cells[(row["id"], row.get("cohort", ""))][figure][Period.parse(row["period"])] = row[figure]
    for indicator in indicators:
        cohorts = [c for (i, c) in cells if i == indicator["id"]]
        for cohort in ["", *sorted(set(cohorts) - {""}, key=cohorts.index)]:
            figures = cells.get((indicator["id"], cohort), {})
            for figure in FIGURES:
                if figure == "value" or figures.get(figure):
                    yield indicator, cohort, figure, figures.get(figure, {})


def _write_attributes(sheet, row: int, indicator: dict[str, str], attributes: list[str]) -> None:
    percent = indicator.get("unit") == "percent"
    for column, name in enumerate(attributes, start=1):
        text = indicator.get(name, "")
        if not text:
            continue
        if percent and name in PERCENT_ATTRIBUTES:
            sheet.cell(row, column, _fraction(text)).number_format = _percent_format(indicator.get("decimals", ""))
        else:
            sheet.cell(row, column, _number(text))


def _write_figures(sheet, row: int, first: int, indicator: dict[str, str], figure: str,
                   by_period: dict[Period, str], periods: list[Period]) -> None:
    percent = indicator.get("unit") == "percent"
    for column, period in enumerate(periods, start=first):
        text = by_period.get(period, "")
        if not text:
            continue
        if figure in ("commentary", "forecast"):
            sheet.cell(row, column, text)
        elif percent and figure in PERCENT_FIGURES:
            sheet.cell(row, column, _fraction(text)).number_format = _percent_format(indicator.get("decimals", ""))
        else:
            sheet.cell(row, column, _number(text)).number_format = "#,##0" if figure in COUNT_FIGURES else "General"


def _write_header(sheet, header: list, title: str) -> None:
    from openpyxl.styles import Font

    sheet.cell(1, 1, title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    for column, text in enumerate(header, start=1):
        cell = sheet.cell(HEADER_ROW, column, text)
        cell.font = Font(bold=True)
        if isinstance(text, datetime):
            cell.number_format = "mmm-yy"


def build(indicators: list[dict[str, str]], values: list[dict[str, str]], *, title: str = TITLE,
          sheet_name: str = SHEET, when: datetime = WHEN) -> bytes:
    """The wide workbook's bytes for a long dataset's rows."""
    from openpyxl import Workbook

    known = INDICATOR_COLUMNS + MORE_INDICATOR_COLUMNS
    attributes = [c for c in known if any(r.get(c, "").strip() for r in indicators)]
    periods = sorted({Period.parse(r["period"]) for r in values})
    frequencies = {r.get("frequency") or "monthly" for r in indicators}
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name
    _write_header(sheet, [*attributes, "cohort", "figure", *(header_cell(p, frequencies) for p in periods)], title)
    first_period = len(attributes) + 3
    for row, (indicator, cohort, figure, by_period) in enumerate(_rows_of(indicators, values), start=HEADER_ROW + 1):
        if figure == "value" and not cohort:
            _write_attributes(sheet, row, indicator, attributes)  # the indicator's columns: on its first row
        else:
            sheet.cell(row, 1, indicator["id"])
        sheet.cell(row, len(attributes) + 1, cohort or None)
        sheet.cell(row, len(attributes) + 2, figure)
        _write_figures(sheet, row, first_period, indicator, figure, by_period, periods)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, first_period)
    book.properties.creator = "reportgen sample data"
    book.properties.created = book.properties.modified = when
    buffer = io.BytesIO()
    book.save(buffer)
    return normalise_ooxml(buffer.getvalue(), when)


def main(source: Path = SAMPLE, out: Path | None = None) -> Path:
    out = out or source / WORKBOOK
    data = build(read_csv(source / "indicators.csv"), read_csv(source / "values.csv"))
    out.write_bytes(data)
    return out


if __name__ == "__main__":
    arguments = [Path(a) for a in sys.argv[1:3]]
    print(main(*arguments))
