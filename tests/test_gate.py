"""The publication gate and the meeting file's refusals, on real meeting folders through the real command.

Each test copies a sample meeting, breaks one thing as a user would, runs
`reportgen check` or `build` as a process and asserts the exact message and
exit code; --draft then lets the same paper through, marked DRAFT.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
KENT = ROOT / "data" / "kent-scs-2017-06"
BUCKS = ROOT / "data" / "bucks-cscl-2016-12"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportgen.cli", *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "REPORTGEN_WORKERS": "1"}, timeout=300)


def meeting(tmp_path: Path, sample: Path = KENT, **changes) -> Path:
    folder = tmp_path / "m"
    shutil.copytree(sample, folder)
    path = folder / "meeting.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def problems(result: subprocess.CompletedProcess) -> list[str]:
    return [line.strip() for line in result.stderr.splitlines()[1:] if line.startswith("  ")]


def test_no_data_for_the_period_is_refused(tmp_path):
    folder = meeting(tmp_path, period="2019-01")
    result = run("check", "m", cwd=tmp_path)
    assert result.returncode == 2
    assert problems(result) == [
        "m/values.csv: no indicator has a value for January 2019 (period 2019-01); the latest period with values "
        "is 2017-04. Add that period's rows, or set period: in meeting.yaml to the period the data runs to"]
    assert folder.is_dir()


def test_an_unfilled_field_in_the_title_and_a_single_brace_in_a_paragraph_are_refused(tmp_path):
    meeting(tmp_path, title="Scorecard for {{ period }}",
            overrides={"scorecards-received": "To this end, the committee receives { scorecard_name }."})
    result = run("check", "m", cwd=tmp_path)
    assert result.returncode == 2
    found = problems(result)
    assert found[0] == ("m/meeting.yaml: title: '{{' would be printed as typed in \"Scorecard for {{ period }}\"; "
                        "a field is written {{ name }} in a paragraph or heading, and only there; fix the spelling "
                        "or remove the braces")
    assert found[1].startswith("m/meeting.yaml: section 'Introduction', paragraph 1.2: '{ scorecard_name }' "
                               "would be printed as typed")
    assert len(found) == 2


def test_an_appendix_the_pack_does_not_hold_is_refused(tmp_path):
    meeting(tmp_path, overrides={"scorecards-received": "The business plans are at Appendix C and D."})
    result = run("check", "m", cwd=tmp_path)
    assert result.returncode == 2
    found = problems(result)
    lead = "m/meeting.yaml: section 'Introduction', paragraph 1.2: mentions appendix "
    assert [p[:len(lead) + 1] for p in found] == [lead + "C", lead + "D"]
    assert "but the agenda pack holds appendix A; add it under appendices:" in problems(result)[0]


def test_a_constitution_appendix_is_not_a_cross_reference(tmp_path):
    # Kent's constitution extract: "Appendix 2 Part 4 of the ... Constitution" names the constitution's appendix.
    result = run("check", str(KENT), cwd=ROOT)
    assert result.returncode == 0, result.stderr


def _drop_commentary(folder: Path, ident: str, period: str) -> int:
    path = folder / "values.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    for number, row in enumerate(rows, start=2):
        if row["id"] == ident and row["period"] == period and not row["cohort"]:
            row["commentary"] = ""
            found = number
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return found


def _a_red_measure(folder: Path) -> str:
    from reportgen.build import prepare

    return next(s.id for s in prepare(folder).scores.measures if s.status == "Red")


def test_a_red_measure_without_commentary_is_refused_unless_the_meeting_allows_it(tmp_path):
    folder = meeting(tmp_path)
    ident = _a_red_measure(folder)
    row = _drop_commentary(folder, ident, "2017-04")
    result = run("check", "m", cwd=tmp_path)
    assert result.returncode == 2
    (found,) = problems(result)
    assert found.startswith(f"m/values.csv:{row}: column 'commentary': {ident} (")
    assert "is Red for Apr 2017 but has no commentary; an exception report needs the service's explanation" in found
    data = yaml.safe_load((folder / "meeting.yaml").read_text())
    data["allow"] = ["red-without-commentary"]
    (folder / "meeting.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    assert run("check", "m", cwd=tmp_path).returncode == 0


def test_a_title_naming_last_quarter_is_refused(tmp_path):
    meeting(tmp_path, BUCKS, title="Performance Monitoring Q1 2016/17 Children's Services Portfolio")
    result = run("check", "m", cwd=tmp_path)
    assert result.returncode == 2
    assert problems(result) == ["m/meeting.yaml: title: names Q1 2016/17, but the report is for Q2 2016/17 "
                                "(period 2016-09); update the title, or the period if the title is right"]


def test_new_rolls_the_title_forward(tmp_path):
    result = run("new", str(tmp_path / "next"), "--from", str(BUCKS), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "title rolled forward: Performance Monitoring Q3 2016/17 Children's Services Portfolio" in result.stdout
    data = yaml.safe_load((tmp_path / "next" / "meeting.yaml").read_text())
    assert data["title"] == "Performance Monitoring Q3 2016/17 Children's Services Portfolio"


def test_a_draft_goes_through_with_warnings_and_says_draft_on_every_page(tmp_path):
    meeting(tmp_path, period="2019-01", title="Scorecard {{ oops }}")
    refused = run("build", "m", "-o", "out", "--no-pack", cwd=tmp_path)
    assert refused.returncode == 2 and not (tmp_path / "out").exists()
    result = run("build", "m", "-o", "out", "--no-pack", "--draft", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "warning: m/values.csv: no indicator has a value for January 2019" in result.stderr
    assert "[allowed in a --draft]" in result.stderr
    document = docx.Document(tmp_path / "out" / "m" / "report.docx")
    headers = {p.text for section in document.sections for p in section.header.paragraphs}
    assert any(text.startswith("DRAFT – not for publication") for text in headers), headers


# --- the meeting file ---------------------------------------------------------------------------


@pytest.mark.parametrize("changes, expected", [
    ({"title": "Scorecard\x0bApril"},
     "m/meeting.yaml: title: contains the control character U+000B, Word's manual line break, at character 10; "
     "delete it (it cannot be printed or saved in a document)"),
    ({"meeting_date": "2999-06-22"},
     "m/meeting.yaml: meeting_date: 2999-06-22 is not a plausible date for a meeting; expected a year from 1990 "
     "to 2100"),
    ({"sections": [{"heading": "Leak", "content": ["../../README"]}]},
     "m/meeting.yaml: sections[0].content: '../../README' is not a paragraph name; a name is a file in the "
     "boilerplate folders (e.g. rag-floor for rag-floor.md), without folders, '..' or a leading dot"),
    ({"overrides": {"../x": "text"}},
     "m/meeting.yaml: overrides: '../x' is not a paragraph name; a name is a file in the boilerplate folders "
     "(e.g. rag-floor for rag-floor.md), without folders, '..' or a leading dot"),
    ({"appendices": [{"letter": "B", "title": "Plans", "source": "../outside.pdf"}]},
     "m/meeting.yaml: appendices[0].source: '../outside.pdf' is outside the folders it may come from (m); copy "
     "the file into the meeting folder and name it from there"),
    ({"scoring": {"data": "../elsewhere"}},
     "m/meeting.yaml: scoring.data: '../elsewhere' is outside the folders it may come from (m); copy the file into "
     "the meeting folder and name it from there"),
])
def test_the_meeting_file_refuses(tmp_path, changes, expected):
    meeting(tmp_path, **changes)
    (tmp_path / "outside.pdf").write_bytes(b"%PDF-1.4")
    (tmp_path / "elsewhere").mkdir()
    result = run("check", "m", cwd=tmp_path)
    assert result.returncode == 2
    assert problems(result) == [expected]


def test_a_key_given_twice_names_both_lines(tmp_path):
    folder = meeting(tmp_path)
    text = (folder / "meeting.yaml").read_text()
    (folder / "meeting.yaml").write_text(text + "period: 2017-03\n")
    result = run("check", "m", cwd=tmp_path)
    assert result.returncode == 2
    lines = text.count("\n") + 1
    first = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("period:"))
    assert problems(result) == [f"m/meeting.yaml:{lines}: key 'period' is given twice, on lines {first} and "
                                f"{lines}; keep one (YAML would silently use the last)"]


def test_a_template_that_is_not_a_word_document(tmp_path):
    folder = meeting(tmp_path, template="house.docx", house_style="kent-cabinet-committee")
    (folder / "house.docx").write_bytes(os.urandom(2000))
    result = run("check", "m", cwd=tmp_path)
    assert result.returncode == 2
    assert problems(result) == ["m/house.docx: is not a Word document (.docx): a .docx is a zip file and this is "
                                "not one; save the template from Word as 'Word Document (*.docx)'"]
