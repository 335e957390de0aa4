"""Load indicator data (CSV folder or Excel workbook) into a validated Dataset.

The data contract is in docs/data-contract.md. Every problem is collected and
reported at once, each naming the file, the row as a spreadsheet user counts it
(the header is row 1) and the column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DataError, Problem
from .model import (
    BASES, COMPARE_WITH, FORECASTS, FREQUENCIES, KINDS, POLARITIES, UNITS, Band, Dataset,
    Indicator, Observation,
)
from .periods import Period
from .scoring import threshold_problems

INDICATOR_COLUMNS = (
    "id", "name", "group", "kind", "polarity", "unit", "decimals", "frequency", "basis",
    "target", "floor", "green_band", "amber_band", "expected_low", "expected_high", "key",
    "definition", "owner", "england", "neighbours", "compare_with",
)
VALUE_COLUMNS = (
    "id", "period", "value", "numerator", "denominator", "target", "floor", "commentary",
    "forecast", "cohort",
)
REQUIRED = {"indicators": ("id", "name"), "values": ("id", "period", "value")}
_YES, _NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


@dataclass
class Table:
    """One sheet of rows as text, with where it came from."""

    source: str  # "data/x/indicators.csv" or "data/x/data.xlsx[values]"
    rows: list[dict[str, str]]
    columns: tuple[str, ...]


@dataclass
class Collector:
    """Gathers problems so that all of them are reported together."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, table: Table, row: int | None, column: str | None, message: str) -> None:
        self.problems.append(Problem(table.source, message, row, column))


# --- reading files ---------------------------------------------------------------------------

