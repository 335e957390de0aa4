"""The wide layout: one sheet, one row per indicator, then one column per period.

    id  | name | polarity | target | ... | Apr-17 | May-17 | Jun-17
    CP1 | ...  | higher   | 98     | ... | 97.1%  | 98.4%  | 96.0%

This is how many performance teams keep a scorecard. Above the header there may
be a title, a logo row, blank rows: the header is the first row holding ``id``
and ``name`` (or the meeting file's ``header_row``). Period headers may be
``Apr-17``, ``Apr 2017``, ``2017-04``, real Excel dates, ``Q1 2017/18`` (a
quarter of the UK financial year: its last month) or ``2016/17`` (a financial
year: March 2017). A row may carry a ``cohort`` (a variant of the measure) and a
``figure`` (``value`` by default; ``ytd``, ``numerator``, ``denominator``,
``commentary``... for the other columns of the long layout); the indicator's own
columns are read from its first row.

The sheet is reshaped with pandas (imported here only, so reading long data
never pays for it) into the records the long layout gives, each cell
remembering its real sheet row and its period column's header for messages.
"""

from __future__ import annotations

import re

from ..errors import Problem
from ..periods import FULL_MONTHS, MONTHS, Period
from .tables import Collector, Record, Table, is_blank, normalise

FIGURES = ("value", "ytd", "numerator", "denominator", "target", "floor", "commentary", "forecast",
           "expected_low", "expected_high")
ROW_KEYS = ("cohort", "figure")
PERIOD_HINT = "name period columns like Apr-17, Apr 2017, 2017-04, Q1 2017/18 or 2016/17"

_MONTH_NUMBERS = {**{m.lower(): i for i, m in enumerate(MONTHS, 1)},
                  **{m.lower(): i for i, m in enumerate(FULL_MONTHS, 1)}, "sept": 9}
_MONTH_YEAR = re.compile(r"^([a-z]+)[\s'\-/.]*(\d{2}|\d{4})$")
_QUARTER = re.compile(r"^q(?P<q>[1-9])\s*(?:fy\s*)?(?P<start>\d{4})\s*[/\-]\s*(?P<end>\d{2}|\d{4})$")
_QUARTER_AFTER = re.compile(r"^(?P<start>\d{4})\s*[/\-]\s*(?P<end>\d{2}|\d{4})\s*q(?P<q>[1-9])$")
_YEAR = re.compile(r"^(?:fy\s*)?(\d{4})\s*[/\-]\s*(\d{2}|\d{4})$")
_ISO = re.compile(r"^\d{4}-\d{1,2}(-\d{1,2})?$")


def _next_year(start: int, text: str) -> bool:
    end = int(text)
    return end == start + 1 if len(text) == 4 else end == (start + 1) % 100


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def period_of_header(header: str) -> Period | None:
    """The period a column header names, None when it names none; ValueError when it is nearly one."""
    text = normalise(header)
    quarter = _QUARTER.match(text) or _QUARTER_AFTER.match(text)
    if quarter:
        number, start, end = quarter["q"], quarter["start"], quarter["end"]
        if int(number) > 4 or not _next_year(int(start), end):
            raise ValueError(f"'{header}' is not a quarter of a financial year; {PERIOD_HINT}")
        return Period(int(start), 3).shift(3 * int(number))  # Q1 ends in June, Q4 in March
    if _ISO.match(text) and ("-" in text and int(re.split(r"-", text)[1]) <= 12):
        return Period.parse(text)  # 2011-12 is December 2011; the year 2011/12 is written with a slash
    year = _YEAR.match(text)
    if year and _next_year(int(year[1]), year[2]):
        return Period(int(year[1]) + 1, 3)
    if _ISO.match(text):
        return Period.parse(text)
    month = _MONTH_YEAR.match(text)
    if month and month[1] in _MONTH_NUMBERS:
        return Period(_year(month[2]), _MONTH_NUMBERS[month[1]])
    if re.search(r"\d", text):
        raise ValueError(f"'{header}' is neither a column reportgen knows nor a period; {PERIOD_HINT}")
    return None


def find_header(rows: list[tuple[int, list[str]]], header_row: int | None) -> int | None:
    """The header's row number: the one given, or the first row holding ``id`` and ``name``."""
    if header_row is not None:
        return header_row
    for number, cells in rows:
        names = {normalise(c) for c in cells}
        if {"id", "name"} <= names:
            return number
    return None


