"""Charts as deterministic PNG (or SVG) bytes (matplotlib, Agg backend, DejaVu Sans).

The same data always gives the same bytes: fixed size, fixed dpi, no metadata
(matplotlib otherwise stamps its version into the PNG, and the date into an
SVG), SVG ids salted with a fixed string rather than a random one, and a font
that ships inside matplotlib itself, so a machine's installed fonts cannot
change a chart. Each chart is drawn once and then kept on disk (chartcache.py).
(An SVG keeps its text as text, placed by DejaVu Sans's
measurements: a third of the size of letters drawn as paths, and faster.)
Colour is never the only signal: bars carry their word and count and a hatch,
and the palette differs in lightness so it still reads when printed in grey.
"""

from __future__ import annotations

import contextlib
import functools
import io
import struct
import zlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..model import Point, Score

# Bump whenever a change changes how a chart looks: charts already drawn are kept
# under a key that includes this number (and, as a safety net, the sha256 of this
# file's and formatting.py's source, see _code_version).
CHART_STYLE_VERSION = 1
DPI = 150
RAG_SIZE = (6.0, 3.2)  # inches
TREND_SIZE = (9.0, 3.6)
FONT = "DejaVu Sans"
TITLE_WIDTH = 85  # characters of an 11 pt title that fit over the trend plot

# Fill colours chosen for different lightness (relative luminance Red 0.06,
# Green 0.26, Amber 0.52, No data 0.78), so the bars read in greyscale too.
BAR_COLOURS = {
    "Green": "#2E8B4A",
    "Amber": "#F0A830",
    "Red": "#A4161A",
    "No data": "#D9D9D9",
}
BAR_HATCHES = {"Green": "", "Amber": "//", "Red": "xx", "No data": ".."}
TEXT = "#1A1A1A"
LINE = "#1F3A5F"  # history line: dark blue, 11:1 on white
TARGET_COLOUR = "#2E6B30"
FLOOR_COLOUR = "#A4161A"
AMBER_LINE = "#8A5A00"  # a dark amber: 6:1 on white, where the Amber fill would vanish