def _decode(raw: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), else Windows-1252 as Excel saves 'CSV' in the UK."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def _delimiter(text: str) -> str:
    """Comma, or the semicolon or tab some Excel locales save with."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _normalise_header(names: list[str]) -> tuple[str, ...]:
    return tuple(str(n).strip().lower() for n in names)


def _table_from_records(source: str, header: list[Any], records: list[list[Any]]) -> Table:
    columns = _normalise_header(header)
    rows = []
    for record in records:
        cells = [("" if c is None else str(c)).strip() for c in record]
        cells += [""] * (len(columns) - len(cells))
        rows.append(dict(zip(columns, cells)))
    return Table(source, rows, columns)


def read_csv(path: Path, label: str) -> Table:
    text = _decode(path.read_bytes())
    reader = csv.reader(text.splitlines(), delimiter=_delimiter(text))
    lines = list(reader)
    if not lines or not any(cell.strip() for cell in lines[0]):
        return Table(label, [], ())
    return _table_from_records(label, lines[0], lines[1:])


def _excel_cell(value: Any) -> Any:
    """Excel dates arrive as datetimes; a period only needs its year and month."""
    if hasattr(value, "year") and hasattr(value, "month"):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def read_workbook(path: Path, label: str, collector: Collector) -> dict[str, Table]:
    from openpyxl import load_workbook  # only paid for when a workbook is read

    workbook = load_workbook(path, read_only=True, data_only=True)
    tables = {}
    names = {name.strip().lower(): name for name in workbook.sheetnames}
    for sheet in ("indicators", "values"):
        if sheet not in names:
            collector.problems.append(Problem(
                label, f"sheet '{sheet}' is missing; the workbook has {', '.join(workbook.sheetnames)}; "
                "it needs sheets 'indicators' and 'values'"))
            continue
        rows = [[_excel_cell(v) for v in row] for row in workbook[names[sheet]].iter_rows(values_only=True)]
        rows = [r for r in rows if any(v not in (None, "") for v in r)] if rows else rows
        source = f"{label}[{sheet}]"
        tables[sheet] = _table_from_records(source, rows[0], rows[1:]) if rows else Table(source, [], ())
    workbook.close()
    return tables


def read_tables(path: Path, collector: Collector) -> dict[str, Table]:
    label = str(path)
    if path.is_dir():
        tables = {}
        for sheet in ("indicators", "values"):
            file = path / f"{sheet}.csv"
            if file.is_file():
                tables[sheet] = read_csv(file, str(file))
            else:
                collector.problems.append(Problem(
                    str(file), "file is missing; a data folder needs indicators.csv and values.csv"))
        return tables
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        if path.is_file():
            return read_workbook(path, label, collector)
        collector.problems.append(Problem(label, "workbook not found"))
        return {}
    collector.problems.append(Problem(
        label, "not found or not indicator data; give a folder holding indicators.csv and "
        "values.csv, or an Excel workbook (.xlsx) with sheets 'indicators' and 'values'"))
    return {}


# --- parsing cells ---------------------------------------------------------------------------

def parse_number(text: str) -> float | None:
    """A number as people type it: ``85.3``, ``85%``, ``1,234``, ``£1,200``; blank is None."""
    cleaned = text.strip().replace("£", "").replace("\u00a0", "").strip()
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1].strip()
    if _THOUSANDS.match(cleaned):
        cleaned = cleaned.replace(",", "")
    if cleaned == "":
        return None
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(f"'{text}' is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"'{text}' is not a number")
    return number


def _choice(allowed: tuple[str, ...], default: str | None) -> Callable[[str], str | None]:
    def parse(text: str) -> str | None:
        value = text.strip().lower()
        if not value:
            return default
        if value not in allowed:
            raise ValueError(f"'{text}' is not allowed; use one of {', '.join(allowed)}")
        return value
    return parse


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError(f"'{text}' is not yes or no")


def _decimals(text: str) -> int | None:
    if not text.strip():
        return None
    number = parse_number(text)
    if number is None or not number.is_integer() or not 0 <= number <= 6:
        raise ValueError(f"'{text}' is not a whole number of decimal places from 0 to 6")
    return int(number)


def _band(text: str) -> Band | None:
    return Band.parse(text) if text.strip() else None


def _text(text: str) -> str:
    return text.strip()


INDICATOR_PARSERS: dict[str, Callable[[str], Any]] = {
    "id": _text, "name": _text, "group": _text, "definition": _text, "owner": _text,
    "kind": _choice(KINDS, "kpi"), "polarity": _choice(POLARITIES, None),
    "unit": _choice(UNITS, "number"), "decimals": _decimals,
    "frequency": _choice(FREQUENCIES, "monthly"), "basis": _choice(BASES, "snapshot"),
    "target": parse_number, "floor": parse_number, "expected_low": parse_number,
    "expected_high": parse_number, "england": parse_number, "neighbours": parse_number,
    "green_band": _band, "amber_band": _band, "key": _yes_no,
    "compare_with": _choice(COMPARE_WITH, "previous"),
}

VALUE_PARSERS: dict[str, Callable[[str], Any]] = {
    "id": _text, "period": lambda t: Period.parse(t) if t.strip() else None,
    "value": parse_number, "numerator": parse_number, "denominator": parse_number,
    "target": parse_number, "floor": parse_number, "commentary": _text,
    "forecast": _choice(FORECASTS, ""), "cohort": _text,
}


def _parse_row(table: Table, index: int, parsers: dict[str, Callable[[str], Any]],
               collector: Collector) -> dict[str, Any] | None:
    """Parse one row's known columns; None when any cell is wrong (each one reported)."""
    parsed, ok = {}, True
    for column, parse in parsers.items():
        try:
            parsed[column] = parse(table.rows[index].get(column, ""))
        except ValueError as exc:
            collector.add(table, index + 2, column, str(exc))
            ok = False
    return parsed if ok else None


def _check_columns(table: Table, sheet: str, collector: Collector) -> bool:
    if not table.columns:
        collector.add(table, None, None, "is empty; it needs a header row and at least one row of data")
        return False
    duplicated = sorted({c for c in table.columns if c and table.columns.count(c) > 1})
    for column in duplicated:
        collector.add(table, 1, column, "appears more than once in the header row")
    missing = [c for c in REQUIRED[sheet] if c not in table.columns]
    for column in missing:
        collector.add(table, 1, column, f"required column is missing; the header row has: {', '.join(c for c in table.columns if c)}")
    if not table.rows:
        collector.add(table, None, None, "has a header row but no rows of data")
    return not missing and not duplicated and bool(table.rows)


# --- building the model ----------------------------------------------------------------------

def _indicator(fields: dict[str, Any], order: int) -> Indicator:
    decimals = fields["decimals"]
    if decimals is None:
        decimals = 1 if fields["unit"] == "percent" else 0
    return Indicator(**{**fields, "decimals": decimals, "order": order})


