"""House styles as files (templates/<style>/style.yaml): a new style with no Python, inheritance,
the schema's errors, the search path, Welsh, and another council's wording."""

from __future__ import annotations

import ast
import io
import re
import shutil
from datetime import date
from pathlib import Path

import docx
import pytest
import yaml
from docx.oxml.ns import qn

from reportgen.build import prepare
from reportgen.errors import MeetingError, ReportgenError, TemplateError
from reportgen.meeting import load_meeting
from reportgen.styles import Style, council_name_warnings, council_names, find_style, written_date
from reportgen.workspace import init_workspace

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
COUNCIL_WORDS = re.compile(r"kent|cardiff|caerdydd|bucks|buckingham", re.IGNORECASE)

MODERN_GOV = """\
# A Modern.gov-style front sheet, added as files only.
description: Modern.gov front sheet
inherit: kent-cabinet-committee
council: [Borsetshire County Council]
date_style: weekday
title: ["{{ council }}", "{{ committee }}"]
header:
  - {label: Report of, value: "{{ from_people }}"}
  - {label: Wards affected, value: "{{ electoral_divisions }}"}
  - {label: Key decision, value: "{{ key_decision }}"}
  - {label: "Purpose", value: "{{ purpose }}"}
front: []
numbering: continuous
heading_case: upper
sections:
  - heading: Purpose of the report
    content: [purpose-of-report]
  - heading: Recommendations
    content: [recommendations]
  - heading: Performance in {{ period }}
    content: [rag_counts]
  - heading: Contact
    content: [contacts]
    numbered: false
recommendations:
  intro: "The {{ committee }} is recommended to"
  verb_case: capitalised
  verb_bold: false
  form: list
"""


def meeting_folder(folder: Path, template: str, data: Path) -> Path:
    """A meeting in ``folder`` with a copy of the sample data (a meeting's data lies in its folder)."""
    folder.mkdir(parents=True)
    for name in ("indicators.csv", "values.csv"):
        shutil.copy(data / name, folder / name)
    (folder / "meeting.yaml").write_text(meeting_yaml(template), encoding="utf-8")
    return folder


def meeting_yaml(template: str, **extra) -> str:
    meeting = {
        "council": "Borsetshire County Council", "committee": "Overview and Scrutiny Board",
        "meeting_date": "2017-06-22", "title": "Quarterly performance", "period": "2017-04",
        "template": template, "from": [{"name": "Jo Bloggs", "title": "Director of Resources"}],
        "electoral_divisions": "All", "key_decision": False,
        "fields": {"purpose": "Noting", "scorecard_name": "performance scorecard"},
        "recommendations": [{"verb": "note", "text": "the performance in April"},
                            {"verb": "AGREE", "text": "the actions for the Red measures"}],
        "contacts": [{"role": "Report author", "name": "Sam Smith", "email": "sam.smith@example.org"}],
        "scoring": {"data": "."}, **extra,
    }
    return yaml.safe_dump(meeting, allow_unicode=True, sort_keys=False)


@pytest.fixture()
def workspace(tmp_path):
    """A council's workspace made by `reportgen init`, with a new style and a meeting that uses it."""
    ws = tmp_path / "ws"
    init_workspace(ws)
    style = ws / "templates" / "modgov-front-sheet"
    style.mkdir()
    (style / "style.yaml").write_text(MODERN_GOV, encoding="utf-8")
    (ws / "boilerplate" / "modgov-front-sheet").mkdir()
    (ws / "boilerplate" / "modgov-front-sheet" / "purpose-of-report.md").write_text(
        "To report performance against the {{ scorecard_name }} for {{ period }}.\n\nThe Board asked for it.\n",
        encoding="utf-8")
    meeting_folder(ws / "data" / "board-2017-06", "modgov-front-sheet", ws / "data" / "kent-scs-2017-06")
    return ws


def header_rows(document):
    return [(r.cells[0].text, r.cells[1].text) for r in document.tables[0].rows]


