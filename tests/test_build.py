"""`reportgen build`, `check` and `new` end to end, on the shipped sample meetings.

The full build (with the real LibreOffice conversion) runs once per session and
again for the reproducibility check; other tests use --no-pack to stay quick.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from reportgen.build import build

ROOT = Path(__file__).resolve().parent.parent
MEETINGS = sorted(p.parent for p in (ROOT / "data").glob("*/meeting.yaml"))
OUTPUTS = {"report.docx", "appendix-a-scorecard.pdf", "agenda-pack.pdf", "scores.csv", "scores.xlsx", "manifest.json"}
REPRODUCIBLE = sorted(OUTPUTS)  # agenda-pack.pdf included: the merge drops LibreOffice's dates and /ID
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def run(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportgen.cli", *args], cwd=cwd, capture_output=True,
                          text=True, env=env)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = run("build", *map(str, MEETINGS), "-o", str(out))
    assert result.returncode == 0, result.stderr
    return out, result


def test_every_sample_meeting_gets_every_output(packs):
    out, result = packs
    assert sorted(p.name for p in out.iterdir()) == sorted(m.name for m in MEETINGS)
    for meeting in MEETINGS:
        assert {p.name for p in (out / meeting.name).iterdir()} == OUTPUTS
    assert not [p for p in out.rglob("*") if p.name.startswith(".")], "temporary files left behind"
    # The closing summary names each output folder and the counts.
    assert "kent-scs-2017-06/: agenda-pack.pdf" in result.stdout
    assert "April 2017: 19 Green, 19 Amber, 5 Red" in result.stdout


@needs_soffice
@pytest.mark.parametrize("meeting", [m.name for m in MEETINGS])
def test_agenda_pack_is_the_report_followed_by_the_appendix(packs, meeting):
    folder = packs[0] / meeting
    pack = PdfReader(folder / "agenda-pack.pdf")
    appendix = PdfReader(folder / "appendix-a-scorecard.pdf")
    outline = pack.outline
    tops = [item for item in outline if not isinstance(item, list)]
    assert tops[0].title.startswith("Cover report: ")
    assert tops[1].title.startswith("Appendix ")
    report_pages = pack.get_destination_page_number(tops[1])
    assert pack.get_destination_page_number(tops[0]) == 0
    assert report_pages >= 1
    given = sum(len(PdfReader(p).pages) for p in (ROOT / "data" / meeting).glob("*.pdf"))  # appendices the meeting gives
    assert len(pack.pages) == report_pages + len(appendix.pages) + given
    # The appendix's own bookmarks (one per group) come along, nested under it.
    after_appendix = outline[outline.index(tops[1]) + 1]
    assert isinstance(after_appendix, list) and len(after_appendix) >= 1
    # The cover's text is in the pack, the appendix's too.
    committee = yaml.safe_load((ROOT / "data" / meeting / "meeting.yaml").read_text())["committee"]
    assert committee.lower() in " ".join(pack.pages[0].extract_text().lower().split())
    assert pack.pages[report_pages].extract_text() == appendix.pages[0].extract_text()
    assert pack.metadata.title and "/Lang" in pack.trailer["/Root"]


@pytest.mark.parametrize("meeting", [m.name for m in MEETINGS])
def test_manifest_hashes_match_the_files(packs, meeting):
    folder = packs[0] / meeting
    manifest = json.loads((folder / "manifest.json").read_text())
    assert set(manifest["outputs"]) == OUTPUTS - {"manifest.json"}
    for name, digest in manifest["outputs"].items():
        assert sha256(folder / name) == digest, name
    source = ROOT / "data" / meeting
    assert "meeting.yaml" in manifest["inputs"]
    for name, digest in manifest["inputs"].items():
        assert not Path(name).is_absolute()
        assert sha256((source / name).resolve()) == digest, name
    assert any(name.startswith("../../templates/") for name in manifest["inputs"])
    assert any(name.startswith("../../boilerplate/") for name in manifest["inputs"])
    assert "/work/" not in (folder / "manifest.json").read_text()


@needs_soffice
def test_two_builds_are_byte_identical(packs, tmp_path):
    first = packs[0]
    assert run("build", *map(str, MEETINGS), "-o", str(tmp_path), "-q").returncode == 0
    for meeting in MEETINGS:
        assert (first / meeting.name / "manifest.json").read_text() == (tmp_path / meeting.name / "manifest.json").read_text()
        for name in REPRODUCIBLE:
            assert sha256(first / meeting.name / name) == sha256(tmp_path / meeting.name / name), (meeting.name, name)


def test_source_date_epoch_sets_the_build_date(tmp_path):
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1500000000"}
    assert run("build", str(ROOT / "data/kent-cc-2013-09"), "-o", str(tmp_path), "--no-pack", "-q", env=env).returncode == 0
    manifest = json.loads((tmp_path / "kent-cc-2013-09/manifest.json").read_text())
    assert manifest["build_date"] == "2017-07-14T02:40:00Z"
    assert PdfReader(tmp_path / "kent-cc-2013-09/appendix-a-scorecard.pdf").metadata["/CreationDate"].startswith("D:20170714")


def _copy_meeting(name: str, target: Path) -> Path:
    folder = target / name
    shutil.copytree(ROOT / "data" / name, folder)
    return folder


def _use_own_template(meeting: Path, name: str, extra_paragraph: str) -> None:
    """Give the meeting its own copy of the Kent template, with one paragraph added."""
    from docx import Document

    template = Document(ROOT / "templates/kent-cabinet-committee/template.docx")
    template.add_paragraph(extra_paragraph)
    template.save(meeting / name)
    text = (meeting / "meeting.yaml").read_text().replace(
        "template: kent-cabinet-committee", f"template: {name}\nhouse_style: kent-cabinet-committee")
    (meeting / "meeting.yaml").write_text(text)


def test_a_failed_rebuild_leaves_the_previous_pack_untouched(tmp_path):
    meeting = _copy_meeting("kent-cc-2013-09", tmp_path / "data")
    out = tmp_path / "out"
    assert run("build", str(meeting), "-o", str(out), "--no-pack", "-q").returncode == 0
    before = {p.name: sha256(p) for p in (out / meeting.name).iterdir()}
    # A template with a syntax error, as a user editing it in Word might leave it.
    _use_own_template(meeting, "broken.docx", "{% if %}")
    result = run("build", str(meeting), "-o", str(out), "--no-pack")
    assert result.returncode == 2, result.stderr
    assert "broken.docx" in result.stderr and "Traceback" not in result.stderr
    assert {p.name: sha256(p) for p in (out / meeting.name).iterdir()} == before
    assert [p.name for p in out.iterdir()] == [meeting.name]  # no temporary folders


def test_bad_input_in_one_meeting_writes_nothing_for_any(tmp_path):
    good = _copy_meeting("kent-cc-2013-09", tmp_path / "data")
    bad = _copy_meeting("kent-scs-2017-06", tmp_path / "data")  # Bucks reads a wide workbook now, not values.csv
    values = bad / "values.csv"
    values.write_text(values.read_text().replace("\nEH01,2015-04,", "\nEH01,2015-04,lots", 1))
    result = run("build", str(good), str(bad), "-o", str(tmp_path / "out"), "--no-pack")
    assert result.returncode == 2
    assert "values.csv" in result.stderr and "'value'" in result.stderr and "is not a number" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_strict_fails_on_warnings_and_names_them(tmp_path):
    result = run("build", str(ROOT / "data/bucks-cscl-2016-12"), "-o", str(tmp_path), "--no-pack", "--strict")
    assert result.returncode == 1
    assert "B16" in result.stderr and "has no value for Q2 2016/17" in result.stderr
    assert not any(tmp_path.iterdir())


def test_missing_libreoffice_is_one_line_and_the_rest_is_written(tmp_path):
    bare = tmp_path / "bin"
    bare.mkdir()
    (bare / "python").symlink_to(sys.executable)
    env = {**os.environ, "PATH": str(bare)}
    result = run("build", str(ROOT / "data/kent-cc-2013-09"), "-o", str(tmp_path / "out"), env=env)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "LibreOffice" in line]
    assert len(lines) == 1 and "apt-get install libreoffice-writer-nogui" in lines[0]
    assert {p.name for p in (tmp_path / "out/kent-cc-2013-09").iterdir()} == OUTPUTS - {"agenda-pack.pdf"}


def test_check_is_clean_for_a_good_meeting_and_writes_nothing(tmp_path):
    meeting = _copy_meeting("kent-scs-2017-06", tmp_path)
    before = sorted(p.name for p in meeting.rglob("*"))
    result = run("check", str(meeting))
    assert result.returncode == 0, result.stderr
    assert "no problems found" in result.stdout
    assert sorted(p.name for p in meeting.rglob("*")) == before


def test_check_lists_every_seeded_problem_at_once(tmp_path):
    meeting = _copy_meeting("kent-cc-2013-09", tmp_path)
    indicators = meeting / "indicators.csv"
    lines = indicators.read_text().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("polarity")] = "upwards"
    lines[1] = ",".join(row)
    indicators.write_text("\n".join(lines) + "\n")
    values = meeting / "values.csv"
    values.write_text(values.read_text() + "NOPE,2013-06,5" + "," * (values.read_text().splitlines()[0].count(",") - 2) + "\n")
    _use_own_template(meeting, "mine.docx", "{{ no_such_field }}")
    result = run("check", str(meeting))
    assert result.returncode == 2
    problems = [line.strip() for line in result.stderr.splitlines()[1:]]
    n_values = len(values.read_text().splitlines())
    assert problems == [
        f"{meeting}/mine.docx: uses {{{{ no_such_field }}}}, which the report does not provide; available: "
        "classification_notice, facts, footer_text, front, header, header_text, heading, heading_rich, sections, "
        "signatory, title_lines",
        f"{meeting}/indicators.csv:2: column 'polarity': 'upwards' is not allowed; use one of higher, lower",
        f"{meeting}/values.csv:{n_values}: column 'id': 'NOPE' is not an id in the indicators table",
    ]


def test_new_then_build(tmp_path):
    previous = _copy_meeting("kent-scs-2017-06", tmp_path)
    target = tmp_path / "kent-scs-2017-07"
    result = run("new", str(target), "--from", str(previous), "--date", "2017-07-20")
    assert result.returncode == 0, result.stderr
    text = (target / "meeting.yaml").read_text()
    assert "meeting_date: 2017-07-20" in text and "period: 2017-05" in text and "previous_period: 2017-04" in text
    assert "# Reproduces a real paper" in text  # the author's comments survive
    # Add May's figures: April's again, so every measure keeps its status.
    values = target / "values.csv"
    rows = values.read_text().splitlines()
    header = rows[0].split(",")
    period = header.index("period")
    may = [r.replace(",2017-04,", ",2017-05,", 1) for r in rows[1:] if r.split(",")[period] == "2017-04"]
    values.write_text("\n".join(rows + may) + "\n")
    built = build([target], tmp_path / "out", pack=False)[0]
    assert str(built.scores.period) == "2017-05"
    assert built.scores.summary.status_counts["Red"] == 5
    monthly = [s for s in built.scores.measures if s.indicator.frequency == "monthly"]
    assert monthly and all(str(s.previous_period) == "2017-04" for s in monthly)
    assert all(s.previous_status == s.status for s in monthly if s.indicator.kind == "kpi")


def test_new_refuses_to_overwrite(tmp_path):
    result = run("new", str(ROOT / "data/kent-cc-2013-09"), "--from", str(ROOT / "data/kent-scs-2017-06"))
    assert result.returncode == 2
    assert "already exists and is not empty" in result.stderr


def test_usage_errors_and_debug(tmp_path):
    assert run("build").returncode == 64
    result = run("build", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "no meeting file here" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("parallel", [True, False])
def test_a_failure_while_drawing_the_scorecard_reaches_the_caller_whole(monkeypatch, parallel):
    from reportgen import build as build_module
    from reportgen.errors import Problem, RenderError
    import reportgen.render.scorecard_pdf as scorecard_pdf

    def fail(*_args, **_kwargs):
        raise RenderError([Problem("appendix-a-scorecard.pdf", "the page is too small for one row")])

    monkeypatch.setattr(scorecard_pdf, "render_scorecard", fail)
    with pytest.raises(RenderError) as caught:
        build_module.prepare(ROOT / "data/kent-cc-2013-09", parallel=parallel)
    assert [str(p) for p in caught.value.problems] == ["appendix-a-scorecard.pdf: the page is too small for one row"]


def test_one_worker_and_two_give_the_same_bytes(tmp_path, monkeypatch):
    meetings = [ROOT / "data/kent-cc-2013-09", ROOT / "data/cardiff-cyp-2018-03"]
    monkeypatch.setenv("REPORTGEN_WORKERS", "1")
    build(meetings, tmp_path / "one", pack=False)
    monkeypatch.setenv("REPORTGEN_WORKERS", "2")
    build(meetings, tmp_path / "two", pack=False)
    for meeting in meetings:
        for name in OUTPUTS - {"agenda-pack.pdf"}:
            assert sha256(tmp_path / "one" / meeting.name / name) == sha256(tmp_path / "two" / meeting.name / name)


def test_an_output_folder_that_cannot_be_made_is_one_clear_line(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = run("build", str(ROOT / "data/kent-cc-2013-09"), "-o", str(blocker / "out"), "--no-pack")
    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        f"reportgen build: cannot write or read {blocker / 'out'}: Not a directory"]
