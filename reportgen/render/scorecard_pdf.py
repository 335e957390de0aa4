"""Appendix A: the scorecard PDF (reportlab), laid out from scores already made.

    render_scorecard(facts, scores, guidance=(), *, exception_charts=None, summary_chart=None, tagged=True)
        -> bytes

Nothing here rates anything: statuses, directions and forecasts come from the
Score objects; this module only formats and places them. Sections, in order:
title block and summary; key performance indicators by group; activity
indicators; one exception page per Red measure; cohorts; guidance notes.

Choices a reader relies on:
- every cell says something: "No data", "No target", "No floor", "Not given" (a
  benchmark), "No comparison" (no earlier figure to compare with), "Not forecast";
- the rule behind each rating: the Thresholds column, and the thresholds drawn
  and labelled on each exception chart; the numerator and denominator under a
  figure ("234 of 410"); the status at the last report; commentary for every
  measure that has it, under its group's table; benchmarks ("England",
  "Statistical neighbours") only when some indicator has one;
- a forecast derived from the status says so ("Likely (from status)");
- a table never leaves fewer than three rows on a page it runs on from or to;
- status is a word, a symbol and a colour; direction an arrow and a word;
- the KPI table shows the rule behind each rating ("Green ≥ 80.0%" over
  "Amber ≥ 75.0%", from the thresholds the scoring applied), and Year to date
  and Out-turn columns only when some indicator has those figures;
- DejaVu Sans (shipped inside matplotlib) is embedded, so ŵ and ŷ print;
- a tagged PDF (PDF/UA-1, pdf_tags.py): headings H1 > H2 > H3, each group ONE
  table whose rows are headed by the indicator's name, charts and sparklines as
  Figures with the sentences of describe.py as alt text; running header, footer,
  page numbers and repeated header rows are artifacts;
- a working copy (``facts.draft``) says "DRAFT" in the running header of every
  page and in the document title;
- same input, same bytes: invariant mode, dates from ``facts.created``, and a
  document /ID seeded from the facts rather than the clock.

The cells' text is scorecard_cells, the tables' style and splitting
scorecard_tables, the pages (header, footer, numbering, the build) scorecard_doc.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from functools import lru_cache, partial
from html import escape
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import CondPageBreak, PageBreak, Spacer, Table, TableStyle

from .. import model
from ..describe import describe_rag_counts, describe_trend
from ..formatting import long_date
from .pdf_tags import Figure, Para, TableTags, Tag, list_item
from .scorecard_cells import (
    ACTIVITY_HEADER, ACTIVITY_WIDTHS, BOLD, COHORT_HEADER, COHORT_INTRO, COHORT_WIDTHS, DIRECTION_ARROWS, FONT,
    FORECAST_MODES, ITALIC, activity_row, cohort_row, cohort_scores, direction_text, forecast_text,
    history_heading, key_text, kpi_columns, latest_text, previous_status_text, previous_text, status_cell,
    status_text, target_text, thresholds_text,
)
from .scorecard_doc import build
from .scorecard_tables import CaptionedTable, chunked_tables, status_cell_style, table_style

GROUP_START_HEIGHT = 120  # points: a group heading, the header row and about three rows


# ---------------------------------------------------------------- fonts, styles

def _matplotlib_fonts() -> Path:
    # Found without importing matplotlib (0.2 s), which a build whose charts are all cached skips.
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a dependency
        raise RuntimeError("matplotlib is not installed: its DejaVu Sans is the scorecard's font")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


@lru_cache(maxsize=1)
def register_fonts() -> None:
    """Register DejaVu Sans from matplotlib's own copy: no system font needed."""
    folder = _matplotlib_fonts()
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
        "h3": ParagraphStyle("h3", body, fontName=BOLD, fontSize=9.5, leading=12, spaceBefore=6, spaceAfter=3),
        "caption": ParagraphStyle("caption", body, fontName=ITALIC, fontSize=8.5, leading=11),
        "small": ParagraphStyle("small", body, fontSize=7.5, leading=10),
        "bullet": ParagraphStyle("bullet", body, leftIndent=12, bulletIndent=2, bulletFontName=FONT),
    }


