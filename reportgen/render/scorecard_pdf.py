"""Appendix A: the scorecard PDF (reportlab), laid out from scores already made.

    render_scorecard(facts, scores, guidance=(), *, exception_charts=None, summary_chart=None) -> bytes

Nothing here rates anything: statuses, directions and forecasts come from the
Score objects; this module only formats and places them. Sections, in order:
title block and summary; key performance indicators by group; activity
indicators; one exception page per Red measure; cohorts; guidance notes.

Choices a reader relies on:
- every cell says something: "No data", "No target", "No floor", "No benchmark",
  "No comparison" (no earlier figure to compare with), "Not forecast";
- status is a word, a symbol and a colour; direction an arrow and a word;
- DejaVu Sans (shipped inside matplotlib) is embedded, so ŵ and ŷ print;
- same input, same bytes: invariant mode, dates from ``facts.created``, and a
  document /ID seeded from the facts rather than the clock.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping, Sequence
from functools import lru_cache, partial
from html import escape
from pathlib import Path

from reportlab import rl_config
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate, CondPageBreak, Frame, Image, PageBreak, PageTemplate, Paragraph, Spacer, Table,
    TableStyle,
)

from .. import model
from ..describe import describe_rag_counts, describe_trend
from ..formatting import format_value

PAGE = landscape(A4)
MARGIN = 12 * mm
FONT, BOLD, ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
ROWS_PER_TABLE = 40  # small tables keep layout and page splits cheap (benchmarks/SCORECARD.md)
TABLE_FONT_SIZE = 7
GROUP_START_HEIGHT = 120  # points: a group heading, the header row and about three rows

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


# ---------------------------------------------------------------- fonts, styles

@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register DejaVu Sans from matplotlib's own copy: no system font needed."""
    import matplotlib  # only for the path to its bundled fonts

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    names = {FONT: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf", ITALIC: "DejaVuSans-Oblique.ttf",
             "DejaVuSans-BoldOblique": "DejaVuSans-BoldOblique.ttf"}
    for name, file in names.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC,
                                  boldItalic="DejaVuSans-BoldOblique")


@lru_cache(maxsize=1)
def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12, spaceAfter=4)
    return {
        "body": body,
        "title": ParagraphStyle("title", body, fontName=BOLD, fontSize=18, leading=22, spaceAfter=6),
        "h1": ParagraphStyle("h1", body, fontName=BOLD, fontSize=14, leading=18, spaceBefore=6, spaceAfter=6),
        "h2": ParagraphStyle("h2", body, fontName=BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4),
        "cell": ParagraphStyle("cell", body, fontSize=TABLE_FONT_SIZE, leading=8.5, spaceAfter=0),
        "caption": ParagraphStyle("caption", body, fontName=ITALIC, fontSize=8.5, leading=11),
        "small": ParagraphStyle("small", body, fontSize=7.5, leading=10),
        "bullet": ParagraphStyle("bullet", body, leftIndent=12, bulletIndent=2, bulletFontName=FONT),
    }


def _heading(text: str, style: str, level: int | None = None) -> Paragraph:
    """A heading; with ``level`` it also becomes a PDF bookmark."""
    para = Paragraph(escape(text), _styles()[style])
    para.keepWithNext = True
    para.outline = (text, level) if level is not None else None
    return para


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


def _latest(score: model.Score) -> str:
    return f"{_value(score, score.value)}\n{score.period_label}"


def _previous(score: model.Score) -> str:
    if score.comparator_period is None:
        return "No data"
    label = score.comparator_period.label(score.indicator.frequency)
    return f"{_value(score, score.previous_value)}\n{label}"


def _target(score: model.Score) -> str:
    return "No target" if score.target is None else _value(score, score.target)


def _floor(score: model.Score) -> str:
    return "No floor" if score.floor is None else _value(score, score.floor)


def _benchmark(score: model.Score) -> str:
    ind = score.indicator
    lines = [f"Eng. {_value(score, ind.england)}"] if ind.england is not None else []
    if ind.neighbours is not None:
        lines.append(f"Neighb. {_value(score, ind.neighbours)}")
    return "\n".join(lines) or "No\nbenchmark"


