"""What each cell of the scorecard's tables says, and how it is coloured.

Used by ``scorecard_pdf``, which places the tables on pages. Every function
here reads a Score and returns the text (or the small drawing) for one cell,
or one whole row; none rates anything. ``chunked_tables`` cuts a long table
into reportlab tables of ROWS_PER_TABLE rows, tagged as one (pdf_tags.TableTags). Every cell says something: "No data",
"No target", "No floor", "No benchmark", "No comparison", "Not forecast".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from html import escape

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Table, TableStyle

from .. import model
from ..describe import describe_trend
from ..formatting import format_value
from .pdf_tags import TableTags

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
    "Last 13\nperiods",
)
ACTIVITY_WIDTHS = (36, 228, 62, 62, 66, 96, 80, 58, 60)
COHORT_HEADER = ("Ref", "Indicator", "Cohort", "Latest", "Target", "Floor", "Status", "Direction\nof travel")
COHORT_WIDTHS = (40, 250, 140, 70, 60, 60, 76, 70)
ROWS_PER_TABLE = 40  # small tables keep layout and page splits cheap (benchmarks/SCORECARD.md)
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


def trend_cell(score: model.Score):
    """The sparkline of a row, tagged as a Figure whose alt text says the trend in words.

    A Figure rather than an artifact: the row's other cells give only the latest
    and previous figures, so the sparkline's 13 periods have no text equivalent
    beside it. The sentence (the one under each exception chart) is made only when
    a tagged document asks for it.
    """
    cell = sparkline(score.history)
    if not isinstance(cell, str):
        cell.__dict__["alt_text"] = partial(describe_trend, score)  # a Drawing refuses attributes it does not know
    return cell


# ---------------------------------------------------------------- rows

def _name_cell(score: model.Score) -> Paragraph:
    text = escape(score.indicator.name)
    if score.indicator.key:
        text = f"<b>{text}</b> (key)"
    return Paragraph(text, CELL_STYLE)


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
_KPI_COLUMNS = (
    ("Ref", 36, lambda s: s.id), ("Indicator", 0, _name_cell), ("Polarity", 42, polarity_text),
    ("Latest", 58, latest_text), ("Previous", 56, previous_text), ("Status", 56, lambda s: status_text(s.status)),
    ("Direction\nof travel", 56, lambda s: direction_text(s.direction)), ("Target", 48, target_text),
    ("Thresholds", None, thresholds_text), ("Basis", 46, _basis_text), ("Benchmark", 72, benchmark_text),
    ("Forecast", 56, forecast_text), ("Last 13\nperiods", 54, trend_cell),
)
_DRAWN = {"Indicator", "Last 13\nperiods"}  # cells that are a Paragraph or a drawing, not lines of text
KPI_TABLE_WIDTH = 766  # points: the frame's width on landscape A4
NAME_MIN_WIDTH = 100


def kpi_columns(scores: Sequence[model.Score]) -> Columns:
    """The KPI table's columns, with Year to date and Out-turn only when some indicator has them."""
    columns = list(_KPI_COLUMNS)
    extra = []
    if any(s.ytd is not None for s in scores):
        extra.append(("Year to\ndate", None, ytd_text))
    years = {s.outturn_period.financial_year for s in scores if s.outturn is not None and s.outturn_period}
    if years:
        heading = f"Out-turn\n{years.pop()}" if len(years) == 1 else "Out-turn"
        extra.append((heading, None, partial(outturn_text, with_year=heading == "Out-turn")))
    at = [c[0] for c in columns].index("Previous") + 1
    columns[at:at] = extra
    return Columns(tuple(c[0] for c in columns), _widths(columns, scores), tuple(c[2] for c in columns))


def _widths(columns: list[tuple], scores: Sequence[model.Score]) -> tuple[float, ...]:
    """Fixed widths, fitted ones for the thresholds and extra columns, the rest for the indicator's name."""
    widths = [_fit(h, cell, scores) if w is None else w for h, w, cell in columns]
    name = [c[0] for c in columns].index("Indicator")
    widths[name] = 0
    if KPI_TABLE_WIDTH - sum(widths) < NAME_MIN_WIDTH:  # extra columns: narrow the fixed ones to their text
        for i, (heading, width, cell) in enumerate(columns):
            if width and heading not in _DRAWN:
                widths[i] = min(width, _fit(heading, cell, scores))
    widths[name] = max(NAME_MIN_WIDTH, KPI_TABLE_WIDTH - sum(widths))
    over = sum(widths) - KPI_TABLE_WIDTH
    if over > 0:  # still too wide (very long figures): every other column gives up the same share
        scale = 1 - over / (sum(widths) - widths[name])
        widths = [w if i == name else math.floor(w * scale * 10) / 10 for i, w in enumerate(widths)]
    return tuple(widths)