def _heading(text: str, style: str, level: int | None = None, role: str = "") -> Para:
    """A heading (H1 for the h1 style, H2 for h2, unless ``role`` says); with ``level`` also a bookmark."""
    para = Para(escape(text), _styles()[style], role or style.upper())
    para.keepWithNext = True
    para.outline = (text, level) if level is not None else None
    return para


def _by_group(scores: Sequence[model.Score]) -> dict[str, list[model.Score]]:
    groups: dict[str, list[model.Score]] = {}
    for score in scores:
        groups.setdefault(score.indicator.group or "Other measures", []).append(score)
    return groups


def _grouped_section(title: str, scores: Sequence[model.Score], header, widths, row, status_col) -> list:
    story: list = [_heading(title, "h1", 0)]
    for group, members in _by_group(scores).items():
        # The group's name is the first row of its tables (repeated on later pages), not a
        # paragraph: a heading kept with the table would move the whole group and leave gaps.
        # Break only when the heading, the header row and a few rows would not fit.
        tables = chunked_tables(header, widths, [row(s) for s in members],
                                 [(status_col, s.status) for s in members], caption=group)
        tables[0].outline, tables[0].spaceBefore = (group, 1), _styles()["h2"].spaceBefore
        story += [CondPageBreak(GROUP_START_HEIGHT), *tables, *_commentary(group, members)]
    return story


def _commentary(group: str, members: Sequence[model.Score]) -> list:
    """Every measure's commentary under its group's table, whatever its status.

    Paragraphs after the table rather than a line under each row: a cell spanning
    the row has no column header, so it would break the table's structure for a
    screen reader, and commentary runs to sentences that read better full width.
    """
    noted = [s for s in members if s.commentary]
    if not noted:
        return []
    story: list = [_heading(f"Commentary: {group}", "h3", role="H3")]
    for score in noted:
        story.append(Para(f"<b>{escape(score.id)} {escape(score.indicator.name)}</b> "
                          f"({escape(status_text(score.status))}, {escape(score.period_label)}): "
                          f"{escape(score.commentary)}", _styles()["body"]))
    return story


# ---------------------------------------------------------------- sections

def _title_block(facts: model.PaperFacts) -> list:
    s = _styles()
    return [
        Para(f"Appendix {escape(facts.appendix_letter)}", s["h1"]),
        Para(escape(facts.title), s["title"], "H1"),
        Para(f"{escape(facts.council)}<br/>{escape(facts.committee)}, {long_date(facts.meeting_date)}<br/>"
                  f"Reporting period: {escape(facts.period_label)}", s["body"]),
        Spacer(1, 4),
    ]


def _count_table(title: str, rows: list[tuple[str, int]], coloured: bool) -> Table:
    style = table_style()
    if coloured:
        for i, (status, _) in enumerate(rows, start=1):
            style += status_cell_style(0, i, status)
    data = [[title, "Measures"]] + [[status_text(name) if coloured else direction_text(name), str(n)]
                                    for name, n in rows]
    style.append(("ALIGN", (1, 0), (1, -1), "RIGHT"))
    return Table(data, colWidths=(96, 50), style=TableStyle(style), hAlign="LEFT", renderCB=TableTags(row_header=0))


def _layout(cells: list, widths: tuple[float, ...]) -> Table:
    """A borderless row of blocks side by side (its font set, or reportlab falls back to Helvetica)."""
    return Table([cells], colWidths=widths, hAlign="LEFT",
                 style=[("VALIGN", (0, 0), (-1, -1), "TOP"), ("FONT", (0, 0), (-1, -1), FONT)])