def _indicator_problems(ind: Indicator) -> list[tuple[str | None, str]]:
    problems: list[tuple[str | None, str]] = []
    if not ind.id:
        problems.append(("id", "is blank; every indicator needs an id"))
    if not ind.name:
        problems.append(("name", "is blank; every indicator needs a name"))
    if ind.kind == "kpi":
        if ind.polarity is None:
            problems.append(("polarity", "is blank; a kpi needs polarity 'higher' or 'lower' (which is better)"))
        for message in threshold_problems(ind.target, ind.floor, ind.polarity, ind.green_band, ind.amber_band):
            problems.append(("floor" if "floor" in message else "amber_band", message))
    else:
        if ind.expected_low is None and ind.expected_high is None:
            problems.append(("expected_low", "an activity indicator needs expected_low and/or expected_high"))
        if None not in (ind.expected_low, ind.expected_high) and ind.expected_low > ind.expected_high:
            problems.append(("expected_high", f"{ind.expected_high:g} is below expected_low {ind.expected_low:g}"))
    return problems


def _load_indicators(table: Table, collector: Collector) -> list[Indicator]:
    indicators: list[Indicator] = []
    seen: dict[str, int] = {}
    for index in range(len(table.rows)):
        fields = _parse_row(table, index, INDICATOR_PARSERS, collector)
        if fields is None:
            continue
        ind = _indicator(fields, index)
        for column, message in _indicator_problems(ind):
            collector.add(table, index + 2, column, message)
        if ind.id in seen:
            collector.add(table, index + 2, "id", f"'{ind.id}' is a duplicate; it is already used on row {seen[ind.id]}")
            continue
        if ind.id:
            seen[ind.id] = index + 2
            indicators.append(ind)
    return indicators


def _observation_problems(obs: Observation, ind: Indicator) -> list[tuple[str, str]]:
    problems = []
    if ind.frequency == "quarterly" and obs.period.month % 3:
        problems.append(("period", f"'{obs.period}' does not end a quarter; name quarters by their last month (03, 06, 09 or 12)"))
    if obs.target is not None or obs.floor is not None:
        target = obs.target if obs.target is not None else ind.target
        floor = obs.floor if obs.floor is not None else ind.floor
        problems += [("floor", m) for m in threshold_problems(target, floor, ind.polarity)]
    return problems


def _load_observations(table: Table, indicators: dict[str, Indicator],
                       unreadable: set[str], collector: Collector) -> list[Observation]:
    observations: list[Observation] = []
    seen: dict[tuple, int] = {}
    for index in range(len(table.rows)):
        fields = _parse_row(table, index, VALUE_PARSERS, collector)
        if fields is None:
            continue
        row = index + 2
        if fields["period"] is None:
            collector.add(table, row, "period", "is blank; write the period's end as YYYY-MM, e.g. 2017-04")
            continue
        ind = indicators.get(fields["id"])
        if ind is None:
            if fields["id"] not in unreadable:
                known = "is blank" if not fields["id"] else f"'{fields['id']}' is not an id in the indicators table"
                collector.add(table, row, "id", known)
            continue
        obs = Observation(**fields, row=row)
        for column, message in _observation_problems(obs, ind):
            collector.add(table, row, column, message)
        key = (obs.id, obs.period, obs.cohort)
        if key in seen:
            cohort = f" (cohort '{obs.cohort}')" if obs.cohort else ""
            collector.add(table, row, "period", f"{obs.id}{cohort} already has a value for {obs.period} on row {seen[key]}")
            continue
        seen[key] = row
        observations.append(obs)
    return observations


def _ids_on_bad_rows(table: Table, loaded: list[Indicator]) -> set[str]:
    """Ids of indicator rows that were reported already, so values rows don't repeat the news."""
    good = {i.id for i in loaded}
    return {r.get("id", "").strip() for r in table.rows} - good


def load_dataset(path: Path | str) -> Dataset:
    """Read and validate indicator data; raise DataError listing every problem found."""
    path = Path(path)
    collector = Collector()
    tables = read_tables(path, collector)
    indicators: list[Indicator] = []
    observations: list[Observation] = []
    ind_table, val_table = tables.get("indicators"), tables.get("values")
    if ind_table and _check_columns(ind_table, "indicators", collector):
        indicators = _load_indicators(ind_table, collector)
    if val_table and _check_columns(val_table, "values", collector) and ind_table:
        unreadable = _ids_on_bad_rows(ind_table, indicators)
        observations = _load_observations(val_table, {i.id: i for i in indicators}, unreadable, collector)
    if collector.problems:
        raise DataError(collector.problems)
    sources = tuple(t.source.split("[")[0] for t in tables.values())
    return Dataset(tuple(indicators), tuple(observations), tuple(dict.fromkeys(sources)),
                   ind_table.source, val_table.source)
