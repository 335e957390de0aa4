"""What each cell of the scorecard's tables says, and how it is coloured.

Used by ``scorecard_pdf``, which places the tables on pages. Every function
here reads a Score and returns the text (or the small drawing) for one cell,
or one whole row; none rates anything. Every cell says something: "No data",
"No target", "No floor", "No benchmark", "No comparison", "Not forecast".
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from .. import model
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
KPI_HEADER = (
    "Ref", "Indicator", "Polarity", "Latest", "Previous", "Status", "Direction\nof travel",
    "Target", "Floor", "Basis", "Benchmark", "Forecast", "Last 13\nperiods",
)
KPI_WIDTHS = (36, 138, 42, 58, 56, 56, 56, 48, 48, 46, 72, 56, 54)
ACTIVITY_HEADER = (
    "Ref", "Indicator", "Latest", "Previous", "Direction\nof travel", "Expected range", "Status", "Basis",
    "Last 13\nperiods",
)
ACTIVITY_WIDTHS = (36, 228, 62, 62, 66, 96, 80, 58, 60)
COHORT_HEADER = ("Ref", "Indicator", "Cohort", "Latest", "Target", "Floor", "Status", "Direction\nof travel")
COHORT_WIDTHS = (40, 250, 140, 70, 60, 60, 76, 70)
# The scorecard's words beside its tables (the PDF and the HTML page both print them).
KEY_TEXT = (
    "Key: ✔ Green target met; ▲ Amber target missed but within tolerance or above the floor; "
    "✖ Red worse than the floor or tolerance; ○ No data or no target. Direction of travel compares "
    "with the previous period: ↑ Improved, ↓ Declined, → No change. Forecast for the year: "
    "☺ Likely, ◐ May, ☹ Unlikely to meet the target; * derived from the status "
    "(Green likely, Amber may, Red unlikely) where the service gave no forecast.")
COHORT_INTRO = ("These measures are also reported for part of the whole cohort, so that members can see how "
                "that group affects each measure. Each status is worked out in the same way as for the whole measure.")
CELL_STYLE = ParagraphStyle("cell", fontName=FONT, fontSize=TABLE_FONT_SIZE, leading=TABLE_LEADING, spaceAfter=0)


# ---------------------------------------------------------------- cell text

def _value(score: model.Score, value: float | None) -> str:
    return format_value(value, score.indicator.unit, score.indicator.decimals)


def status_text(status: str) -> str:
    symbol = STATUS_SYMBOLS.get(status)
    return f"{symbol} {status}" if symbol else status


def direction_text(direction: str) -> str:
    if not direction:
        return "No\ncomparison"
    return f"{DIRECTION_ARROWS.get(direction, '')} {direction}".strip()


def forecast_text(score: model.Score) -> str:
    text = FORECAST_TEXT.get(score.forecast, "Not\nforecast")
    return text if score.forecast_given or not score.forecast else f"{text}*"


def latest_text(score: model.Score) -> str:
    return f"{_value(score, score.value)}\n{score.period_label}"


def previous_text(score: model.Score) -> str:
    if score.comparator_period is None:
        return "No data"
    label = score.comparator_period.label(score.indicator.frequency)
    return f"{_value(score, score.previous_value)}\n{label}"


def target_text(score: model.Score) -> str:
    return "No target" if score.target is None else _value(score, score.target)


def floor_text(score: model.Score) -> str:
    return "No floor" if score.floor is None else _value(score, score.floor)


def benchmark_text(score: model.Score) -> str:
    ind = score.indicator
    lines = [f"Eng. {_value(score, ind.england)}"] if ind.england is not None else []
    if ind.neighbours is not None:
        lines.append(f"Neighb. {_value(score, ind.neighbours)}")
    return "\n".join(lines) or "No\nbenchmark"


def polarity_text(score: model.Score) -> str:
    return {"higher": "Higher\nis better", "lower": "Lower\nis better"}.get(score.indicator.polarity or "", "Not set")


def expected_range_text(score: model.Score) -> str:
    ind = score.indicator
    if ind.expected_low is None or ind.expected_high is None:
        return "No range"
    return f"{_value(score, ind.expected_low)} to\n{_value(score, ind.expected_high)}"


def _basis_text(score: model.Score) -> str:
    return BASIS_TEXT.get(score.indicator.basis, score.indicator.basis)


def sparkline(points: Sequence[model.Point], width: float = 50, height: float = 16):
    """The last periods as a tiny line: the shape of the trend, not its figures."""
    values = [p.value for p in points]
    known = [v for v in values if v is not None]
    if not known:
        return "No data"
    target = points[-1].target if points else None
    span = known + ([target] if target is not None else [])
    low, high = min(span), max(span)
    scale = (height - 4) / (high - low) if high > low else 0
    step = (width - 4) / max(len(values) - 1, 1)

    def y(v: float) -> float:
        return 2 + (v - low) * scale if scale else height / 2

    drawing = Drawing(width, height, initialFontName=FONT, initialFontSize=TABLE_FONT_SIZE)
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
    last = max(i for i, v in enumerate(values) if v is not None)
    drawing.add(Circle(2 + last * step, y(values[last]), 1.4, fillColor=colors.black, strokeWidth=0))
    return drawing


# ---------------------------------------------------------------- rows

def _name_cell(score: model.Score) -> Paragraph:
    text = escape(score.indicator.name)
    if score.indicator.key:
        text = f"<b>{text}</b> (key)"
    return Paragraph(text, CELL_STYLE)


# Each row takes the makers of its two drawn cells, the name and the trend, so that
# another renderer (the HTML page) gets the same row without reportlab's objects.

def kpi_row(score: model.Score, name=None, trend=None) -> list:
    """One row under KPI_HEADER."""
    name, trend = name or _name_cell, trend or sparkline
    return [
        score.id, name(score), polarity_text(score), latest_text(score), previous_text(score),
        status_text(score.status), direction_text(score.direction), target_text(score), floor_text(score),
        _basis_text(score), benchmark_text(score), forecast_text(score), trend(score.history),
    ]


def activity_row(score: model.Score, name=None, trend=None) -> list:
    """One row under ACTIVITY_HEADER."""
    name, trend = name or _name_cell, trend or sparkline
    return [
        score.id, name(score), latest_text(score), previous_text(score), direction_text(score.direction),
        expected_range_text(score), status_text(score.status), _basis_text(score), trend(score.history),
    ]


def cohort_row(score: model.Score, whole: bool, name=None) -> list:
    """One row under COHORT_HEADER: the whole measure, or one cohort of it."""
    # An activity indicator has an expected range, not a target and floor.
    activity = score.indicator.kind == "activity"
    return [score.id, (name or _name_cell)(score), "Whole measure" if whole else score.cohort, latest_text(score),
            f"Range {expected_range_text(score)}" if activity else target_text(score),
            "Not used" if activity else floor_text(score), status_text(score.status), direction_text(score.direction)]


# ---------------------------------------------------------------- cell style

def table_style(header_row: int = 0) -> list[tuple]:
    """Padding, a dark band on the header row, and a grid from the header row down."""
    return [
        ("FONT", (0, 0), (-1, -1), FONT, TABLE_FONT_SIZE, TABLE_LEADING),
        ("FONT", (0, header_row), (-1, header_row), BOLD, TABLE_FONT_SIZE, TABLE_LEADING),
        ("BACKGROUND", (0, header_row), (-1, header_row), colors.HexColor(HEADER_BG)),
        ("TEXTCOLOR", (0, header_row), (-1, header_row), colors.HexColor(HEADER_TEXT)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, header_row), (-1, -1), 0.4, colors.HexColor("#8C8C8C")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]


def status_cell_style(column: int, row: int, status: str) -> list[tuple]:
    """The status's colours and bold type for one cell; nothing for a status without colours."""
    if status not in PALETTE:
        return []
    background, text = PALETTE[status]
    return [
        ("BACKGROUND", (column, row), (column, row), colors.HexColor(background)),
        ("TEXTCOLOR", (column, row), (column, row), colors.HexColor(text)),
        ("FONT", (column, row), (column, row), BOLD, TABLE_FONT_SIZE, TABLE_LEADING),
    ]