@contextlib.contextmanager
def _figure(size: tuple[float, float]):
    """A figure and its axes on the Agg canvas, in the house style.

    matplotlib is imported on first use, and without pyplot: pyplot's figure
    manager and backend machinery cost ~0.2 s of start-up and a PNG needs none of it.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_style()):
        # One figure per size, cleared for each chart: its canvas keeps one pixel
        # buffer, where a new figure per chart left hundreds of megabytes of
        # freed buffers behind on a scorecard with hundreds of exception pages.
        fig = _FIGURES.get(size)
        if fig is None:
            fig = _FIGURES[size] = Figure(figsize=size, dpi=DPI)
            FigureCanvasAgg(fig)
        fig.clear()
        try:
            yield fig, fig.add_subplot()
        finally:
            fig.clear()


_FIGURES: dict = {}


def _style() -> dict:
    return {
        "font.family": FONT,
        "font.size": 9,
        # Labels are printed as written: '$' in an indicator's name is not the start of maths.
        "text.parse_math": False,
        "axes.edgecolor": "#595959",
        "axes.labelcolor": TEXT,
        "xtick.color": TEXT,
        "ytick.color": TEXT,
        "text.color": TEXT,
        "hatch.linewidth": 0.8,
        # SVG only: ids are hashes salted at random unless a salt is given; text stays text.
        "svg.hashsalt": "reportgen",
        "svg.fonttype": "none",
    }


def _save(fig, fmt: str = "png") -> bytes:
    """The figure as PNG bytes, or as SVG text (UTF-8) with ``fmt="svg"``."""
    buf = io.BytesIO()
    if fmt == "svg":
        # None-valued keys drop the date and matplotlib's version from the SVG's metadata.
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        return buf.getvalue()
    fig.savefig(buf, format="raw", dpi=DPI)
    return _opaque_png(fig.canvas.get_width_height(physical=True), buf.getvalue())


def _opaque_png(size: tuple[int, int], rgba: bytes) -> bytes:
    """8-bit RGB PNG on white, no metadata: the scorecard embeds its rows as they are (pdf_images.py).

    Every row is stored unfiltered (PNG filter type 0): a chart's flat colours compress
    to three quarters of the size of Pillow's adaptively filtered rows, and the PDF
    holds the same bytes.
    """
    from PIL import Image

    image = Image.frombytes("RGBA", size, rgba)
    rgb = Image.alpha_composite(Image.new("RGBA", size, "white"), image).convert("RGB").tobytes()
    width, height = size
    stride = 3 * width
    rows = b"".join(b"\x00" + rgb[at:at + stride] for at in range(0, stride * height, stride))
    return (PNG_SIGNATURE + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _png_chunk(b"IDAT", zlib.compress(rows, 6)) + _png_chunk(b"IEND", b""))


def rag_count_chart(counts: Mapping[str, int], *, title: str, fmt: str = "png") -> bytes:
    """Bars for Green, Amber and Red (and No data when there is any), each labelled."""
    names = ["Green", "Amber", "Red"] + (["No data"] if counts.get("No data", 0) > 0 else [])
    values = [int(counts.get(name, 0)) for name in names]
    if _PLACEHOLDERS:
        return _placeholder(fmt)
    from ..chartcache import cached, chart_key

    key = chart_key("rag_count", CHART_STYLE_VERSION, code=_code_version(), names=names, values=values, title=title, fmt=fmt,
                    size=RAG_SIZE, dpi=DPI)
    return cached(key, fmt, lambda: _draw_rag_count(names, values, title, fmt))


def _draw_rag_count(names: list[str], values: list[int], title: str, fmt: str) -> bytes:
    with _figure(RAG_SIZE) as (fig, ax):
        bars = ax.bar(
            names,
            values,
            color=[BAR_COLOURS[n] for n in names],
            hatch=None,
            edgecolor=TEXT,
            linewidth=0.8,
            width=0.6,
        )
        for bar, name in zip(bars, names):
            bar.set_hatch(BAR_HATCHES[name])
        top = max(values + [1])
        ax.set_ylim(0, top * 1.25 + 0.5)
        for bar, name, value in zip(bars, names, values):
            # Label above the bar, dark on white: readable whatever the fill.
            ax.text(
                bar.get_x() + bar.get_width() / 2,
                bar.get_height() + top * 0.03,
                f"{value} {name}",
                ha="center",
                va="bottom",
                fontsize=10,
                fontweight="bold",
            )
        ax.set_title(title, fontsize=11, loc="left")
        ax.set_ylabel("Number of measures")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.spines[["top", "right"]].set_visible(False)
        # Fixed margins rather than tight_layout: same layout every time, one draw not two.
        fig.subplots_adjust(left=0.11, right=0.98, top=0.88, bottom=0.1)
        return _save(fig, fmt)


def _tick_formatter(unit: str, decimals: int):
    from matplotlib.ticker import FuncFormatter

    from ..formatting import format_value

    def fmt(value: float, _pos) -> str:
        # Ticks may fall between displayed steps (20.5 with decimals 0): show
        # enough places that two ticks never read the same.
        places = decimals if float(value).is_integer() or decimals > 0 else 1
        return format_value(value, unit, places)

    return FuncFormatter(fmt)


def trend_chart(
    points: Sequence[Point],
    *,
    title: str,
    unit: str,
    decimals: int,
    target: float | None,
    floor: float | None,
    polarity: str | None,
    frequency: str = "monthly",
    green_from: float | None = None,
    amber_from: float | None = None,
    fmt: str = "png",
) -> bytes:
    """The history as a line, with the thresholds of its rating as labelled lines.

    ``green_from`` and ``amber_from`` (the figures the status was judged against)
    are drawn as "Green from …" (dashed) and "Amber from …" (dotted), in words and
    line style as well as colour; without them the target and floor stand in.
    Missing values leave a gap in the line rather than being drawn as zero;
    ``frequency`` names the x axis periods (``Apr 2017``, ``Q1 2017/18``).
    """
    labels = [p.period.label(frequency) for p in points]
    values = [None if p.value is None else float(p.value) for p in points]
    if _PLACEHOLDERS:
        return _placeholder(fmt)
    from ..chartcache import cached, chart_key

    parts = dict(labels=labels, values=values, title=title, unit=unit, decimals=decimals, target=target,
                 floor=floor, polarity=polarity, green_from=green_from, amber_from=amber_from, fmt=fmt,
                 size=TREND_SIZE, dpi=DPI)
    key = chart_key("trend", CHART_STYLE_VERSION, code=_code_version(), **parts)
    return cached(key, fmt, lambda: _draw_trend(labels, values, title, unit, decimals, target, floor, polarity,
                                                green_from, amber_from, fmt))


def _draw_trend(labels: list[str], values: list[float | None], title: str, unit: str, decimals: int,
                target, floor, polarity, green_from, amber_from, fmt: str) -> bytes:
    from ..formatting import format_value

    xs = list(range(len(labels)))
    ys = [float("nan") if v is None else v for v in values]
    with _figure(TREND_SIZE) as (fig, ax):
        ax.plot(xs, ys, color=LINE, linewidth=2, marker="o", markersize=4, label="Actual")
        lines = _threshold_lines(unit, decimals, target, floor, green_from, amber_from, polarity)
        for value, label, colour, style in lines:
            ax.axhline(value, color=colour, linestyle=style, linewidth=1.5, label=label)
        known = [(x, y) for x, y in zip(xs, ys) if y == y]
        # Above the latest point after a rise, below it after a fall: off the line that leads in.
        fell = len(known) > 1 and known[-2][1] > known[-1][1]
        if known:
            x, y = known[-1]
            ax.annotate(format_value(y, unit, decimals), (x, y), xytext=(-4, -8 if fell else 8),
                        textcoords="offset points", ha="right", va="top" if fell else "baseline",
                        fontsize=9, fontweight="bold")
        _frame_y(ax, ys, *(line[0] for line in lines), room_below=fell)
        ax.yaxis.set_major_formatter(_tick_formatter(unit, decimals))
        ax.set_xticks(xs)
        ax.set_xticklabels(labels, rotation=45, ha="right", fontsize=8)
        title_lines = _title_lines(title, polarity)
        ax.set_title("\n".join(title_lines), fontsize=11, loc="left")
        ax.grid(axis="y", color="#D0D0D0", linewidth=0.6)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False, fontsize=8)
        fig.subplots_adjust(left=0.1, right=0.83, top=0.9 - 0.065 * (len(title_lines) - 1), bottom=0.24)
        return _save(fig, fmt)


def _threshold_lines(unit: str, decimals: int, target, floor, green_from, amber_from, polarity) -> list[tuple]:
    """(value, legend label, colour, line style) of each line: the thresholds, else the target and floor."""
    from ..formatting import format_value

    def text(value: float) -> str:
        return format_value(value, unit, decimals)

    if green_from is not None:
        # Two lines: the legend sits in the figure's right margin, which one long line would overrun.
        side = {"higher": " or more", "lower": " or less"}.get(polarity or "", "")
        lines = [(green_from, f"Green from\n{text(green_from)}{side}", TARGET_COLOUR, "--")]
        if amber_from is not None:
            lines.append((amber_from, f"Amber from\n{text(amber_from)}{side}", AMBER_LINE, ":"))
        return lines
    lines = [(target, f"Target {text(target)}", TARGET_COLOUR, "--")] if target is not None else []
    return lines + ([(floor, f"Floor {text(floor)}", FLOOR_COLOUR, ":")] if floor is not None else [])


def score_chart(score: Score, fmt: str = "png") -> bytes:
    """The trend chart of a scored measure: its history, with the thresholds of its rating."""
    ind = score.indicator
    return trend_chart(score.history, title=ind.name, unit=ind.unit, decimals=ind.decimals, target=score.target,
                       floor=score.floor, polarity=ind.polarity, frequency=ind.frequency,
                       green_from=score.green_from, amber_from=score.amber_from, fmt=fmt)


def _title_lines(title: str, polarity: str | None) -> list[str]:
    """The title wrapped to the plot's width (fixed margins cannot make room for a long one)."""
    import textwrap

    text = f"{title} ({polarity} is better)" if polarity in ("higher", "lower") else title
    return textwrap.wrap(text, width=TITLE_WIDTH)[:3] or [""]


