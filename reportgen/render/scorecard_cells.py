"""What each cell of the scorecard's tables says, and how it is coloured.

Used by ``scorecard_pdf``, which places the tables on pages. Every function
here reads a Score and returns the text (or the small drawing) for one cell,
or one whole row; none rates anything (the tables themselves: scorecard_tables). Every cell says something:
"No data", "No target", "No floor", "Not given" (a benchmark), "No comparison", "Not forecast", "Not reported".
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from html import escape

# reportlab is imported by the cells that are drawings or paragraphs: the HTML page uses
# this module's words without loading reportlab (a tenth of a second in the build's parent).

from .. import model
from ..describe import describe_trend
from ..formatting import format_value

FONT, BOLD, ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
TABLE_FONT_SIZE, TABLE_LEADING = 7, 8.5

# status -> (background, text). Lightness differs (Red dark, Green mid, Amber
# light) so the three read apart in greyscale; every pair passes 4.5:1.
PALETTE = {
    model.RED: ("#A4161A", "#FFFFFF"),
    model.GREEN: ("#8FCB9B", "#0B2E14"),
    model.AMBER: ("#FFE9B0", "#3D2800"),
    model.NO_DATA: ("#FFFFFF", "#404040"),
    model.NO_TARGET: ("#FFFFFF", "#404040"),
}
HEADER_BG, HEADER_TEXT = "#1F3A5F", "#FFFFFF"
STATUS_SYMBOLS = {
    model.GREEN: "✔", model.AMBER: "▲", model.RED: "✖", model.NO_DATA: "○", model.NO_TARGET: "○",
    model.WITHIN: "●", model.ABOVE: "▲", model.BELOW: "▼",
}
DIRECTION_ARROWS = {
    model.IMPROVED: "↑", model.DECLINED: "↓", model.NO_CHANGE: "→",
    model.INCREASED: "↑", model.DECREASED: "↓",
}
FORECAST_TEXT = {"likely": "☺ Likely", "may": "◐ May", "unlikely": "☹ Unlikely"}
BASIS_TEXT = {
    "snapshot": "Snapshot", "ytd": "Year to\ndate", "rolling12": "Rolling\n12 months", "period": "In period",
}
ACTIVITY_HEADER = (
    "Ref", "Indicator", "Latest", "Previous", "Direction\nof travel", "Expected range", "Status", "Basis",
    "Last 13\nperiods",  # the last heading is replaced by history_heading(scores)
)
ACTIVITY_WIDTHS = (36, 210, 66, 62, 66, 96, 80, 58, 74)
COHORT_HEADER = ("Ref", "Indicator", "Cohort", "Latest", "Target", "Floor", "Status", "Direction\nof travel")
COHORT_WIDTHS = (40, 230, 130, 70, 90, 60, 76, 70)
ROWS_PER_TABLE = 40  # at most; small tables keep layout and page splits cheap (benchmarks/SCORECARD.md)
MIN_ROWS = 3  # a page never holds fewer rows than this of a table that runs on (or in from) another page
FORECAST_MODES = ("given-and-derived", "given-only", "none")
STATUS_WRAP = 18  # characters per line of a long status ("Not rated (range is for the whole measure)")
# The scorecard's words beside its tables (the PDF and the HTML page both print them).
COHORT_INTRO = ("These measures are also reported for part of the whole cohort, so that members can see how "
                "that group affects each measure. Each status is worked out in the same way as for the whole measure.")


@lru_cache(maxsize=1)
def cell_style():
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle("cell", fontName=FONT, fontSize=TABLE_FONT_SIZE, leading=TABLE_LEADING, spaceAfter=0)


# ---------------------------------------------------------------- cell text

def _value(score: model.Score, value: float | None) -> str:
    return format_value(value, score.indicator.unit, score.indicator.decimals)


def status_text(status: str) -> str:
    """Symbol and word: ``✔ Green``."""
    symbol = STATUS_SYMBOLS.get(status)
    return f"{symbol} {status}" if symbol else status


def status_cell(status: str) -> str:
    """The status for a PDF table cell: a long one wrapped over lines, since a cell of text does not wrap."""
    text = status_text(status)
    return "\n".join(textwrap.wrap(text, STATUS_WRAP)) if len(text) > STATUS_WRAP else text


def previous_status_text(score: model.Score) -> str:
    """The status at the previous report, as word and symbol, with that report's period."""
    if not score.previous_status or score.previous_period is None:
        return "Not reported"
    return f"{status_cell(score.previous_status)}\n{score.previous_period.label(score.indicator.frequency)}"


