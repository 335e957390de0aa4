"""`reportgen init` and `reportgen styles`, and reportgen installed from its wheel, away from the source."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.workspace import init_workspace, sample_name

ROOT = Path(__file__).resolve().parent.parent


def test_init_writes_a_workspace_with_every_shipped_style(tmp_path):
    made = init_workspace(tmp_path / "ws")
    ws = tmp_path / "ws"
    assert [p.name for p in made] == ["README.md", "templates", "boilerplate", "data"]
    shipped = sorted(p.parent.name for p in (ROOT / "templates").glob("*/style.yaml"))
    assert sorted(p.parent.name for p in (ws / "templates").glob("*/style.yaml")) == shipped
    for style in shipped:
        assert (ws / "templates" / style / "style.yaml").read_bytes() == \
            (ROOT / "templates" / style / "style.yaml").read_bytes()
    assert (ws / "boilerplate" / "common" / "rag-floor.md").is_file()
    assert sorted(p.name for p in (ws / "data").iterdir()) == [sample_name()]
    readme = (ws / "README.md").read_text(encoding="utf-8")
    assert f"reportgen build data/{sample_name()}" in readme and "templates/<house style>/" in readme


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["init", "ws"]) == 2
    assert capsys.readouterr().err == (
        "reportgen init: 1 problem(s) found:\n  ws: is not empty; reportgen init writes a new workspace into a "
        "new or empty folder and never overwrites\n")
    assert sorted(p.name for p in (tmp_path / "ws").iterdir()) == ["notes.txt"]


def test_styles_lists_the_workspace_first_then_the_shipped_ones(tmp_path, monkeypatch, capsys):
    init_workspace(tmp_path / "ws")
    monkeypatch.chdir(tmp_path / "ws")
    assert main(["styles"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("house styles seen from .: workspace ., then shipped with reportgen in ")
    assert lines[1].split() == ["bucks-select-committee", "workspace:", "templates/bucks-select-committee"]
    assert "(inherits kent-cabinet-committee)" in lines[8]
    assert lines[9].split()[:3] == ["bucks-select-committee", "shipped", "(not", ][:3]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs a source checkout")
def test_the_wheel_alone_makes_a_workspace_and_builds_it(tmp_path):
    """Build the wheel, install it in a fresh venv (dependencies from the project's .venv through a
    .pth file), and build every meeting of a new workspace with no source checkout on sys.path."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
                   check=True, cwd=tmp_path, capture_output=True)
    wheel = next(wheels.glob("reportgen-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    run = lambda *args: subprocess.run([venv / "bin" / "reportgen", *args], cwd=tmp_path, env=env,  # noqa: E731
                                       capture_output=True, text=True)
    probe = ("import os, sys, reportgen; print(reportgen.__file__); "
             "print([p for p in sys.path if os.path.isfile(os.path.join(p or '.', 'reportgen', '__init__.py'))]); "
             "print(any(os.path.realpath(p or '.') == %r for p in sys.path))" % str(ROOT))
    where = subprocess.run([python, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True,
                           check=True).stdout.splitlines()
    assert where == [str(site / "reportgen" / "__init__.py"), str([str(site)]), "False"]  # the wheel's copy only
    made = run("init", "ws")
    assert made.returncode == 0, made.stderr
    meetings = sorted(str(p.parent.relative_to(tmp_path)) for p in (tmp_path / "ws" / "data").glob("*/meeting.yaml"))
    built = run("build", *meetings, "-o", "out", "--no-pack", "-q")
    assert built.returncode == 0, built.stderr
    for meeting in meetings:
        folder = tmp_path / "out" / Path(meeting).name
        assert sorted(p.name for p in folder.iterdir()) == [
            "appendix-a-scorecard.pdf", "manifest.json", "report.docx", "scores.csv", "scores.xlsx"]
    listed = run("styles", "ws")
    shipped = (site / "reportgen" / "_shipped").relative_to(tmp_path)
    assert listed.stdout.splitlines()[0] == f"house styles seen from ws: workspace ws, then shipped with reportgen in {shipped}"