def _polarity(score: model.Score) -> str:
    return {"higher": "Higher\nis better", "lower": "Lower\nis better"}.get(score.indicator.polarity or "", "Not set")


def _expected_range(score: model.Score) -> str:
    ind = score.indicator
    if ind.expected_low is None or ind.expected_high is None:
        return "No range"
    return f"{_value(score, ind.expected_low)} to\n{_value(score, ind.expected_high)}"


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


# ---------------------------------------------------------------- tables

def _table_style(header_rows: int = 1) -> list[tuple]:
    return [
        ("FONT", (0, 0), (-1, -1), FONT, TABLE_FONT_SIZE, 8.5),
        ("FONT", (0, 0), (-1, header_rows - 1), BOLD, TABLE_FONT_SIZE, 8.5),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor(HEADER_BG)),
        ("TEXTCOLOR", (0, 0), (-1, header_rows - 1), colors.HexColor(HEADER_TEXT)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8C8C8C")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]


def _status_cell_style(column: int, row: int, status: str) -> list[tuple]:
    if status not in PALETTE:
        return []
    background, text = PALETTE[status]
    return [
        ("BACKGROUND", (column, row), (column, row), colors.HexColor(background)),
        ("TEXTCOLOR", (column, row), (column, row), colors.HexColor(text)),
        ("FONT", (column, row), (column, row), BOLD, TABLE_FONT_SIZE, 8.5),
    ]


def _chunked_tables(header: Sequence[str], widths: Sequence[float], rows: list[list],
                    statuses: list[tuple[int, str]]) -> list[Table]:
    """Tables of at most ROWS_PER_TABLE rows, each with the header repeated on every page.

    ``statuses`` holds (column, status) per row, for the colour of its status cell.
    """
    tables = []
    for start in range(0, len(rows), ROWS_PER_TABLE):
        chunk = rows[start:start + ROWS_PER_TABLE]
        style = _table_style()
        for offset, (column, status) in enumerate(statuses[start:start + ROWS_PER_TABLE], start=1):
            style += _status_cell_style(column, offset, status)
        table = Table([list(header), *chunk], colWidths=widths, repeatRows=1, style=TableStyle(style),
                      hAlign="LEFT")
        tables.append(table)
    return tables


def _name_cell(score: model.Score) -> Paragraph:
    text = escape(score.indicator.name)
    if score.indicator.key:
        text = f"<b>{text}</b> (key)"
    return Paragraph(text, _styles()["cell"])


def _kpi_row(score: model.Score) -> list:
    return [
        score.id, _name_cell(score), _polarity(score), _latest(score), _previous(score),
        status_text(score.status), direction_text(score.direction), _target(score), _floor(score),
        BASIS_TEXT.get(score.indicator.basis, score.indicator.basis), _benchmark(score),
        forecast_text(score), sparkline(score.history),
    ]


def _activity_row(score: model.Score) -> list:
    return [
        score.id, _name_cell(score), _latest(score), _previous(score), direction_text(score.direction),
        _expected_range(score), status_text(score.status),
        BASIS_TEXT.get(score.indicator.basis, score.indicator.basis), sparkline(score.history),
    ]


def _by_group(scores: Sequence[model.Score]) -> dict[str, list[model.Score]]:
    groups: dict[str, list[model.Score]] = {}
    for score in scores:
        groups.setdefault(score.indicator.group or "Other measures", []).append(score)
    return groups


def _grouped_section(title: str, scores: Sequence[model.Score], header, widths, row, status_col) -> list:
    story: list = [_heading(title, "h1", 0)]
    for group, members in _by_group(scores).items():
        # Not keepWithNext: that moves a whole group to the next page and leaves gaps.
        # Break only when the heading, the header row and a few rows would not fit.
        heading = _heading(group, "h2", 1)
        heading.keepWithNext = False
        story += [CondPageBreak(GROUP_START_HEIGHT), heading]
        story += _chunked_tables(header, widths, [row(s) for s in members],
                                 [(status_col, s.status) for s in members])
    return story


# ---------------------------------------------------------------- sections

def _long_date(facts: model.PaperFacts) -> str:
    d = facts.meeting_date
    return f"{d.day} {d.strftime('%B')} {d.year}"


def _title_block(facts: model.PaperFacts) -> list:
    s = _styles()
    return [
        Paragraph(f"Appendix {escape(facts.appendix_letter)}", s["h1"]),
        Paragraph(escape(facts.title), s["title"]),
        Paragraph(f"{escape(facts.council)}<br/>{escape(facts.committee)}, {_long_date(facts)}<br/>"
                  f"Reporting period: {escape(facts.period_label)}", s["body"]),
        Spacer(1, 4),
    ]


def _count_table(title: str, rows: list[tuple[str, int]], coloured: bool) -> Table:
    style = _table_style()
    if coloured:
        for i, (status, _) in enumerate(rows, start=1):
            style += _status_cell_style(0, i, status)
    data = [[title, "Measures"]] + [[status_text(name) if coloured else direction_text(name), str(n)]
                                    for name, n in rows]
    style.append(("ALIGN", (1, 0), (1, -1), "RIGHT"))
    return Table(data, colWidths=(96, 50), style=TableStyle(style), hAlign="LEFT")


def _layout(cells: list, widths: tuple[float, ...]) -> Table:
    """A borderless row of blocks side by side (its font set, or reportlab falls back to Helvetica)."""
    return Table([cells], colWidths=widths, hAlign="LEFT",
                 style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONT", (0, 0), (-1, -1), FONT)])


def _summary(facts: model.PaperFacts, scores: model.ScoreSet, chart: bytes) -> list:
    counts = scores.summary.status_counts
    statuses = [s for s in (*model.KPI_STATUSES, *model.ACTIVITY_STATUSES)
                if counts.get(s) or s in model.RAG]
    status_rows = [(s, counts.get(s, 0)) for s in dict.fromkeys(statuses)]
    found = scores.summary.direction_counts
    directions = [(d, found[d]) for d in DIRECTION_ARROWS if d in found]
    tables = _layout([_count_table("Status", status_rows, True),
                      _count_table("Direction of travel", directions, False)], (160, 160))
    image = Image(io.BytesIO(chart), width=360, height=192)
    caption = Paragraph(escape(describe_rag_counts(counts, facts.period_label)), _styles()["caption"])
    key = Paragraph(
        "Key: ✔ Green target met; ▲ Amber target missed but within tolerance or above the floor; "
        "✖ Red worse than the floor or tolerance; ○ No data or no target. Direction of travel compares "
        "with the previous period: ↑ Improved, ↓ Declined, → No change. Forecast for the year: "
        "☺ Likely, ◐ May, ☹ Unlikely to meet the target; * derived from the status "
        "(Green likely, Amber may, Red unlikely) where the service gave no forecast.", _styles()["small"])
    layout = _layout([tables, [image, caption]], (330, 440))
    return [_heading("Summary", "h1", 0), layout, Spacer(1, 4), key, Spacer(1, 8), _group_counts(scores.summary)]


def _group_counts(summary: model.Summary) -> Table:
    """Status counts per group, as the Summary gives them (whole measures only)."""
    statuses = (*model.KPI_STATUSES, *model.ACTIVITY_STATUSES[:3])
    rows = [[group, *(str(counts.get(s, 0)) for s in statuses)] for group, counts in summary.group_counts.items()]
    style = _table_style() + [("ALIGN", (1, 0), (-1, -1), "RIGHT")]
    for column, status in enumerate(statuses[:3], start=1):
        style += _status_cell_style(column, 0, status)
    header = ["Group", *(status_text(s).replace(" range", "\nrange") for s in statuses)]
    return Table([header, *rows], colWidths=(200, *[62] * len(statuses)), repeatRows=1, hAlign="LEFT",
                 style=TableStyle(style))


def _exception_page(score: model.Score, chart: bytes, first: bool) -> list:
    s, ind = _styles(), score.indicator
    facts_row = [_latest(score), _previous(score), status_text(score.status), direction_text(score.direction),
                 _target(score), _floor(score), forecast_text(score)]
    header = ("Latest", "Previous", "Status", "Direction\nof travel", "Target", "Floor", "Forecast")
    table = _chunked_tables(header, [80] * 7, [facts_row], [(2, score.status)])[0]
    return [
        *([] if first else [PageBreak()]),
        _heading(f"{score.id}: {ind.name}", "h2", 1),
        table, Spacer(1, 6),
        Image(io.BytesIO(chart), width=610, height=244, hAlign="LEFT"),
        Paragraph(escape(describe_trend(score)), s["caption"]),
        _heading("Commentary", "h2"),
        Paragraph(escape(score.commentary) if score.commentary else "No commentary was given for this period.",
                  s["body"]),
        Paragraph(f"<b>Owner:</b> {escape(ind.owner) if ind.owner else 'Not given'}", s["body"]),
        Paragraph(f"<b>Definition:</b> {escape(ind.definition) if ind.definition else 'Not given'}", s["body"]),
    ]


def _exception_chart(score: model.Score) -> bytes:
    from .charts import trend_chart

    ind = score.indicator
    return trend_chart(score.history, title=ind.name, unit=ind.unit, decimals=ind.decimals,
                       target=score.target, floor=score.floor, polarity=ind.polarity, frequency=ind.frequency)


def _exceptions(scores: model.ScoreSet, charts: Mapping[str, bytes], period_label: str) -> list:
    reds = [s for s in scores.measures if s.status == model.RED]
    if not reds:
        return []
    story: list = [PageBreak(), _heading("Exception reports", "h1", 0),
                   Paragraph(f"One page for each measure rated Red in {escape(period_label)}"
                             ": its trend, commentary, owner and definition.", _styles()["body"])]
    for i, score in enumerate(reds):
        story += _exception_page(score, charts.get(score.id) or _exception_chart(score), first=i == 0)
    return story


def _cohort_row(score: model.Score, whole: bool) -> list:
    # An activity indicator has an expected range, not a target and floor.
    activity = score.indicator.kind == "activity"
    return [score.id, _name_cell(score), "Whole measure" if whole else score.cohort, _latest(score),
            f"Range {_expected_range(score)}" if activity else _target(score),
            "Not used" if activity else _floor(score), status_text(score.status), direction_text(score.direction)]


def _cohorts(scores: model.ScoreSet) -> list:
    variants: dict[str, list[model.Score]] = {}
    for score in scores.cohort_variants:
        variants.setdefault(score.id, []).append(score)
    if not variants:
        return []
    rows, statuses = [], []
    for whole in scores.measures:
        for i, score in enumerate([whole, *variants.get(whole.id, [])] if whole.id in variants else []):
            rows.append(_cohort_row(score, i == 0))
            statuses.append((6, score.status))
    intro = ("These measures are also reported for part of the whole cohort, so that members can see how "
             "that group affects each measure. Each status is worked out in the same way as for the whole measure.")
    return [PageBreak(), _heading("Cohorts", "h1", 0), Paragraph(intro, _styles()["body"]),
            *_chunked_tables(COHORT_HEADER, COHORT_WIDTHS, rows, statuses)]


def _markup(block: model.Block) -> str:
    parts = []
    for run in block.runs:
        text = escape(run.text)
        text = f"<b>{text}</b>" if run.bold else text
        parts.append(f"<i>{text}</i>" if run.italic else text)
    return "".join(parts)


def _guidance(blocks: Sequence[model.Block]) -> list:
    if not blocks:
        return []
    s = _styles()
    story: list = [PageBreak(), _heading("Guidance notes", "h1", 0)]
    for block in blocks:
        if block.bullet:
            story.append(Paragraph(_markup(block), s["bullet"], bulletText="•"))
        else:
            story.append(Paragraph(_markup(block), s["body"]))
    return story


# ---------------------------------------------------------------- document

class _NumberedCanvas(Canvas):
    """Holds pages back until the end, so each can say "Page x of y"."""

    def __init__(self, *args, facts: model.PaperFacts, **kwargs):
        super().__init__(*args, **kwargs)
        self._facts = facts
        self._pages: list[dict] = []
        stamp = facts.created.strftime("D:%Y%m%d%H%M%S+00'00'")
        self.setDateFormatter(lambda *_: stamp)
        # The /ID is a digest seeded with the clock (or SOURCE_DATE_EPOCH): seed it from the facts.
        self._doc.signature = hashlib.md5(f"reportgen {facts.created.isoformat()}".encode(), usedforsecurity=False)

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont(FONT, 8)
            self.setFillColor(colors.HexColor("#333333"))
            self.drawRightString(PAGE[0] - MARGIN, MARGIN - 14, f"Page {number} of {total}")
            super().showPage()
        super().save()


class _Doc(BaseDocTemplate):
    def afterFlowable(self, flowable):
        outline = getattr(flowable, "outline", None)
        if outline:
            title, level = outline
            key = f"o{self._bookmarks}"
            self._bookmarks += 1
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=level, closed=False)


def _decorate(facts: model.PaperFacts, canvas: Canvas, _doc) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 8)
    canvas.setFillColor(colors.HexColor("#333333"))
    canvas.drawString(MARGIN, PAGE[1] - MARGIN + 4,
                      f"Appendix {facts.appendix_letter}: {facts.title}, {facts.period_label}")
    canvas.drawRightString(PAGE[0] - MARGIN, PAGE[1] - MARGIN + 4, f"{facts.committee}, {_long_date(facts)}")
    canvas.drawString(MARGIN, MARGIN - 14, facts.council)
    canvas.restoreState()