def direction_text(direction: str) -> str:
    if not direction:
        return "No\ncomparison"
    return f"{DIRECTION_ARROWS.get(direction, '')} {direction}".strip()


def forecast_text(score: model.Score, mode: str = "given-and-derived") -> str:
    """The service's forecast; one derived from the status says so ("Likely (from status)"), or,
    with ``mode`` "given-only", is left out as "Not forecast"."""
    text = FORECAST_TEXT.get(score.forecast, "Not\nforecast")
    if score.forecast_given or not score.forecast:
        return text
    return "Not\nforecast" if mode == "given-only" else f"{text}\n(from status)"


def count_text(number: float) -> str:
    """A count with thousands separators: ``1,234``; a fraction keeps its places (``12.5``)."""
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,}"


def fraction_text(score: model.Score) -> str:
    """``234 of 410``: the numerator and denominator behind the figure, or "" when not given."""
    if score.numerator is None or score.denominator is None:
        return ""
    return f"{count_text(score.numerator)} of {count_text(score.denominator)}"


def latest_text(score: model.Score) -> str:
    fraction = fraction_text(score)
    return "\n".join(filter(None, (_value(score, score.value), fraction, score.period_label)))


def previous_text(score: model.Score) -> str:
    if score.comparator_period is None:
        return "No data"
    label = score.comparator_period.label(score.indicator.frequency)
    return f"{_value(score, score.previous_value)}\n{label}"


def target_text(score: model.Score) -> str:
    return "No target" if score.target is None else _value(score, score.target)


def floor_text(score: model.Score) -> str:
    return "No floor" if score.floor is None else _value(score, score.floor)


THRESHOLD_SIGNS = {"higher": "≥", "lower": "≤"}


def thresholds_text(score: model.Score) -> str:
    """The rule behind the rating: ``Green ≥ 80.0%`` over ``Amber ≥ 75.0%`` (``≤`` for lower is better).

    The thresholds are the ones the scoring applied (``green_from``, ``amber_from``);
    where it gave none (not rated, e.g. no data) the target and floor stand in.
    """
    sign = THRESHOLD_SIGNS.get(score.indicator.polarity or "")
    green = score.target if score.green_from is None else score.green_from
    amber = score.floor if score.amber_from is None else score.amber_from
    if sign is None or green is None:
        return "No target" if green is None else floor_text(score)
    amber_line = f"Amber {sign} {_value(score, amber)}" if amber is not None else "No floor"
    return f"Green {sign} {_value(score, green)}\n{amber_line}"


def ytd_text(score: model.Score) -> str:
    return _value(score, score.ytd)


def outturn_text(score: model.Score, with_year: bool = False) -> str:
    """The out-turn of the last complete financial year; with its year when the years differ by row."""
    text = _value(score, score.outturn)
    if with_year and score.outturn is not None and score.outturn_period is not None:
        return f"{text}\n{score.outturn_period.financial_year}"
    return text


def england_text(score: model.Score) -> str:
    return "Not given" if score.indicator.england is None else _value(score, score.indicator.england)


def neighbours_text(score: model.Score) -> str:
    return "Not given" if score.indicator.neighbours is None else _value(score, score.indicator.neighbours)


def polarity_text(score: model.Score) -> str:
    return {"higher": "Higher\nis better", "lower": "Lower\nis better"}.get(score.indicator.polarity or "", "Not set")


def expected_range_text(score: model.Score) -> str:
    ind = score.indicator
    if ind.expected_low is None or ind.expected_high is None:
        return "No range"
    return f"{_value(score, ind.expected_low)} to\n{_value(score, ind.expected_high)}"