def _summary(facts: model.PaperFacts, scores: model.ScoreSet, chart: bytes, forecasts: str) -> list:
    counts = scores.summary.status_counts
    statuses = [s for s in (*model.KPI_STATUSES, *model.ACTIVITY_STATUSES)
                if counts.get(s) or s in model.RAG]
    status_rows = [(s, counts.get(s, 0)) for s in dict.fromkeys(statuses)]
    found = scores.summary.direction_counts
    directions = [(d, found[d]) for d in DIRECTION_ARROWS if d in found]
    tables = _layout([_count_table("Status", status_rows, True),
                      _count_table("Direction of travel", directions, False)], (160, 160))
    description = describe_rag_counts(counts, facts.period_label)
    image = Figure(chart, width=330, height=176, alt=description)  # RAG_SIZE: 6 by 3.2
    caption = Para(escape(description), _styles()["caption"])
    key = Para(escape(key_text(forecasts)), _styles()["small"])
    layout = _layout([tables, [image, caption]], (330, 440))
    return [_heading("Summary", "h1", 0), layout, Spacer(1, 4), key, Spacer(1, 8), _group_counts(scores.summary)]


def _group_counts(summary: model.Summary) -> Table:
    """Status counts per group, as the Summary gives them (whole measures only)."""
    statuses = (*model.KPI_STATUSES, *model.ACTIVITY_STATUSES[:3])
    rows = [[group, *(str(counts.get(s, 0)) for s in statuses)] for group, counts in summary.group_counts.items()]
    style = table_style() + [("ALIGN", (1, 0), (-1, -1), "RIGHT")]
    for column, status in enumerate(statuses[:3], start=1):
        style += status_cell_style(column, 0, status)
    header = ["Group", *(status_text(s).replace(" range", "\nrange") for s in statuses)]
    # A CaptionedTable (without a caption) for its split: never fewer than three rows on a page.
    return CaptionedTable([header, *rows], colWidths=(200, *[62] * len(statuses)), repeatRows=1, hAlign="LEFT",
                          style=TableStyle(style), renderCB=TableTags(row_header=0))


def _exception_page(score: model.Score, chart: bytes, first: bool, forecasts: str) -> list:
    s, ind, trend = _styles(), score.indicator, describe_trend(score)
    cells = [("Latest", latest_text), ("Previous", previous_text), ("Status", lambda x: status_cell(x.status)),
             ("Status at\nlast report", previous_status_text), ("Direction\nof travel",
              lambda x: direction_text(x.direction)), ("Target", target_text), ("Thresholds", thresholds_text),
             ("Forecast", partial(forecast_text, mode=forecasts))][:None if forecasts != "none" else -1]
    header, facts_row = [h for h, _ in cells], [cell(score) for _, cell in cells]
    table = chunked_tables(header, [80] * len(cells), [facts_row], [(2, score.status)], row_header=None)[0]
    return [
        *([] if first else [PageBreak()]),
        _heading(f"{score.id}: {ind.name}", "h2", 1),
        table, Spacer(1, 6),
        Figure(chart, width=610, height=244, hAlign="LEFT", alt=trend),
        Para(escape(trend), s["caption"]),
        _heading("Commentary", "h2", role="H3"),
        Para(escape(score.commentary) if score.commentary else "No commentary was given for this period.",
             s["body"]),
        Para(f"<b>Owner:</b> {escape(ind.owner) if ind.owner else 'Not given'}", s["body"]),
        Para(f"<b>Definition:</b> {escape(ind.definition) if ind.definition else 'Not given'}", s["body"]),
    ]


def _exceptions(scores: model.ScoreSet, charts: Mapping[str, bytes], period_label: str, forecasts: str) -> list:
    reds = [s for s in scores.measures if s.status == model.RED]
    if not reds:
        return []
    story: list = [PageBreak(), _heading("Exception reports", "h1", 0),
                   Para(f"One page for each measure rated Red in {escape(period_label)}"
                             ": its trend, commentary, owner and definition.", _styles()["body"])]
    from .charts import score_chart

    for i, score in enumerate(reds):
        story += _exception_page(score, charts.get(score.id) or score_chart(score), first=i == 0,
                                  forecasts=forecasts)
    return story



