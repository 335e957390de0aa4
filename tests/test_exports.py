"""scores.csv and scores.xlsx: read back as a user's spreadsheet would see them."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from datetime import datetime, timezone

import openpyxl
import pytest

from reportgen import exports
from reportgen.model import Indicator, Point, Score, ScoreSet, Summary
from reportgen.periods import Period
from reportgen.scoretable import COLUMNS

WHEN = datetime(2017, 6, 1, tzinfo=timezone.utc)
APRIL, MARCH, FEBRUARY = Period(2017, 4), Period(2017, 3), Period(2017, 2)
LEADING = "id,name,group,kind,period,value,target,floor,status,previous_value,direction,forecast,previous_status"


def _score(indicator: Indicator, value, status, *, cohort="", commentary="", previous=None, history=()) -> Score:
    return Score(
        indicator=indicator, cohort=cohort, period=APRIL, value=value,
        target=indicator.target, floor=indicator.floor, status=status, rule="floor",
        comparator_period=MARCH if previous is not None else None, previous_value=previous,
        direction="Improved" if previous is not None else "", forecast="likely",
        forecast_given=False, previous_period=MARCH, previous_status="Amber", commentary=commentary,
        history=tuple(history),
    )


@pytest.fixture(scope="module")
def scores() -> ScoreSet:
    visits = Indicator("SCS01", "Ymweliadau â thŷ a dŵr", group="Early help", polarity="higher",
                       unit="percent", decimals=1, target=85.0, floor=80.0, key=True)
    placements = Indicator("SCS02", "=HYPERLINK(\"http://evil.example\",\"click\")", group="-Placements",
                           polarity="lower", target=10.0, floor=12.0)
    referrals = Indicator("SCS03", "Referrals", group="@Front door", kind="activity")
    rows = (
        _score(visits, 86.25, "Green", previous=84.0, commentary="+3 points since March",
               history=[Point(FEBRUARY, 84.0, 85.0, 80.0), Point(MARCH, None, 85.0, 80.0),
                        Point(APRIL, 86.25, 87.5, 80.0)]),
        _score(visits, 79.5, "Red", cohort="excluding UASC", commentary="\tleading tab",
               history=[Point(MARCH, 78.0, 85.0, 80.0), Point(APRIL, 79.5, 85.0, 80.0)]),
        _score(placements, 11.0, "Amber", commentary="cmd|' /C calc'!A0",
               history=[Point(APRIL, 11.0, 10.0, None)]),
        _score(referrals, None, "No data"),
    )
    summary = Summary(APRIL, {"Green": 1, "Amber": 1, "Red": 0, "No data": 1}, {"Improved": 1},
                      {}, rated=2, no_data=1, kpis=2, activities=1)
    return ScoreSet(APRIL, rows, summary)


# --- CSV --------------------------------------------------------------------------


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_one_header_row_and_a_row_per_score(scores):
    data = exports.scores_csv_bytes(scores)
    assert data.startswith(b"\xef\xbb\xbf" + LEADING.encode() + b",cohort,")
    rows = _csv_rows(data)
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 1 + 4
    first = dict(zip(rows[0], rows[1]))
    assert first["name"] == "Ymweliadau â thŷ a dŵr"
    assert (first["value"], first["target"], first["floor"], first["status"]) == ("86.25", "85", "80", "Green")
    assert (first["previous_value"], first["direction"], first["cohort"]) == ("84", "Improved", "")
    cohort = dict(zip(rows[0], rows[2]))
    assert (cohort["id"], cohort["cohort"], cohort["status"]) == ("SCS01", "excluding UASC", "Red")
    missing = dict(zip(rows[0], rows[4]))
    assert (missing["value"], missing["status"], missing["period_label"]) == ("", "No data", "Apr 2017")


def test_csv_guards_text_that_a_spreadsheet_would_run(scores):
    rows = [dict(zip(COLUMNS, row)) for row in _csv_rows(exports.scores_csv_bytes(scores))[1:]]
    assert rows[0]["commentary"] == "'+3 points since March"
    assert rows[1]["commentary"] == "'\tleading tab"
    assert rows[2]["name"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert rows[2]["group"] == "'-Placements"
    assert rows[3]["group"] == "'@Front door"
    assert rows[2]["commentary"] == "cmd|' /C calc'!A0"  # not at the start: harmless
    assert rows[0]["name"] == "Ymweliadau â thŷ a dŵr"


def test_csv_write_is_crlf_and_atomic(scores, tmp_path):
    exports.write_scores_csv(scores, tmp_path / "scores.csv")
    data = (tmp_path / "scores.csv").read_bytes()
    assert data == exports.scores_csv_bytes(scores)
    assert data.count(b"\r\n") == 5
    assert [p.name for p in tmp_path.iterdir()] == ["scores.csv"]


# --- XLSX -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def xlsx(scores) -> bytes:
    return exports.scores_xlsx_bytes(scores, created=WHEN, title="Scores for April 2017")


def test_xlsx_scores_sheet_is_one_plain_table(xlsx, scores):
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert workbook.sheetnames == ["Scores", "history", "dictionary"]
    sheet = workbook["Scores"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(COLUMNS)
    assert len(rows) == 1 + len(scores.scores)
    assert sheet.merged_cells.ranges == set()
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert not any(cell.font.b for cell in sheet[2])
    first = dict(zip(COLUMNS, rows[1]))
    assert (first["value"], first["target"], first["status"]) == (86.25, 85, "Green")
    assert first["name"] == "Ymweliadau â thŷ a dŵr"
    assert dict(zip(COLUMNS, rows[4]))["value"] is None
    assert workbook.properties.title == "Scores for April 2017"
    assert list(sheet.tables) == ["Scores"]


def test_xlsx_writes_formula_like_text_as_text(xlsx):
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["Scores"]
    name = sheet.cell(row=4, column=COLUMNS.index("name") + 1)
    assert name.value == "=HYPERLINK(\"http://evil.example\",\"click\")"
    assert name.data_type == "s"
    assert name.quotePrefix
    group = sheet.cell(row=5, column=COLUMNS.index("group") + 1)
    assert (group.value, group.data_type) == ("@Front door", "s")
    sheet_xml = zipfile.ZipFile(io.BytesIO(xlsx)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml  # no formula anywhere


def test_xlsx_is_reproducible(scores, xlsx, monkeypatch):
    monkeypatch.setattr(time, "time", lambda: 1_800_000_000)  # another day's zip member times
    again = exports.scores_xlsx_bytes(scores, created=WHEN, title="Scores for April 2017")
    assert again == xlsx
    archive = zipfile.ZipFile(io.BytesIO(xlsx))
    assert {m.date_time for m in archive.infolist()} == {(2017, 6, 1, 0, 0, 0)}
    core = archive.read("docProps/core.xml").decode()
    assert core.count("2017-06-01T00:00:00Z") == 2  # created and modified
    properties = openpyxl.load_workbook(io.BytesIO(xlsx)).properties
    assert properties.created == properties.modified == datetime(2017, 6, 1)


def test_xlsx_drops_characters_a_sheet_cannot_hold(scores, tmp_path):
    bell = Indicator("SCS09", "Bell\x07 in the name")
    odd = ScoreSet(APRIL, (_score(bell, 1.0, "Green"),), scores.summary)
    exports.write_scores_xlsx(odd, tmp_path / "scores.xlsx", created=WHEN, title="t")
    sheet = openpyxl.load_workbook(tmp_path / "scores.xlsx")["Scores"]
    assert sheet.cell(row=2, column=COLUMNS.index("name") + 1).value == "Bell in the name"


def test_xlsx_with_no_scores_has_just_the_header(scores):
    empty = ScoreSet(APRIL, (), scores.summary)
    data = exports.scores_xlsx_bytes(empty, created=WHEN, title="t")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Scores"]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [list(COLUMNS)]


# --- the history sheet ------------------------------------------------------------


HISTORY_HEADER = ["id", "cohort", "period", "period_label", "value", "target", "floor"]


def test_history_sheet_has_a_typed_row_per_indicator_cohort_and_period(xlsx):
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx))["history"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows == [
        HISTORY_HEADER,
        ["SCS01", None, "2017-02", "Feb 2017", 84, 85, 80],
        ["SCS01", None, "2017-03", "Mar 2017", None, 85, 80],  # a gap in the data is an empty cell
        ["SCS01", None, "2017-04", "Apr 2017", 86.25, 87.5, 80],  # the target that period, not today's
        ["SCS01", "excluding UASC", "2017-03", "Mar 2017", 78, 85, 80],
        ["SCS01", "excluding UASC", "2017-04", "Apr 2017", 79.5, 85, 80],
        ["SCS02", None, "2017-04", "Apr 2017", 11, 10, None],
    ]  # SCS03 has no history, so no rows
    assert sheet.cell(row=4, column=5).data_type == "n" and sheet.cell(row=2, column=3).data_type == "s"
    assert sheet.freeze_panes == "A2" and all(cell.font.b for cell in sheet[1])
    assert list(sheet.tables) == ["History"] and sheet.tables["History"].ref == "A1:G7"
    assert sheet.merged_cells.ranges == set()


def test_history_sheet_periods_follow_the_indicators_frequency():
    quarterly = Indicator("Q1", "Quarterly measure", frequency="quarterly", target=5.0)
    score = _score(quarterly, 6.0, "Green", history=[Point(Period(2016, 12), 4.0, 5.0), Point(MARCH, 6.0, 5.0)])
    summary = Summary(MARCH, {}, {}, {}, rated=1, no_data=0, kpis=1, activities=0)
    data = exports.scores_xlsx_bytes(ScoreSet(MARCH, (score,), summary), created=WHEN, title="t")
    rows = list(openpyxl.load_workbook(io.BytesIO(data))["history"].iter_rows(min_row=2, values_only=True))
    assert [(r[2], r[3]) for r in rows] == [("2016-12", "Q3 2016/17"), ("2017-03", "Q4 2016/17")]


def test_history_sheet_writes_formula_like_text_as_text(scores):
    odd = Indicator("=1+1", "Odd id")
    score = _score(odd, 1.0, "Green", cohort="@cohort", history=[Point(APRIL, 1.0)])
    data = exports.scores_xlsx_bytes(ScoreSet(APRIL, (score,), scores.summary), created=WHEN, title="t")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["history"]
    for column in (1, 2):
        cell = sheet.cell(row=2, column=column)
        assert cell.data_type == "s" and cell.quotePrefix, cell.value
    assert (sheet.cell(row=2, column=1).value, sheet.cell(row=2, column=2).value) == ("=1+1", "@cohort")
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet2.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


def test_history_sheet_with_no_history_has_just_the_header(scores):
    empty = ScoreSet(APRIL, (), scores.summary)
    data = exports.scores_xlsx_bytes(empty, created=WHEN, title="t")
    sheet = openpyxl.load_workbook(io.BytesIO(data))["history"]
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [HISTORY_HEADER]
    assert not sheet.tables  # Excel rejects a table with no data rows


def test_the_dictionary_sheet_says_what_every_scores_column_means(xlsx):
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    rows = list(workbook["dictionary"].iter_rows(values_only=True))
    assert rows[0] == ("column", "meaning")
    assert [r[0] for r in rows[1:]] == list(COLUMNS)  # every column, in the Scores sheet's order
    assert all(isinstance(r[1], str) and r[1].endswith(".") and len(r[1]) > 20 for r in rows[1:])
    meaning = dict(rows[1:])
    assert meaning["green_from"].startswith("The figure at or beyond which the measure is Green")


# --- a large workbook is streamed: the same workbook -------------------------------


def _workbook_facts(data: bytes) -> dict:
    """Everything a user sees of a workbook: each sheet's cells (value, type, quote prefix, bold),
    its tables, frozen row and column widths, and the workbook's title and author."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    facts = {"properties": (book.properties.title, book.properties.creator)}
    for sheet in book.worksheets:
        facts[sheet.title] = {
            "cells": [[(c.value, c.data_type, c.quotePrefix, bool(c.font.b)) for c in row] for row in sheet.iter_rows()],
            "tables": {t.displayName: (t.ref, t.tableStyleInfo.name, [c.name for c in t.tableColumns])
                       for t in sheet.tables.values()},
            "frozen": sheet.freeze_panes,
        }
    archive = zipfile.ZipFile(io.BytesIO(data))
    for number, sheet in enumerate(book.worksheets, start=1):
        facts[sheet.title]["widths"] = _widths(archive.read(f"xl/worksheets/sheet{number}.xml"))
    return facts


def _widths(sheet_xml: bytes) -> list[int]:
    """Each column's width in whole characters, from the sheet's <col min max width> ranges."""
    from lxml import etree

    widths = []
    for col in etree.fromstring(sheet_xml).iter("{*}col"):
        widths += [int(float(col.get("width")))] * (int(col.get("max")) - int(col.get("min")) + 1)
    return widths


def test_a_workbook_too_big_for_memory_is_streamed_and_is_the_same_workbook(scores, xlsx, monkeypatch):
    monkeypatch.setattr(exports, "STREAM_FROM", 0)  # stream even these few cells
    streamed = exports.scores_xlsx_bytes(scores, created=WHEN, title="Scores for April 2017")
    assert streamed != xlsx  # written by the other library
    assert _workbook_facts(streamed) == _workbook_facts(xlsx)
    assert exports.scores_xlsx_bytes(scores, created=WHEN, title="Scores for April 2017") == streamed
    sheet_xml = zipfile.ZipFile(io.BytesIO(streamed)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml  # no formula anywhere
