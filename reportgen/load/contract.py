"""The data contract (docs/data-contract.md): every cell parsed, every row checked.

Numbers that cannot be right are refused here, not warned about later: a
percentage outside 0 to 100, negative days, a figure too large for a paper, a
numerator above its denominator, a value that disagrees with its own numerator
and denominator. quality.py keeps the genuine warnings (outliers, gaps, stale).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields as dataclass_fields
from functools import lru_cache
from typing import Any

from ..formatting import rounded
from ..model import (
    BASES, COMPARE_WITH, FORECASTS, FREQUENCIES, KINDS, POLARITIES, UNITS, Band, Indicator, Observation,
)
from ..periods import Period
from ..scoring import threshold_problems
from .tables import Collector, Record, Table

# The columns the sample generator writes, in the contract's order; then the optional ones.
INDICATOR_COLUMNS = (
    "id", "name", "group", "kind", "polarity", "unit", "decimals", "frequency", "basis",
    "target", "floor", "green_band", "amber_band", "expected_low", "expected_high", "key",
    "definition", "owner", "england", "neighbours", "compare_with",
)
MORE_INDICATOR_COLUMNS = ("rate_on", "min", "max")
VALUE_COLUMNS = (
    "id", "period", "value", "numerator", "denominator", "target", "floor", "commentary",
    "forecast", "cohort", "ytd", "expected_low", "expected_high",
)
REQUIRED = {"indicators": ("id", "name"), "values": ("id", "period", "value")}
RATE_ON = ("value", "ytd")
LARGEST = 1e12  # no council paper prints a figure of a million million or more
_YES, _NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"-?\d{1,12}(\.\d+)?")  # what most cells hold: nothing to clean, never too large
_NOT_BELOW_ZERO = {"days": "a number of days", "rate": "a rate"}
_INF = float("inf")


def figure(number: float) -> str:
    """A number as a message quotes it: 1234567, 101.5 (never 1.23457e+06)."""
    return str(int(number)) if float(number).is_integer() and abs(number) < LARGEST else repr(float(number))


# --- parsing cells -------------------------------------------------------------------------

def parse_number(text: str) -> float | None:
    """A number as people type it: ``85.3``, ``85%``, ``1,234``, ``£1,200``; blank is None."""
    if _PLAIN.fullmatch(text):
        return float(text)  # the fast path for 100,000 rows; the same result as the cleaning below
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
    if abs(number) >= LARGEST:
        raise ValueError(f"'{text}' is too large to be a figure in a paper (a million million or more); "
                         "check the cell for a typing or unit error")
    return number


def written_decimals(text: str) -> int | None:
    """How many decimal places a number was written with: ``69.30`` has 2; None in E notation."""
    cleaned = text.strip().rstrip("%").replace(",", "").replace("£", "")
    if "e" in cleaned.lower():
        return None
    return len(cleaned.partition(".")[2])


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
    "compare_with": _choice(COMPARE_WITH, "previous"), "rate_on": _choice(RATE_ON, "value"),
    "min": parse_number, "max": parse_number,
}

@lru_cache(maxsize=4096)
def _period(text: str) -> Period | None:
    # A long table repeats a few dozen periods in every row; each is parsed once (errors are not cached).
    return Period.parse(text) if text.strip() else None


VALUE_PARSERS: dict[str, Callable[[str], Any]] = {
    "id": _text, "period": _period,
    "value": parse_number, "numerator": parse_number, "denominator": parse_number,
    "target": parse_number, "floor": parse_number, "commentary": _text,
    "forecast": _choice(FORECASTS, ""), "cohort": _text, "ytd": parse_number,
    "expected_low": parse_number, "expected_high": parse_number,
}


class RowParser:
    """Parses each row's known columns of one table, reporting every cell that is wrong.

    A blank cell (or a column the table lacks) takes what its parser makes of "",
    worked out once per table rather than once per cell: most cells of a long
    values table are blank, and 100,000 rows must load in well under a second.
    """

    def __init__(self, table: Table, parsers: dict[str, Callable[[str], Any]], collector: Collector):
        self.table, self.collector = table, collector
        self.blank = {column: parse("") for column, parse in parsers.items()}
        present = set(table.columns)
        self.present = [(column, parse) for column, parse in parsers.items() if column in present]

    def __call__(self, record: Record) -> dict[str, Any] | None:
        """The row's fields; None when any cell is wrong (each one reported, in column order)."""
        parsed, ok, cells = self.blank.copy(), True, record.cells
        for column, parse in self.present:
            text = cells.get(column)
            if not text:
                continue
            try:
                parsed[column] = parse(text)
            except ValueError as exc:
                self.collector.add(self.table, record, column, str(exc))
                ok = False
        return parsed if ok else None