PERIOD_WORDS = {"monthly": ("month", 12), "quarterly": ("quarter", 4), "annual": ("year", 1)}


def history_heading(scores: Sequence[model.Score]) -> str:
    """What the sparklines show: "Last 13\nmonths", "Last 20\nquarters\n(5 years)"."""
    count = max((len(s.history) for s in scores), default=0)
    frequencies = {s.indicator.frequency for s in scores}
    word, per_year = PERIOD_WORDS.get(frequencies.pop(), ("period", 0)) if len(frequencies) == 1 else ("period", 0)
    heading = f"Last {count}\n{word}{'' if count == 1 else 's'}"
    if per_year > 1 and count % per_year == 0 and count >= 2 * per_year:
        heading += f"\n({count // per_year} years)"
    return heading


def _basis_text(score: model.Score) -> str:
    return BASIS_TEXT.get(score.indicator.basis, score.indicator.basis)


LABEL_SIZE = 5  # points: the sparkline's end labels


def sparkline(points: Sequence[model.Point], width: float = 70, height: float = 16, label=None):
    """The last periods as a tiny line, its first and last figures labelled beneath it.

    ``label`` turns a Point into (period, figure) text; with it the drawing grows
    by two lines of small text: the first known point's period and figure at the
    left, the last one's at the right, so the line's span reads without a scale.
    """
    from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
    from reportlab.lib import colors

    values = [p.value for p in points]
    known = [i for i, v in enumerate(values) if v is not None]
    if not known:
        return "No data"
    below = 2 * (LABEL_SIZE + 0.6) + 1 if label else 0
    target = points[-1].target if points else None
    span = [values[i] for i in known] + ([target] if target is not None else [])
    low, high = min(span), max(span)
    scale = (height - 4) / (high - low) if high > low else 0
    step = (width - 4) / max(len(values) - 1, 1)

    def y(v: float) -> float:
        return below + (2 + (v - low) * scale if scale else height / 2)

    drawing = Drawing(width, height + below, initialFontName=FONT, initialFontSize=TABLE_FONT_SIZE)
    if target is not None:
        drawing.add(Line(2, y(target), width - 2, y(target), strokeColor=colors.HexColor("#2E6B30"),
                         strokeWidth=0.5, strokeDashArray=[1.5, 1.5]))
    run: list[float] = []
    for i, v in enumerate(values + [None]):
        if v is not None:
            run += [2 + i * step, y(v)]
        elif run:  # a gap in the data is a gap in the line
            drawing.add(PolyLine(run, strokeColor=colors.HexColor("#1F3A5F"), strokeWidth=0.9))
            run = []
    last = known[-1]
    drawing.add(Circle(2 + last * step, y(values[last]), 1.4, fillColor=colors.black, strokeWidth=0))
    if label:
        ends = [(known[0], 1, "start"), (last, width - 1, "end")] if len(known) > 1 else [(last, width - 1, "end")]
        for index, x, anchor in ends:
            for line, text in enumerate(label(points[index])):
                drawing.add(String(x, below - (line + 1) * (LABEL_SIZE + 0.6), text, fontName=FONT,
                                   fontSize=LABEL_SIZE, textAnchor=anchor, fillColor=colors.HexColor("#1A1A1A")))
    return drawing


def _end_label(score: model.Score, point: model.Point) -> tuple[str, str]:
    return point.period.label(score.indicator.frequency), _value(score, point.value)


def trend_cell(score: model.Score):
    """The sparkline of a row, tagged as a Figure whose alt text says the trend in words.

    A Figure rather than an artifact: the row's other cells give only the latest
    and previous figures, so the sparkline's periods have no text equivalent
    beside it (its end labels give two). The sentence (the one under each exception
    chart) is made only when a tagged document asks for it.
    """
    cell = sparkline(score.history, label=partial(_end_label, score))
    if not isinstance(cell, str):
        cell.__dict__["alt_text"] = partial(describe_trend, score)  # a Drawing refuses attributes it does not know
    return cell


# ---------------------------------------------------------------- rows

