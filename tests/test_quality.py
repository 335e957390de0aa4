"""Data-quality warnings, each on a dataset built to show it."""

from __future__ import annotations

from reportgen.errors import Problem
from reportgen.model import Dataset, Indicator, Observation
from reportgen.periods import Period
from reportgen.quality import data_quality_warnings

KPI = Indicator(id="K1", name="Visits", polarity="higher", unit="percent", decimals=1, target=80, floor=70)


def series(values, start=Period(2016, 4), ident="K1", skip=()):
    return tuple(Observation(ident, start.shift(i), v, row=i + 2)
                 for i, v in enumerate(values) if i not in skip)


def messages(dataset, period=None):
    return [str(p) for p in data_quality_warnings(dataset, period)]


def test_a_clean_series_has_no_warnings():
    data = Dataset((KPI,), series([80, 81, 79, 82, 80, 81, 83, 80, 79, 81]), value_source="values.csv")
    assert messages(data) == []


def test_a_gap_in_the_middle_is_named():
    data = Dataset((KPI,), series([80, 81, 79, 82, 80], skip={1, 2}), value_source="values.csv")
    assert messages(data) == ["values.csv:5: column 'period': K1 has no row for May 2016, Jun 2016, "
                              "in the middle of its series (Apr 2016 to Aug 2016)"]


def test_a_value_far_outside_its_history_is_flagged_with_its_row():
    data = Dataset((KPI,), series([80, 81, 79, 82, 80, 81, 83, 8.1]), value_source="values.csv")
    found = messages(data)
    assert len(found) == 1
    assert found[0].startswith("values.csv:9: column 'value': K1: 8.1 for Nov 2016 is far outside its history")


def test_an_impossible_percentage_is_not_a_warning_because_the_loader_refuses_it():
    # tests/test_data_figures.py has the error; a Dataset built by hand is not second-guessed here.
    data = Dataset((KPI,), series([80, 181]), value_source="values.csv")
    assert messages(data) == []


def test_a_stale_latest_period_is_flagged():
    data = Dataset((KPI, Indicator(id="K2", name="Other", polarity="higher")),
                   series([80, 81, 82, 83]) + series([5, 6], ident="K2"), value_source="values.csv")
    assert messages(data, Period(2016, 7)) == [
        "values.csv:3: column 'period': K2 (Other) has no value for Jul 2016; its latest value is for May 2016, "
        "so it shows as No data"]


def test_the_loaders_own_notes_come_first_as_problems():
    note = Problem("d/values.csv", "starts with a UTF-8 byte order mark but the text is Windows-1252")
    data = Dataset((KPI,), series([80, 81]), value_source="values.csv", warnings=(note,))
    assert data_quality_warnings(data)[0] is note


def test_warnings_on_a_wide_sheet_name_its_row_but_no_long_layout_column():
    data = Dataset((KPI,), series([80, 81, 79, 82, 80], skip={1, 2}), indicator_source="w.xlsx[Performance]",
                   value_source="w.xlsx[Performance]")
    assert messages(data) == ["w.xlsx[Performance]:5: K1 has no row for May 2016, Jun 2016, "
                              "in the middle of its series (Apr 2016 to Aug 2016)"]