def check_columns(table: Table, sheet: str, collector: Collector) -> bool:
    if not table.columns:
        collector.add(table, None, None, "is empty; it needs a header row and at least one row of data")
        return False
    duplicated = [] if table.synthesised else sorted({c for c in table.columns if c and table.columns.count(c) > 1})
    for column in duplicated:
        collector.at_header(table, column, "appears more than once in the header row")
    missing = [c for c in REQUIRED[sheet] if c not in table.columns]
    for column in missing:
        collector.at_header(table, column, "required column is missing; the header row has: "
                                           f"{', '.join(c for c in table.columns if c)}")
    if not table.records:
        collector.add(table, None, None, "has a header row but no rows of data")
    return not missing and not duplicated and bool(table.records)


# --- allowed ranges ---------------------------------------------------------------------------

class Limits:
    """The figures an indicator's values may take: its own min and max, else its unit's."""

    def __init__(self, unit: str, low: float | None, high: float | None):
        self.unit, self.own_low, self.own_high = unit, low, high
        # Everything in [low, high] passes every check below: one comparison for nearly every cell.
        self.low = low if low is not None else (0.0 if unit == "percent" or unit in _NOT_BELOW_ZERO else -_INF)
        self.high = high if high is not None else (100.0 if unit == "percent" else _INF)

    def problem(self, number: float | None) -> str | None:
        if number is None or self.low <= number <= self.high:
            return None
        if self.own_low is not None and number < self.own_low:
            return f"{figure(number)} is below the indicator's min {figure(self.own_low)}"
        if self.own_high is not None and number > self.own_high:
            return f"{figure(number)} is above the indicator's max {figure(self.own_high)}"
        if self.unit == "percent" and (self._low_default(number, 0) or (self.own_high is None and number > 100)):
            return (f"{figure(number)} is not a percentage between 0 and 100 (percentages are written in points: "
                    "85.3, not 0.853); if this measure can go beyond that, give the indicator its own min and max")
        if self.unit in _NOT_BELOW_ZERO and self._low_default(number, 0):
            return (f"{figure(number)} is negative; {_NOT_BELOW_ZERO[self.unit]} cannot be below 0 "
                    "(give the indicator its own min if this measure can be)")
        return None

    def _low_default(self, number: float, low: float) -> bool:
        return self.own_low is None and number < low


def indicator_range_problems(ind: Indicator, fields: dict[str, Any]) -> list[tuple[str, str]]:
    limits = Limits(ind.unit, fields.get("min"), fields.get("max"))
    if None not in (fields.get("min"), fields.get("max")) and fields["min"] > fields["max"]:
        return [("max", f"{figure(fields['max'])} is below min {figure(fields['min'])}")]  # nothing to judge by
    problems = []
    for column in ("target", "floor", "expected_low", "expected_high"):
        message = limits.problem(getattr(ind, column))
        if message:
            problems.append((column, message))
    return problems


def ratio_problems(obs: Observation, ind: Indicator, value_text: str) -> list[tuple[str, str]]:
    """A percentage's numerator and denominator must agree with each other and with the value."""
    num, den = obs.numerator, obs.denominator
    problems = [(c, f"{figure(n)} is negative; a count cannot be below 0")
                for c, n in (("numerator", num), ("denominator", den)) if n is not None and n < 0]
    if problems or ind.unit != "percent" or num is None or den is None:
        return problems
    if den == 0:
        if not num:
            return []
        return [("denominator", f"is 0 but the numerator is {figure(num)}; a percentage needs a denominator above 0")]
    if num > den:
        return [("numerator", f"the numerator {figure(num)} is more than the denominator {figure(den)}; "
                              "a percentage counts part of its denominator")]
    if obs.value is None:
        return []
    exact = num / den * 100
    places = written_decimals(value_text)
    places = ind.decimals if places is None else places
    if abs(obs.value - exact) > 0.5 * 10 ** -places + 1e-9:
        shown = rounded(exact, places)
        return [("value", f"{figure(obs.value)} disagrees with numerator {figure(num)} / denominator {figure(den)} "
                          f"= {exact:.{places + 2}f}%, which is {shown} to {places} decimal place(s)")]
    return []


# --- building the model ------------------------------------------------------------------------

_NOT_ON_INDICATOR = ("min", "max")  # checked at load time; not part of the model


def _indicator(fields: dict[str, Any], order: int) -> Indicator:
    decimals = fields["decimals"]
    if decimals is None:
        decimals = 1 if fields["unit"] == "percent" else 0
    kept = {k: v for k, v in fields.items() if k not in _NOT_ON_INDICATOR}
    return Indicator(**{**kept, "decimals": decimals, "order": order})


