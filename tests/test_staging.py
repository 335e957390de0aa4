"""No file of the user's is ever lost: the staged swap, and real builds killed, starved and refused.

The fault tests run `reportgen build` as a real process and kill it at an exact
point (the build stops itself there when REPORTGEN_TEST_STOP_AT names it), fill
a real small file system, or point the output at the meeting's own folder.
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

from reportgen import staging
from reportgen.staging import Staging

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "bucks-cscl-2016-12"


def _previous_pack(out: Path) -> Path:
    target = out / "kent-scs-2017-06"
    target.mkdir(parents=True)
    (target / "report.docx").write_bytes(b"previous report")
    return target


def test_staging_swaps_the_new_pack_in_whole(tmp_path):
    target = _previous_pack(tmp_path)
    with Staging(target) as stage:
        assert stage.path.parent == tmp_path and stage.path.name.startswith(".kent-scs-2017-06.tmp-")
        stage.write_bytes("report.docx", b"new report")
        stage.write_bytes("scores.csv", b"id\n")
        assert (target / "report.docx").read_bytes() == b"previous report"  # not yet swapped
    assert sorted(p.name for p in target.iterdir()) == ["report.docx", "scores.csv"]
    assert (target / "report.docx").read_bytes() == b"new report"
    assert [p.name for p in tmp_path.iterdir()] == ["kent-scs-2017-06"]


def test_a_failed_build_leaves_the_previous_pack_untouched(tmp_path):
    target = _previous_pack(tmp_path)
    with pytest.raises(RuntimeError, match="template broke"):
        with Staging(target) as stage:
            stage.write_bytes("report.docx", b"half a report")
            raise RuntimeError("template broke")
    assert [p.name for p in target.iterdir()] == ["report.docx"]
    assert (target / "report.docx").read_bytes() == b"previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["kent-scs-2017-06"]  # no .tmp folder left


def test_a_failed_first_build_leaves_nothing(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        with Staging(tmp_path / "out" / "bucks-2018-01"):
            raise KeyboardInterrupt
    assert list((tmp_path / "out").iterdir()) == []


def test_the_swap_is_one_exchange_on_linux(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "x").write_text("a"), (b / "x").write_text("b")
    if not staging.exchange(a, b):
        pytest.skip("this system has no renameat2(RENAME_EXCHANGE)")
    assert (a / "x").read_text() == "b" and (b / "x").read_text() == "a"


def test_the_two_rename_fallback_keeps_the_previous_pack_when_it_fails(tmp_path, monkeypatch):
    target = _previous_pack(tmp_path)
    monkeypatch.setattr(staging, "exchange", lambda a, b: False)
    with Staging(target) as stage:
        stage.write_bytes("report.docx", b"new report")
    assert (target / "report.docx").read_bytes() == b"new report"
    assert [p.name for p in tmp_path.iterdir()] == ["kent-scs-2017-06"]


def test_sweep_removes_only_folders_of_builds_that_are_gone(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".x.tmp-{dead.pid}-abcd1234"
    live = tmp_path / f".x.tmp-{os.getpid()}-abcd1234"
    user = tmp_path / ".x.tmp-notes"  # not a name reportgen makes: never touched
    for folder in (stale, live, user):
        folder.mkdir()
    assert staging.sweep(tmp_path) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, user.name])


# --- real builds -----------------------------------------------------------------------------


def run(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportgen.cli", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=cwd, timeout=300)


def complete(pack: Path) -> bool:
    """Every output the pack's manifest lists is there with the bytes it lists."""
    manifest = json.loads((pack / "manifest.json").read_text())
    return all(hashlib.sha256((pack / name).read_bytes()).hexdigest() == digest
               for name, digest in manifest["outputs"].items())


