#!/usr/bin/env python3
"""The corpus of broken meeting folders: every way a meeting can be wrong that reportgen must refuse.

    .venv/bin/python tests/corpus/make_corpus.py        (rewrites tests/corpus/cases/)

Each case starts from one small valid meeting (BASE, below), breaks one thing as a
council officer might (or as a hostile file would), and says what `reportgen`
must answer: the exit code and the exact lines of its message. tests/test_corpus.py
runs every case through the real command and checks both, and checks that the
folders in cases/ are what this script writes, so the two cannot drift apart.
"""

from __future__ import annotations

import os
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CASES_DIR = HERE / "cases"

BASE_MEETING = """\
# The corpus's valid starting point: a small meeting every case breaks in one way.
council: Anytown Borough Council
committee: Overview and Scrutiny Committee
meeting_date: 2017-06-22
title: Performance Scorecard
period: 2017-04
template: kent-cabinet-committee
from:
  - name: A. Member
    title: Cabinet Member for Performance
summary: The scorecard shows progress against targets.
sections:
  - heading: Summary of Performance
    content: [rag_counts, data_unavailable]
  - heading: Recommendations
    content: [recommendations]
  - heading: Contact details
    content: [contacts]
    numbered: false
recommendations:
  - verb: NOTE
    text: the performance scorecard
contacts:
  - role: Lead Officer
    name: B. Officer
    title: Performance Manager
appendices:
  - letter: A
    title: Performance Scorecard
    source: scorecard
scoring:
  data: .
"""

BASE_INDICATORS = """\
id,name,group,kind,polarity,unit,decimals,frequency,target,floor,expected_low,expected_high
P01,% of calls answered,Customer,kpi,higher,percent,1,monthly,90,80,,
P02,Days to process a claim,Customer,kpi,lower,days,1,monthly,10,14,,
P03,% of invoices paid on time,Finance,kpi,higher,percent,1,monthly,95,90,,
P04,Number of library visits,Libraries,activity,,number,0,monthly,,,4500,5500
"""

_MONTHS = [f"2016-{m:02d}" for m in range(5, 13)] + [f"2017-{m:02d}" for m in range(1, 5)]


def _values() -> str:
    lines = ["id,period,value,commentary"]
    for i, period in enumerate(_MONTHS):
        lines += [f"P01,{period},{88 + i * 0.3:.1f},", f"P02,{period},{12 - i * 0.1:.1f},",
                  f"P03,{period},{89 - i * 0.2:.1f},", f"P04,{period},{5000 + i * 10},"]
    lines[-2] = lines[-2] + "Two staff vacancies slowed payments; recruitment is under way."  # P03 is Red
    return "\n".join(lines) + "\n"


BASE_VALUES = _values()


@dataclass(frozen=True)
class Case:
    name: str
    area: str  # meeting, csv, excel, boilerplate, template, gate, output
    what: str
    change: Callable[[Path], None]
    exit_code: int
    expected: tuple[str, ...]  # lines the message must start with ({case}: the folder, {parent}: its parent)
    command: tuple[str, ...] = ("check",)
    extra: dict = field(default_factory=dict)


# --- ways of breaking the base meeting --------------------------------------------------------


def edit(name: str, replace: str, by: str) -> Callable[[Path], None]:
    """Replace the first ``replace`` in the case's file ``name`` by ``by``."""
    def change(folder: Path) -> None:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert replace in text, replace
        path.write_text(text.replace(replace, by, 1), encoding="utf-8")
    return change


def meeting_text(replace: str, by: str) -> Callable[[Path], None]:
    return edit("meeting.yaml", replace, by)


def values_text(replace: str, by: str) -> Callable[[Path], None]:
    return edit("values.csv", replace, by)


def indicators_text(replace: str, by: str) -> Callable[[Path], None]:
    return edit("indicators.csv", replace, by)


