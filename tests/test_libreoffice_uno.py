"""LibreOffice started first and driven over UNO (unooffice.UnoOffice), and what a build leaves behind.

The builds run as real processes: their LibreOffice (soffice, soffice.bin and the
unoconvert.py script) is found in /proc by its private folder, which is named
after the building process's id.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen import unooffice
from reportgen.errors import EXIT_RENDER_FAILED, RenderError
from reportgen.libreoffice import Conversion
from reportgen.officeprofile import pipe_files

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "kent-scs-2017-06"
needs_uno = pytest.mark.skipif(
    shutil.which("soffice") is None or unooffice.uno_python("soffice") is None
    or subprocess.run([unooffice.uno_python("soffice") or "false", "-c", "import uno"],
                      capture_output=True).returncode != 0,
    reason="LibreOffice, or a Python that can import its uno module (python3-uno), is not installed")
pytestmark = needs_uno


def office_pids(marker: str) -> list[int]:
    """Running processes (not zombies) whose command line holds ``marker``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, ValueError, IndexError):
            continue
        if marker.encode() in command and state != "Z" and int(proc.name) != os.getpid():
            found.append(int(proc.name))
    return found


def soffice_bin(marker: str) -> list[int]:
    return [pid for pid in office_pids(marker)
            if Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].endswith(b"soffice.bin")]


def wait_until(test, within: float = 30):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if test():
            return True
        time.sleep(0.05)
    return False


def leftovers(pid: int) -> list[Path]:
    """The build's temporary folder, and the socket its LibreOffice accepted on."""
    return [*Path(tempfile.gettempdir()).glob(f"reportgen-uno-{pid}-*"),
            *Path("/tmp").glob(f"OSL_PIPE_{os.getuid()}_reportgen-uno-{pid}-*")]