def test_a_new_house_style_added_as_files_lays_out_the_paper(workspace):
    document = docx.Document(io.BytesIO(prepare(workspace / "data" / "board-2017-06").docx))
    assert header_rows(document) == [("Report of:", "Jo Bloggs, Director of Resources"),
                                     ("Wards affected:", "All"), ("Key decision:", "No"), ("Purpose:", "Noting")]
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs if p.text.strip()]
    assert paragraphs[0] == ("Title", "Borsetshire County Council\nOverview and Scrutiny Board")
    assert [t for s, t in paragraphs if s == "Heading 1"] == [
        "PURPOSE OF THE REPORT", "RECOMMENDATIONS", "PERFORMANCE IN APRIL 2017", "CONTACT"]
    numbered = [t for s, t in paragraphs if s == "Report Paragraph"]
    assert [t.split("\t")[0] for t in numbered] == ["1", "2", "3", "4", "5"]  # continuous, 1 to 5
    assert numbered[0] == "1\tTo report performance against the performance scorecard for April 2017."
    assert numbered[2] == "3\tThe Overview and Scrutiny Board is recommended to:"
    bullets = [t for s, t in paragraphs if s == "List Bullet"]
    assert bullets == ["Note the performance in April.", "Agree the actions for the Red measures."]
    assert ("Body Text", "Report author\nSam Smith\nsam.smith@example.org") in paragraphs  # one block
    # the footer keeps the inherited default; the date is the style's own (with the weekday)
    assert document.sections[0].footer.paragraphs[0].text.startswith("Overview and Scrutiny Board – 22 June 2017")


def test_the_workspace_copy_of_a_style_wins_over_the_shipped_one(workspace):
    path = workspace / "templates" / "kent-cabinet-committee" / "style.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{label: To,", "{label: For,"), encoding="utf-8")
    folder = workspace / "data" / "kent-scs-2017-06"
    document = docx.Document(io.BytesIO(prepare(folder).docx))
    assert [label for label, _ in header_rows(document)][:2] == ["From:", "For:"]
    assert find_style("kent-cabinet-committee", folder).source == path.resolve()


def test_inheritance_keeps_the_parent_and_merges_fields():
    style = find_style("kent-cabinet-committee-2013", DATA / "kent-scs-2013-06")
    parent = find_style("kent-cabinet-committee", DATA / "kent-scs-2013-06")
    assert style.settings.header == parent.settings.header  # not repeated in the 2013 file
    assert style.template == parent.template  # no template.docx of its own: the parent's
    assert (style.settings.numbering, style.settings.fields["from_label"]) == ("bracketed", "By")
    assert style.boilerplate == ("kent-cabinet-committee-2013", "kent-cabinet-committee")
    assert style.settings.history_length == 13 and find_style("cardiff-scrutiny", DATA).settings.history_length == 20


def write_style(ws: Path, name: str, text: str) -> Path:
    (ws / "templates" / name).mkdir(parents=True, exist_ok=True)
    path = ws / "templates" / name / "style.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_problem_in_a_style_file_at_once_with_its_key_path(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_style(tmp_path, "broken", "numbering: roman\nheading_case: lower\nheader:\n  - {label: To}\n"
                                    "history_length: 1\nrecommendations: {verb_bold: perhaps}\n")
    with pytest.raises(TemplateError) as caught:
        find_style("broken", tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "templates/broken/style.yaml: header[0].value: required key is missing",
        "templates/broken/style.yaml: numbering: expected one of decimal, bracketed, continuous, none, got 'roman'",
        "templates/broken/style.yaml: heading_case: expected one of as-written, upper, got 'lower'",
        "templates/broken/style.yaml: recommendations.verb_bold: expected yes or no (true/false), got 'perhaps'",
        "templates/broken/style.yaml: history_length: 1 is out of range; expected 2 or more",
    ]


