"""The data contract: what loads, and the exact message for what does not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from reportgen.data import load_dataset, parse_number
from reportgen.periods import Period
from data_problems import problems  # noqa: E402

INDICATORS = (
    "id,name,group,kind,polarity,unit,decimals,frequency,basis,target,floor,expected_low,expected_high,key,extra\n"
    "CP1,% CP plans reviewed in timescales,Child Protection,kpi,higher,percent,,monthly,snapshot,98,90,,,yes,kept\n"
    "AD1,Days from entering care to adoption,Adoption,kpi,lower,days,,monthly,rolling12,426,500,,,no,\n"
    "AC1,Contacts received,Front Door,activity,,number,,monthly,period,,,1000,1500,,\n"
)
VALUES = (
    "id,period,value,cohort,commentary\n"
    "CP1,2017-03,97.5,,\n"
    "CP1,2017-04-30,98%,,On target\n"
    "AD1,2017-04,\"1,234\",,\n"
    "AC1,2017-04,1250,,\n"
    "CP1,2017-04,91,excluding UASC,\n"
)


def write(folder: Path, indicators: str = INDICATORS, values: str = VALUES, encoding="utf-8") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "indicators.csv").write_bytes(indicators.encode(encoding))
    (folder / "values.csv").write_bytes(values.encode(encoding))
    return folder



def test_a_good_folder_loads(tmp_path):
    data = load_dataset(write(tmp_path / "d"))
    cp1, ad1, ac1 = data.indicators
    assert (cp1.decimals, ad1.decimals, cp1.key, ad1.key, ac1.kind) == (1, 0, True, False, "activity")
    assert cp1.target == 98 and cp1.floor == 90 and ac1.expected_high == 1500
    by_key = {(o.id, str(o.period), o.cohort): o for o in data.observations}
    assert by_key[("CP1", "2017-04", "")].value == 98  # "98%" accepted
    assert by_key[("AD1", "2017-04", "")].value == 1234  # "1,234" accepted
    assert by_key[("CP1", "2017-04", "excluding UASC")].value == 91
    assert data.latest_period == Period(2017, 4)


def test_column_names_are_case_and_space_insensitive(tmp_path):
    header, rest = INDICATORS.split("\n", 1)
    shouted = ",".join(f"  {c.upper()} " for c in header.split(","))
    data = load_dataset(write(tmp_path / "d", shouted + "\n" + rest))
    assert data.indicators[0].name == "% CP plans reviewed in timescales"


def test_csv_saved_by_excel_bom_cp1252_and_semicolons(tmp_path):
    indicators = INDICATORS.replace(",", ";").replace("% CP plans", "Café plans").replace(";\"1;234\"", ";1234")
    values = VALUES.replace(",", ";").replace("\"1;234\"", "1234")
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "indicators.csv").write_bytes(indicators.encode("cp1252"))
    (folder / "values.csv").write_bytes(b"\xef\xbb\xbf" + values.encode("utf-8"))
    data = load_dataset(folder)
    assert data.indicators[0].name == "Café plans reviewed in timescales"
    assert len(data.observations) == 5


def test_welsh_text_survives(tmp_path):
    data = load_dataset(write(tmp_path / "d", INDICATORS.replace("Adoption,", "Mabwysiadu ŵ ŷ,")))
    assert data.indicators[1].group == "Mabwysiadu ŵ ŷ"


def test_excel_workbook_loads_the_same_as_csv(tmp_path):
    workbook = Workbook()
    for name, text in (("indicators", INDICATORS), ("Values", VALUES.replace('"1,234"', "1234"))):
        sheet = workbook.create_sheet(name)
        for line in text.strip().split("\n"):
            sheet.append([cell or None for cell in line.split(",")])
    del workbook["Sheet"]
    workbook["Values"]["B2"].value = __import__("datetime").datetime(2017, 3, 31)  # a real Excel date
    workbook.save(tmp_path / "data.xlsx")
    from_excel = load_dataset(tmp_path / "data.xlsx")
    from_csv = load_dataset(write(tmp_path / "d"))
    assert from_excel.indicators == from_csv.indicators
    assert sorted(map(repr, from_excel.observations)) == sorted(map(repr, from_csv.observations))


def test_missing_sheet_is_named(tmp_path):
    workbook = Workbook()
    workbook.active.title = "indicators"
    workbook.active.append(["id", "name"])
    workbook.save(tmp_path / "data.xlsx")
    found = problems(tmp_path / "data.xlsx")
    assert any("sheet 'values' is missing" in p for p in found)


def test_missing_file_is_named(tmp_path):
    folder = write(tmp_path / "d")
    (folder / "values.csv").unlink()
    assert problems(folder) == [f"{folder}/values.csv: file is missing; a data folder needs indicators.csv and values.csv"]


def test_empty_file(tmp_path):
    folder = write(tmp_path / "d", values="")
    assert problems(folder) == [f"{folder}/values.csv: is empty; it needs a header row and at least one row of data"]


def test_every_problem_is_reported_at_once_with_row_and_column(tmp_path):
    indicators = INDICATORS + (
        "CP1,Duplicate,X,kpi,higher,percent,,,,90,80,,,,\n"
        "BAD1,Bad polarity,X,kpi,upwards,percent,,,,90,80,,,,\n"
        "BAD2,Bad unit,X,kpi,higher,pints,,,,90,80,,,,\n"
        "BAD3,Bad kind,X,output,higher,percent,,,,90,80,,,,\n"
        "BAD4,Floor above target,X,kpi,higher,percent,,,,80,90,,,,\n"
        "BAD5,Text target,X,kpi,lower,number,,,,n/a,,,,,\n"
        "BAD6,No polarity,X,kpi,,number,,,,5,,,,,\n"
    )
    values = VALUES + "CP1,2017-13,5,,\nNOPE,2017-04,1,,\nAD1,2017-04,abc,,\nAD1,2017-04,12,,\n"
    folder = write(tmp_path / "d", indicators, values)
    i, v = f"{folder}/indicators.csv", f"{folder}/values.csv"
    assert problems(folder) == [
        f"{i}:5: column 'id': 'CP1' is a duplicate; it is already used on row 2",
        f"{i}:6: column 'polarity': 'upwards' is not allowed; use one of higher, lower",
        f"{i}:7: column 'unit': 'pints' is not allowed; use one of percent, number, days, rate, currency",
        f"{i}:8: column 'kind': 'output' is not allowed; use one of kpi, activity",
        f"{i}:9: column 'floor': the floor 90 is above the target 80; when higher is better the floor must be at or below the target",
        f"{i}:10: column 'target': 'n/a' is not a number",
        f"{i}:11: column 'polarity': is blank; a kpi needs polarity 'higher' or 'lower' (which is better)",
        f"{v}:7: column 'period': '2017-13' has month 13; months run 01 to 12",
        f"{v}:8: column 'id': 'NOPE' is not an id in the indicators table",
        f"{v}:9: column 'value': 'abc' is not a number",
        f"{v}:10: column 'period': AD1 already has a value for 2017-04 on row 4",
    ]


def test_missing_required_column(tmp_path):
    folder = write(tmp_path / "d", values=VALUES.replace("value,", "amount,", 1))
    found = problems(folder)
    assert found[0].startswith(f"{folder}/values.csv:1: column 'value': required column is missing")


def test_quarterly_period_must_end_a_quarter(tmp_path):
    folder = write(tmp_path / "d", INDICATORS.replace("higher,percent,,monthly", "higher,percent,,quarterly"),
                   "id,period,value\nCP1,2017-05,90\n")
    assert "does not end a quarter" in problems(folder)[0]


@pytest.mark.parametrize("text, number", [("85.3", 85.3), ("85%", 85), (" 1,234 ", 1234), ("£1,200.50", 1200.5),
                                           ("-3", -3), ("", None)])
def test_numbers_as_people_type_them(text, number):
    assert parse_number(text) == number


@pytest.mark.parametrize("text", ["n/a", "1,23", "12,3456", "nan", "inf", "--"])
def test_not_numbers(text):
    with pytest.raises(ValueError, match="is not a number"):
        parse_number(text)


def test_cli_reports_bad_data_without_a_traceback(tmp_path):
    folder = write(tmp_path / "d", values=VALUES + "AD1,2017-04,abc,,\n")
    run = subprocess.run([sys.executable, "-m", "reportgen.cli", "score", str(folder)],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert f"{folder}/values.csv:7: column 'value': 'abc' is not a number" in run.stderr


def test_cli_prints_the_table_in_the_documented_order(tmp_path):
    run = subprocess.run([sys.executable, "-m", "reportgen.cli", "score", str(write(tmp_path / "d"))],
                         capture_output=True, text=True, check=True)
    lines = run.stdout.splitlines()
    assert lines[0].startswith("id,name,group,kind,period,value,target,floor,status,previous_value,"
                               "direction,forecast,previous_status,")
    assert lines[1].startswith("CP1,% CP plans reviewed in timescales,Child Protection,kpi,2017-04,98,98,90,Green,97.5,Improved,likely,Amber,")
    assert len(lines) == 1 + 4  # three indicators and one cohort variant


def test_the_data_contracts_example_loads_and_scores_as_it_says(tmp_path):
    import re

    doc = (Path(__file__).resolve().parent.parent / "docs" / "data-contract.md").read_text(encoding="utf-8")
    example = doc[doc.index("## Example"):]
    indicators, values = re.findall(r"```csv\n(.*?)```", example, re.S)
    data = load_dataset(write(tmp_path / "d", indicators, values))
    from reportgen.scoring import score_dataset
    scores = {(s.id, s.cohort): s for s in score_dataset(data, Period(2017, 4)).scores}
    cs05 = scores[("CS05", "")]
    assert (cs05.value, cs05.ytd, cs05.status) == (79.0, 86.2, "Green")  # rated on the year to date
    assert scores[("RF01", "")].value == -12.5  # its own min allows it
    assert data.observations[3].commentary.count("\n") == 1