def reportgen(*args: str, env: dict | None = None, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "reportgen.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}, **kwargs)


@pytest.fixture(scope="module")
def cover():
    from reportgen.build import prepare

    return prepare(SAMPLE).docx


@pytest.fixture
def office():
    messages = []
    uno = unooffice.UnoOffice(timeout=60, warn=messages.append)
    uno.messages = messages
    try:
        yield uno
    finally:
        uno.stop()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- whole builds -------------------------------------------------------------------------


def test_the_pack_is_the_same_bytes_over_uno_as_from_a_cold_conversion(tmp_path):
    """The merge keeps the cover's pages and tags, not its dates or /ID; both export with one filter."""
    runs = {}
    for way, python in (("uno", unooffice.uno_python("soffice")), ("cold", "")):
        build = reportgen("build", str(SAMPLE), "-o", str(tmp_path / way), "-q",
                          env={unooffice.PYTHON_VARIABLE: python})
        out, err = build.communicate(timeout=300)
        assert build.returncode == 0, err
        runs[way] = build.pid
    assert sha256(tmp_path / "uno" / SAMPLE.name / "agenda-pack.pdf") == \
        sha256(tmp_path / "cold" / SAMPLE.name / "agenda-pack.pdf")
    for pid in runs.values():
        assert office_pids(f"reportgen-uno-{pid}-") == [] and leftovers(pid) == []


def test_a_build_starts_libreoffice_at_once_and_leaves_nothing_running(tmp_path):
    build = reportgen("build", str(SAMPLE), "-o", str(tmp_path), "-q")
    marker = f"reportgen-uno-{build.pid}-"
    try:
        # Running before the build has even imported its modules: soffice.bin, under the script.
        assert wait_until(lambda: soffice_bin(marker), within=60), "no LibreOffice while the build ran"
        out, err = build.communicate(timeout=300)
    finally:
        build.kill()
    assert build.returncode == 0, err
    assert (tmp_path / SAMPLE.name / "agenda-pack.pdf").is_file()
    assert office_pids(marker) == [] and leftovers(build.pid) == []


def test_a_build_failing_early_leaves_no_libreoffice(tmp_path):
    meeting = tmp_path / "m"
    shutil.copytree(SAMPLE, meeting)
    (meeting / "meeting.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    build = reportgen("build", str(meeting), "-o", str(tmp_path / "out"))
    out, err = build.communicate(timeout=120)
    assert build.returncode == 2 and "problem(s) found" in err and "Traceback" not in err
    assert office_pids(f"reportgen-uno-{build.pid}-") == [] and leftovers(build.pid) == []
    assert not (tmp_path / "out").exists()


def processes_under(pid: int) -> list[str]:
    """``pid`` and its children, each with its state and what it waits in, for a failure's message."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            if int(proc.name) == pid or int(stat[1]) == pid:
                command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:120]
                found.append(f"{proc.name} {stat[0]} {(proc / 'wchan').read_text()} {command}")
        except (OSError, ValueError, IndexError):
            continue
    return found


def stopped(pid: int) -> bool:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "T"


def test_ctrl_c_during_a_build_leaves_no_libreoffice(tmp_path):
    # The build stops itself as it writes its first output (staging._pause_for_tests), LibreOffice running.
    build = reportgen("build", str(SAMPLE), "-o", str(tmp_path), env={"REPORTGEN_TEST_STOP_AT": "write"})
    marker = f"reportgen-uno-{build.pid}-"
    try:
        assert wait_until(lambda: stopped(build.pid), within=120), "the build never reached its outputs"
        assert soffice_bin(marker), "no LibreOffice while the build ran"
        build.send_signal(signal.SIGINT)  # what Ctrl-C sends reportgen (LibreOffice has its own session)
        os.kill(build.pid, signal.SIGCONT)
        try:
            out, err = build.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the build did not end within 60 s of Ctrl-C; its processes: {processes_under(build.pid)}")
    finally:
        build.kill()
    assert build.returncode == 130, err
    assert office_pids(marker) == [] and leftovers(build.pid) == []
    assert not (tmp_path / SAMPLE.name / "agenda-pack.pdf").exists()


def test_libreoffice_ends_itself_when_the_build_is_killed(tmp_path):
    build = reportgen("build", str(SAMPLE), "-o", str(tmp_path))
    marker = f"reportgen-uno-{build.pid}-"
    try:
        assert wait_until(lambda: soffice_bin(marker), within=60), "LibreOffice never started"
        build.kill()  # no finally runs: the script sees its stdin close
        build.communicate(timeout=60)
        assert wait_until(lambda: office_pids(marker) == [], within=30), "LibreOffice outlived a killed build"
        left = leftovers(build.pid)
        assert left, "a killed build cannot tidy up its folder"
        unooffice.sweep_killed_builds()  # the next build does
        assert leftovers(build.pid) == [] and not [p for p in left if p.exists()]
    finally:
        for pid in office_pids(marker):
            os.kill(pid, signal.SIGKILL)


def test_without_a_python_that_has_uno_the_build_converts_the_cold_way(tmp_path):
    build = reportgen("build", str(SAMPLE), "-o", str(tmp_path), "-q", env={unooffice.PYTHON_VARIABLE: sys.executable})
    out, err = build.communicate(timeout=300)
    assert build.returncode == 0 and err == "", err
    assert (tmp_path / SAMPLE.name / "agenda-pack.pdf").is_file()
    assert office_pids(f"reportgen-uno-{build.pid}-") == [] and leftovers(build.pid) == []


# --- the office itself ----------------------------------------------------------------------


def test_conversions_are_made_by_one_running_office(office, cover):
    marker = str(office.root)
    first = office.convert([("m/report.docx", cover)])[0]
    (pid,) = soffice_bin(marker)
    second = office.convert([("m/report.docx", cover)])[0]
    assert soffice_bin(marker) == [pid]
    text = PdfReader(__import__("io").BytesIO(first)).pages[0].extract_text()
    assert "SPECIALIST CHILDREN" in text.upper()
    assert first[:4] == second[:4] == b"%PDF" and office.messages == []


def test_a_killed_office_is_restarted_once_with_a_message(office, cover):
    office.convert([("m/report.docx", cover)])
    (pid,) = soffice_bin(str(office.root))
    os.kill(pid, signal.SIGKILL)
    (pdf,) = office.convert([("m/report.docx", cover)])
    assert pdf.startswith(b"%PDF")
    assert len(office.messages) == 1, office.messages
    assert office.messages[0].startswith("LibreOffice stopped (it had exited, code ")
    assert office.messages[0].endswith("); restarted it")
    assert soffice_bin(str(office.root)) not in ([], [pid])


def test_a_hung_office_is_restarted_after_the_timeout(cover):
    messages = []
    office = unooffice.UnoOffice(timeout=5, warn=messages.append)
    try:
        office.convert([("m/report.docx", cover)])
        (pid,) = soffice_bin(str(office.root))
        os.kill(pid, signal.SIGSTOP)  # hung: running, answering nothing
        started = time.monotonic()
        (pdf,) = office.convert([("m/report.docx", cover)])
        assert 5 <= time.monotonic() - started < 60
        assert messages == ["LibreOffice stopped (no answer within 5 s); restarted it"]
        assert pdf.startswith(b"%PDF") and pid not in soffice_bin(str(office.root))
    finally:
        office.stop()


def test_an_office_that_fails_twice_is_a_render_error_naming_the_report(cover, monkeypatch, tmp_path):
    office = unooffice.UnoOffice(timeout=60)
    try:
        conversion = office.conversion([("m/report.docx", cover)])
        office._kill()
        broken = tmp_path / "broken.py"  # says it has uno, then exits: the restarted office dies too
        broken.write_text('print(\'{"uno": true}\', flush=True)\n')
        monkeypatch.setattr(unooffice, "SCRIPT", broken)
        with pytest.raises(RenderError) as caught:
            conversion.finish()
        assert str(caught.value) == ("m/report.docx: LibreOffice could not convert it to PDF: it stopped again "
                                     "after a restart (it had exited, code 0)")
    finally:
        office.stop()
    assert not office.root.exists()


def test_a_file_it_cannot_convert_is_a_render_error_naming_the_meeting(office):
    with pytest.raises(RenderError) as caught:
        office.convert([("kent-scs-2017-06/report.docx", b"PK\x03\x04 not really a docx")])
    assert str(caught.value).startswith("kent-scs-2017-06/report.docx: LibreOffice could not convert it to PDF")
    assert office.alive() and office.messages == []  # the office itself was fine


def test_without_uno_the_office_hands_back_a_cold_conversion(monkeypatch, cover):
    monkeypatch.setenv(unooffice.PYTHON_VARIABLE, sys.executable)  # reportgen's own: no uno
    office = unooffice.UnoOffice(timeout=60)
    try:
        conversion = office.conversion([("m/report.docx", cover)])
        assert isinstance(conversion, Conversion) and "cannot import uno" in office.unavailable
        assert conversion.finish()[0].startswith(b"%PDF")
    finally:
        office.stop()
    monkeypatch.setenv(unooffice.PYTHON_VARIABLE, "")
    with unooffice.early_office(True) as none:
        assert none is None


def test_stop_ends_the_office_and_removes_its_files(cover):
    office = unooffice.UnoOffice(timeout=60)
    office.convert([("m/report.docx", cover)])
    assert soffice_bin(str(office.root))
    sockets = [p for p in pipe_files(office.profile, office._pipe) if p.exists()]
    assert len(sockets) == 2  # LibreOffice's own, named after the profile, and the one it accepts on
    office.stop()
    assert office_pids(str(office.root)) == [] and not office.root.exists()
    assert not [p for p in sockets if p.exists()], "sockets left in /tmp"


def test_a_build_whose_libreoffice_keeps_dying_fails_cleanly_leaving_the_previous_pack(tmp_path):
    fake = tmp_path / "python-with-uno"  # says it can import uno, then exits: every office "dies"
    fake.write_text("#!/bin/sh\necho '{\"uno\": true}'\n")
    fake.chmod(0o755)
    out = tmp_path / "out"
    first = reportgen("build", str(SAMPLE), "-o", str(out), "-q")
    assert first.wait(timeout=300) == 0
    before = {p.name: sha256(p) for p in (out / SAMPLE.name).iterdir()}
    build = reportgen("build", str(SAMPLE), "-o", str(out), env={unooffice.PYTHON_VARIABLE: str(fake)})
    stdout, err = build.communicate(timeout=300)
    assert build.returncode == EXIT_RENDER_FAILED, err
    assert "LibreOffice stopped (it had exited, code 0); restarted it\n" in err
    assert (f"  {SAMPLE.name}/report.docx: LibreOffice could not convert it to PDF: it stopped again after a "
            "restart (it had exited, code 0)") in err
    assert "Traceback" not in err
    # The previous pack as it was, and nothing else: no partial pack, no staging folder.
    assert [p.name for p in out.iterdir()] == [SAMPLE.name]
    assert {p.name: sha256(p) for p in (out / SAMPLE.name).iterdir()} == before
    assert office_pids(f"reportgen-uno-{build.pid}-") == [] and leftovers(build.pid) == []
