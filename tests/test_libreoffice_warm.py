"""The warm LibreOffice (libreoffice.WarmOffice): conversions handed to one running soffice."""

from __future__ import annotations

import io
import os
import shutil
import signal
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen import libreoffice
from reportgen.errors import RenderError

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def cover(tmp_path_factory):
    """A real cover report: the Kent 2017 sample's report.docx."""
    from reportgen.build import prepare

    return prepare(ROOT / "data" / "kent-scs-2017-06").docx


@pytest.fixture
def office():
    messages = []
    warm = libreoffice.WarmOffice(timeout=60, warn=messages.append)
    warm.messages = messages
    try:
        yield warm
    finally:
        warm.stop()


def server_pids(office) -> list[int]:
    """soffice.bin processes using the office's private profile."""
    uri = office.profile.as_uri().encode()
    found = []
    for proc in Path("/proc").iterdir():
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if command[0].endswith(b"soffice.bin") and any(uri in part for part in command):
            found.append(int(proc.name))
    return found


def text(pdf: bytes) -> str:
    return PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_warm_conversions_are_handed_to_one_running_office(office, cover):
    (pid,) = server_pids(office)
    started = time.monotonic()
    first, second = (office.convert([("m/report.docx", cover)])[0] for _ in range(2))
    assert time.monotonic() - started < 20
    assert server_pids(office) == [pid]  # the same process, still running after both
    assert "SPECIALIST CHILDREN" in text(first).upper() and text(first) == text(second)
    assert office.messages == []


def test_a_killed_office_is_restarted_once_with_a_message(office, cover):
    (pid,) = server_pids(office)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while office.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    (pdf,) = office.convert([("m/report.docx", cover)])
    assert pdf.startswith(b"%PDF")
    assert len(office.messages) == 1
    assert office.messages[0].startswith("LibreOffice stopped (it had exited, code ")
    assert office.messages[0].endswith("); restarted it")
    assert server_pids(office) not in ([], [pid])


def test_a_hung_office_is_restarted_after_the_timeout(cover):
    messages = []
    office = libreoffice.WarmOffice(timeout=5, warn=messages.append)
    try:
        (pid,) = server_pids(office)
        os.kill(pid, signal.SIGSTOP)  # hung: running, answering nothing
        started = time.monotonic()
        (pdf,) = office.convert([("m/report.docx", cover)])
        assert 5 <= time.monotonic() - started < 60
        assert messages == ["LibreOffice stopped (no answer within 5 s); restarted it"]
        assert pdf.startswith(b"%PDF") and pid not in server_pids(office)
    finally:
        office.stop()


def test_a_file_it_cannot_convert_is_a_render_error_naming_the_meeting(office):
    with pytest.raises(RenderError) as caught:
        office.convert([("kent-scs-2017-06/report.docx", b"PK\x03\x04 not really a docx")])
    assert str(caught.value).startswith("kent-scs-2017-06/report.docx: LibreOffice could not convert it to PDF")
    assert office.alive() and office.messages == []  # the office itself was fine


def test_stop_ends_the_office_and_removes_its_profile(cover):
    office = libreoffice.WarmOffice(timeout=60)
    assert server_pids(office) and office.pid_file.is_file()
    office.stop()
    assert server_pids(office) == [] and not office.root.exists()
