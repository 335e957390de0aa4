"""`reportgen check` finds what a build finds, without drawing a chart or laying out a PDF."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from reportgen.build import prepare
from reportgen.check import check_meeting
from reportgen.render import html, scorecard_pdf

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [ROOT / "data" / "kent-scs-2017-06", ROOT / "data" / "cardiff-cyp-2018-03"]


@pytest.fixture
def nothing_drawn(monkeypatch):
    """Fail the test if a chart is drawn or the scorecard or web page laid out."""
    def refuse(what):
        def call(*args, **kwargs):
            raise AssertionError(f"check must not {what}")
        return call

    monkeypatch.setattr(Figure, "savefig", refuse("draw a chart"))
    monkeypatch.setattr(scorecard_pdf, "render_scorecard", refuse("lay out the scorecard"))
    monkeypatch.setattr(html, "render_html", refuse("lay out the web page"))


@pytest.mark.parametrize("folder", SAMPLES, ids=lambda p: p.name)
def test_check_gives_the_builds_warnings_without_drawing(folder, nothing_drawn, monkeypatch):
    checked = check_meeting(folder)
    monkeypatch.undo()
    assert checked == list(prepare(folder).warnings)


def test_check_does_not_build_the_scorecard_or_html(nothing_drawn):
    built = prepare(SAMPLES[0], draw=False)
    assert built.scorecard == b"" and built.html == b""
    # The template is filled in all the same (that is where template problems show: test_template_source.py),
    # from its Jinja source on file, or by docxtpl; either way no .docx is kept.
    assert built.docx == b""


def test_check_imports_neither_matplotlib_nor_reportlab():
    code = ("import sys; from reportgen.check import check_meeting; check_meeting(sys.argv[1]); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'reportlab', 'pandas'}))")
    result = subprocess.run([sys.executable, "-c", code, str(SAMPLES[0])], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"


HEAVY = {"docx", "docxtpl", "lxml", "reportlab", "matplotlib", "pikepdf", "pypdf", "openpyxl", "pandas", "numpy", "PIL"}


def _imported_by_check(folder: Path, env: dict) -> set[str]:
    """The top-level packages the real `reportgen check` imports (python -X importtime)."""
    command = [sys.executable, "-X", "importtime", "-c", "import sys; from reportgen.cli import main; sys.exit(main())",
               "check", str(folder)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "no problems found" in result.stdout
    names = [line.split("|")[-1].strip() for line in result.stderr.splitlines() if line.startswith("import time:")]
    return {name.split(".")[0] for name in names[1:]}  # the first line is the header


def test_a_second_check_imports_no_docx_pdf_chart_or_dataframe_library(tmp_path):
    """With the template's Jinja source on file (a first check or build files it), check of a meeting
    whose data is CSV imports none of docxtpl, python-docx, lxml, reportlab, matplotlib, pikepdf,
    pypdf, openpyxl or pandas (a wide workbook needs pandas, an .xlsx openpyxl: that is the data's need)."""
    import os

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("REPORTGEN_TEMPLATE_CACHE", None)
    first = _imported_by_check(SAMPLES[0], env)
    assert {"docxtpl", "docx"} <= first  # nothing on file yet: docxtpl renders, and files the source
    assert list((tmp_path / "cache" / "reportgen" / "templates").glob("*.json"))
    assert _imported_by_check(SAMPLES[0], env) & HEAVY == set()