def _range_order(low: float | None, high: float | None) -> list[tuple[str, str]]:
    if None not in (low, high) and low > high:
        return [("expected_high", f"{figure(high)} is below expected_low {figure(low)}")]
    return []


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
        problems += _range_order(ind.expected_low, ind.expected_high)
    return problems


def load_indicators(table: Table, collector: Collector) -> tuple[list[Indicator], dict[str, Limits]]:
    indicators: list[Indicator] = []
    limits: dict[str, Limits] = {}
    seen: dict[str, int] = {}
    parse = RowParser(table, INDICATOR_PARSERS, collector)
    for order, record in enumerate(table.records):
        fields = parse(record)
        if fields is None:
            continue
        ind = _indicator(fields, order)
        for column, message in _indicator_problems(ind) + indicator_range_problems(ind, fields):
            collector.add(table, record, column, message)
        if ind.id in seen:
            collector.add(table, record, "id", f"'{ind.id}' is a duplicate; it is already used on row {seen[ind.id]}")
            continue
        if ind.id:
            seen[ind.id] = record.row
            indicators.append(ind)
            low, high = fields["min"], fields["max"]
            if None not in (low, high) and low > high:
                low = high = None  # reported above; judge by the unit alone rather than by nonsense
            limits[ind.id] = Limits(ind.unit, low, high)
    return indicators, limits


_LIMITED = ("value", "ytd", "target", "floor", "expected_low", "expected_high")  # held to the indicator's Limits


def _observation_problems(obs: Observation, ind: Indicator, limits: Limits, record: Record) -> list[tuple[str, str]]:
    problems = []
    if ind.frequency == "quarterly" and obs.period.month % 3:
        problems.append(("period", f"'{obs.period}' does not end a quarter; name quarters by their last month (03, 06, 09 or 12)"))
    if obs.target is not None or obs.floor is not None:
        target = obs.target if obs.target is not None else ind.target
        floor = obs.floor if obs.floor is not None else ind.floor
        problems += [("floor", m) for m in threshold_problems(target, floor, ind.polarity)]
    low, high = limits.low, limits.high
    for column in _LIMITED:
        number = getattr(obs, column)
        if number is not None and not low <= number <= high:  # the common case decided here, the message below
            problems.append((column, limits.problem(number)))
    problems += _range_order(obs.expected_low, obs.expected_high)
    if obs.numerator is None and obs.denominator is None:
        return problems
    return problems + ratio_problems(obs, ind, record.get("value"))


_OBSERVATION_FIELDS = {f.name for f in dataclass_fields(Observation)}
if _OBSERVATION_FIELDS != {*VALUE_PARSERS, "row"}:  # _observation relies on it: every field given
    raise RuntimeError(f"VALUE_PARSERS and Observation disagree: {sorted(_OBSERVATION_FIELDS ^ {*VALUE_PARSERS, 'row'})}")


def _observation(fields: dict[str, Any], row: int) -> Observation:
    """Observation(**fields, row=row), made without its frozen __init__.

    A frozen dataclass sets each of its 15 fields through object.__setattr__: 0.24 s
    of the 0.6 s that 100,000 rows take. Every field is given (checked above), so the
    instance is the same as the constructor's.
    """
    obs = object.__new__(Observation)
    vars(obs).update(fields, row=row)
    return obs


def load_observations(table: Table, indicators: dict[str, Indicator], limits: dict[str, Limits],
                      unreadable: set[str], collector: Collector) -> list[Observation]:
    observations: list[Observation] = []
    seen: dict[tuple, int] = {}
    parse = RowParser(table, VALUE_PARSERS, collector)
    for record in table.records:
        fields = parse(record)
        if fields is None:
            continue
        if fields["period"] is None:
            collector.add(table, record, "period", "is blank; write the period's end as YYYY-MM, e.g. 2017-04")
            continue
        ind = indicators.get(fields["id"])
        if ind is None:
            if fields["id"] not in unreadable:
                known = "is blank" if not fields["id"] else f"'{fields['id']}' is not an id in the indicators table"
                collector.add(table, record, "id", known)
            continue
        obs = _observation(fields, record.row)
        for column, message in _observation_problems(obs, ind, limits[ind.id], record):
            collector.add(table, record, column, message)
        key = (obs.id, obs.period, obs.cohort)
        if key in seen:
            cohort = f" (cohort '{obs.cohort}')" if obs.cohort else ""
            collector.add(table, record, "period", f"{obs.id}{cohort} already has a value for {obs.period} on row {seen[key]}")
            continue
        seen[key] = record.row
        observations.append(obs)
    return observations


def ids_on_bad_rows(table: Table, loaded: list[Indicator]) -> set[str]:
    """Ids of indicator rows that were reported already, so values rows don't repeat the news."""
    good = {i.id for i in loaded}
    return {r.get("id").strip() for r in table.records} - good