def test_unknown_keys_are_warned_and_a_repeated_key_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_style(tmp_path, "typo", "inherit: kent-cabinet-committee\nnumberin: none\ncontacts: {lables: {}}\n")
    assert find_style("typo", tmp_path).warnings == (
        "templates/typo/style.yaml: numberin: unknown key, ignored",
        "templates/typo/style.yaml: contacts.lables: unknown key, ignored")
    write_style(tmp_path, "twice", "numbering: none\nlanguage: en-GB\nnumbering: decimal\n")
    with pytest.raises(TemplateError) as caught:
        find_style("twice", tmp_path)
    assert str(caught.value) == ("templates/twice/style.yaml:3: key 'numbering' is given twice, on lines 1 and 3; "
                                 "keep one (YAML would silently use the last)")


def test_a_missing_or_circular_parent_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_style(tmp_path, "orphan", "inherit: no-such-style\n")
    with pytest.raises(TemplateError, match=r"^templates/orphan/style.yaml: inherit: 'no-such-style' is not a "
                                            r"house style; expected one of bucks-select-committee, "):
        find_style("orphan", tmp_path)
    write_style(tmp_path, "a", "inherit: b\n")
    write_style(tmp_path, "b", "inherit: a\n")
    with pytest.raises(TemplateError, match=r"inherit: 'a' inherits from itself \(a -> b -> a\)"):
        find_style("a", tmp_path)
    with pytest.raises(MeetingError, match=r"^meeting.yaml: house_style: 'nope' is not a house style; expected "
                                           r"one of a, b, bucks-select-committee"):
        find_style("nope", tmp_path)


# --- Welsh --------------------------------------------------------------------------------------


def test_dates_in_welsh_when_the_style_asks():
    welsh = Style(date_language="cy-GB")
    assert written_date(date(2018, 3, 7), welsh) == "7 Mawrth 2018"
    assert written_date(date(2016, 12, 6), Style(language="cy-GB", date_style="weekday")) == "Dydd Mawrth 6 Rhagfyr 2016"
    assert written_date(date(2018, 3, 7), Style(date_style="ordinal")) == "7th March 2018"


def test_a_bilingual_style_marks_its_welsh_words(tmp_path):
    ws = tmp_path / "ws"
    init_workspace(ws)
    write_style(ws, "cardiff-bilingual", "inherit: cardiff-scrutiny\ndate_language: cy-GB\n"
                                         "header:\n  - {label: {en-GB: Subject, cy-GB: Pwnc}, value: '{{ title }}'}\n")
    meeting = yaml.safe_load((DATA / "cardiff-cyp-2018-03" / "meeting.yaml").read_text(encoding="utf-8"))
    meeting.update(template="cardiff-bilingual")
    (ws / "data" / "cy").mkdir()
    shutil.copy(DATA / "cardiff-cyp-2018-03" / "data.xlsx", ws / "data" / "cy" / "data.xlsx")
    (ws / "data" / "cy" / "meeting.yaml").write_text(yaml.safe_dump(meeting, allow_unicode=True), encoding="utf-8")
    document = docx.Document(io.BytesIO(prepare(ws / "data" / "cy").docx))
    label = document.tables[0].rows[0].cells[0].paragraphs[0]
    assert label.text == "Subject / Pwnc:"
    langs = [(r.text, _lang(r)) for r in label.runs]
    assert ("Pwnc", "cy-GB") in langs and ("Subject", None) in langs
    signatory = [p.text for p in document.paragraphs if p.style.name == "Signatory"]
    assert signatory[-1] == "7 Mawrth 2018"


def _lang(run) -> str | None:
    element = run._r.find(f"{qn('w:rPr')}/{qn('w:lang')}")
    return None if element is None else element.get(qn("w:val"))


# --- no council's wording in another's paper, no council in the code ------------------------------


