"""Charts (PNG bytes) and the sentences that describe them."""

from __future__ import annotations

import struct
import zlib

import pytest

from reportgen.describe import describe_rag_counts, describe_trend
from reportgen.model import Indicator, Point, Score
from reportgen.periods import Period
from reportgen.render.charts import DPI, RAG_SIZE, TREND_SIZE, rag_count_chart, trend_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    assert png.startswith(PNG_SIGNATURE)
    chunks, at = [], len(PNG_SIGNATURE)
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        kind, data = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        assert struct.unpack(">I", png[at + 8 + length:at + 12 + length])[0] == zlib.crc32(kind + data)
        chunks.append((kind, data))
        at += 12 + length
    return chunks


def _size(png: bytes) -> tuple[int, int]:
    kind, data = _chunks(png)[0]
    assert kind == b"IHDR"
    return struct.unpack(">II", data[:8])


def _points(values: list[float | None], start: Period = Period(2016, 5)) -> tuple[Point, ...]:
    return tuple(Point(start.shift(i), v) for i, v in enumerate(values))


RISING = _points([20.1, 21.0, 22.3, None, 21.8, 22.0, 23.1, 23.5, 22.9, 23.8, 24.0, 24.1, 24.3])


def test_rag_chart_is_a_fixed_size_png_without_metadata():
    png = rag_count_chart({"Green": 19, "Amber": 19, "Red": 5}, title="Measures by status, April 2017")
    assert _size(png) == (round(RAG_SIZE[0] * DPI), round(RAG_SIZE[1] * DPI))
    kinds = {kind for kind, _ in _chunks(png)}
    assert not kinds & {b"tEXt", b"iTXt", b"zTXt", b"tIME"}  # no version string, no timestamp


def test_charts_are_deterministic():
    counts = {"Green": 19, "Amber": 19, "Red": 5, "No data": 2}
    assert rag_count_chart(counts, title="t") == rag_count_chart(dict(counts), title="t")
    kwargs = dict(title="Re-referrals", unit="percent", decimals=1, target=20.0, floor=25.0, polarity="lower")
    first = trend_chart(RISING, **kwargs)
    assert first == trend_chart(RISING, **kwargs)
    assert _size(first) == (round(TREND_SIZE[0] * DPI), round(TREND_SIZE[1] * DPI))


def test_no_data_bar_only_when_there_is_some():
    without = rag_count_chart({"Green": 3, "Amber": 2, "Red": 1, "No data": 0}, title="t")
    assert without == rag_count_chart({"Green": 3, "Amber": 2, "Red": 1}, title="t")
    assert without != rag_count_chart({"Green": 3, "Amber": 2, "Red": 1, "No data": 1}, title="t")


def test_trend_chart_draws_the_data_it_is_given():
    kwargs = dict(title="t", unit="percent", decimals=1, floor=None, polarity="higher")
    assert trend_chart(RISING, target=20.0, **kwargs) != trend_chart(RISING, target=22.0, **kwargs)


@pytest.mark.parametrize("values", [[None, None, None], [5.0], []])
def test_trend_chart_copes_with_missing_history(values):
    png = trend_chart(_points(values), title="t", unit="number", decimals=0, target=None, floor=None, polarity=None)
    assert png.startswith(PNG_SIGNATURE)


def _score(values, *, unit="percent", decimals=1, target=20.0, floor=25.0, frequency="monthly", kind="kpi",
           start=Period(2016, 5)) -> Score:
    ind = Indicator("R1", "Re-referrals", kind=kind, polarity="lower", unit=unit, decimals=decimals,
                    frequency=frequency, target=target, floor=floor)
    history = _points(values, start) if frequency == "monthly" else tuple(
        Point(start.shift(3 * i), v) for i, v in enumerate(values))
    return Score(ind, "", history[-1].period, values[-1], target, floor, "Red", "floor", None, None, "", "",
                 False, None, "", history=history)


def test_describe_trend_rose_with_target_floor_and_gap():
    assert describe_trend(_score([p.value for p in RISING])) == (
        "Rose from 20.1% in May 2016 to 24.3% in May 2017; target 20.0%, floor 25.0%. "
        "One of the 13 periods shown has no data.")