def append_meeting(text: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        with (folder / "meeting.yaml").open("a", encoding="utf-8") as handle:
            handle.write(text)
    return change


def write(name: str, data: bytes | str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return change


def remove(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).unlink()


def both(*changes: Callable[[Path], None]) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        for one in changes:
            one(folder)
    return change


def paragraph(name: str, text: str, heading: str = "Introduction") -> Callable[[Path], None]:
    """A boilerplate file of the meeting's own, used in a new first section."""
    return both(write(f"boilerplate/{name}.md", text),
                meeting_text("sections:\n", f"sections:\n  - heading: {heading}\n    content: [{name}]\n"))


def _zip(members: dict[str, str]) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(zipfile.ZipInfo(name, (2017, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


M = "{case}/meeting.yaml"
NOT_NAME = ("is not a paragraph name; a name is a file in the boilerplate folders (e.g. rag-floor for "
            "rag-floor.md), without folders, '..' or a leading dot")
OUTSIDE = "is outside the folders it may come from ({case}); copy the file into the meeting folder and name it from there"

CASES: list[Case] = [
    # --- the meeting file ---
    Case("meeting-missing", "meeting", "no meeting.yaml", remove("meeting.yaml"), 2,
         (f"{M}: no meeting file here; each meeting folder needs a meeting.yaml",)),
    Case("meeting-not-yaml", "meeting", "a tab-indented, unclosed mapping",
         write("meeting.yaml", "council: [Anytown\ncommittee: x\n"), 2,
         (f"{M}:2: not valid YAML: expected ',' or ']', but got ':'",)),
    Case("meeting-empty", "meeting", "an empty file", write("meeting.yaml", ""), 2,
         (f"{M}: should hold keys such as committee: and meeting_date:, but it is empty or a single value",)),
    Case("meeting-a-list", "meeting", "a list, not keys", write("meeting.yaml", "- council\n- committee\n"), 2,
         (f"{M}: should hold keys such as committee: and meeting_date:, but it is empty or a single value",)),
    Case("meeting-not-utf8", "meeting", "saved as UTF-16 by Notepad",
         lambda f: (f / "meeting.yaml").write_bytes("council: Anytown\n".encode("utf-16")), 2,
         (f"{M}: is not UTF-8 text; save it as UTF-8",)),
    Case("meeting-duplicate-period", "meeting", "period: given twice, the second one stale",
         append_meeting("period: 2017-03\n"), 2,
         (f"{M}:33: key 'period' is given twice, on lines 6 and 33; keep one (YAML would silently use the last)",)),
    Case("meeting-duplicate-nested", "meeting", "a key twice inside scoring:",
         meeting_text("scoring:\n  data: .\n", "scoring:\n  data: .\n  data: ./old\n"), 2,
         (f"{M}:33: key 'data' is given twice, on lines 32 and 33; keep one (YAML would silently use the last)",)),
    Case("meeting-missing-keys", "meeting", "no council, no committee",
         both(meeting_text("council: Anytown Borough Council\n", ""),
              meeting_text("committee: Overview and Scrutiny Committee\n", "")), 2,
         (f"{M}: council: required key is missing", f"{M}: committee: required key is missing")),
    Case("meeting-bad-date", "meeting", "a date that does not exist",
         meeting_text("meeting_date: 2017-06-22", "meeting_date: 2017-02-30"), 2,
         (f"{M}: meeting_date: expected a date, YYYY-MM-DD, got '2017-02-30'",)),
    Case("meeting-date-2999", "meeting", "a typo in the year",
         meeting_text("meeting_date: 2017-06-22", "meeting_date: 2999-06-22"), 2,
         (f"{M}: meeting_date: 2999-06-22 is not a plausible date for a meeting; expected a year from 1990 to 2100",)),
    Case("meeting-period-words", "meeting", "the period in words",
         meeting_text("period: 2017-04", "period: April 2017"), 2,
         (f"{M}: period: 'April 2017' is not a period; write it as YYYY-MM, e.g. 2017-04",)),
    Case("meeting-period-month-13", "meeting", "month 13",
         meeting_text("period: 2017-04", "period: 2017-13"), 2,
         (f"{M}: period: '2017-13' has month 13; months run 01 to 12",)),
    Case("meeting-control-character", "meeting", "Word's line break pasted into the title",
         meeting_text("title: Performance Scorecard", 'title: "Performance\\vScorecard"'), 2,
         (f"{M}: title: contains the control character U+000B, Word's manual line break, at character 12; delete it "
          "(it cannot be printed or saved in a document)",)),
    Case("meeting-exempt-without-paragraph", "meeting", "Exempt with no Schedule 12A paragraph",
         append_meeting("classification: Exempt\n"), 2,
         (f"{M}: an Exempt report needs exempt_paragraph: the paragraph (1-7) of Schedule 12A to the Local "
          "Government Act 1972",)),
    Case("meeting-exempt-paragraph-9", "meeting", "a Schedule 12A paragraph that does not exist",
         append_meeting("classification: Exempt\nexempt_paragraph: 9\n"), 2,
         (f"{M}: exempt_paragraph: 9 is out of range; expected a paragraph number from 1 to 7",)),
    Case("meeting-no-recommendations", "meeting", "an empty list of recommendations",
         meeting_text("recommendations:\n  - verb: NOTE\n    text: the performance scorecard\n", "recommendations: []\n"),
         2, (f"{M}: recommendations: expected at least 1 item(s), got none",)),
    Case("meeting-unknown-template", "meeting", "a house style that does not exist",
         meeting_text("template: kent-cabinet-committee", "template: anytown-style"), 2,
         (f"{M}: template: 'anytown-style' is not a template; expected one of ",)),
    Case("meeting-template-missing", "meeting", "a .docx that is not there",
         meeting_text("template: kent-cabinet-committee",
                      "template: mine.docx\nhouse_style: kent-cabinet-committee"), 2,
         (f"{M}: template: 'mine.docx' does not exist (looked for {{case}}/mine.docx)",)),
    Case("meeting-template-outside", "meeting", "a template from another folder",
         meeting_text("template: kent-cabinet-committee",
                      "template: ../elsewhere/mine.docx\nhouse_style: kent-cabinet-committee"), 2,
         (f"{M}: template: '../elsewhere/mine.docx' is outside the folders it may come from ({{case}}, ",)),
    Case("meeting-data-missing", "meeting", "data in a folder that is not there",
         meeting_text("  data: .", "  data: figures"), 2,
         (f"{M}: scoring.data: 'figures' does not exist (looked for {{case}}/figures)",)),
    Case("meeting-data-outside", "meeting", "data read from another folder",
         meeting_text("  data: .", "  data: /etc"), 2, (f"{M}: scoring.data: '/etc' {OUTSIDE}",)),
    Case("meeting-appendix-missing", "meeting", "an appendix file that is not there",
         meeting_text("    source: scorecard\n", "    source: scorecard\n  - letter: B\n    title: Business plans\n"
                                                 "    source: plans.pdf\n"), 2,
         (f"{M}: appendices[1].source: 'plans.pdf' does not exist",)),
    Case("meeting-appendix-outside", "meeting", "an appendix from outside the meeting",
         meeting_text("    source: scorecard\n", "    source: scorecard\n  - letter: B\n    title: x\n"
                                                 "    source: ../../../../etc/hostname\n"), 2,
         (f"{M}: appendices[1].source: '../../../../etc/hostname' {OUTSIDE}",)),
    Case("meeting-paragraph-path", "meeting", "a paragraph name that climbs out",
         meeting_text("content: [rag_counts, data_unavailable]", "content: [rag_counts, ../../README]"), 2,
         (f"{M}: sections[0].content: '../../README' {NOT_NAME}",)),
    Case("meeting-override-path", "meeting", "an override named like a path",
         append_meeting("overrides:\n  ../secret: text\n"), 2, (f"{M}: overrides: '../secret' {NOT_NAME}",)),
    Case("meeting-boilerplate-path", "meeting", "a boilerplate folder that climbs out",
         append_meeting("boilerplate: ../../etc\n"), 2,
         (f"{M}: boilerplate: '../../etc' is not a boilerplate folder name; give the name of a folder in "
          "boilerplate/, without '/' or '..'",)),
    Case("meeting-unknown-paragraph", "meeting", "a section naming a paragraph that does not exist",
         meeting_text("content: [rag_counts, data_unavailable]", "content: [rag_counts, no-such-paragraph]"), 2,
         (f"{M}: sections[0].content[1]: 'no-such-paragraph' is neither a generated item (",)),
    Case("meeting-bad-rule", "meeting", "a RAG rule that is not one",
         meeting_text("  data: .", "  data: .\n  rule: amber=ten"), 2,
         (f"{M}: scoring.rule: 'ten' is not a band; write a percentage of the target (e.g. 5%) or an amount in "
          "the indicator's unit (e.g. 2)",)),
    Case("meeting-unknown-key-area", "meeting", "a trend chart for an indicator not in the data",
         meeting_text("  data: .", "  data: .\n  key_areas: [P01, P99]"), 2,
         (f"{M}: scoring.key_areas[1]: 'P99' is not an indicator in the data",)),
    Case("meeting-unknown-allow", "meeting", "relaxing a check that does not exist",
         append_meeting("allow: [everything]\n"), 2,
         (f"{M}: allow[0]: expected one of red-without-commentary, got 'everything'",)),
    Case("meeting-unknown-key", "meeting", "a misspelt key (a warning: check exits 1)",
         append_meeting("comittee_chair: C. Chair\n"), 1, ("warning: " + M + ": comittee_chair: unknown key, ignored",)),
    # --- boilerplate ---
    Case("paragraph-undefined-field", "boilerplate", "a misspelt field",
         paragraph("intro", "The {{ comittee }} receives the scorecard."), 2,
         ("{case}/boilerplate/intro.md:1: field 'comittee' is not defined; fields available: ",)),
    Case("paragraph-syntax-error", "boilerplate", "an unclosed tag",
         paragraph("intro", "Line one.\n\nThe {{ committee receives it."), 2,
         ("{case}/boilerplate/intro.md:3: expected token 'end of print statement', got 'receives'",)),
    Case("paragraph-huge-power", "boilerplate", "{{ 2**100000000 }}", paragraph("intro", "{{ 2**100000000 }}"), 2,
         ("{case}/boilerplate/intro.md:1: not allowed in a paragraph: 2 ** 100000000 is too large a number",)),
    Case("paragraph-nested-loop", "boilerplate", "a loop of 99,999 x 99,999",
         paragraph("intro", "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}"), 2,
         ("{case}/boilerplate/intro.md: not allowed in a paragraph: the text would be over 1,000,000 characters long",)),
    Case("paragraph-macro", "boilerplate", "a macro", paragraph("intro", "{% macro m() %}x{% endmacro %}{{ m() }}"),
         2, ("{case}/boilerplate/intro.md: not allowed in a paragraph: 'macro' is not allowed here (line 1)",)),
    Case("paragraph-internals", "boilerplate", "reaching Python internals",
         paragraph("intro", "{{ committee.__class__ }}"), 2,
         ("{case}/boilerplate/intro.md:1: not allowed in a paragraph: access to attribute '__class__' of 'str' "
          "object is unsafe.",)),
    Case("paragraph-heading", "boilerplate", "a Markdown heading", paragraph("intro", "# Introduction\n\nText."), 2,
         ("{case}/boilerplate/intro.md:1: a line starting with '#' would print the '#'; paragraph files have no "
          "headings (the house style's sections give them): remove the '#' or make it a section",)),
    Case("paragraph-numbered-list", "boilerplate", "a numbered list",
         paragraph("intro", "Members are asked to:\n\n1. note the report\n2. comment on it"), 2,
         ("{case}/boilerplate/intro.md:3: a line starting with '1.' would print that number; paragraphs are "
          "numbered by the house style, and lists use '- ' bullets",)),
    Case("paragraph-single-brace", "boilerplate", "a field written with single braces",
         paragraph("intro", "Results for { period } are attached."), 2,
         (f"{M}: section 'Introduction', paragraph 1.1: '{{ period }}' would be printed as typed in \"Results for "
          "{ period } are attached.\"; a field is written {{ name }} in a paragraph or heading, and only there; fix "
          "the spelling or remove the braces",)),
    Case("paragraph-unused", "boilerplate", "a paragraph file no section uses (a warning)",
         write("boilerplate/spare.md", "Not used."), 1,
         ("warning: " + M + ": boilerplate 'spare' is given for this meeting but no section uses it",)),
    Case("paragraph-another-council", "boilerplate", "another council's constitution quoted (a warning)",
         meeting_text("content: [rag_counts, data_unavailable]", "content: [constitution-extract, rag_counts, data_unavailable]"), 1,
         ("warning: " + M + ": paragraph 'constitution-extract' names Kent County Council (the council of house style "
          "kent-cabinet-committee), but this paper is Anytown Borough Council's; give this meeting its own wording "
          "(overrides: or its boilerplate/ folder)",)),
    Case("paragraph-not-utf8", "boilerplate", "a paragraph saved in UTF-16",
         both(paragraph("intro", "x"), lambda f: (f / "boilerplate/intro.md").write_bytes("Text".encode("utf-16"))),
         2, ("{case}/boilerplate/intro.md: is not UTF-8 text; save it as UTF-8 (in Notepad: Save as, Encoding UTF-8)",)),
    # --- the publication gate ---
    Case("gate-no-data-for-period", "gate", "the period is after the data",
         meeting_text("period: 2017-04", "period: 2017-09"), 2,
         ("{case}/values.csv: no indicator has a value for September 2017 (period 2017-09); the latest period with "
          "values is 2017-04. Add that period's rows, or set period: in meeting.yaml to the period the data runs to",)),
    Case("gate-unfilled-title", "gate", "a field in the title, which is never filled",
         meeting_text("title: Performance Scorecard", "title: Performance Scorecard {{ period }}"), 2,
         (f"{M}: title: '{{{{' would be printed as typed in \"Performance Scorecard {{{{ period }}}}\"; a field is "
          "written {{ name }} in a paragraph or heading, and only there; fix the spelling or remove the braces",)),
    Case("gate-appendix-not-in-pack", "gate", "the text cites an appendix the pack lacks",
         paragraph("intro", "The business plans are attached as Appendix B."), 2,
         (f"{M}: section 'Introduction', paragraph 1.1: mentions appendix B (\"The business plans are attached as "
          "Appendix B.\") but the agenda pack holds appendix A; add it under appendices: (a PDF file in the meeting "
          "folder) or change the paragraph",)),
    Case("gate-red-without-commentary", "gate", "a Red measure with no commentary",
         values_text("P03,2017-04,86.8,Two staff vacancies slowed payments; recruitment is under way.",
                     "P03,2017-04,86.8,"), 2,
         ("{case}/values.csv:48: column 'commentary': P03 (% of invoices paid on time) is Red for Apr 2017 but has no "
          "commentary; an exception report needs the service's explanation and actions. Add it in the commentary "
          "column, or, if the paper may go without it, add allow: [red-without-commentary] to meeting.yaml",)),
    Case("gate-title-last-month", "gate", "a title naming last month",
         meeting_text("title: Performance Scorecard", "title: Performance Scorecard March 2017"), 2,
         (f"{M}: title: names March 2017, but the report is for April 2017 (period 2017-04); update the title, or "
          "the period if the title is right",)),
    # --- templates ---
    Case("template-not-docx", "template", "random bytes named .docx",
         both(meeting_text("template: kent-cabinet-committee", "template: house.docx\nhouse_style: kent-cabinet-committee"),
              write("house.docx", bytes(range(256)) * 8)), 2,
         ("{case}/house.docx: is not a Word document (.docx): a .docx is a zip file and this is not one; save the "
          "template from Word as 'Word Document (*.docx)'",)),
    Case("template-zip-not-word", "template", "a zip that is not a Word document",
         both(meeting_text("template: kent-cabinet-committee", "template: house.docx\nhouse_style: kent-cabinet-committee"),
              write("house.docx", _zip({"readme.txt": "not a document"}))), 2,
         ("{case}/house.docx: is not a Word document (.docx) that can be opened: \"There is no item named "
          "'[Content_Types].xml' in the archive\"",)),
    # --- the data: CSV ---
    Case("csv-indicators-missing", "csv", "no indicators.csv", remove("indicators.csv"), 2,
         ("{case}/indicators.csv: file is missing; a data folder needs indicators.csv and values.csv",)),
    Case("csv-values-empty", "csv", "values.csv is empty", write("values.csv", ""), 2,
         ("{case}/values.csv: is empty; it needs a header row and at least one row of data",)),
    Case("csv-header-only", "csv", "values.csv has only its header", write("values.csv", "id,period,value\n"), 2,
         ("{case}/values.csv: has a header row but no rows of data",)),
    Case("csv-missing-column", "csv", "no value column", values_text("id,period,value,commentary", "id,period,amount,commentary"),
         2, ("{case}/values.csv:1: column 'value': required column is missing; the header row has: id, period, amount, "
             "commentary",)),
    Case("csv-bad-number", "csv", "n/a in a value",
         values_text("P01,2017-04,91.3,", "P01,2017-04,n/a,"), 2,
         ("{case}/values.csv:46: column 'value': 'n/a' is not a number",)),
    Case("csv-bad-polarity", "csv", "polarity 'up'",
         indicators_text("P01,% of calls answered,Customer,kpi,higher", "P01,% of calls answered,Customer,kpi,up"), 2,
         ("{case}/indicators.csv:2: column 'polarity': 'up' is not allowed; use one of higher, lower",)),
    Case("csv-duplicate-id", "csv", "two indicators with one id",
         indicators_text("P02,Days", "P01,Days"), 2,
         ("{case}/indicators.csv:3: column 'id': 'P01' is a duplicate; it is already used on row 2",)),
    Case("csv-unknown-id", "csv", "a value for an indicator that is not listed",
         values_text("P01,2017-04,91.3,", "P01,2017-04,91.3,\nP99,2017-04,50,"), 2,
         ("{case}/values.csv:47: column 'id': 'P99' is not an id in the indicators table",)),
    Case("csv-duplicate-period", "csv", "two values for one month",
         values_text("P01,2017-04,91.3,", "P01,2017-04,91.3,\nP01,2017-04,92.0,"), 2,
         ("{case}/values.csv:47: column 'period': P01 already has a value for 2017-04 on row 46",)),
    Case("csv-floor-above-target", "csv", "a floor above the target when higher is better",
         indicators_text("higher,percent,1,monthly,90,80,", "higher,percent,1,monthly,90,95,"), 2,
         ("{case}/indicators.csv:2: column 'floor': the floor 95 is above the target 90; when higher is better the floor "
          "must be at or below the target",)),
    Case("csv-impossible-percent", "csv", "101% for a percentage",
         values_text("P01,2017-04,91.3,", "P01,2017-04,101,"), 2,
         ("{case}/values.csv:46: column 'value': 101 is not a percentage between 0 and 100 (percentages are written in "
          "points: 85.3, not 0.853); if this measure can go beyond that, give the indicator its own min and max",)),
    Case("csv-huge-number", "csv", "1e308 in a value",
         values_text("P04,2017-04,5110,", "P04,2017-04,1e308,"), 2,
         ("{case}/values.csv:49: column 'value': '1e308' is too large to be a figure in a paper (a million million or "
          "more); check the cell for a typing or unit error",)),
    Case("csv-binary", "csv", "random bytes in values.csv", write("values.csv", bytes(range(256)) * 4), 2,
         ("{case}/values.csv: is not a text file (it looks like binary data); save the sheet as CSV UTF-8",)),
    Case("csv-xlsx-renamed", "csv", "a workbook renamed values.csv", write("values.csv", _zip({"[Content_Types].xml": ""})),
         2, ("{case}/values.csv: is an Excel workbook (.xlsx) saved with a .csv name, not a CSV file; give the .xlsx "
             "itself (named .xlsx), or open it in Excel and save the sheet as CSV UTF-8",)),
    Case("csv-bad-period", "csv", "a period written as a word", values_text("P01,2017-04,91.3,", "P01,April,91.3,"),
         2, ("{case}/values.csv:46: column 'period': 'April' is not a period; write it as YYYY-MM, e.g. 2017-04",)),
    # --- the data: Excel ---
    Case("excel-zero-bytes", "excel", "an empty .xlsx",
         both(meeting_text("  data: .", "  data: data.xlsx"), write("data.xlsx", b"")), 2,
         ("{case}/data.xlsx: is empty (0 bytes), not an Excel workbook; save it from Excel as an Excel Workbook (.xlsx) "
          "again",)),
    Case("excel-csv-renamed", "excel", "a CSV renamed .xlsx",
         both(meeting_text("  data: .", "  data: data.xlsx"), write("data.xlsx", BASE_INDICATORS)), 2,
         ("{case}/data.xlsx: is text, not an Excel workbook (a CSV or text file renamed .xlsx); rename it to .csv, or "
          "open it in Excel and save it from Excel as an Excel Workbook (.xlsx)",)),
    Case("excel-truncated", "excel", "half a workbook",
         both(meeting_text("  data: .", "  data: data.xlsx"), lambda f: (f / "data.xlsx").write_bytes(_workbook()[:900])),
         2, ("{case}/data.xlsx: is damaged or incomplete (an .xlsx is a zip archive and this one cannot be read); copy "
             "it again, or open it in Excel and save it from Excel as an Excel Workbook (.xlsx)",)),
    Case("excel-encrypted", "excel", "a password-protected workbook (an OLE2 container)",
         both(meeting_text("  data: .", "  data: data.xlsx"),
              write("data.xlsx", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504
                    + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512)),
         2, ("{case}/data.xlsx: is password-protected; remove the password (File > Info > Protect Workbook) and save "
             "again",)),
    Case("excel-old-xls", "excel", "an Excel 97-2003 workbook named .xlsx",
         both(meeting_text("  data: .", "  data: data.xlsx"),
              write("data.xlsx", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + "Workbook".encode("utf-16-le"))),
         2, ("{case}/data.xlsx: is an Excel 97-2003 .xls; save it as .xlsx (File > Save As > Excel Workbook)",)),
    Case("excel-formula-no-result", "excel", "a formula saved without its result (as openpyxl writes one)",
         both(meeting_text("  data: .", "  data: data.xlsx"),
              lambda f: (f / "data.xlsx").write_bytes(_workbook(formula_at=(46, 3))[:])),
         2, ("{case}/data.xlsx[values]!C46: has a formula but no saved result; open the workbook in Excel and save it",)),
    Case("csv-negative-days", "csv", "minus three days",
         values_text("P02,2017-04,10.9,", "P02,2017-04,-3,"), 2,
         ("{case}/values.csv:47: column 'value': -3 is negative; a number of days cannot be below 0 (give the indicator "
          "its own min if this measure can be)",)),
    Case("csv-bom-then-windows-bytes", "csv", "a UTF-8 mark followed by Windows-1252 text (a warning: check exits 1)",
         lambda f: (f / "values.csv").write_bytes(b"\xef\xbb\xbf" + BASE_VALUES.replace(
             "recruitment", "recruitment \xa3").encode("cp1252")), 1,
         ("warning: {case}/values.csv: starts with a UTF-8 byte order mark but the text is Windows-1252; read as "
          "Windows-1252 (to be sure of accents, save the sheet as CSV UTF-8)",)),
    Case("excel-missing-sheet", "excel", "no values sheet",
         both(meeting_text("  data: .", "  data: data.xlsx"), lambda f: (f / "data.xlsx").write_bytes(_workbook(values=False))),
         2, ("{case}/data.xlsx: sheet 'values' is missing; the workbook has sheets 'indicators'; it needs sheets "
             "'indicators' and 'values' (or one sheet in the wide layout)",)),
    # --- the output folder ---
    Case("output-over-meeting", "output", "the output folder is the meeting's parent", lambda f: None, 2,
         ("-o: the output folder {parent} contains the meeting folder {case}; packs would overwrite the meeting's "
          "own files. Choose an output folder outside every meeting folder, e.g. -o out",),
         command=("build", "--no-pack", "-o", "{parent}")),
    Case("output-inside-meeting", "output", "the output folder is inside the meeting", lambda f: None, 2,
         ("-o: the output folder {case}/out is inside the meeting folder {case}; packs would overwrite the meeting's "
          "own files. Choose an output folder outside every meeting folder, e.g. -o out",),
         command=("build", "--no-pack", "-o", "{case}/out")),
]


def _workbook(values: bool = True, formula_at: tuple[int, int] | None = None) -> bytes:
    """The base data as an .xlsx, made with openpyxl (as a council's workbook would be)."""
    import csv
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheets = [("indicators", BASE_INDICATORS)] + ([("values", BASE_VALUES)] if values else [])
    book.remove(book.active)
    for title, text in sheets:
        sheet = book.create_sheet(title)
        for row in csv.reader(io.StringIO(text)):
            sheet.append([_typed(cell) for cell in row])
        if formula_at and title == "values":
            sheet.cell(*formula_at).value = "=B45+0.5"  # openpyxl saves no result for a formula
    book.properties.created = book.properties.modified = __import__("datetime").datetime(2017, 6, 1)
    buffer = io.BytesIO()
    book.save(buffer)
    from reportgen.pack import normalise_ooxml  # the same bytes on every run

    return normalise_ooxml(buffer.getvalue(), __import__("datetime").datetime(2017, 6, 1))


def _typed(cell: str):
    try:
        return float(cell) if "." in cell else int(cell)
    except ValueError:
        return cell


def write_base(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "meeting.yaml").write_text(BASE_MEETING, encoding="utf-8")
    (folder / "indicators.csv").write_text(BASE_INDICATORS, encoding="utf-8")
    (folder / "values.csv").write_text(BASE_VALUES, encoding="utf-8")


def write_case(case: Case, folder: Path) -> None:
    write_base(folder)
    case.change(folder)
    if (folder / "data.xlsx").exists() and case.area == "excel":
        for name in ("indicators.csv", "values.csv"):
            (folder / name).unlink()


def write_corpus(target: Path = CASES_DIR) -> list[Path]:
    if target.exists():
        shutil.rmtree(target)
    write_base(target / "base")
    folders = []
    for case in CASES:
        folder = target / case.name
        write_case(case, folder)
        folders.append(folder)
    return folders


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent.parent))
    os.chdir(HERE.parent.parent)
    made = write_corpus()
    print(f"wrote {len(made)} broken meetings and the valid base into {CASES_DIR.relative_to(Path.cwd())}")