def test_a_paragraph_naming_another_council_is_warned_about():
    meeting, _ = load_meeting(DATA / "bucks-cscl-2016-12")
    text = (ROOT / "boilerplate" / "kent-cabinet-committee" / "constitution-extract.md").read_text(encoding="utf-8")
    assert council_name_warnings(meeting, {"constitution-extract": text}) == [
        "data/bucks-cscl-2016-12/meeting.yaml: paragraph 'constitution-extract' names Kent County Council (the "
        "council of house style kent-cabinet-committee), but this paper is Buckinghamshire County Council's; give "
        "this meeting its own wording (overrides: or its boilerplate/ folder)"]
    kent, _ = load_meeting(DATA / "kent-scs-2017-06")
    assert council_name_warnings(kent, {"constitution-extract": text}) == []


@pytest.mark.parametrize("name", sorted(p.parent.name for p in DATA.glob("*/meeting.yaml")))
def test_no_sample_uses_another_councils_paragraph(name):
    from reportgen.boilerplate import Boilerplate
    from reportgen.compose import compose, house_style
    from reportgen.data import load_dataset
    from reportgen.scoring import score_dataset

    meeting, _ = load_meeting(DATA / name)
    scores = score_dataset(load_dataset(meeting.data_path), meeting.period, meeting.scoring.parsed_rule,
                           meeting.scoring.previous_period)
    paragraphs = Boilerplate.for_meeting(meeting, meeting.boilerplate or house_style(meeting).boilerplate)
    compose(meeting, scores, boilerplate=paragraphs)
    used = {n: paragraphs.source(n)[0] for n in paragraphs.used}
    assert len(used) >= 3
    assert council_name_warnings(meeting, used) == []


def test_common_paragraphs_name_no_council():
    names = council_names(ROOT)
    assert {"Kent County Council", "Cardiff Council", "Buckinghamshire County Council"} <= set(names)
    for path in sorted((ROOT / "boilerplate" / "common").iterdir()):
        text = path.read_text(encoding="utf-8")
        assert not [n for n in names if re.search(rf"\b{re.escape(n)}\b", text)], path.name
        assert not COUNCIL_WORDS.search(text), path.name


def test_no_council_or_style_name_in_a_code_string():
    """Docstrings and comments may name councils (they explain); strings the code uses may not."""
    found = []
    for path in sorted((ROOT / "reportgen").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # a string standing alone as a statement documents (module, class, function or field docstrings)
        docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                if COUNCIL_WORDS.search(node.value):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}")
    assert found == []


def test_every_style_key_is_documented():
    from reportgen.styles import Contacts, HeaderRow, Recommendations, StyleSection

    text = (ROOT / "docs" / "house-styles.md").read_text(encoding="utf-8")
    keys = [*Style.model_fields, *(f"header[].{k}" for k in HeaderRow.model_fields),
            *(f"sections[].{k}" for k in StyleSection.model_fields), *Recommendations.model_fields,
            *(f"contacts.{k}" for k in Contacts.model_fields)]
    assert [k for k in keys if f"| `{k}` |" not in text] == []