def _cohorts(scores: model.ScoreSet) -> list:
    shown = cohort_scores(scores)
    if not shown:
        return []
    rows = [cohort_row(score, whole) for score, whole in shown]
    statuses = [(6, score.status) for score, _ in shown]
    return [PageBreak(), _heading("Cohorts", "h1", 0), Para(COHORT_INTRO, _styles()["body"]),
            *chunked_tables(COHORT_HEADER, COHORT_WIDTHS, rows, statuses)]


def _markup(block: model.Block) -> str:
    parts = []
    for run in block.runs:
        text = escape(run.text)
        text = f"<b>{text}</b>" if run.bold else text
        parts.append(f"<i>{text}</i>" if run.italic else text)
    return "".join(parts)


def _block_lang(block: model.Block, paper: str) -> str:
    """The language of a block written wholly in another language than the paper's, else ""."""
    langs = {run.lang or paper for run in block.runs}
    return langs.pop() if len(langs) == 1 and paper not in langs else ""


def _guidance(blocks: Sequence[model.Block], paper_lang: str) -> list:
    if not blocks:
        return []
    s = _styles()
    story: list = [PageBreak(), _heading("Guidance notes", "h1", 0)]
    bullets = None  # the list (L) that a run of bullets belongs to
    for block in blocks:
        lang = _block_lang(block, paper_lang)
        if block.bullet:
            bullets = bullets or Tag("L")
            story.append(Para(_markup(block), s["bullet"], list_item(bullets, lang), bulletText="•"))
        else:
            bullets = None
            story.append(Para(_markup(block), s["body"], Tag("P", lang=lang)))
    return story


def render_scorecard(
    facts: model.PaperFacts,
    scores: model.ScoreSet,
    guidance: Sequence[model.Block] = (),
    *,
    exception_charts: Mapping[str, bytes] | None = None,
    summary_chart: bytes | None = None,
    tagged: bool = True,
    forecasts: str = "given-and-derived",
) -> bytes:
    """The whole scorecard appendix as PDF bytes.

    ``forecasts`` (FORECAST_MODES): "given-and-derived" shows a forecast derived
    from the status as such ("Likely (from status)"), "given-only" shows it as
    "Not forecast", "none" leaves the Forecast column out.

    ``exception_charts`` (indicator id -> PNG) and ``summary_chart`` let a caller
    reuse charts it already drew for the cover report; any not given are drawn here.
    ``tagged=False`` leaves out the structure tree and marked content: only for
    measuring what tagging costs (benchmarks/scorecard_scale.py), never for a paper.
    """
    if forecasts not in FORECAST_MODES:
        raise ValueError(f"forecasts: '{forecasts}' is not one of {', '.join(FORECAST_MODES)}")
    register_fonts()
    if summary_chart is None:
        from .charts import rag_count_chart

        summary_chart = rag_count_chart(scores.summary.status_counts,
                                        title=f"Measures by status, {facts.period_label}")
    kpis = [s for s in scores.measures if s.indicator.kind == "kpi"]
    activities = [s for s in scores.measures if s.indicator.kind == "activity"]
    story = _title_block(facts) + _summary(facts, scores, summary_chart, forecasts)
    if kpis:
        columns = kpi_columns(kpis, forecasts)
        story += [PageBreak()] + _grouped_section("Key performance indicators", kpis, columns.header,
                                                  columns.widths, columns.row, columns.status)
    if activities:
        header = (*ACTIVITY_HEADER[:-1], history_heading(activities))
        story += [PageBreak()] + _grouped_section("Activity indicators", activities, header,
                                                  ACTIVITY_WIDTHS, activity_row, 6)
    story += _exceptions(scores, exception_charts or {}, facts.period_label, forecasts) + _cohorts(scores)
    story += _guidance(guidance, facts.language)
    return build(facts, story, tagged)
