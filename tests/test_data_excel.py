"""Excel workbooks read as Excel shows them; files that are not workbooks refused in one sentence each.

Every workbook here is made with openpyxl, which (like some exports) saves formulas
without their results; the not-quite-workbooks are real bytes of what people send.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from reportgen.data import load_dataset
from reportgen.periods import Period
from data_problems import problems  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
INDICATOR_ROWS = [
    ["id", "name", "kind", "polarity", "unit", "decimals", "target", "floor"],
    ["CP1", "Plans reviewed in timescale", "kpi", "higher", "percent", 1, 0.98, 0.9],
    ["SP1", "Spend on agency staff", "kpi", "lower", "currency", 0, 1200000, None],
    ["CT1", "Contacts received", "kpi", "lower", "number", 0, 5000, None],
]
VALUE_ROWS = [
    ["id", "period", "value"],
    ["CP1", datetime(2017, 4, 30), 0.259],
    ["SP1", datetime(2017, 4, 1), 1234567.5],
    ["CT1", "2017-04", 4321],
]


def workbook(path: Path, indicators=INDICATOR_ROWS, values=VALUE_ROWS, formats: bool = True,
             names=("indicators", "values")) -> Path:
    book = Workbook()
    for name, rows in zip(names, (indicators, values)):
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    del book["Sheet"]
    if formats:
        ind, val = book[names[0]], book[names[1]]
        for cell in ("G2", "H2"):
            ind[cell].number_format = "0%"  # a target typed as 98% in Excel
        ind["G3"].number_format = '"£"#,##0'
        val["B2"].number_format = val["B3"].number_format = "mmm-yy"
        val["C2"].number_format = "0.0%"
        val["C3"].number_format = "£#,##0.00"
        val["C4"].number_format = "#,##0"
    book.save(path)
    return path



def test_numbers_read_as_excel_displays_them(tmp_path):
    data = load_dataset(workbook(tmp_path / "data.xlsx"))
    cp1, sp1, ct1 = data.indicators
    assert (cp1.target, cp1.floor, sp1.target) == (98, 90, 1200000)  # 98% is 98 in points
    values = {o.id: (o.period, o.value) for o in data.observations}
    assert values == {"CP1": (Period(2017, 4), 25.9), "SP1": (Period(2017, 4), 1234567.5), "CT1": (Period(2017, 4), 4321)}


def test_a_percent_cell_is_exact_not_float_noise(tmp_path):
    rows = [VALUE_ROWS[0], ["CP1", "2017-04", 0.571]]  # 0.571 * 100 is 57.099999999999994 in floats
    data = load_dataset(workbook(tmp_path / "data.xlsx", values=rows))
    assert data.observations[0].value == 57.1


def test_a_formula_without_a_saved_result_names_its_cell(tmp_path):
    rows = VALUE_ROWS + [[None]] * 36 + [["CT1", "2017-05", "=C4*2"]]  # row 41
    path = workbook(tmp_path / "data.xlsx", values=rows)
    assert problems(path) == [
        f"{path}[values]!C41: has a formula but no saved result; open the workbook in Excel and save it"]


def test_sheet_rows_are_excels_even_with_blank_rows_above_and_between(tmp_path):
    book = Workbook()
    ind = book.active
    ind.title = "Indicators"
    ind["A1"] = "Children's services indicators"  # a title row, then a blank row, then the header
    for number, row in enumerate(INDICATOR_ROWS[:2], start=3):
        for column, value in enumerate(row, start=1):
            ind.cell(number, column, value)
    ind.cell(4, 7).number_format = ind.cell(4, 8).number_format = "0%"
    values = book.create_sheet("VALUES ")
    values.append(["id", "period", "value"])
    values.append(["CP1", "2017-04", 97])
    values.append([])
    values.append([])
    values.append(["CP1", "2017-05", "n/a"])
    values.append(["CP1", "2017-06", 101])
    book.save(tmp_path / "data.xlsx")
    path = tmp_path / "data.xlsx"
    assert problems(path) == [
        f"{path}[VALUES ]:5: column 'value': 'n/a' is not a number",
        f"{path}[VALUES ]:6: column 'value': 101 is not a percentage between 0 and 100 (percentages are written "
        "in points: 85.3, not 0.853); if this measure can go beyond that, give the indicator its own min and max",
    ]


def test_sheets_are_found_ignoring_case_and_a_missing_one_names_those_there(tmp_path):
    assert len(load_dataset(workbook(tmp_path / "a.xlsx", names=("Indicators", "VALUES"))).observations) == 3
    path = workbook(tmp_path / "b.xlsx", names=("indicators", "Data"))
    assert problems(path) == [
        f"{path}: sheet 'values' is missing; the workbook has sheets 'indicators', 'Data'; it needs sheets "
        "'indicators' and 'values' (or one sheet in the wide layout)"]


# --- files that are not workbooks -------------------------------------------------------------

def cfb(*streams: str) -> bytes:
    """A minimal but well-formed Compound File (OLE2): header, one FAT sector, one directory sector."""
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + bytes(6) + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + b"\xff" * 4 * 108)
    fat = struct.pack("<II", 0xFFFFFFFD, end) + b"\xff" * (512 - 8)

    def entry(name: str, kind: int, child: int = free, right: int = free) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (encoded.ljust(64, b"\0") + struct.pack("<HBBIII", len(encoded), kind, 1, free, right, child)
                + bytes(16 + 4 + 16) + struct.pack("<II", end, 0) + bytes(4))

    entries = [entry("Root Entry", 5, child=1 if streams else free)]
    entries += [entry(name, 2, right=i + 2 if i + 1 < len(streams) else free) for i, name in enumerate(streams)]
    directory = b"".join(entries).ljust(512, b"\0")
    return header + fat + directory


@pytest.mark.parametrize("content, message", [
    (b"", "is empty (0 bytes), not an Excel workbook; save it from Excel as an Excel Workbook (.xlsx) again"),
    ("truncated", "is damaged or incomplete (an .xlsx is a zip archive and this one cannot be read); copy it "
                  "again, or open it in Excel and save it from Excel as an Excel Workbook (.xlsx)"),
    ("id,name\r\nCP1,Plans\r\n".encode(), "is text, not an Excel workbook (a CSV or text file renamed .xlsx); rename "
                                          "it to .csv, or open it in Excel and save it from Excel as an Excel Workbook (.xlsx)"),
    (cfb("\x06DataSpaces", "EncryptionInfo", "EncryptedPackage"),
     "is password-protected; remove the password (File > Info > Protect Workbook) and save again"),
    (cfb("Workbook", "\x05SummaryInformation"), "is an Excel 97-2003 .xls; save it as .xlsx (File > Save As > Excel Workbook)"),
    (b"\x00\x01\x02garbage" * 50, "is not an Excel workbook (neither an .xlsx nor an .xls file); "
                                  "save it from Excel as an Excel Workbook (.xlsx)"),
])
def test_a_file_that_is_not_a_workbook_gets_one_clear_message(tmp_path, content, message):
    path = tmp_path / "data.xlsx"
    if content == "truncated":
        whole = workbook(tmp_path / "whole.xlsx").read_bytes()
        content = whole[: len(whole) // 2]
    path.write_bytes(content)
    assert problems(path) == [f"{path}: {message}"]


def test_cli_exits_2_on_a_formula_without_a_result_for_score_and_check(tmp_path):
    path = workbook(tmp_path / "data.xlsx", values=VALUE_ROWS + [["CT1", "2017-05", "=C4*2"]])
    expected = f"{path}[values]!C5: has a formula but no saved result; open the workbook in Excel and save it"
    score = subprocess.run([sys.executable, "-m", "reportgen.cli", "score", str(path)],
                           capture_output=True, text=True, cwd=ROOT)
    assert (score.returncode, score.stderr.splitlines()[1:]) == (2, [f"  {expected}"])
    meeting = tmp_path / "cardiff"
    shutil.copytree(ROOT / "data" / "cardiff-cyp-2018-03", meeting)
    shutil.copy(path, meeting / "data.xlsx")
    check = subprocess.run([sys.executable, "-m", "reportgen.cli", "check", str(meeting)],
                           capture_output=True, text=True, cwd=ROOT)
    assert check.returncode == 2, check.stderr
    assert "[values]!C5: has a formula but no saved result" in check.stderr
