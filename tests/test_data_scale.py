"""The loader's fast paths (issue 13: 100,000 value rows in under a second) say and find exactly
what the careful paths did: every wrong cell of a big file is still reported, at its row."""

from __future__ import annotations

import gc
import itertools

import pytest

from reportgen.data import load_dataset, parse_number
from reportgen.errors import DataError
from reportgen.load.contract import Limits, figure
from reportgen.load.csvfile import records

HEADER = "id,name,polarity,unit,decimals,target\n"


def _reference_problem(unit, own_low, own_high, number):
    """Limits.problem as it was written before its one-comparison fast path."""
    if own_low is not None and number < own_low:
        return f"{figure(number)} is below the indicator's min {figure(own_low)}"
    if own_high is not None and number > own_high:
        return f"{figure(number)} is above the indicator's max {figure(own_high)}"
    if unit == "percent" and ((own_low is None and number < 0) or (own_high is None and number > 100)):
        return "percent"
    if unit in ("days", "rate") and own_low is None and number < 0:
        return "negative"
    return None


@pytest.mark.parametrize("unit", ["percent", "number", "days", "rate", "currency"])
def test_limits_fast_path_agrees_with_every_check(unit):
    numbers = (-1e6, -101, -0.05, 0, 0.05, 50, 99.95, 100, 100.05, 150, 1e6)
    for low, high in itertools.product((None, -100, 0, 10), (None, 50, 100, 200)):
        if low is not None and high is not None and low > high:
            continue
        limits = Limits(unit, low, high)
        for number in numbers:
            expected = _reference_problem(unit, low, high, number)
            message = limits.problem(number)
            assert (message is None) == (expected is None), (unit, low, high, number, message)
            if expected == "percent":
                assert message.startswith(f"{figure(number)} is not a percentage between 0 and 100")
            elif expected == "negative":
                assert message.startswith(f"{figure(number)} is negative;")
            else:
                assert message == expected


@pytest.mark.parametrize("text, number", [
    ("85.3", 85.3), ("-2", -2.0), ("007", 7.0), ("999999999999", 999999999999.0), ("0.000001", 1e-06),
])
def test_plain_numbers_take_the_fast_path_to_the_same_figure(text, number):
    assert parse_number(text) == number


def test_thirteen_digits_are_still_too_large():
    with pytest.raises(ValueError, match="too large to be a figure in a paper"):
        parse_number("1000000000000")


def _write(folder, values: str, indicators: int = 1) -> None:
    """Indicators P0, N0, P1, N1 ...: P a percentage, N a number."""
    rows = [f"P{k},Visits on time {k},higher,percent,1,80\nN{k},Contacts {k},higher,number,0,500\n"
            for k in range(indicators)]
    (folder / "indicators.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    (folder / "values.csv").write_text(values, encoding="utf-8", newline="")


def _big_values(bad: dict[int, str]) -> str:
    """1,000 indicators x 100 months from 2009-01 (spreadsheet rows 2 to 100,001), CRLF line ends.

    Rows 2-101 are P0's, 102-201 N0's, and so on: an odd hundred is a percentage.
    """
    lines = ["id,period,value,commentary"]
    for i in range(100_000):
        block, month = divmod(i, 100)
        ident = f"{'PN'[block % 2]}{block // 2}"
        value = bad.get(i + 2, "75.5" if ident[0] == "P" else "480")
        lines.append(f"{ident},{2009 + month // 12}-{month % 12 + 1:02d},{value},")
    return "\r\n".join(lines) + "\r\n"


def test_every_wrong_cell_of_100000_rows_is_reported_at_its_row(tmp_path):
    # Rows 50,002-50,101 are P250's (a percentage), 70,002-70,101 P350's, 99,902-100,001 N499's.
    bad = {50_050: "abc", 70_002: "101.5", 70_101: "-3", 100_001: "12x"}
    _write(tmp_path, _big_values(bad), 500)
    with pytest.raises(DataError) as caught:
        load_dataset(tmp_path)
    percent = "is not a percentage between 0 and 100 (percentages are written in points: 85.3, not 0.853)"
    assert [(p.file, p.row, p.column, p.message.split(";")[0]) for p in caught.value.problems] == [
        (str(tmp_path / "values.csv"), 50_050, "value", "'abc' is not a number"),
        (str(tmp_path / "values.csv"), 70_002, "value", f"101.5 {percent}"),
        (str(tmp_path / "values.csv"), 70_101, "value", f"-3 {percent}"),
        (str(tmp_path / "values.csv"), 100_001, "value", "'12x' is not a number"),
    ]


def test_100000_rows_load_with_their_figures(tmp_path):
    _write(tmp_path, _big_values({}), 500)
    dataset = load_dataset(tmp_path)
    assert (len(dataset.indicators), len(dataset.observations)) == (1000, 100_000)
    first, last = dataset.observations[0], dataset.observations[-1]
    assert (first.id, str(first.period), first.value, first.row) == ("P0", "2009-01", 75.5, 2)
    assert (last.id, str(last.period), last.value, last.row) == ("N499", "2017-04", 480.0, 100_001)


def test_line_breaks_in_cells_under_crlf_line_ends():
    text = 'id,commentary\r\nA,"one\r\ntwo"\r\nB,"word\x0bbreak"\r\nC,plain\r\n'
    assert records(text) == [(1, ["id", "commentary"]), (2, ["A", "one\ntwo"]), (3, ["B", "word\nbreak"]),
                             (4, ["C", "plain"])]


def test_the_cycle_collector_runs_again_after_a_load_good_or_bad(tmp_path):
    _write(tmp_path, "id,period,value\nN0,2017-04,480\n")
    assert gc.isenabled()
    load_dataset(tmp_path)
    assert gc.isenabled()
    _write(tmp_path, "id,period,value\nN0,2017-04,lots\n")
    with pytest.raises(DataError):
        load_dataset(tmp_path)
    assert gc.isenabled()
    gc.disable()
    try:
        _write(tmp_path, "id,period,value\nN0,2017-04,480\n")
        load_dataset(tmp_path)
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


def test_observations_made_without_init_equal_the_constructors(tmp_path):
    from reportgen.load.contract import VALUE_PARSERS, _observation
    from reportgen.model import Observation
    from reportgen.periods import Period

    fields = {name: None for name in VALUE_PARSERS}
    fields.update(id="P0", period=Period(2017, 4), value=75.5, cohort="excluding UASC", numerator=151.0,
                  denominator=200.0, commentary="Up", forecast="likely", ytd=70.0, target=80.0, floor=None)
    made = _observation(dict(fields), 7)
    assert made == Observation(**fields, row=7)
    assert hash(made) == hash(Observation(**fields, row=7))
    assert (made.row, made.cohort, made.expected_low) == (7, "excluding UASC", None)
    with pytest.raises(AttributeError):
        made.value = 1.0  # still frozen
