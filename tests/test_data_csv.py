"""CSV files read as the csv module reads a file, in every encoding Excel saves; anything else refused clearly.

Every file here is written as bytes, the way Excel (or a mistaken rename) leaves it.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from reportgen.data import load_dataset
from data_problems import problems  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
INDICATORS = (
    "id,name,kind,polarity,unit,target,floor\r\n"
    "CP1,Plans reviewed in timescale,kpi,higher,percent,98,90\r\n"
    "AD1,Days to adoption,kpi,lower,days,426,500\r\n"
)
VALUES = (
    "id,period,value,commentary\r\n"
    'CP1,2017-03,97.5,"Two reviews\r\nwere late"\r\n'  # a quoted cell over two lines: one record
    "CP1,2017-04,98.1,Café staff\r\n"
    "AD1,2017-04,488,\r\n"
)
BINARY = "is not a text file (it looks like binary data); save the sheet as CSV UTF-8"


def folder_with(tmp_path: Path, values: bytes, indicators: bytes = INDICATORS.encode()) -> Path:
    folder = tmp_path / "d"
    folder.mkdir(exist_ok=True)
    (folder / "indicators.csv").write_bytes(indicators)
    (folder / "values.csv").write_bytes(values)
    return folder



def commentary(dataset) -> dict[str, str]:
    return {str(o.period): o.commentary for o in dataset.observations if o.id == "CP1"}


def test_a_quoted_multi_line_commentary_keeps_its_line_break_and_counts_as_one_row(tmp_path):
    folder = folder_with(tmp_path, VALUES.encode())
    data = load_dataset(folder)
    assert commentary(data)["2017-03"] == "Two reviews\nwere late"
    assert [o.row for o in data.observations] == [2, 3, 4]  # records, not physical lines
    broken = folder_with(tmp_path, (VALUES + "AD1,2017-05,abc,\r\n").encode())
    assert problems(broken) == [f"{broken}/values.csv:5: column 'value': 'abc' is not a number"]


def test_words_line_break_inside_a_cell_is_a_line_break_not_a_new_row(tmp_path):
    values = VALUES.replace('"Two reviews\r\nwere late"', "Two reviews\x0bwere late") + "AD1,2017-05,abc,\r\n"
    folder = folder_with(tmp_path, values.encode())
    assert problems(folder) == [f"{folder}/values.csv:5: column 'value': 'abc' is not a number"]
    good = folder_with(tmp_path, values.replace("AD1,2017-05,abc,\r\n", "").encode())
    assert commentary(load_dataset(good))["2017-03"] == "Two reviews\nwere late"


def test_rows_of_empty_cells_are_skipped_and_later_rows_keep_their_numbers(tmp_path):
    values = VALUES.replace("AD1,2017-04,488,\r\n", ",,,\r\n,,,\r\nAD1,2017-04,488,\r\n,,,\r\nAD1,2017-05,x,\r\n")
    folder = folder_with(tmp_path, values.encode())
    assert problems(folder) == [f"{folder}/values.csv:8: column 'value': 'x' is not a number"]
    fixed = folder_with(tmp_path, values.replace("2017-05,x", "2017-05,490").encode())
    assert [o.row for o in load_dataset(fixed).observations] == [2, 3, 6, 8]


@pytest.mark.parametrize("encoding, bom, delimiter", [
    ("utf-8", b"", ","),
    ("utf-8", b"\xef\xbb\xbf", ","),  # "CSV UTF-8 (Comma delimited)"
    ("cp1252", b"", ","),  # "CSV (Comma delimited)" in a UK Excel
    ("cp1252", b"", ";"),  # a European locale
    ("utf-8", b"", "\t"),
    ("utf-16-le", b"\xff\xfe", "\t"),  # "Unicode Text"
    ("utf-16-be", b"\xfe\xff", "\t"),
])
def test_every_encoding_and_delimiter_excel_saves(tmp_path, encoding, bom, delimiter):
    def saved(text: str) -> bytes:
        return bom + text.replace(",", delimiter).encode(encoding)

    data = load_dataset(folder_with(tmp_path, saved(VALUES), saved(INDICATORS)))
    assert commentary(data) == {"2017-03": "Two reviews\nwere late", "2017-04": "Café staff"}
    assert data.warnings == ()


def test_a_utf8_byte_order_mark_before_windows_1252_text_is_read_and_said(tmp_path):
    folder = folder_with(tmp_path, b"\xef\xbb\xbf" + VALUES.encode("cp1252"))
    data = load_dataset(folder)
    assert commentary(data)["2017-04"] == "Café staff"
    assert [str(w) for w in data.warnings] == [
        f"{folder}/values.csv: starts with a UTF-8 byte order mark but the text is Windows-1252; "
        "read as Windows-1252 (to be sure of accents, save the sheet as CSV UTF-8)"]


@pytest.mark.parametrize("raw", [
    b"id\x00,period\x00,value\x00\r\n",  # UTF-16 without its byte order mark, or any file with NULs
    random.Random(7).randbytes(4000),
    bytes(b for b in random.Random(8).randbytes(4000) if b),  # no NULs, still not text
    b"\x89PNG\r\n\x1a\n" + random.Random(9).randbytes(500),
    b"\xff\xfe" + "".join(chr(c) for c in random.Random(5).sample(range(0x4E00, 0x9FFF), 400)).encode("utf-16-le"),
])
def test_binary_data_is_not_a_text_file_never_a_garbled_header(tmp_path, raw):
    folder = folder_with(tmp_path, raw)
    assert problems(folder) == [f"{folder}/values.csv: {BINARY}"]


def test_an_xlsx_renamed_csv_is_named_as_a_workbook(tmp_path):
    workbook = Workbook()
    workbook.active.append(["id", "period", "value"])
    workbook.save(tmp_path / "book.xlsx")
    folder = folder_with(tmp_path, (tmp_path / "book.xlsx").read_bytes())
    assert problems(folder) == [
        f"{folder}/values.csv: is an Excel workbook (.xlsx) saved with a .csv name, not a CSV file; "
        "give the .xlsx itself (named .xlsx), or open it in Excel and save the sheet as CSV UTF-8"]


def test_an_xls_renamed_csv_is_named_as_an_old_workbook(tmp_path):
    folder = folder_with(tmp_path, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert problems(folder) == [
        f"{folder}/values.csv: is an Excel 97-2003 workbook (.xls), not a CSV file; "
        "open it in Excel and save the sheet as CSV UTF-8"]


def test_cli_score_exits_2_on_binary_data(tmp_path):
    folder = folder_with(tmp_path, random.Random(7).randbytes(4000))
    done = subprocess.run([sys.executable, "-m", "reportgen.cli", "score", str(folder)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == ["reportgen score: 1 problem(s) found:", f"  {folder}/values.csv: {BINARY}"]


def test_cli_check_exits_2_on_a_meeting_whose_data_is_binary(tmp_path):
    meeting = tmp_path / "kent"
    shutil.copytree(ROOT / "data" / "kent-scs-2017-06", meeting)
    (meeting / "values.csv").write_bytes(b"\xff\xfei\x00d\x00" + random.Random(3).randbytes(300))
    done = subprocess.run([sys.executable, "-m", "reportgen.cli", "check", str(meeting)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2, done.stderr
    assert f"values.csv: {BINARY}" in done.stderr
    assert "ÿþ" not in done.stderr and "Traceback" not in done.stderr


def test_score_output_csv_goes_through_the_formula_guard(tmp_path):
    values = VALUES.replace("Café staff", "=HYPERLINK(\"http://example.invalid\",\"click\")".replace('"', '""'))
    values = values.replace(",=HYPERLINK", ',"=HYPERLINK').replace('click"")', 'click"")"')
    folder = folder_with(tmp_path, values.encode())
    assert commentary(load_dataset(folder))["2017-04"].startswith("=HYPERLINK(")
    out = tmp_path / "x.csv"
    done = subprocess.run([sys.executable, "-m", "reportgen.cli", "score", str(folder), "-o", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    import csv
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert rows[0]["commentary"] == "'=HYPERLINK(\"http://example.invalid\",\"click\")"


def test_cli_score_prints_the_encoding_warning(tmp_path):
    folder = folder_with(tmp_path, b"\xef\xbb\xbf" + VALUES.encode("cp1252"))
    done = subprocess.run([sys.executable, "-m", "reportgen.cli", "score", str(folder)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[0] == (
        f"warning: {folder}/values.csv: starts with a UTF-8 byte order mark but the text is Windows-1252; "
        "read as Windows-1252 (to be sure of accents, save the sheet as CSV UTF-8)")
