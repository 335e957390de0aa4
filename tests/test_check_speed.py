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
    assert built.docx.startswith(b"PK")  # the cover is still rendered: that is where template problems show


def test_check_imports_neither_matplotlib_nor_reportlab():
    code = ("import sys; from reportgen.check import check_meeting; check_meeting(sys.argv[1]); "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'matplotlib', 'reportlab', 'pandas'}))")
    result = subprocess.run([sys.executable, "-c", code, str(SAMPLES[0])], capture_output=True, text=True,
                            check=True, cwd=ROOT)
    assert result.stdout.strip() == "[]"