def test_describe_trend_fell_and_unchanged_judged_as_displayed():
    assert describe_trend(_score([30.0, 28.0, 24.96], floor=None)) == (
        "Fell from 30.0% in May 2016 to 25.0% in July 2016; target 20.0%.")
    # 20.04 and 19.96 both show as 20.0%: a reader would call that unchanged.
    assert describe_trend(_score([20.04, 25.0, 19.96], target=None, floor=None)) == (
        "Unchanged at 20.0% from May 2016 to July 2016; no target.")


def test_describe_trend_says_the_tolerance_thresholds_its_chart_draws():
    import dataclasses

    banded = dataclasses.replace(_score([30.0, 28.0, 21.0], floor=None), green_from=20.0, amber_from=22.0)
    assert describe_trend(banded) == "Fell from 30.0% in May 2016 to 21.0% in July 2016; target 20.0%, Amber from 22.0%."
    wider = dataclasses.replace(banded, green_from=21.0, amber_from=22.0)  # green=5%: Green short of the target
    assert describe_trend(wider).endswith("; target 20.0%, Green from 21.0%, Amber from 22.0%.")
    floored = dataclasses.replace(_score([30.0, 28.0, 21.0]), green_from=20.0, amber_from=25.0)
    assert describe_trend(floored).endswith("; target 20.0%, floor 25.0%.")  # the floor is the Amber line


def test_describe_trend_missing_and_single_values():
    assert describe_trend(_score([None, None])) == "No data for the periods shown; target 20.0%, floor 25.0%."
    assert describe_trend(_score([None, 1234.0], unit="number", decimals=0, target=1000, floor=None)) == (
        "Only one figure: 1,234 in June 2016; target 1,000. One of the two periods shown has no data.")


def test_describe_trend_names_quarters():
    score = _score([10.0, 12.5], unit="days", frequency="quarterly", target=None, floor=None,
                   start=Period(2017, 3))
    assert describe_trend(score) == "Rose from 10.0 days in Q4 2016/17 to 12.5 days in Q1 2017/18; no target."


def test_describe_rag_counts():
    assert describe_rag_counts({"Green": 19, "Amber": 19, "Red": 5}, "April 2017") == (
        "Of 43 measures in April 2017, 19 are Green, 19 Amber and five Red.")
    assert describe_rag_counts({"Green": 9, "Amber": 6, "Red": 2, "No data": 2}, "Q2 2016/17") == (
        "Of 19 measures in Q2 2016/17, nine are Green, six Amber and two Red; two have no data.")
    assert describe_rag_counts({"Green": 1, "No data": 1}, "2016/17") == (
        "Of two measures in 2016/17, one is Green; one has no data.")
    assert describe_rag_counts({"Amber": 3, "Red": 1, "No target": 1}, "April 2017") == (
        "Of five measures in April 2017, three are Amber and one Red; one has no target.")
    assert describe_rag_counts({"No data": 2}, "April 2017") == (
        "Of two measures in April 2017, none is rated Green, Amber or Red; two have no data.")
    assert describe_rag_counts({}, "April 2017") == "No measures to show for April 2017."


@pytest.mark.parametrize("title", ["Cost per $\\frac{$ placement", "$x^2$ placements", "Tŷ Enfys: 50% $"])
def test_dollar_signs_in_a_name_are_printed_as_written_not_read_as_maths(title, monkeypatch):
    monkeypatch.setenv("REPORTGEN_CHART_CACHE", "off")
    from matplotlib.text import Text

    drawn = []
    original = Text.draw
    monkeypatch.setattr(Text, "draw", lambda self, renderer: (drawn.append(self), original(self, renderer))[1])
    points = [Point(Period(2017, m), 50.0 + m) for m in range(1, 5)]
    trend_chart(points, title=title, unit="percent", decimals=1, target=55.0, floor=None, polarity="higher")
    titles = [t for t in drawn if t.get_text().startswith(title.split()[0])]
    assert titles and all(not t.get_parse_math() for t in titles)  # drawn as the letters typed


def test_the_unbalanced_dollar_would_break_a_chart_that_reads_maths():
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"text.parse_math": True}), pytest.raises(ValueError):
        figure = Figure()
        figure.text(0, 0, "Cost per $\\frac{$ placement")
        figure.savefig(__import__("io").BytesIO(), format="png")
