"""`reportgen build --watch MEETING` as a real process: rebuilds on a change, keeps LibreOffice warm.

Every wait has a deadline and the watching process is killed in a finally, so
a broken watch fails the test instead of hanging it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from docx import Document

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "kent-scs-2017-06"
PARAGRAPH = ROOT / "boilerplate" / "kent-cabinet-committee" / "latest-results.md"
COUNTS = "19 Green, 19 Amber, 5 Red, 6 Within range"
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Watching:
    """A `reportgen build --watch` process, its output read as it comes (files, not pipes: no deadlock)."""

    def __init__(self, tmp: Path, *args: str):
        self.stdout, self.stderr = tmp / "watch.out", tmp / "watch.err"
        with open(self.stdout, "wb") as out, open(self.stderr, "wb") as err:
            self.process = subprocess.Popen([sys.executable, "-m", "reportgen.cli", "build", "--watch", *args],
                                            cwd=tmp, stdout=out, stderr=err)

    def out(self) -> str:
        return self.stdout.read_text()

    def err(self) -> str:
        return self.stderr.read_text()

    def wait_for(self, test, what: str, within: float = 90):
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"reportgen exited ({self.process.returncode}) waiting for {what}:\n{self.err()}")
            if test():
                return
            time.sleep(0.1)
        pytest.fail(f"no {what} within {within:g} s:\nstdout:\n{self.out()}\nstderr:\n{self.err()}")

    def lines(self, start: str) -> list[str]:
        return [line for line in self.out().splitlines() if line.startswith(start)]

    def stop(self, sig=signal.SIGINT) -> int:
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            pytest.fail("reportgen did not stop within 30 s of " + sig.name)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def meeting(tmp_path):
    """A copy of a sample meeting with one paragraph of its own to edit."""
    folder = tmp_path / "m"
    shutil.copytree(SAMPLE, folder)
    (folder / "boilerplate").mkdir()
    shutil.copy(PARAGRAPH, folder / "boilerplate" / PARAGRAPH.name)
    return folder


def edit(paragraph: Path, text: str) -> None:
    paragraph.write_text(text + "\n", encoding="utf-8")
    # Some file systems keep whole-second times: make sure the change shows.
    later = time.time() + 2
    os.utime(paragraph, (later, later))


def docx_text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def soffice_pids(reportgen_pid: int) -> list[int]:
    """The warm soffice.bin of a watching reportgen: its profile is named after reportgen's pid."""
    pids = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if command and command[0].endswith(b"soffice.bin") and any(  # driven over UNO, or handed conversions
                f"reportgen-{kind}-{reportgen_pid}-".encode() in part for part in command for kind in ("uno", "warm")):
            pids.append(int(proc.name))
    return pids


def test_watch_rebuilds_the_report_when_a_paragraph_changes(meeting, tmp_path):
    out = tmp_path / "out" / "m"
    watching = Watching(tmp_path, "m", "-o", "out", "--no-pack")
    try:
        watching.wait_for(lambda: watching.lines("built:"), "first build")
        assert watching.lines("built:") == [f"built: {COUNTS}"]
        assert "The SCS performance scorecard includes latest available results" in docx_text(out / "report.docx")
        first = sha256(out / "report.docx")

        edit(meeting / "boilerplate" / PARAGRAPH.name, "Marmalade results for {{ service_short }}.")
        watching.wait_for(lambda: watching.lines("rebuilt"), "rebuild")
        assert watching.lines("rebuilt") == [f"rebuilt after boilerplate/{PARAGRAPH.name} changed: {COUNTS}"]
        text = docx_text(out / "report.docx")
        assert "Marmalade results for SCS." in text and "includes latest available results" not in text
        assert sha256(out / "report.docx") != first

        # A broken paragraph: the problem is printed, the previous pack stays, watching goes on.
        rebuilt = sha256(out / "report.docx")
        edit(meeting / "boilerplate" / PARAGRAPH.name, "Broken {{ nosuch }}.")
        watching.wait_for(lambda: "failed" in watching.err(), "failed rebuild")
        assert (f"reportgen: rebuild after boilerplate/{PARAGRAPH.name} changed failed, 1 problem(s) found "
                "(the previous pack stays):\n"
                f"  m/boilerplate/{PARAGRAPH.name}:1: field 'nosuch' is not defined;") in watching.err()
        assert sha256(out / "report.docx") == rebuilt
        edit(meeting / "boilerplate" / PARAGRAPH.name, "Mended for {{ service_short }}.")
        watching.wait_for(lambda: len(watching.lines("rebuilt")) == 2, "rebuild after the mend")
        assert "Mended for SCS." in docx_text(out / "report.docx")
        assert watching.stop(signal.SIGINT) == 0
    finally:
        watching.kill()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")], "staging folders left behind"