def test_a_style_may_offer_fewer_generated_items(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    init_workspace(ws)
    write_style(ws, "lean", "inherit: kent-cabinet-committee\ngenerated: [recommendations, contacts]\n")
    meeting = meeting_folder(ws / "data" / "m", "lean", ws / "data" / "kent-scs-2017-06")
    monkeypatch.chdir(ws)
    with pytest.raises(MeetingError) as caught:
        prepare(meeting)
    first = str(caught.value.problems[0])
    assert first.startswith("data/m/meeting.yaml: house style lean, section 'Summary of Performance': 'rag_counts' "
                            "is neither a generated item (recommendations, contacts) nor a boilerplate paragraph")


def test_a_style_files_unknown_key_is_a_build_warning(workspace):
    path = workspace / "templates" / "modgov-front-sheet" / "style.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "numberng: none\n", encoding="utf-8")
    warnings = prepare(workspace / "data" / "board-2017-06").warnings
    assert [w for w in warnings if "numberng" in w] == [
        f"{path.resolve()}: numberng: unknown key, ignored"]


def test_a_style_cannot_name_a_folder_outside_its_place(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_style(tmp_path, "escape", "inherit: ../kent-cabinet-committee\nboilerplate: ../../etc\n")
    with pytest.raises(TemplateError) as caught:
        find_style("escape", tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "templates/escape/style.yaml: inherit: '../kent-cabinet-committee' is not a plain folder name (no '/', "
        "'..' or leading '.')",
        "templates/escape/style.yaml: boilerplate: '../../etc' is not a plain folder name (no '/', '..' or "
        "leading '.')"]


def test_a_misspelt_generated_item_or_field_in_a_style_names_the_style_file(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    init_workspace(ws)
    write_style(ws, "typos", "inherit: kent-cabinet-committee\ngenerated: [recommendations, contacs]\n"
                             "sections:\n  - {heading: '{{ servce }} report', content: [recommendations]}\n")
    meeting = meeting_folder(ws / "data" / "m", "typos", ws / "data" / "kent-scs-2017-06")
    monkeypatch.chdir(ws)
    with pytest.raises(MeetingError) as caught:
        prepare(meeting)
    assert str(caught.value.problems[0]).startswith(
        "templates/typos/style.yaml: generated: 'contacs' is not a generated item; expected some of activity, ")
    write_style(ws, "typos", "inherit: kent-cabinet-committee\nfront: []\n"
                             "sections:\n  - {heading: '{{ servce }} report', content: [recommendations]}\n")
    with pytest.raises(ReportgenError) as caught:
        prepare(meeting)
    assert str(caught.value.problems[0]).startswith(
        "templates/typos/style.yaml: section heading '{{ servce }} report':1: field 'servce' is not defined")


def test_every_misspelt_field_in_a_style_is_reported_at_once(tmp_path, monkeypatch):
    ws = tmp_path / "ws"
    init_workspace(ws)
    write_style(ws, "fields", "inherit: kent-cabinet-committee\ntitle: ['{{ councl }}']\n"
                              "header:\n  - {label: To, value: '{{ too }}'}\n  - {label: '{{ lbl }}', value: x}\n"
                              "page_footer: '{{ comittee }}'\nfront: []\n"
                              "sections:\n  - {heading: Recommendations, content: [recommendations]}\n")
    meeting = meeting_folder(ws / "data" / "m", "fields", ws / "data" / "kent-scs-2017-06")
    monkeypatch.chdir(ws)
    with pytest.raises(ReportgenError) as caught:
        prepare(meeting)
    found = [str(p).split("; fields available")[0] for p in caught.value.problems]
    assert found == [f"templates/fields/style.yaml: {key}:1: field '{name}' is not defined" for key, name in (
        ("title[0]", "councl"), ("header[0].value", "too"), ("header[1].label", "lbl"), ("page_footer", "comittee"))]


def test_each_shipped_style_says_where_its_exception_reports_are_and_how_it_forecasts():
    settings = {name: find_style(name, None).settings for name in (
        "kent-cabinet-committee", "kent-cabinet-committee-2013", "bucks-select-committee", "cardiff-scrutiny")}
    # Every seed paper carries its exception reports (or commentary) in the scorecard appendix.
    assert {n: s.exception_reports for n, s in settings.items()} == dict.fromkeys(settings, "appendix")
    assert settings["cardiff-scrutiny"].forecasts == "given-and-derived"  # seed 003 explains the faces
    assert find_style("cardiff-scrutiny", None).exceptions_in_appendix is True
    assert Style().forecasts == "given-and-derived" and Style().exception_reports == "appendix"


def test_a_misspelt_exception_reports_or_forecasts_value_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_style(tmp_path, "odd", "exception_reports: inline\nforecasts: derived\n")
    with pytest.raises(TemplateError) as caught:
        find_style("odd", tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "templates/odd/style.yaml: exception_reports: expected one of appendix, cover, both, got 'inline'",
        "templates/odd/style.yaml: forecasts: expected one of given-and-derived, given-only, none, got 'derived'",
    ]
