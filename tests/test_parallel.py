"""Work beside the main process (parallel.py): the warm process, forked before the imports."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reportgen import parallel

ROOT = Path(__file__).resolve().parents[1]
MEETING = ROOT / "data" / "kent-scs-2017-06"

_PREPARED: list[int] = []  # set in the warm child by _prepare: it ran there, before the job


def _prepare() -> None:
    _PREPARED.append(os.getpid())


def where(label: str) -> tuple[str, int, list[int]]:
    return label, os.getpid(), list(_PREPARED)


@pytest.fixture
def two_workers(monkeypatch):
    monkeypatch.setenv("REPORTGEN_WORKERS", "2")
    yield
    parallel.cool_down()


def test_a_small_job_runs_in_the_warm_process_after_its_preparation(two_workers):
    parallel.warm_up(_prepare)
    with parallel.beside(True) as start:
        label, pid, prepared = start(where, "job").result()
    assert label == "job" and pid != os.getpid()
    assert prepared == [pid]  # _prepare ran in that same process, before the job
    assert parallel._warm is None  # taken: a second job forks afresh


def test_a_second_job_forks_afresh_and_an_unused_warm_process_cools_down(two_workers):
    parallel.warm_up(_prepare)
    warm = parallel._warm
    with parallel.beside(True) as start:
        start(where, "first").result()
        _, pid, prepared = start(where, "second").result()
    assert prepared == [] and pid != os.getpid()  # a fork of this process, which never ran _prepare
    assert not warm._process.is_alive()  # the first job's process ended with its job
    parallel.warm_up(_prepare)
    unused = parallel._warm
    parallel.cool_down()
    assert not unused._process.is_alive() and parallel._warm is None


def test_a_warm_process_that_died_is_replaced_by_a_fresh_fork(two_workers):
    parallel.warm_up(_prepare)
    warm = parallel._warm
    os.kill(warm._process.pid, signal.SIGKILL)
    warm._process.join()
    with parallel.beside(True) as start:
        label, _, prepared = start(where, "again").result()
    assert (label, prepared) == ("again", [])


def test_one_worker_means_no_warm_process(monkeypatch):
    monkeypatch.setenv("REPORTGEN_WORKERS", "1")
    parallel.warm_up(_prepare)
    assert parallel._warm is None


def test_an_error_in_the_warm_process_is_raised_here(two_workers):
    parallel.warm_up(_prepare)
    with parallel.beside(True) as start:
        job = start(int, "not a number")
        with pytest.raises(ValueError, match="not a number"):
            job.result()


def _children_of(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


def test_a_build_that_fails_early_leaves_no_process_behind(tmp_path):
    meeting = tmp_path / "broken"
    meeting.mkdir()
    (meeting / "meeting.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    env = {**os.environ, "REPORTGEN_WORKERS": "2"}
    process = subprocess.Popen([sys.executable, "-m", "reportgen.cli", "build", str(meeting), "-o",
                                str(tmp_path / "out"), "--no-pack"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: set[int] = set()
    while process.poll() is None:  # watch for the warm child while the build runs
        seen.update(_children_of(process.pid))
        time.sleep(0.005)
    _, err = process.communicate()
    assert process.returncode == 2 and "not valid YAML" in err
    assert seen, "the warm process was never started"
    time.sleep(0.2)
    assert not [pid for pid in seen if Path(f"/proc/{pid}").exists()
                and "zombie" not in Path(f"/proc/{pid}/status").read_text()]


def test_the_warm_process_draws_the_same_scorecard_as_one_process(tmp_path):
    def build(workers: str, out: Path) -> bytes:
        subprocess.run([sys.executable, "-m", "reportgen.cli", "build", str(MEETING), "-o", str(out), "--no-pack",
                        "-q"], cwd=ROOT, env={**os.environ, "REPORTGEN_WORKERS": workers}, check=True)
        return (out / MEETING.name / "appendix-a-scorecard.pdf").read_bytes()

    assert build("2", tmp_path / "two") == build("1", tmp_path / "one")


@pytest.mark.parametrize("fork, held", [("warm_up", "_warm"), ("stand_by", "_standing")])
def test_a_waiting_process_ends_when_the_build_is_killed(fork, held):
    """SIGKILL gives the build no chance to stop its children: the one waiting must see it is gone."""
    script = (f"import time; from reportgen import parallel; parallel.{fork}(lambda: None); "
              f"print(parallel.{held}._process.pid, flush=True); time.sleep(60)")
    build = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "REPORTGEN_WORKERS": "2"})
    child = int(build.stdout.readline())
    assert Path(f"/proc/{child}").exists()
    build.kill()
    build.wait()
    _until_ended(child)


def _until_ended(pid: int, within: float = 10) -> None:
    deadline = time.monotonic() + within
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        return "\nState:\tZ" not in Path(f"/proc/{pid}/status").read_text()  # a zombie has ended
    except OSError:
        return False


BUSY_PARENT = """\
import pathlib, sys, time
from reportgen import parallel

def busy(flag):
    pathlib.Path(flag).touch()
    time.sleep(120)

parallel.stand_by(time.time)               # a process for jobs, forked now
parallel.warm_up(time.time)                # and one forked after it, holding a copy of its pipe
print(parallel._standing._process.pid, parallel._warm._process.pid, flush=True)
parallel.apart(busy, sys.argv[1])          # the job the first is busy with when this process is killed
"""


def test_forked_processes_end_with_a_killed_parent_even_mid_job(tmp_path):
    import signal
    import subprocess
    import sys

    flag = tmp_path / "busy"
    parent = subprocess.Popen([sys.executable, "-c", BUSY_PARENT, str(flag)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env={**os.environ, "REPORTGEN_WORKERS": "2"})
    children = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(children) == 2 and all(_alive(pid) for pid in children)
    deadline = time.monotonic() + 30
    while not flag.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert flag.exists(), "the job never started"
    os.kill(parent.pid, signal.SIGKILL)
    # Whoever ran the build sees its output end at once, not when the busy job would have.
    parent.communicate(timeout=10)
    for child in children:
        _until_ended(child)