@lru_cache(maxsize=4096)
def _text_width(text: str) -> float:
    return max(stringWidth(line, BOLD, TABLE_FONT_SIZE) for line in text.split("\n"))


def _fit(heading: str, cell, scores: Sequence[model.Score]) -> float:
    """The width that shows a column's heading and every cell on unbroken lines (bold, padded)."""
    return round(max(_text_width(t) for t in {heading, *(cell(s) for s in scores)}) + 7)


def activity_row(score: model.Score) -> list:
    """One row under ACTIVITY_HEADER."""
    return [
        score.id, _name_cell(score), latest_text(score), previous_text(score), direction_text(score.direction),
        expected_range_text(score), status_text(score.status), _basis_text(score), trend_cell(score),
    ]


def cohort_row(score: model.Score, whole: bool) -> list:
    """One row under COHORT_HEADER: the whole measure, or one cohort of it."""
    # An activity indicator has an expected range, not a target and floor.
    activity = score.indicator.kind == "activity"
    return [score.id, _name_cell(score), "Whole measure" if whole else score.cohort, latest_text(score),
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


# ---------------------------------------------------------------- tables

class CaptionedTable(Table):
    """A group's table whose first row names the group: "(continued)" on the pages it runs on to.

    reportlab repeats the first ``repeatRows`` rows of a split table unchanged,
    so the caption row is rewritten in each part that goes to a later page.
    """

    caption = ""
    outline = None  # the group's bookmark, given to the part drawn first

    def split(self, availWidth, availHeight):
        parts = super().split(availWidth, availHeight)
        for i, part in enumerate(parts):
            part.caption, part.outline = self.caption, None if i else self.outline
            if i and self.caption:
                part._cellvalues[0] = [continued(self.caption), *part._cellvalues[0][1:]]
        return parts


def continued(caption: str) -> str:
    return f"{caption} (continued)"


def _caption_style() -> list[tuple]:
    """The caption row reads as a heading above the grid, not as a cell in it."""
    return [("SPAN", (0, 0), (-1, 0)), ("FONT", (0, 0), (-1, 0), BOLD, 11, 14), ("LEFTPADDING", (0, 0), (-1, 0), 0),
            ("VALIGN", (0, 0), (-1, 0), "BOTTOM"), ("BOTTOMPADDING", (0, 0), (-1, 0), 4)]


def chunked_tables(header: Sequence[str], widths: Sequence[float], rows: list[list],
                    statuses: list[tuple[int, str]], caption: str = "", row_header: int | None = 1) -> list[Table]:
    """Tables of at most ROWS_PER_TABLE rows, each with the header repeated on every page.

    ``statuses`` holds (column, status) per row, for the colour of its status cell.
    With a ``caption`` (a group's name), each table starts with a caption row that
    repeats above the header, saying "(continued)" after the first page of the group.
    The chunks are tagged as one table, headed by the cells of column ``row_header``.
    """
    tags = TableTags(caption_rows=1 if caption else 0, row_header=row_header)
    tables = []
    for start in range(0, len(rows), ROWS_PER_TABLE):
        chunk = rows[start:start + ROWS_PER_TABLE]
        top = [[continued(caption) if start else caption] + [""] * (len(header) - 1)] if caption else []
        style = table_style(len(top)) + (_caption_style() if top else [])
        for offset, (column, status) in enumerate(statuses[start:start + ROWS_PER_TABLE], start=len(top) + 1):
            style += status_cell_style(column, offset, status)
        table = CaptionedTable([*top, list(header), *chunk], colWidths=widths, repeatRows=len(top) + 1,
                                style=TableStyle(style), hAlign="LEFT", renderCB=tags)
        table.caption = caption
        tables.append(table)
    return tables
