"""Numbers that cannot be right are refused as errors (exit 2), never warned about and rated."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from reportgen.data import load_dataset
from data_problems import problems  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HEADER = "id,name,kind,polarity,unit,decimals,target,floor,min,max\r\n"
PERCENT = "CP1,Plans reviewed,kpi,higher,percent,1,98,90,,\r\n"
OUT_OF_RANGE = ("is not a percentage between 0 and 100 (percentages are written in points: 85.3, not 0.853); "
                "if this measure can go beyond that, give the indicator its own min and max")


def folder(tmp_path: Path, indicators: str, values: str) -> Path:
    where = tmp_path / "d"
    where.mkdir(exist_ok=True)
    (where / "indicators.csv").write_bytes((HEADER + indicators).encode())
    (where / "values.csv").write_bytes(("id,period,value,numerator,denominator,ytd\r\n" + values).encode())
    return where



def test_a_percentage_outside_0_to_100_is_an_error(tmp_path):
    where = folder(tmp_path, PERCENT, "CP1,2017-04,101,,,\r\nCP1,2017-05,-0.5,,,\r\nCP1,2017-06,50,,,140\r\n")
    v = f"{where}/values.csv"
    assert problems(where) == [
        f"{v}:2: column 'value': 101 {OUT_OF_RANGE}",
        f"{v}:3: column 'value': -0.5 {OUT_OF_RANGE}",
        f"{v}:4: column 'ytd': 140 {OUT_OF_RANGE}",
    ]


def test_a_target_outside_0_to_100_is_an_error_too(tmp_path):
    where = folder(tmp_path, "CP1,Plans reviewed,kpi,higher,percent,1,101,90,,\r\n", "CP1,2017-04,99,,,\r\n")
    assert problems(where) == [f"{where}/indicators.csv:2: column 'target': 101 {OUT_OF_RANGE}"]


def test_an_indicator_may_declare_its_own_range(tmp_path):
    change = "PC1,Change in referrals,kpi,lower,percent,1,0,,-100,400\r\n"
    where = folder(tmp_path, change, "PC1,2017-04,-12.5,,,\r\nPC1,2017-05,130,,,\r\n")
    assert [o.value for o in load_dataset(where).observations] == [-12.5, 130]
    where = folder(tmp_path, change, "PC1,2017-04,-120,,,\r\nPC1,2017-05,401,,,\r\n")
    v = f"{where}/values.csv"
    assert problems(where) == [
        f"{v}:2: column 'value': -120 is below the indicator's min -100",
        f"{v}:3: column 'value': 401 is above the indicator's max 400",
    ]


def test_min_above_max_is_an_error(tmp_path):
    where = folder(tmp_path, "PC1,Change,kpi,lower,number,0,0,,10,5\r\n", "PC1,2017-04,7,,,\r\n")
    assert problems(where) == [f"{where}/indicators.csv:2: column 'max': 5 is below min 10"]


def test_negative_days_and_rates_are_errors(tmp_path):
    indicators = "AD1,Days to adoption,kpi,lower,days,0,426,500,,\r\nRT1,Re-referral rate,kpi,lower,rate,1,20,,,\r\n"
    where = folder(tmp_path, indicators, "AD1,2017-04,-3,,,\r\nRT1,2017-04,-0.1,,,\r\n")
    v = f"{where}/values.csv"
    assert problems(where) == [
        f"{v}:2: column 'value': -3 is negative; a number of days cannot be below 0 "
        "(give the indicator its own min if this measure can be)",
        f"{v}:3: column 'value': -0.1 is negative; a rate cannot be below 0 "
        "(give the indicator its own min if this measure can be)",
    ]


@pytest.mark.parametrize("text", ["1e308", "1e12", "-2e15", "1000000000000"])
def test_a_figure_too_large_for_a_paper_is_an_error(tmp_path, text):
    where = folder(tmp_path, "CT1,Contacts,kpi,lower,number,0,5000,,,\r\n", f"CT1,2017-04,{text},,,\r\n")
    assert problems(where) == [
        f"{where}/values.csv:2: column 'value': '{text}' is too large to be a figure in a paper "
        "(a million million or more); check the cell for a typing or unit error"]


def test_a_figure_too_large_in_a_workbook_cell_is_an_error(tmp_path):
    book = Workbook()
    book.active.title = "indicators"
    book.active.append(["id", "name", "polarity", "target"])
    book.active.append(["CT1", "Contacts", "lower", 5000])
    values = book.create_sheet("values")
    values.append(["id", "period", "value"])
    values.append(["CT1", "2017-04", 1e308])
    book.save(tmp_path / "data.xlsx")
    assert problems(tmp_path / "data.xlsx") == [
        f"{tmp_path}/data.xlsx[values]:2: column 'value': '1e+308' is too large to be a figure in a paper "
        "(a million million or more); check the cell for a typing or unit error"]


def test_numerator_above_denominator_is_an_error_naming_both(tmp_path):
    where = folder(tmp_path, PERCENT, "CP1,2017-04,95,120,100,\r\n")
    assert problems(where) == [
        f"{where}/values.csv:2: column 'numerator': the numerator 120 is more than the denominator 100; "
        "a percentage counts part of its denominator"]


def test_a_value_disagreeing_with_its_numerator_and_denominator_is_an_error(tmp_path):
    # 1832 / 2642 = 69.341...%: 69.3 and 69.34 agree at their decimals; 69.4 and 69 do not.
    values = "CP1,2017-01,69.3,1832,2642,\r\nCP1,2017-02,69.34,1832,2642,\r\nCP1,2017-03,69.4,1832,2642,\r\n" \
             "CP1,2017-04,68,1832,2642,\r\nCP1,2017-05,69,1832,2642,\r\n"
    where = folder(tmp_path, PERCENT, values)
    v = f"{where}/values.csv"
    assert problems(where) == [
        f"{v}:4: column 'value': 69.4 disagrees with numerator 1832 / denominator 2642 = 69.341%, "
        "which is 69.3 to 1 decimal place(s)",
        f"{v}:5: column 'value': 68 disagrees with numerator 1832 / denominator 2642 = 69.34%, "
        "which is 69 to 0 decimal place(s)",
    ]


def test_a_zero_or_negative_count_is_an_error(tmp_path):
    where = folder(tmp_path, PERCENT, "CP1,2017-04,50,5,0,\r\nCP1,2017-05,50,-5,10,\r\n")
    v = f"{where}/values.csv"
    assert problems(where) == [
        f"{v}:2: column 'denominator': is 0 but the numerator is 5; a percentage needs a denominator above 0",
        f"{v}:3: column 'numerator': -5 is negative; a count cannot be below 0",
    ]


def test_cli_no_longer_rates_101_percent_green(tmp_path):
    where = folder(tmp_path, PERCENT, "CP1,2017-04,101,,,\r\n")
    done = subprocess.run([sys.executable, "-m", "reportgen.cli", "score", str(where)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[1] == f"  {where}/values.csv:2: column 'value': 101 {OUT_OF_RANGE}"