def _name_cell(score: model.Score):
    from reportlab.platypus import Paragraph

    text = escape(score.indicator.name)
    if score.indicator.key:
        text = f"<b>{text}</b> (key)"
    return Paragraph(text, cell_style())


@dataclass(frozen=True)
class Columns:
    """The columns of the KPI table: headings, widths, what each cell says, which one shows the status."""

    header: tuple[str, ...]
    widths: tuple[float, ...]
    cells: tuple[Callable[[model.Score], object], ...]

    @property
    def status(self) -> int:
        return self.header.index("Status")

    def row(self, score: model.Score) -> list:
        return [cell(score) for cell in self.cells]


# (heading, width or None to fit the text, cell); the Indicator column takes the room left over.
# Polarity has no column of its own: the Thresholds' ≥ or ≤ says it, and the exception pages say it in words.
_KPI_COLUMNS = (
    ("Ref", None, lambda s: s.id), ("Indicator", 0, _name_cell),
    ("Latest", None, latest_text), ("Previous", None, previous_text),
    ("Status", None, lambda s: status_cell(s.status)), ("Status at\nlast report", None, previous_status_text),
    ("Direction\nof travel", None, lambda s: direction_text(s.direction)), ("Target", None, target_text),
    ("Thresholds", None, thresholds_text), ("Basis", None, _basis_text),
    ("Forecast", None, forecast_text), ("Last 13\nperiods", 74, trend_cell),
)
_DRAWN = {_name_cell, trend_cell}  # cells that are a Paragraph or a drawing, not lines of text
KPI_TABLE_WIDTH = 766  # points: the frame's width on landscape A4
NAME_MIN_WIDTH = 84  # about three words of a name a line


def key_text(forecasts: str = "given-and-derived") -> str:
    """The key under the summary: what each symbol, column and forecast means."""
    forecast = {
        "given-and-derived": "Forecast for the year: ☺ Likely, ◐ May, ☹ Unlikely to meet the target; "
                             "\u201c(from status)\u201d: derived from the status (Green likely, Amber may, Red "
                             "unlikely) where the service gave no forecast.",
        "given-only": "Forecast for the year, as the service gave it: ☺ Likely, ◐ May, ☹ Unlikely to meet the "
                      "target; Not forecast where it gave none.",
        "none": "",
    }[forecasts]
    return ("Key: ✔ Green target met; ▲ Amber target missed but within tolerance or above the floor; "
            "✖ Red worse than the floor or tolerance; ○ No data or no target. Thresholds: the figures each "
            "status was judged against (Green ≥ 80.0% means Green at 80.0% or more; ≤ where lower is better). "
            "Status at last report: the status the previous report gave. Direction of travel compares "
            f"with the previous period: ↑ Improved, ↓ Declined, → No change. {forecast}").strip()


def kpi_columns(scores: Sequence[model.Score], forecasts: str = "given-and-derived") -> Columns:
    """The KPI table's columns, laid out to the page's width (see kpi_column_specs)."""
    columns = kpi_column_specs(scores, forecasts)
    return Columns(tuple(c[0] for c in columns), _widths(columns, scores), tuple(c[2] for c in columns))


def kpi_column_specs(scores: Sequence[model.Score], forecasts: str = "given-and-derived") -> list[tuple]:
    """(heading, width or None, cell) of each KPI column, which the HTML page lays out without widths:
    Year to date, Out-turn, England and Statistical neighbours only when some indicator has them;
    Forecast as ``forecasts`` says (FORECAST_MODES); the history's heading saying how long it is."""
    if forecasts not in FORECAST_MODES:
        raise ValueError(f"forecasts: '{forecasts}' is not one of {', '.join(FORECAST_MODES)}")
    columns = [c for c in _KPI_COLUMNS if forecasts != "none" or c[0] != "Forecast"]
    columns = [(h, w, partial(forecast_text, mode=forecasts)) if h == "Forecast" else (h, w, c)
               for h, w, c in columns]
    columns[-1] = (history_heading(scores), *columns[-1][1:])
    extra = []
    if any(s.ytd is not None for s in scores):
        extra.append(("Year to\ndate", None, ytd_text))
    years = {s.outturn_period.financial_year for s in scores if s.outturn is not None and s.outturn_period}
    if years:
        heading = f"Out-turn\n{years.pop()}" if len(years) == 1 else "Out-turn"
        extra.append((heading, None, partial(outturn_text, with_year=heading == "Out-turn")))
    at = [c[0] for c in columns].index("Previous") + 1
    columns[at:at] = extra
    benchmarks = [("England", None, england_text)] if any(s.indicator.england is not None for s in scores) else []
    if any(s.indicator.neighbours is not None for s in scores):
        benchmarks.append(("Statistical\nneighbours", None, neighbours_text))
    at = [c[0] for c in columns].index("Basis") + 1
    columns[at:at] = benchmarks
    return columns


