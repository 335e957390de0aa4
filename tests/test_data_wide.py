"""The wide layout: one sheet, a row per indicator and a column per period, read like the long one.

The workbooks are real .xlsx files (openpyxl); the samples' wide workbooks are written by
scripts/make_wide_sample.py from their long CSVs, and must score exactly the same.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from reportgen.data import load_dataset
from reportgen.errors import MeetingError
from reportgen.load.wide import period_of_header
from reportgen.meeting import load_meeting
from reportgen.model import Rule
from reportgen.periods import Period
from reportgen.scoring import score_dataset
from data_problems import problems  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
BUCKS = DATA / "bucks-cscl-2016-12"
BUCKS_RULE = Rule.parse("green=0,amber=10%")


@pytest.fixture(scope="module")
def maker():
    spec = importlib.util.spec_from_file_location("make_wide_sample", ROOT / "scripts" / "make_wide_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def wide(path: Path, rows: list[list], *, title_rows: list[list] = (), formats: dict[str, str] = {},
         sheet: str = "Performance") -> Path:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    for row in [*title_rows, *rows]:
        ws.append(row)
    for cell, number_format in formats.items():
        ws[cell].number_format = number_format
    book.save(path)
    return path



HEADER = ["id", "name", "polarity", "unit", "target", "floor"]


# --- the samples: wide gives exactly what long gives --------------------------------------------

def test_the_shipped_bucks_workbook_scores_exactly_as_its_long_csvs():
    meeting, _ = load_meeting(BUCKS)
    assert meeting.data_path == BUCKS / "performance.xlsx"
    from_wide = load_dataset(meeting.data_path, **meeting.scoring.load_options)
    from_long = load_dataset(BUCKS)
    assert from_wide.indicators == from_long.indicators
    assert from_wide.observations == from_long.observations
    assert from_wide.value_source == f"{meeting.data_path}[Performance]"
    assert score_dataset(from_wide, Period(2016, 9), BUCKS_RULE) == score_dataset(from_long, Period(2016, 9), BUCKS_RULE)
    auto = load_dataset(meeting.data_path)  # layout, sheet and header row all found without being told
    assert auto.observations == from_long.observations


@pytest.mark.parametrize("sample, period", [("kent-scs-2017-06", Period(2017, 4)), ("kent-cc-2013-09", Period(2013, 6)),
                                            ("bucks-cscl-2016-12", Period(2016, 9))])
def test_every_sample_as_a_wide_workbook_scores_exactly_as_its_long_csvs(tmp_path, maker, sample, period):
    # Kent SCS: monthly, date-typed headers, cohort rows; Kent CC: monthly, quarterly and annual in one sheet.
    source = DATA / sample
    path = tmp_path / "wide.xlsx"
    path.write_bytes(maker.build(maker.read_csv(source / "indicators.csv"), maker.read_csv(source / "values.csv")))
    from_wide, from_long = load_dataset(path), load_dataset(source)
    assert from_wide.indicators == from_long.indicators
    assert from_wide.observations == from_long.observations
    assert score_dataset(from_wide, period) == score_dataset(from_long, period)


def test_the_generator_rebuilds_the_shipped_workbook_byte_for_byte(tmp_path, maker):
    out = maker.main(BUCKS, tmp_path / "performance.xlsx")
    assert out.read_bytes() == (BUCKS / "performance.xlsx").read_bytes()


# --- headers and title rows --------------------------------------------------------------------

@pytest.mark.parametrize("header, period", [
    ("Apr-17", "2017-04"), ("Apr 2017", "2017-04"), ("April 2017", "2017-04"), ("sept 16", "2016-09"),
    ("2017-04", "2017-04"), ("2017-04-30", "2017-04"), ("2011-12", "2011-12"),
    ("Q1 2017/18", "2017-06"), ("Q2 2017/18", "2017-09"), ("Q3 2017-18", "2017-12"), ("Q4 2017/18", "2018-03"),
    ("2017/18 Q1", "2017-06"), ("2016/17", "2017-03"), ("2016/2017", "2017-03"), ("2016-17", "2017-03"),
    ("FY 2016/17", "2017-03"),
])
def test_period_headers(header, period):
    assert str(period_of_header(header)) == period


@pytest.mark.parametrize("header, message", [
    ("Q5 2017/18", "'Q5 2017/18' is not a quarter of a financial year"),
    ("Q1 2017/19", "'Q1 2017/19' is not a quarter of a financial year"),
    ("2017-13", "'2017-13' has month 13; months run 01 to 12"),
    ("Week 12", "'Week 12' is neither a column reportgen knows nor a period"),
])
def test_headers_that_are_nearly_periods_are_refused(header, message):
    with pytest.raises(ValueError, match=message):
        period_of_header(header)


def test_headers_that_name_no_period_are_the_teams_own_columns():
    assert period_of_header("Notes") is None and period_of_header("RAG") is None


def test_title_rows_are_skipped_and_cells_read_as_displayed(tmp_path):
    rows = [
        [*HEADER, "Lead officer", datetime(2017, 4, 1), "May 2017", "2017-06"],
        ["CP1", "Plans reviewed", "higher", "percent", 0.98, 0.9, "Head of CP", 0.971, 0.984, 0.96],
        ["CT1", "Contacts received", "lower", "number", 5000, None, "", 4321, 5210.5, 1234567],
    ]
    title = [["Children's services performance"], ["(logo)"], []]
    formats = {"E5": "0%", "F5": "0%", "H5": "0.0%", "I5": "0.0%", "J5": "0.0%", "H4": "mmm-yy",
               "J6": "#,##0", "I6": "£#,##0.00"}
    path = wide(tmp_path / "w.xlsx", rows, title_rows=title, formats=formats)
    path_sheet = path.parent / "w.xlsx"
    book = __import__("openpyxl").load_workbook(path_sheet)
    book.active.merge_cells("A1:J1")
    book.save(path_sheet)
    data = load_dataset(path)
    cp1, ct1 = data.indicators
    assert (cp1.target, cp1.floor, ct1.target) == (98, 90, 5000)
    assert [(o.id, str(o.period), o.value, o.row) for o in data.observations] == [
        ("CP1", "2017-04", 97.1, 5), ("CP1", "2017-05", 98.4, 5), ("CP1", "2017-06", 96.0, 5),
        ("CT1", "2017-04", 4321, 6), ("CT1", "2017-05", 5210.5, 6), ("CT1", "2017-06", 1234567, 6),
    ]
    assert load_dataset(path, header_row=4, layout="wide", sheet="PERFORMANCE").observations == data.observations


def test_figure_and_cohort_rows(tmp_path):
    rows = [
        [*HEADER, "cohort", "figure", "Apr-17", "May-17"],
        ["CP1", "Plans reviewed", "higher", "percent", 98, 90, None, None, 97.5, 50],
        ["CP1", None, None, None, None, None, None, "numerator", 195, 1],
        ["CP1", None, None, None, None, None, None, "denominator", 200, 2],
        ["CP1", None, None, None, None, None, None, "commentary", None, "Only two due"],
        ["CP1", None, None, None, None, None, "excluding UASC", "value", 96, None],
        ["CP1", None, None, None, None, None, None, "ytd", 97.5, 97.0],
    ]
    data = load_dataset(wide(tmp_path / "w.xlsx", rows))
    got = [(o.cohort, str(o.period), o.value, o.numerator, o.denominator, o.ytd, o.commentary) for o in data.observations]
    assert got == [("", "2017-04", 97.5, 195, 200, 97.5, ""), ("", "2017-05", 50, 1, 2, 97.0, "Only two due"),
                   ("excluding UASC", "2017-04", 96, None, None, None, "")]


# --- errors name the real sheet row and the period's header --------------------------------------

def test_errors_name_the_sheet_row_and_the_period_column(tmp_path):
    rows = [
        [*HEADER, "figure", "Apr-17", "May-17", "Jun-17"],
        ["CP1", "Plans reviewed", "higher", "percent", 98, 90, None, 97.5, "n/a", 101],
        [],
        ["CP1", None, None, None, None, None, "numerator", 300, None, None],
        ["CP1", None, None, None, None, None, "denominator", 200, None, None],
        ["CP1", None, None, None, None, None, "target", None, "high", None],
        ["CP1", None, None, None, None, None, "numerator", 1, None, None],
        ["CP2", "No polarity", None, "number", 5, None, "value", 3, None, None],
        ["CP1", None, None, None, None, None, "wrong", 1, None, None],
    ]
    path = wide(tmp_path / "w.xlsx", rows, title_rows=[["Scorecard"], []])
    sheet = f"{path}[Performance]"
    assert problems(path) == [
        f"{sheet}:11: column 'figure': 'wrong' is not allowed; use one of value, ytd, numerator, denominator, "
        "target, floor, commentary, forecast, expected_low, expected_high",
        f"{sheet}:9: column 'id': CP1 already has a 'numerator' row on row 6",
        f"{sheet}:10: column 'polarity': is blank; a kpi needs polarity 'higher' or 'lower' (which is better)",
        f"{sheet}:6: column 'Apr-17': the numerator 300 is more than the denominator 200; "
        "a percentage counts part of its denominator",
        f"{sheet}:4: column 'May-17': 'n/a' is not a number",
        f"{sheet}:8: column 'May-17': 'high' is not a number",
        f"{sheet}:4: column 'Jun-17': 101 is not a percentage between 0 and 100 (percentages are written in "
        "points: 85.3, not 0.853); if this measure can go beyond that, give the indicator its own min and max",
    ]


def test_header_problems(tmp_path):
    rows = [[*HEADER, "Apr-17", "2017-04", "Q5 2017/18"], ["CP1", "Plans", "higher", "percent", 98, 90, 97, 97, 1]]
    path = wide(tmp_path / "w.xlsx", rows, title_rows=[["Scorecard"]])
    sheet = f"{path}[Performance]"
    assert problems(path) == [
        f"{sheet}:2: column '2017-04': is the same period (2017-04) as the column 'Apr-17'",
        f"{sheet}:2: 'Q5 2017/18' is not a quarter of a financial year; name period columns like Apr-17, "
        "Apr 2017, 2017-04, Q1 2017/18 or 2016/17",
    ]


def test_no_period_columns_and_a_wrong_header_row(tmp_path):
    path = wide(tmp_path / "w.xlsx", [HEADER, ["CP1", "Plans", "higher", "percent", 98, 90]])
    assert problems(path) == [f"{path}[Performance]:1: the header row has no period columns; name period columns "
                              "like Apr-17, Apr 2017, 2017-04, Q1 2017/18 or 2016/17"]
    titled = wide(tmp_path / "t.xlsx", [[*HEADER, "Apr-17"], ["CP1", "Plans", "higher", "percent", 98, 90, 97]],
                  title_rows=[["Scorecard"], []])
    assert problems(titled, header_row=2) == [
        f"{titled}[Performance]: header_row 2 is blank; give the row that holds the column names"]
    assert problems(titled, header_row=1)[0] == (
        f"{titled}[Performance]:1: the header row has no period columns; name period columns like Apr-17, "
        "Apr 2017, 2017-04, Q1 2017/18 or 2016/17")


def test_a_missing_wide_sheet_names_the_sheets_there(tmp_path):
    path = wide(tmp_path / "w.xlsx", [[*HEADER, "Apr-17"]], sheet="Scorecard")
    assert problems(path, sheet="Performance") == [
        f"{path}: sheet 'Performance' is missing; the workbook has sheets 'Scorecard'"]
    empty = wide(tmp_path / "e.xlsx", [["Nothing here"]], sheet="Notes")
    assert problems(empty) == [
        f"{empty}: has no sheets 'indicators' and 'values' (the long layout) and no sheet with a header row "
        "holding 'id' and 'name' (the wide layout); the workbook has sheets 'Notes'"]


# --- the meeting file and the CLI --------------------------------------------------------------

def test_meeting_scoring_keys_are_checked(tmp_path):
    meeting = tmp_path / "bucks"
    shutil.copytree(BUCKS, meeting)
    text = (meeting / "meeting.yaml").read_text(encoding="utf-8")
    (meeting / "meeting.yaml").write_text(text.replace("layout: wide", "layout: sideways")
                                          .replace("header_row: 3", "header_row: 0"), encoding="utf-8")
    with pytest.raises(MeetingError) as caught:
        load_meeting(meeting)
    assert [str(p) for p in caught.value.problems] == [
        f"{meeting}/meeting.yaml: scoring.layout: expected one of auto, long, wide, got 'sideways'",
        f"{meeting}/meeting.yaml: scoring.header_row: 0 is out of range; expected 1 or more",
    ]


def test_cli_check_exits_2_naming_the_wide_cell(tmp_path):
    meeting = tmp_path / "bucks"
    shutil.copytree(BUCKS, meeting)
    book = __import__("openpyxl").load_workbook(meeting / "performance.xlsx")
    sheet = book["Performance"]
    column = next(c.column for c in sheet[3] if c.value == "Q2 2016/17")
    sheet.cell(4, column).value = 1.5  # 150% as Excel stores it
    book.save(meeting / "performance.xlsx")
    done = subprocess.run([sys.executable, "-m", "reportgen.cli", "check", str(meeting)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[1] == (
        f"  {meeting}/performance.xlsx[Performance]:4: column 'Q2 2016/17': 150 is not a percentage between "
        "0 and 100 (percentages are written in points: 85.3, not 0.853); if this measure can go beyond that, "
        "give the indicator its own min and max")


def _imports(data: Path, **env: str) -> str:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "reportgen.cli", "score", str(data)],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    return done.stderr


def test_score_on_long_csv_never_imports_pandas_and_a_wide_sheet_does_until_it_is_kept(tmp_path):
    kept = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    assert " pandas" not in _imports(DATA / "kent-scs-2017-06", **kept)
    assert " pandas" in _imports(BUCKS / "performance.xlsx", **kept)  # read, reshaped, and kept
    assert " pandas" not in _imports(BUCKS / "performance.xlsx", **kept)  # the kept Dataset
    assert " pandas" in _imports(BUCKS / "performance.xlsx", **kept, REPORTGEN_DATA_CACHE="off")


def test_history_length_in_the_meeting_file_reaches_the_scores(tmp_path):
    from reportgen.build import _score

    meeting_dir = tmp_path / "cardiff"
    shutil.copytree(DATA / "cardiff-cyp-2018-03", meeting_dir)
    # The shipped file asks for five years itself: take its line out for the default.
    text = re.sub(r"\n  history_length: [^\n]*", "", (meeting_dir / "meeting.yaml").read_text(encoding="utf-8"))
    assert "\nscoring:\n" in text
    (meeting_dir / "meeting.yaml").write_text(text.replace("\nscoring:\n", "\nscoring:\n  history_length: 8\n"),
                                              encoding="utf-8")
    meeting, _ = load_meeting(meeting_dir)
    dataset = load_dataset(meeting.data_path, **meeting.scoring.load_options)
    two_years = _score(meeting, dataset).measures[0]
    assert len(two_years.history) == 8  # the meeting file's own figure wins
    default, _ = load_meeting(DATA / "cardiff-cyp-2018-03")
    # without the key, the house style's: cardiff-scrutiny shows five years of quarters
    assert len(_score(default, dataset).measures[0].history) == 20