def _frame_y(ax, ys: Sequence[float], *levels: float, room_below: bool = False) -> None:
    """Keep the threshold lines in view, with a little room above and below (more for a label below)."""
    values = [y for y in ys if y == y] + [v for v in levels if v is not None]
    if not values:
        ax.set_ylim(0, 1)
        return
    low, high = min(values), max(values)
    pad = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
    below = pad * 2 if room_below else pad
    bottom = 0 if low >= 0 and low - below < 0 else low - below
    ax.set_ylim(bottom, high + pad)



@functools.lru_cache(maxsize=1)
def _code_version() -> str:
    """The sha256 of the code that draws a chart and words its numbers: an edit is a new look."""
    from .. import formatting
    from ..chartcache import source_digest

    return source_digest((__file__, formatting.__file__))


# --- placeholders, for `reportgen check` ----------------------------------------------------------

_PLACEHOLDERS = False


@contextlib.contextmanager
def placeholders():
    """Within this, every chart is a blank 1-pixel image, drawn by nothing.

    `reportgen check` composes and renders the cover report to find what is
    wrong with it; no problem it can find depends on a chart's pixels.
    """
    global _PLACEHOLDERS
    before, _PLACEHOLDERS = _PLACEHOLDERS, True
    try:
        yield
    finally:
        _PLACEHOLDERS = before


def _placeholder(fmt: str) -> bytes:
    if fmt == "svg":
        return b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'
    return PLACEHOLDER_PNG


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# One white pixel (8-bit greyscale), as a PNG.
PLACEHOLDER_PNG = (PNG_SIGNATURE + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
                   + _png_chunk(b"IDAT", zlib.compress(b"\x00\xff")) + _png_chunk(b"IEND", b""))
