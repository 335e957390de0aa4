"""The meeting file: sample meetings load; every mistake is reported by file and key path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from reportgen.errors import MeetingError
from reportgen.meeting import load_meeting
from reportgen.periods import Period

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p.parent for p in (ROOT / "data").glob("*/meeting.yaml"))
KENT = ROOT / "data" / "kent-scs-2017-06"


def minimal(**changes) -> dict:
    meeting = {
        "council": "Kent County Council", "committee": "Test Committee", "meeting_date": "2017-06-22",
        "title": "Scorecard", "period": "2017-04", "template": "kent-cabinet-committee",
        "recommendations": [{"verb": "NOTE", "text": "the report"}],
        "scoring": {"data": "."},
    }
    meeting.update(changes)
    return meeting


def write(tmp_path: Path, meeting: dict | str) -> Path:
    folder = tmp_path / "meeting"
    folder.mkdir(exist_ok=True)
    for table in ("indicators.csv", "values.csv"):  # the data lives in the meeting folder
        shutil.copy(KENT / table, folder / table)
    text = meeting if isinstance(meeting, str) else yaml.safe_dump(meeting, allow_unicode=True)
    (folder / "meeting.yaml").write_text(text, encoding="utf-8")
    return folder


def problems(tmp_path: Path, meeting: dict | str, monkeypatch) -> list[str]:
    folder = write(tmp_path, meeting)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MeetingError) as caught:
        load_meeting(folder)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("folder", SAMPLES, ids=lambda p: p.name)
def test_sample_meetings_load_cleanly(folder):
    meeting, warnings = load_meeting(folder)
    assert warnings == []
    assert meeting.template_path.is_file()
    assert meeting.data_path.exists()


def test_fields_are_typed_and_paths_resolved_against_the_meeting_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not the project folder: paths must not depend on it
    meeting, _ = load_meeting(ROOT / "data" / "cardiff-cyp-2018-03")
    assert meeting.period == Period(2017, 12)
    assert meeting.meeting_date.isoformat() == "2018-03-07"
    assert meeting.data_path == ROOT / "data" / "cardiff-cyp-2018-03" / "data.xlsx"
    kent, _ = load_meeting(KENT)
    assert kent.scoring.previous_period == Period(2017, 3)
    assert [r.verb for r in kent.recommendations] == ["CONSIDER"]
    assert kent.background_documents == []  # "None" in the file


def test_any_verb_is_allowed_but_not_an_empty_one(tmp_path, monkeypatch):
    # The verb is the council's own word ("scrutinise"); the house style decides how it is printed.
    folder = write(tmp_path, minimal(recommendations=[{"verb": "scrutinise", "text": "x"}]))
    assert load_meeting(folder)[0].recommendations[0].verb == "scrutinise"
    found = problems(tmp_path, minimal(recommendations=[{"verb": " ", "text": "x"}]), monkeypatch)
    assert found == ["meeting/meeting.yaml: recommendations[0].verb: expected a verb, such as note, consider or "
                     "scrutinise; got nothing"]


def test_every_problem_is_reported_at_once(tmp_path, monkeypatch):
    meeting = minimal(meeting_date="22/06/2017", exempt_paragraph=9)
    del meeting["committee"]
    meeting["from"] = [{"name": "A", "title": ["not", "text"]}]
    found = problems(tmp_path, meeting, monkeypatch)
    assert found == [
        "meeting/meeting.yaml: committee: required key is missing",
        "meeting/meeting.yaml: meeting_date: expected a date, YYYY-MM-DD, got '22/06/2017'",
        "meeting/meeting.yaml: from[0].title: expected text, got a list",
        "meeting/meeting.yaml: exempt_paragraph: 9 is out of range; expected a paragraph number from 1 to 7",
    ]


def test_bad_period_and_rule_are_explained(tmp_path, monkeypatch):
    found = problems(tmp_path, minimal(period="April", scoring={"data": ".", "rule": "green=x"}),
                     monkeypatch)
    assert found[0] == "meeting/meeting.yaml: period: 'April' is not a period; write it as YYYY-MM, e.g. 2017-04"
    assert found[1].startswith("meeting/meeting.yaml: scoring.rule: 'x' is not a band")


def test_exempt_report_needs_its_schedule_12a_paragraph(tmp_path, monkeypatch):
    found = problems(tmp_path, minimal(classification="Exempt"), monkeypatch)
    assert found == ["meeting/meeting.yaml: an Exempt report needs exempt_paragraph: the paragraph (1-7) of "
                     "Schedule 12A to the Local Government Act 1972"]
    folder = write(tmp_path, minimal(classification="Exempt", exempt_paragraph=3))
    assert load_meeting(folder)[0].exempt_paragraph == 3


def test_unknown_template_lists_the_house_styles(tmp_path, monkeypatch):
    found = problems(tmp_path, minimal(template="kent"), monkeypatch)
    assert found == ["meeting/meeting.yaml: template: 'kent' is not a template; expected one of "
                     "bucks-select-committee, cardiff-scrutiny, kent-cabinet-committee, kent-cabinet-committee-2013 or a "
                     ".docx file"]


def test_missing_data_folder_is_reported_relative_to_the_meeting(tmp_path, monkeypatch):
    found = problems(tmp_path, minimal(scoring={"data": "nowhere"}), monkeypatch)
    assert found == ["meeting/meeting.yaml: scoring.data: 'nowhere' does not exist "
                     "(looked for meeting/nowhere)"]


def test_unknown_keys_are_warnings_not_errors(tmp_path, monkeypatch):
    meeting = minimal(colour="blue", scoring={"data": ".", "rules": "green=0"})
    meeting["recommendations"][0]["verbs"] = "NOTE"
    monkeypatch.chdir(tmp_path)
    _, warnings = load_meeting(write(tmp_path, meeting))
    assert warnings == [
        "meeting/meeting.yaml: colour: unknown key, ignored",
        "meeting/meeting.yaml: recommendations[0].verbs: unknown key, ignored",
        "meeting/meeting.yaml: scoring.rules: unknown key, ignored",
    ]


def test_yaml_syntax_error_gives_the_line(tmp_path, monkeypatch):
    found = problems(tmp_path, "council: Kent\ncommittee: [unclosed\ntitle: x\n", monkeypatch)
    assert len(found) == 1 and found[0].startswith("meeting/meeting.yaml:3: not valid YAML")


def test_missing_meeting_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(MeetingError, match="no meeting file here"):
        load_meeting(tmp_path)