def _widths(columns: list[tuple], scores: Sequence[model.Score]) -> tuple[float, ...]:
    """Fixed widths, fitted ones for the thresholds and extra columns, the rest for the indicator's name."""
    widths = [_fit(h, cell, scores) if w is None else w for h, w, cell in columns]
    name = [c[0] for c in columns].index("Indicator")
    widths[name] = 0
    if KPI_TABLE_WIDTH - sum(widths) < NAME_MIN_WIDTH:  # extra columns: narrow the fixed ones to their text
        for i, (heading, width, cell) in enumerate(columns):
            if width and cell not in _DRAWN:
                widths[i] = min(width, _fit(heading, cell, scores))
    widths[name] = max(NAME_MIN_WIDTH, KPI_TABLE_WIDTH - sum(widths))
    over = sum(widths) - KPI_TABLE_WIDTH
    if over > 0:  # still too wide (very long figures): every other column gives up the same share
        fixed = {name} | {i for i, c in enumerate(columns) if c[2] in _DRAWN}  # a drawing cannot shrink
        scale = 1 - over / (sum(widths) - sum(widths[i] for i in fixed))
        widths = [w if i in fixed else math.floor(w * scale * 10) / 10 for i, w in enumerate(widths)]
    return tuple(widths)


@lru_cache(maxsize=4096)
def _text_width(text: str) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return max(stringWidth(line, BOLD, TABLE_FONT_SIZE) for line in text.split("\n"))


def _fit(heading: str, cell, scores: Sequence[model.Score]) -> float:
    """The width that shows a column's heading and every cell on unbroken lines (bold, padded)."""
    return round(max(_text_width(t) for t in {heading, *(cell(s) for s in scores)}) + 5)


def cohort_scores(scores: model.ScoreSet) -> list[tuple[model.Score, bool]]:
    """(score, is the whole measure) for the cohort table: each measure with cohorts, then its cohorts."""
    variants: dict[str, list[model.Score]] = {}
    for score in scores.cohort_variants:
        variants.setdefault(score.id, []).append(score)
    return [(score, i == 0) for whole in scores.measures if whole.id in variants
            for i, score in enumerate([whole, *variants[whole.id]])]


# The rows take the makers of their drawn cells (the name, the trend), so that another
# renderer (the HTML page) gets the same row without reportlab's objects.

def activity_row(score: model.Score, name=None, trend=None) -> list:
    """One row under ACTIVITY_HEADER."""
    return [
        score.id, (name or _name_cell)(score), latest_text(score), previous_text(score),
        direction_text(score.direction), expected_range_text(score), status_cell(score.status), _basis_text(score),
        (trend or trend_cell)(score),
    ]


def cohort_row(score: model.Score, whole: bool, name=None) -> list:
    """One row under COHORT_HEADER: the whole measure, or one cohort of it."""
    # An activity indicator has an expected range, not a target and floor. A Score does not carry
    # a cohort's own range, so a cohort's row shows the whole measure's range and says whose it is.
    activity = score.indicator.kind == "activity"
    if activity:
        owner = "Range" if whole else "Whole measure's range"
        target = f"{owner}\n{expected_range_text(score)}"
    else:
        target = target_text(score)
    return [score.id, (name or _name_cell)(score), "Whole measure" if whole else score.cohort, latest_text(score),
            target, "Not used" if activity else floor_text(score), status_cell(score.status),
            direction_text(score.direction)]