def test_watch_with_one_meeting_only(tmp_path):
    result = subprocess.run([sys.executable, "-m", "reportgen.cli", "build", "--watch", str(SAMPLE), str(SAMPLE),
                             "-o", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 64
    assert result.stderr == "reportgen build: --watch watches one meeting; give one MEETING_DIR\n"


@needs_soffice
def forks_of(pid: int) -> list[int]:
    """The children of ``pid`` that are forks of it (the same command line): the merge's process."""
    own = (Path("/proc") / str(pid) / "cmdline").read_bytes()
    found = []
    for proc in Path("/proc").iterdir():
        try:
            parent = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if parent == pid and (proc / "cmdline").read_bytes() == own:
                found.append(int(proc.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


def test_watch_restarts_a_killed_libreoffice_and_its_pack_matches_a_cold_build(meeting, tmp_path):
    cold = tmp_path / "cold"
    result = subprocess.run([sys.executable, "-m", "reportgen.cli", "build", "m", "-o", str(cold)], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out" / "m"
    watching = Watching(tmp_path, "m", "-o", "out")
    try:
        watching.wait_for(lambda: watching.lines("built:"), "first build", within=180)
        # The same meeting's pack, converted by the warm LibreOffice, is the cold build's bytes.
        assert sha256(out / "agenda-pack.pdf") == sha256(cold / "m" / "agenda-pack.pdf")
        watching.wait_for(lambda: soffice_pids(watching.process.pid), "a warm soffice.bin", within=10)
        (warm,) = soffice_pids(watching.process.pid)

        edit(meeting / "boilerplate" / PARAGRAPH.name, "Warm results for {{ service_short }}.")
        watching.wait_for(lambda: watching.lines("rebuilt"), "rebuild with the warm LibreOffice")
        assert soffice_pids(watching.process.pid) == [warm], "the warm LibreOffice was not kept"
        # Every pack is merged in the one process forked before the first build, while the watch was small.
        merger = forks_of(watching.process.pid)
        assert len(merger) == 1
        assert "restarted" not in watching.err()

        os.kill(warm, signal.SIGKILL)
        edit(meeting / "boilerplate" / PARAGRAPH.name, "Restarted results for {{ service_short }}.")
        watching.wait_for(lambda: len(watching.lines("rebuilt")) == 2, "rebuild after the kill", within=120)
        assert "LibreOffice stopped (it had exited, code " in watching.err()
        assert "); restarted it\n" in watching.err()
        assert "Restarted results for SCS." in docx_text(out / "report.docx")
        manifest = json.loads((out / "manifest.json").read_text())
        assert "agenda-pack.pdf" in manifest["outputs"]
        for name, digest in manifest["outputs"].items():
            assert sha256(out / name) == digest, name
        from pypdf import PdfReader

        assert "Restarted results for SCS." in PdfReader(out / "agenda-pack.pdf").pages[0].extract_text() + \
            PdfReader(out / "agenda-pack.pdf").pages[1].extract_text()
        assert forks_of(watching.process.pid) == merger
        restarted = soffice_pids(watching.process.pid)
        assert len(restarted) == 1 and restarted != [warm]
        assert watching.stop(signal.SIGTERM) == 0
        assert soffice_pids(watching.process.pid) == [], "LibreOffice left running after the watch stopped"
    finally:
        watching.kill()
        for pid in soffice_pids(watching.process.pid):
            os.kill(pid, signal.SIGKILL)