def render_scorecard(
    facts: model.PaperFacts,
    scores: model.ScoreSet,
    guidance: Sequence[model.Block] = (),
    *,
    exception_charts: Mapping[str, bytes] | None = None,
    summary_chart: bytes | None = None,
) -> bytes:
    """The whole scorecard appendix as PDF bytes.

    ``exception_charts`` (indicator id -> PNG) and ``summary_chart`` let a caller
    reuse charts it already drew for the cover report; any not given are drawn here.
    """
    register_fonts()
    if summary_chart is None:
        from .charts import rag_count_chart

        summary_chart = rag_count_chart(scores.summary.status_counts,
                                        title=f"Measures by status, {facts.period_label}")
    kpis = [s for s in scores.measures if s.indicator.kind == "kpi"]
    activities = [s for s in scores.measures if s.indicator.kind == "activity"]
    story = _title_block(facts) + _summary(facts, scores, summary_chart)
    if kpis:
        story += [PageBreak()] + _grouped_section("Key performance indicators", kpis, KPI_HEADER, KPI_WIDTHS,
                                                  _kpi_row, 5)
    if activities:
        story += [PageBreak()] + _grouped_section("Activity indicators", activities, ACTIVITY_HEADER,
                                                  ACTIVITY_WIDTHS, _activity_row, 6)
    story += _exceptions(scores, exception_charts or {}, facts.period_label) + _cohorts(scores) + _guidance(guidance)
    return _build(facts, story)


def _build(facts: model.PaperFacts, story: list) -> bytes:
    buffer = io.BytesIO()
    doc = _Doc(buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 6,
               bottomMargin=MARGIN + 6, title=f"Appendix {facts.appendix_letter}: {facts.title}",
               author=facts.author, subject=f"{facts.committee}, {_long_date(facts)}: performance for "
               f"{facts.period_label}", creator="reportgen", producer="reportgen", invariant=1,
               lang=facts.language, displayDocTitle=1, initialFontName=FONT, initialFontSize=9)
    doc._bookmarks = 0
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=partial(_decorate, facts))])
    # ASCII85 only makes streams 25% bigger, and reportlab's pure-Python encoder
    # was a fifth of the render time: write binary streams instead.
    saved, rl_config.useA85 = rl_config.useA85, 0
    try:
        doc.build(story, canvasmaker=partial(_NumberedCanvas, facts=facts))
    finally:
        rl_config.useA85 = saved
    return buffer.getvalue()
