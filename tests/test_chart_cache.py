"""The chart cache: a rebuild draws nothing, the bytes never change, a damaged file is redrawn."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from reportgen import chartcache
from reportgen.build import prepare
from reportgen.model import Point
from reportgen.periods import Period
from reportgen.render import charts
from reportgen.render.charts import rag_count_chart, trend_chart

ROOT = Path(__file__).resolve().parents[1]
MEETING = ROOT / "data" / "kent-scs-2017-06"
POINTS = tuple(Point(Period(2016, 5).shift(i), v) for i, v in enumerate([20.1, 21.0, None, 22.4, 23.0]))
TREND = dict(title="Adults in paid work", unit="%", decimals=1, target=22.0, floor=19.0, polarity="higher")


@pytest.fixture
def draws(monkeypatch):
    """How many charts matplotlib has saved (drawn) since the test began."""
    count = [0]
    real = Figure.savefig

    def counting(self, *args, **kwargs):
        count[0] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", counting)
    return count


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("REPORTGEN_CHART_CACHE", raising=False)
    return tmp_path / "xdg" / "reportgen" / "charts"


def _outputs() -> dict[str, bytes]:
    built = prepare(MEETING)
    return {**built.outputs}


def test_rebuild_draws_no_chart_and_bytes_match_cold_warm_and_uncached(cache, draws, monkeypatch):
    cold = _outputs()
    drawn_cold = draws[0]
    # The cover's RAG chart and two trend charts, the scorecard's summary and exception charts, their SVGs.
    assert drawn_cold >= 8
    files = sorted(cache.iterdir())
    assert len(files) == drawn_cold
    warm = _outputs()
    assert draws[0] == drawn_cold  # the second build drew nothing
    monkeypatch.setenv("REPORTGEN_CHART_CACHE", "off")
    uncached = _outputs()
    # Without the cache a chart the cover and the scorecard share is drawn twice.
    assert draws[0] - drawn_cold > drawn_cold
    assert sorted(cache.iterdir()) == files
    for name in cold:
        assert cold[name] == warm[name] == uncached[name], name


def test_a_truncated_cache_file_is_redrawn_not_published(cache, draws):
    png = trend_chart(POINTS, **TREND)
    (path,) = cache.iterdir()
    raw = path.read_bytes()
    head, _, body = raw.partition(b"\n")
    assert body == png and head == b"reportgen-chart sha256=" + hashlib.sha256(png).hexdigest().encode()
    path.write_bytes(raw[: len(raw) // 2])
    assert trend_chart(POINTS, **TREND) == png
    assert draws[0] == 2
    assert path.read_bytes() == raw  # filed again, whole
    path.write_bytes(b"not a chart at all")
    assert trend_chart(POINTS, **TREND) == png
    assert draws[0] == 3


def test_everything_that_decides_the_pixels_is_in_the_key(cache, draws, monkeypatch):
    trend_chart(POINTS, **TREND)
    changed = [
        dict(TREND, title="Adults in paid work (all)"), dict(TREND, unit="number"), dict(TREND, decimals=2),
        dict(TREND, target=22.5), dict(TREND, floor=None), dict(TREND, polarity="lower"),
        dict(TREND, green_from=22.0), dict(TREND, fmt="svg"),
    ]
    for n, kwargs in enumerate(changed, start=2):
        trend_chart(POINTS, **kwargs)
        assert draws[0] == n, kwargs
    trend_chart(POINTS[:-1] + (Point(POINTS[-1].period, 23.1),), **TREND)
    trend_chart(POINTS, frequency="quarterly", **TREND)
    assert draws[0] == len(changed) + 3
    monkeypatch.setattr(charts, "CHART_STYLE_VERSION", charts.CHART_STYLE_VERSION + 1)
    trend_chart(POINTS, **TREND)
    assert draws[0] == len(changed) + 4
    rag_count_chart({"Green": 3, "Amber": 1, "Red": 2}, title="Measures")
    rag_count_chart({"Green": 3, "Amber": 1, "Red": 2}, title="Measures")
    rag_count_chart({"Green": 3, "Amber": 1, "Red": 2}, title="Measures", fmt="svg")
    assert draws[0] == len(changed) + 6


def test_no_cache_when_the_folder_cannot_be_made(tmp_path, monkeypatch, draws):
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.delenv("REPORTGEN_CHART_CACHE", raising=False)
    assert chartcache.cache_dir() is None
    first = rag_count_chart({"Green": 1}, title="One")
    assert rag_count_chart({"Green": 1}, title="One") == first
    assert draws[0] == 2
    assert blocker.read_text() == "in the way"


def test_relative_xdg_cache_home_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("REPORTGEN_CHART_CACHE", raising=False)
    assert chartcache.cache_dir() == tmp_path / ".cache" / "reportgen" / "charts"


def test_placeholders_draw_nothing_and_are_a_valid_one_pixel_png(draws):
    from PIL import Image
    import io

    with charts.placeholders():
        png = trend_chart(POINTS, **TREND)
        svg = rag_count_chart({"Green": 1}, title="One", fmt="svg")
    assert draws[0] == 0
    assert Image.open(io.BytesIO(png)).size == (1, 1)
    assert svg.startswith(b"<svg")
    assert trend_chart(POINTS, **TREND) != png  # drawn again outside


def _titled(title: str) -> bytes:
    return trend_chart(POINTS, **dict(TREND, title=title))


def test_charts_drawn_by_forked_workers_are_found_by_the_parent(cache, draws):
    import multiprocessing

    titles = [f"Measure {n}" for n in range(4)]
    with multiprocessing.get_context("fork").Pool(2) as pool:
        drawn = pool.map(_titled, titles)
    assert len(list(cache.iterdir())) == 4
    assert [_titled(t) for t in titles] == drawn
    assert draws[0] == 0  # every one came from the workers' files


def test_an_edit_to_the_chart_code_is_a_new_key(cache, draws, monkeypatch):
    trend_chart(POINTS, **TREND)
    monkeypatch.setattr(charts, "_code_version", lambda: "edited")
    trend_chart(POINTS, **TREND)
    assert draws[0] == 2


def test_package_version_reads_what_importlib_metadata_parses():
    from importlib.metadata import distributions

    installed = {d.metadata["Name"]: d.version for d in distributions()}
    assert {"matplotlib", "Jinja2", "docxtpl", "openpyxl"} <= set(installed)
    for name, version in installed.items():
        assert chartcache.package_version(name) == version, name
    assert chartcache.package_version("no-such-package-for-reportgen") == "absent"
