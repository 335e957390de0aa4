"""Scorecards kept between builds: a rebuild lays out none, and gives the same bytes as a layout."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from reportgen import chartcache
from reportgen.build import prepare
from reportgen.model import Block, Run
from reportgen.render import scorecard_kept, scorecard_pdf

ROOT = Path(__file__).resolve().parents[1]
MEETING = ROOT / "data" / "kent-scs-2017-06"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("REPORTGEN_SCORECARD_CACHE", raising=False)
    return tmp_path / "xdg" / "reportgen" / "scorecards"


@pytest.fixture
def layouts(monkeypatch) -> list[int]:
    """How many scorecards have been laid out since the test began."""
    count = [0]
    real = scorecard_pdf.render_scorecard

    def counting(*args, **kwargs):
        count[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(scorecard_pdf, "render_scorecard", counting)
    return count


def test_a_rebuild_lays_out_no_scorecard_and_its_bytes_are_a_layouts(cache, layouts, monkeypatch):
    first = prepare(MEETING).scorecard
    assert layouts[0] == 1 and len(list(cache.glob("*.pdf"))) == 1
    again = prepare(MEETING).scorecard
    assert layouts[0] == 1  # kept
    monkeypatch.setenv("REPORTGEN_SCORECARD_CACHE", "off")
    laid_out = prepare(MEETING).scorecard
    assert layouts[0] == 2
    assert first == again == laid_out
    assert first.startswith(b"%PDF-")


def test_any_change_to_what_the_scorecard_shows_is_a_new_key():
    built = prepare(MEETING, draw=False)
    facts, scores = built.report.facts, built.scores
    key = scorecard_kept.scorecard_key(facts, scores, (), None, "given-and-derived")
    first = scores.scores[0]
    edited = replace(scores, scores=(replace(first, value=(first.value or 0) + 0.1), *scores.scores[1:]))
    others = [
        scorecard_kept.scorecard_key(facts, edited, (), None, "given-and-derived"),
        scorecard_kept.scorecard_key(replace(facts, title=facts.title + "!"), scores, (), None, "given-and-derived"),
        scorecard_kept.scorecard_key(facts, scores, (), {first.id: b"png"}, "given-and-derived"),
        scorecard_kept.scorecard_key(facts, scores, (), None, "none"),
        scorecard_kept.scorecard_key(facts, scores, (Block((Run("A note."),)),), None, "given-and-derived"),
    ]
    assert key == scorecard_kept.scorecard_key(facts, scores, (), None, "given-and-derived")
    assert len({key, *others}) == 1 + len(others)


def test_a_damaged_kept_scorecard_is_laid_out_again(cache, layouts):
    first = prepare(MEETING).scorecard
    [kept] = cache.glob("*.pdf")
    kept.write_bytes(kept.read_bytes()[:-100])  # cut short, as by a full disk
    assert prepare(MEETING).scorecard == first
    assert layouts[0] == 2


def test_switched_off_nothing_is_kept(cache, layouts, monkeypatch):
    monkeypatch.setenv("REPORTGEN_SCORECARD_CACHE", "off")
    prepare(MEETING)
    prepare(MEETING)
    assert layouts[0] == 2
    assert not cache.exists() or not any(cache.iterdir())


def test_the_folder_is_kept_to_its_bound_least_recently_used_first(cache, monkeypatch):
    monkeypatch.setitem(chartcache.BOUNDS, "scorecards", 2500)
    for name in "abc":
        chartcache.write(name, "pdf", name.encode() * 1000, "scorecards")
        os.utime(cache / f"{name}.pdf", ns=(10**18 + ord(name), 10**18 + ord(name)))
    assert sorted(p.name for p in cache.iterdir()) == ["b.pdf", "c.pdf"]  # a went: the bound is 2,500 bytes
    assert chartcache.read("b", "pdf", "scorecards") == b"b" * 1000  # b is used, so c is now the oldest
    chartcache.write("d", "pdf", b"d" * 1000, "scorecards")
    assert sorted(p.name for p in cache.iterdir()) == ["b.pdf", "d.pdf"]


def test_the_command_takes_the_kept_scorecard(cache, tmp_path):
    """`reportgen build` (its scorecard drawn in a process of its own) uses what is kept."""
    import subprocess
    import sys

    def build() -> bytes:
        subprocess.run([sys.executable, "-m", "reportgen.cli", "build", str(MEETING), "-o", str(tmp_path / "out"),
                        "--no-pack", "-q"], check=True, env={**os.environ}, cwd=tmp_path)
        return (tmp_path / "out" / MEETING.name / "appendix-a-scorecard.pdf").read_bytes()

    laid_out = build()
    [kept] = cache.glob("*.pdf")
    chartcache.write(kept.stem, "pdf", b"%PDF-1.4 kept\n", "scorecards")  # a stand-in, to see it used
    assert build() == b"%PDF-1.4 kept\n"
    assert laid_out.startswith(b"%PDF-")
