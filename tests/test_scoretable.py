"""The score table carries every figure the scorecard shows: read back from `reportgen score`,
scores.csv and scores.xlsx, and compared with figures worked out by hand from the sample data."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone

import openpyxl
import pytest

from reportgen import exports, scoretable
from reportgen.cli import main
from reportgen.data import load_dataset
from reportgen.periods import Period
from reportgen.scoretable import COLUMNS, DATA_DICTIONARY, DICTIONARY_HEADER, dictionary_rows
from reportgen.scoring import score_dataset

KENT = "data/kent-scs-2017-06"
BUCKS = "data/bucks-cscl-2016-12"
# The columns before issue 12: tests and users read them by position.
FIRST = ("id", "name", "group", "kind", "period", "value", "target", "floor", "status",
         "previous_value", "direction", "forecast", "previous_status",
         "cohort", "period_label", "polarity", "unit", "decimals", "rule", "comparator_period",
         "previous_period", "forecast_given", "key", "commentary")
NEW = ("green_from", "amber_from", "numerator", "denominator", "ytd", "outturn", "outturn_period",
       "basis", "rate_on", "expected_low", "expected_high", "england", "neighbours", "owner", "definition")

# FD02 (Kent, April 2017): lower is better, target 25, floor 30; 4805 of 17600 = 27.30%, Amber.
# Out-turn: March 2017's 27.5. Rolling 12 months. England 22.3, statistical neighbours 23.1.
FLOOR_RATED = {
    "status": "Amber", "rule": "floor", "value": "27.3", "green_from": "25", "amber_from": "30",
    "numerator": "4805", "denominator": "17600", "ytd": "", "outturn": "27.5", "outturn_period": "2017-03",
    "basis": "rolling12", "rate_on": "value", "expected_low": "", "expected_high": "",
    "england": "22.3", "neighbours": "23.1", "owner": "Head of Service, Front Door",
    "definition": "Referrals in the last 12 months for children who had a previous referral within the "
                  "12 months before, as a % of all referrals (DfE CIN census definition).",
}
# ACT01 (Kent, April 2017): 7412 contacts against the expected range 6500 to 8000; March 2017: 8589.
ACTIVITY = {
    "status": "Within range", "rule": "range", "value": "7412", "green_from": "", "amber_from": "",
    "numerator": "", "denominator": "", "ytd": "", "outturn": "8589", "outturn_period": "2017-03",
    "basis": "period", "rate_on": "value", "expected_low": "6500", "expected_high": "8000",
    "england": "", "neighbours": "", "owner": "Head of Service, Front Door",
}
# B03 (Bucks, Q2 2016/17, rule green=0,amber=10%): lower is better, target 20, so Green at or below 20,
# Amber at or below 20 + 10% of 20 = 22; 302 of 1100 = 27.45%, shown 27.5: Red. Out-turn: Q4 2015/16, 27.4.
TOLERANCE_RATED = {
    "status": "Red", "rule": "bands green=0,amber=10%", "value": "27.5", "green_from": "20", "amber_from": "22",
    "numerator": "302", "denominator": "1100", "ytd": "", "outturn": "27.4", "outturn_period": "2016-03",
    "basis": "period", "rate_on": "value", "expected_low": "", "expected_high": "",
    "england": "22.3", "neighbours": "21.9", "owner": "Head of First Response",
}


def _score_command(capsys, *args: str) -> dict[str, dict[str, str]]:
    assert main(["score", *args]) == 0
    reader = csv.DictReader(io.StringIO(capsys.readouterr().out))
    assert tuple(reader.fieldnames) == COLUMNS
    return {row["id"]: row for row in reader if not row["cohort"]}


def _expect(row: dict[str, str], expected: dict[str, str]) -> None:
    assert {k: row[k] for k in expected} == expected


def test_existing_columns_stay_first_and_in_order():
    assert COLUMNS[:len(FIRST)] == FIRST
    assert COLUMNS[len(FIRST):] == NEW


def test_floor_rated_and_activity_indicators(capsys):
    rows = _score_command(capsys, KENT, "--period", "2017-04")
    _expect(rows["FD02"], FLOOR_RATED)
    _expect(rows["ACT01"], ACTIVITY)


def test_tolerance_rated_indicator_from_the_wide_workbook(capsys):
    rows = _score_command(capsys, f"{BUCKS}/performance.xlsx", "--period", "2016-09", "--rule", "green=0,amber=10%")
    _expect(rows["B03"], TOLERANCE_RATED)
    # Higher is better: B01's target 95 less 10% of it: Amber from 85.5.
    assert (rows["B01"]["green_from"], rows["B01"]["amber_from"]) == ("95", "85.5")


def test_year_to_date_rating(tmp_path, capsys):
    (tmp_path / "indicators.csv").write_text(
        "id,name,kind,polarity,unit,decimals,basis,target,floor,rate_on\n"
        "Y1,Apprentices started,kpi,higher,number,0,ytd,100,80,ytd\n", encoding="utf-8")
    (tmp_path / "values.csv").write_text(
        "id,period,value,ytd\nY1,2017-03,12,110\nY1,2017-04,9,9\nY1,2017-05,11,20\n", encoding="utf-8")
    row = _score_command(capsys, str(tmp_path), "--period", "2017-05")["Y1"]
    # Rated on the year to date (20 against a target of 100 and a floor of 80): Red; the out-turn is
    # March 2017's year to date, 110.
    _expect(row, {"value": "11", "ytd": "20", "status": "Red", "rate_on": "ytd", "basis": "ytd",
                  "green_from": "100", "amber_from": "80", "outturn": "110", "outturn_period": "2017-03"})


def test_no_outturn_leaves_its_period_empty(tmp_path, capsys):
    (tmp_path / "indicators.csv").write_text(
        "id,name,polarity,target\nN1,New measure,higher,50\n", encoding="utf-8")
    (tmp_path / "values.csv").write_text("id,period,value\nN1,2017-04,40\n", encoding="utf-8")
    row = _score_command(capsys, str(tmp_path))["N1"]
    _expect(row, {"status": "Red", "outturn": "", "outturn_period": "", "green_from": "50", "amber_from": ""})


@pytest.fixture(scope="module")
def kent_scores():
    return score_dataset(load_dataset(KENT), Period(2017, 4), previous_period=Period(2017, 3))


def test_scores_csv_carries_the_new_columns(kent_scores):
    text = exports.scores_csv_bytes(kent_scores).decode("utf-8-sig")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(text, newline="")) if not r["cohort"]}
    _expect(rows["FD02"], FLOOR_RATED)
    _expect(rows["ACT01"], ACTIVITY)


def test_scores_xlsx_carries_the_new_columns_as_numbers(kent_scores):
    data = exports.scores_xlsx_bytes(kent_scores, created=datetime(2017, 6, 1, tzinfo=timezone.utc), title="t")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    assert tuple(header) == COLUMNS
    rows = {r[0]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True) if not r[13]}
    fd02 = rows["FD02"]
    assert (fd02["green_from"], fd02["amber_from"], fd02["numerator"], fd02["denominator"]) == (25, 30, 4805, 17600)
    assert (fd02["outturn"], fd02["outturn_period"], fd02["england"], fd02["neighbours"]) == (27.5, "2017-03", 22.3, 23.1)
    assert (rows["ACT01"]["expected_low"], rows["ACT01"]["expected_high"]) == (6500, 8000)


def test_json_carries_the_new_columns(kent_scores):
    import json

    document = json.loads(scoretable.to_json(kent_scores))
    fd02 = next(r for r in document["indicators"] if r["id"] == "FD02" and not r["cohort"])
    assert (fd02["green_from"], fd02["amber_from"], fd02["outturn"], fd02["basis"]) == (25, 30, 27.5, "rolling12")


# --- the data dictionary -------------------------------------------------------------------------


def test_every_column_has_a_dictionary_entry_and_nothing_else_does():
    assert set(DATA_DICTIONARY) == set(COLUMNS)
    assert [column for column, _ in dictionary_rows()] == list(COLUMNS)


@pytest.mark.parametrize("column", COLUMNS)
def test_each_entry_is_one_plain_sentence(column):
    meaning = DATA_DICTIONARY[column]
    assert meaning.endswith(".") and meaning.count(". ") == 0, meaning
    assert 20 <= len(meaning) <= 240, meaning


def test_dictionary_rows_are_plain_text_pairs():
    assert DICTIONARY_HEADER == ("column", "meaning")
    rows = dictionary_rows()
    assert all(isinstance(c, str) and isinstance(m, str) for c, m in rows)
    assert dict(rows)["green_from"].startswith("The figure at or beyond which the measure is Green")
    assert "empty" in dict(rows)["expected_low"]
