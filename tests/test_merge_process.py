"""The agenda pack is merged in a process of its own, forked at start-up while the build is small.

parallel.stand_by forks it (cli.py, before the heavy imports), parallel.apart
hands it each pack's merge. Its errors must reach the build whole, and its
death (killed, out of memory) must be one clear line and leave no pack behind.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportgen import parallel
from reportgen.errors import Problem, RenderError

ROOT = Path(__file__).resolve().parents[1]
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")

_PREPARED: list[int] = []  # set in the standing process by _prepare, before its jobs


def _prepare() -> None:
    _PREPARED.append(os.getpid())


def where(label: str) -> tuple[str, int, list[int]]:
    return label, os.getpid(), list(_PREPARED)


def damaged(name: str):
    raise RenderError([Problem(name, "cannot be read as a PDF for the agenda pack: not a PDF")])


def killed(_label: str):
    os.kill(os.getpid(), signal.SIGKILL)


@pytest.fixture
def standing(monkeypatch):
    monkeypatch.delenv("REPORTGEN_WORKERS", raising=False)
    parallel.stand_by(_prepare)
    yield parallel._standing
    parallel.stand_down()


def test_every_job_runs_in_the_one_process_stood_by_after_its_preparation(standing):
    first, second = parallel.apart(where, "kent"), parallel.apart(where, "bucks")  # two meetings' packs
    assert first[1] == second[1] == standing._process.pid != os.getpid()
    assert first == ("kent", standing._process.pid, [standing._process.pid])
    assert second[2] == [standing._process.pid]  # prepared once
    assert _PREPARED == []  # not here


def test_an_error_there_is_raised_here_whole_and_the_process_stays(standing):
    with pytest.raises(RenderError) as caught:
        parallel.apart(damaged, "appendix-b.pdf")
    assert caught.value.problems == [Problem("appendix-b.pdf", "cannot be read as a PDF for the agenda pack: "
                                                               "not a PDF")]
    assert parallel.apart(where, "next")[1] == standing._process.pid


def test_a_process_killed_during_its_job_is_a_render_error_and_the_next_job_runs_here(standing):
    with pytest.raises(RenderError, match="the process merging the agenda pack ended without a result"):
        parallel.apart(killed, "kent")
    assert parallel._standing is None
    assert parallel.apart(where, "next")[1] == os.getpid()


def test_a_process_that_died_before_its_job_is_not_waited_for(standing):
    os.kill(standing._process.pid, signal.SIGKILL)
    standing._process.join()
    assert parallel.apart(where, "kent")[1] == os.getpid()
    assert parallel._standing is None


def test_without_a_process_stood_by_the_job_runs_here():
    assert parallel._standing is None
    assert parallel.apart(where, "kent")[1] == os.getpid()


def test_one_worker_means_no_process_stood_by(monkeypatch):
    monkeypatch.setenv("REPORTGEN_WORKERS", "1")
    parallel.stand_by(_prepare)
    assert parallel._standing is None
    assert parallel.apart(where, "kent")[1] == os.getpid()




# --- in a build ------------------------------------------------------------------------------

def _meeting_with_an_appendix(tmp_path: Path, pdf: bytes) -> Path:
    meeting = tmp_path / "data" / "kent-cc-2013-09"
    shutil.copytree(ROOT / "data" / "kent-cc-2013-09", meeting)
    (meeting / "budget.pdf").write_bytes(pdf)
    text = (meeting / "meeting.yaml").read_text(encoding="utf-8")
    scorecard = "    source: scorecard\n"
    assert scorecard in text
    text = text.replace(scorecard, scorecard + '  - letter: "2"\n    title: Budget monitoring\n    source: budget.pdf\n')
    (meeting / "meeting.yaml").write_text(text, encoding="utf-8")
    return meeting


def _build(meeting: Path, out: Path, *, setup: str = "") -> subprocess.CompletedProcess:
    script = f"{setup}\nfrom reportgen.cli import main\nraise SystemExit(main(['build', {str(meeting)!r}, '-o', {str(out)!r}]))"
    env = {k: v for k, v in os.environ.items() if k != "REPORTGEN_WORKERS"}  # the merge in its own process
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=env)


@needs_soffice
def test_a_damaged_appendix_is_named_and_no_pack_is_written(tmp_path):
    meeting = _meeting_with_an_appendix(tmp_path, b"%PDF-1.4 cut short")
    result = _build(meeting, tmp_path / "out")
    assert result.returncode == 3, result.stderr
    assert f"{meeting / 'budget.pdf'}: cannot be read as a PDF for the agenda pack" in result.stderr
    assert "Traceback" not in result.stderr
    assert list((tmp_path / "out").iterdir()) == []  # the meeting's folder was never swapped in


# A merge that dies half way through writing the pack, as one killed for want of memory would.
DIES_WRITING = """
import os, signal
from reportgen import atomic, merge

def half_a_pack(handle):
    handle.write(b"%PDF-1.7 half a pack")
    handle.flush()
    os.kill(os.getpid(), signal.SIGKILL)

merge.merge_pdfs = lambda parts, out, **facts: atomic.atomic_write(out, half_a_pack)
"""


@needs_soffice
def test_a_merge_that_dies_leaves_the_previous_pack_as_it_was(tmp_path):
    meeting = _meeting_with_an_appendix(tmp_path, _small_pdf())
    out = tmp_path / "out"
    assert _build(meeting, out).returncode == 0
    before = {p.name: p.read_bytes() for p in (out / meeting.name).iterdir()}
    result = _build(meeting, out, setup=DIES_WRITING)
    assert result.returncode == 3, result.stderr
    assert "the process merging the agenda pack ended without a result" in result.stderr
    assert "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in (out / meeting.name).iterdir()} == before
    assert [p.name for p in out.iterdir()] == [meeting.name]  # no staging folder, no half-written file


def _small_pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    pdf.drawString(72, 720, "Budget monitoring")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
