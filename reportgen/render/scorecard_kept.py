"""Scorecards kept on disk between builds: a rebuild after an edit to the cover lays out none.

Report authors edit a paragraph and rebuild; the scorecard is made from the
scores and the guidance notes, not the cover, so the same data gives the same
scorecard, and laying it out again (0.2 s for a sample, 16 s at 5,000
indicators) buys nothing. A scorecard is filed under the sha256 of everything
render_scorecard is given, pickled (the paper's facts, every score with its
history, the guidance, the exception charts' bytes, the forecasts mode), with
the versions of what lays it out (reportgen's source, reportlab, rl_accel,
Pillow, matplotlib, whose DejaVu Sans it embeds, and Python). Equal keys are
equal inputs to the same code, so a kept scorecard is byte for byte the one a
layout would make (tests/test_scorecard_kept.py builds both ways and compares).
A different key for the same inputs only costs a layout.

The folder is ``$XDG_CACHE_HOME/reportgen/scorecards``, kept to 256 MB
(chartcache.BOUNDS); ``REPORTGEN_SCORECARD_CACHE=off`` turns it off.
"""

from __future__ import annotations

import hashlib
import pickle
import sys
from collections.abc import Mapping, Sequence
from functools import lru_cache

from .. import chartcache, model

KIND = "scorecards"
PACKAGES = ("reportlab", "rl_accel", "pillow", "matplotlib")


@lru_cache(maxsize=1)
def _versions() -> bytes:
    found = [f"{name}={chartcache.package_version(name)}" for name in PACKAGES]
    return "\n".join([sys.version, chartcache.code_version(), *found]).encode("utf-8")


def scorecard_key(facts: model.PaperFacts, scores: model.ScoreSet, guidance: Sequence[model.Block],
                  exception_charts: Mapping[str, bytes] | None, forecasts: str) -> str:
    """The sha256 the scorecard of these inputs is filed under."""
    charts = sorted((exception_charts or {}).items())
    given = pickle.dumps((facts, scores, tuple(guidance), charts, forecasts), protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.sha256(_versions() + b"\0" + given).hexdigest()


def kept_scorecard(facts: model.PaperFacts, scores: model.ScoreSet, guidance: Sequence[model.Block] = (), *,
                   exception_charts: Mapping[str, bytes] | None = None,
                   forecasts: str = "given-and-derived") -> bytes:
    """render_scorecard's PDF, laid out only when no scorecard of the same inputs is kept."""

    def lay_out() -> bytes:
        from .scorecard_pdf import render_scorecard  # reportlab, only when there is a layout to do

        return render_scorecard(facts, scores, guidance, exception_charts=exception_charts, forecasts=forecasts)

    if chartcache.cache_dir(KIND) is None:
        return lay_out()
    key = scorecard_key(facts, scores, guidance, exception_charts, forecasts)
    return chartcache.cached(key, "pdf", lay_out, kind=KIND)