class WideSheet:
    """One wide sheet split into an indicators table and a values table."""

    def __init__(self, source: str, rows: list[tuple[int, list[str]]], header_row: int,
                 known: tuple[str, ...], collector: Collector):
        self.source, self.collector, self.known = source, collector, known
        self.header_row = header_row
        by_number = dict(rows)
        self.header = [str(c) for c in by_number.get(header_row, [])]
        self.body = [(n, cells) for n, cells in rows if n > header_row and not is_blank(cells)]
        self.attributes: dict[str, int] = {}  # column name -> index
        self.periods: dict[int, tuple[Period, str]] = {}  # index -> (period, header as written)

    def problem(self, column: str | None, message: str, row: int | None = None) -> None:
        self.collector.problems.append(Problem(self.source, message, row or self.header_row, column))

    def classify(self) -> bool:
        seen: dict[Period, str] = {}
        for index, label in enumerate(self.header):
            name = normalise(label)
            if not name:
                continue
            if name in self.known or name in ROW_KEYS:
                if name in self.attributes:
                    self.problem(name, "appears more than once in the header row")
                self.attributes.setdefault(name, index)
                continue
            try:
                period = period_of_header(label)
            except ValueError as exc:
                self.problem(None, str(exc))
                continue
            if period is None:
                continue  # the team's own column: kept in the file, ignored
            if period in seen:
                self.problem(label.strip(), f"is the same period ({period}) as the column '{seen[period]}'")
                continue
            seen[period] = label.strip()
            self.periods[index] = (period, label.strip())
        if not self.periods:
            self.problem(None, f"the header row has no period columns; {PERIOD_HINT}")
        if "id" not in self.attributes:
            shown = ", ".join(h.strip() for h in self.header if h.strip()) or "nothing"
            self.problem("id", f"required column is missing; the header row (row {self.header_row}) has: {shown}")
        return bool(self.periods) and "id" in self.attributes

    def _frame(self):
        """The body as a DataFrame of text: the sheet row, the row keys, then each period's cell."""
        import pandas as pd  # the wide layout's reshaping; never imported for long data

        keys = ["id", *ROW_KEYS]
        columns = ["_row", *keys, *(f"p{i}" for i in self.periods)]
        table = []
        for number, cells in self.body:
            table.append([number, *(_at(cells, self.attributes.get(k)) for k in keys),
                          *(_at(cells, i) for i in self.periods)])
        return pd.DataFrame(table, columns=columns, dtype=object)

    def _figures(self, frame):
        """Blank figure is ``value``; anything else must be a column of the long layout. Bad rows dropped."""
        frame["figure"] = frame["figure"].str.lower().replace("", "value")
        for row, figure in frame.loc[~frame["figure"].isin(FIGURES), ["_row", "figure"]].itertuples(index=False):
            self.problem("figure", f"'{figure}' is not allowed; use one of {', '.join(FIGURES)}", row)
        repeated = frame.duplicated(["id", "cohort", "figure"], keep=False) & (frame["id"] != "")
        firsts: dict[tuple, int] = {}
        for row, ident, cohort, figure in frame.loc[repeated, ["_row", "id", "cohort", "figure"]].itertuples(index=False):
            key = (ident, cohort, figure)
            if key in firsts:
                of = f" (cohort '{cohort}')" if cohort else ""
                self.problem("id", f"{ident}{of} already has a '{figure}' row on row {firsts[key]}", row)
            firsts.setdefault(key, row)
        unknown = ~frame["figure"].isin(FIGURES)
        again = repeated & frame.duplicated(["id", "cohort", "figure"], keep="first")
        return frame[~(unknown | again)]

    def indicators(self, frame) -> Table:
        """Each indicator's first row (and every row with a blank id, so that it is reported)."""
        first = frame.loc[(frame["id"] == "") | ~frame.duplicated("id", keep="first"), "_row"]
        wanted = set(first)
        columns = tuple(name for name in self.attributes if name in self.known)
        records = []
        for number, cells in self.body:
            if number in wanted:
                records.append(Record(number, {c: _at(cells, self.attributes[c]) for c in columns}))
        return Table(self.source, records, columns, self.header_row)

    def values(self, frame) -> Table:
        """One record per indicator, cohort and period: the long layout's rows."""
        long = frame.melt(id_vars=["_row", "id", "cohort", "figure"], var_name="_column", value_name="text")
        long = long[(long["text"] != "") & (long["id"] != "")]
        long["_index"] = long["_column"].str[1:].astype(int)
        # Measures in sheet order (a cohort after its whole measure), periods oldest first.
        start = frame.groupby(["id", "cohort"], sort=False)["_row"].min().rename("_start")
        long = long.join(start, on=["id", "cohort"])
        long["_month"] = long["_index"].map(lambda i: self.periods[i][0].index)
        records = []
        for (ident, cohort, _month), group in long.sort_values(["_start", "_month"], kind="stable").groupby(
                ["id", "cohort", "_month"], sort=False):
            records.append(self._record(ident, cohort, group))
        columns = ("id", "period", "cohort", *FIGURES)
        return Table(self.source, records, columns, self.header_row, synthesised=True)

    def _record(self, ident: str, cohort: str, group) -> Record:
        rows = dict(zip(group["figure"], zip(group["_row"], group["_index"], group["text"])))
        row, index, _ = rows.get("value") or next(iter(rows.values()))
        period, label = self.periods[index]
        cells = {"id": ident, "cohort": cohort, "period": str(period)}
        places = {"period": (row, label), "id": (row, "id"), "cohort": (row, "cohort")}
        for figure, (at, column, text) in rows.items():
            cells[figure] = text
            places[figure] = (at, self.periods[column][1])
        return Record(row, cells, places)

    def tables(self) -> tuple[Table, Table] | None:
        if not self.classify():
            return None
        frame = self._figures(self._frame())
        return self.indicators(frame), self.values(frame)


def _at(cells: list[str], index: int | None) -> str:
    """A cell's text; blank for a column the sheet does not have or a row shorter than the header."""
    return cells[index].strip() if index is not None and index < len(cells) else ""