def hidden(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


def _stopped(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state == "T"


def kill_at(point: str, out: Path) -> None:
    """Start a build that stops itself at ``point``, then kill it there with SIGKILL."""
    process = subprocess.Popen([sys.executable, "-m", "reportgen.cli", "build", str(SAMPLE), "-o", str(out),
                                "--no-pack", "-q"], cwd=ROOT, env={**os.environ, "REPORTGEN_TEST_STOP_AT": point,
                                                                     "REPORTGEN_WORKERS": "1"})
    deadline = time.monotonic() + 120
    while not _stopped(process.pid):
        assert process.poll() is None, f"the build ended (exit {process.returncode}) before reaching {point}"
        assert time.monotonic() < deadline, f"the build never reached {point}"
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to see a stopped process")


@pytest.fixture()
def built(tmp_path) -> Path:
    out = tmp_path / "out"
    result = run("build", str(SAMPLE), "-o", str(out), "--no-pack", "-q")
    assert result.returncode == 0, result.stderr
    return out


@needs_proc
def test_a_build_killed_while_writing_leaves_the_previous_pack_whole(built):
    pack = built / SAMPLE.name
    before = (pack / "manifest.json").read_bytes()
    kill_at("write", built)
    assert complete(pack) and (pack / "manifest.json").read_bytes() == before
    assert len(hidden(built)) == 1 and ".tmp-" in hidden(built)[0]  # the killed build's staging
    assert run("build", str(SAMPLE), "-o", str(built), "--no-pack", "-q").returncode == 0
    assert hidden(built) == [] and complete(pack)  # swept by the next build


@needs_proc
def test_a_build_killed_at_the_swap_leaves_a_whole_pack_at_the_path(built):
    pack = built / SAMPLE.name
    kill_at("swap", built)
    assert complete(pack)  # the exchange is one step: the path always holds a complete pack
    assert run("build", str(SAMPLE), "-o", str(built), "--no-pack", "-q").returncode == 0
    assert hidden(built) == [] and complete(pack)


@needs_proc
def test_a_first_build_killed_while_writing_leaves_no_pack_and_is_swept(tmp_path):
    out = tmp_path / "out"
    kill_at("write", out)
    assert not (out / SAMPLE.name).exists()
    assert run("build", str(SAMPLE), "-o", str(out), "--no-pack", "-q").returncode == 0
    assert hidden(out) == [] and complete(out / SAMPLE.name)


@pytest.fixture()
def small_disk(tmp_path):
    """A real 400 KB file system (tmpfs), big enough for the start of a pack but not all of it."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(mount)], capture_output=True)
    if made.returncode:
        pytest.skip(f"cannot mount a small file system here (needs root): {made.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_one_clear_line_and_leaves_the_previous_pack(small_disk):
    pack = small_disk / SAMPLE.name
    pack.mkdir()
    previous = {"reportgen": "0.1.0", "outputs": {}}
    (pack / "manifest.json").write_text(json.dumps(previous))
    result = run("build", str(SAMPLE), "-o", str(small_disk), "--no-pack", "-q")
    assert result.returncode == 3, result.stderr
    assert "No space left on device" in result.stderr and "Traceback" not in result.stderr
    assert json.loads((pack / "manifest.json").read_text()) == previous
    assert sorted(p.name for p in small_disk.iterdir()) == [SAMPLE.name]  # nothing half-written left


def test_an_output_folder_that_cannot_be_written_is_one_clear_line(small_disk):
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = run("build", str(SAMPLE), "-o", str(small_disk / "out"), "--no-pack", "-q")
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1 and "Read-only file system" in result.stderr, result.stderr


# --- refused before anything is written -------------------------------------------------------


def _papers(tmp_path: Path) -> Path:
    papers = tmp_path / "papers"
    shutil.copytree(SAMPLE, papers / "X")
    return papers


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_an_output_folder_over_the_meeting_is_refused_and_nothing_changes(tmp_path):
    papers = _papers(tmp_path)
    before = _tree(papers)
    result = run("build", str(papers / "X"), "-o", str(papers), "--no-pack")
    assert result.returncode == 2
    assert f"-o: the output folder {papers} contains the meeting folder {papers / 'X'}" in result.stderr
    assert _tree(papers) == before


def test_an_output_folder_inside_the_meeting_is_refused(tmp_path):
    papers = _papers(tmp_path)
    result = run("build", str(papers / "X"), "-o", str(papers / "X" / "out"), "--no-pack")
    assert result.returncode == 2
    assert f"the output folder {papers / 'X' / 'out'} is inside the meeting folder {papers / 'X'}" in result.stderr
    assert not (papers / "X" / "out").exists()


def test_two_meetings_that_would_write_the_same_pack_are_refused(tmp_path):
    for side in ("a", "b"):
        shutil.copytree(SAMPLE, tmp_path / side / "X")
    out = tmp_path / "out"
    result = run("build", str(tmp_path / "a" / "X"), str(tmp_path / "b" / "X"), "-o", str(out), "--no-pack")
    assert result.returncode == 2
    assert f"{tmp_path / 'a' / 'X'} and {tmp_path / 'b' / 'X'} would both write {out / 'X'}" in result.stderr
    assert not out.exists()


def test_a_folder_that_is_not_a_pack_is_never_replaced(tmp_path):
    out = tmp_path / "out"
    (out / SAMPLE.name).mkdir(parents=True)
    (out / SAMPLE.name / "notes.txt").write_text("my notes")
    result = run("build", str(SAMPLE), "-o", str(out), "--no-pack")
    assert result.returncode == 2
    assert "exists and is not a pack reportgen made" in result.stderr
    assert (out / SAMPLE.name / "notes.txt").read_text() == "my notes"
