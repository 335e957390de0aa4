"""The scorecard appendix on the web page: what scorecard_pdf shows, in the same order.

Title and summary; key performance indicators by group; activity indicators;
an exception report for each Red measure (its figures, trend chart and the
chart's data, commentary, owner, definition); cohorts; guidance notes. Every
cell's text comes from scorecard_cells, every chart's sentence from
describe.py. The tables leave out the sparkline column: it shows the shape of
the last periods, not figures, and each exception report tables them in full
(as scores.xlsx's history sheet does for every measure).
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import model
from ..describe import describe_rag_counts, describe_trend
from ..formatting import long_date
from .html_parts import CHART_DATA, Html, Page, runs_html, status_tag, summary_list, text
from .scorecard_cells import (
    ACTIVITY_HEADER, COHORT_HEADER, COHORT_INTRO, DIRECTION_ARROWS, key_text, activity_row, cohort_row, cohort_scores,
    direction_text, floor_text, forecast_text, kpi_column_specs, latest_text, previous_text, status_text,
    target_text,
)

SPARKLINE = "Last "  # the history column ("Last 13 months", "Last 20 quarters"): a drawing, not text
NOT_GIVEN = "Not given"
NOWRAP = {"Direction\nof travel", "Forecast"}  # a symbol and its word: "↑ Improved", "☺ Likely"


def title(facts: model.PaperFacts) -> str:
    return f"Appendix {facts.appendix_letter}: {facts.title}"


def render(page: Page, facts: model.PaperFacts, scores: model.ScoreSet,
           guidance: Sequence[model.Block] = (), forecasts: str = "given-and-derived") -> list[str]:
    """The scorecard appendix; ``forecasts`` (the house style's) decides the forecasts as in the PDF."""
    ident = page.claim("appendix")
    kpis = [s for s in scores.measures if s.indicator.kind == "kpi"]
    activities = [s for s in scores.measures if s.indicator.kind == "activity"]
    about = [("Council", facts.council), ("Committee", facts.committee),
             ("Meeting date", long_date(facts.meeting_date)), ("Reporting period", facts.period_label)]
    return [
        f'<section class="appendix" aria-labelledby="{ident}">',
        f'<h2 id="{ident}" class="govuk-heading-l">{text(title(facts))}</h2>',
        summary_list(about),
        *_summary(page, facts, scores, forecasts),
        *_grouped(page, "Key performance indicators", kpis, *_kpi_columns(kpis, forecasts)),
        *_grouped(page, "Activity indicators", activities, ACTIVITY_HEADER,
                  lambda s: activity_row(s, name=_name, trend=_no_trend)),
        *_exceptions(page, scores, forecasts),
        *_cohorts(page, scores),
        *_guidance(page, guidance),
        "</section>",
    ]


def _part(page: Page, heading: str, content: list[str]) -> list[str]:
    """A headed part of the appendix (h3)."""
    ident = page.new_id(heading)
    return [f'<section class="appendix__part" aria-labelledby="{ident}">',
            f'<h3 id="{ident}" class="govuk-heading-m">{text(heading)}</h3>', *content, "</section>"]


def _summary(page: Page, facts: model.PaperFacts, scores: model.ScoreSet, forecasts: str) -> list[str]:
    from .charts import rag_count_chart

    counts = scores.summary.status_counts
    statuses = list(dict.fromkeys(s for s in (*model.KPI_STATUSES, *model.ACTIVITY_STATUSES)
                                  if counts.get(s) or s in model.RAG))
    found = scores.summary.direction_counts
    directions = [d for d in DIRECTION_ARROWS if d in found]
    chart_title = f"Measures by status, {facts.period_label}"
    sentence = describe_rag_counts(counts, facts.period_label)
    return _part(page, "Summary", [
        page.figure(rag_count_chart(counts, title=chart_title, fmt="svg"), sentence, sentence),
        page.table(f"{CHART_DATA}: {chart_title}", ("Status", "Measures"),
                   [(s, str(counts.get(s, 0))) for s in statuses], status_col=0, statuses=statuses, numeric=(1,),
                   compact=True),
        page.table("Direction of travel", ("Direction of travel", "Measures"),
                   [(direction_text(d), str(found[d])) for d in directions], numeric=(1,), compact=True),
        f'<p class="govuk-body-s key">{text(key_text(forecasts))}</p>',
        _group_counts(page, scores.summary),
    ])


def _group_counts(page: Page, summary: model.Summary) -> str:
    """Status counts per group, as the Summary gives them (whole measures only)."""
    statuses = (*model.KPI_STATUSES, *model.ACTIVITY_STATUSES[:3])
    rows = [(group, *(str(counts.get(s, 0)) for s in statuses)) for group, counts in summary.group_counts.items()]
    return page.table("Measures by group and status", ("Group", *map(status_text, statuses)), rows,
                      numeric=range(1, len(statuses) + 1))


def _by_group(scores: Sequence[model.Score]) -> dict[str, list[model.Score]]:
    groups: dict[str, list[model.Score]] = {}
    for score in scores:
        groups.setdefault(score.indicator.group or "Other measures", []).append(score)
    return groups


def _name(score: model.Score) -> Html:
    name = text(score.indicator.name)
    return Html(f"<strong>{name}</strong> (key)" if score.indicator.key else name)


def _no_trend(_score) -> str:
    return ""


def _kpi_columns(kpis: Sequence[model.Score], forecasts: str) -> tuple[tuple[str, ...], object]:
    """The scorecard's KPI columns (Year to date and Out-turn when some indicator has them), and a row maker."""
    specs = kpi_column_specs(kpis, forecasts)
    cells = [_name if h == "Indicator" else _no_trend if h.startswith(SPARKLINE) else cell for h, _, cell in specs]
    return tuple(h for h, _, _ in specs), lambda score: [cell(score) for cell in cells]


def _score_table(page: Page, caption: str, header: Sequence[str], rows: Sequence[list],
                 members: Sequence[model.Score], hide_caption: bool = True) -> str:
    """The scorecard's rows for ``members``, the name as each row's header, the sparkline left out."""
    keep = [i for i, h in enumerate(header) if not h.startswith(SPARKLINE)]
    name_col, status_col = header.index("Indicator"), header.index("Status")
    cells = [[row[i] for i in keep] for row in rows]
    nowrap = [j for j, i in enumerate(keep) if header[i] in NOWRAP]
    return page.table(caption, [header[i] for i in keep], cells, row_header=keep.index(name_col), nowrap=nowrap,
                      status_col=keep.index(status_col), statuses=[s.status for s in members],
                      hide_caption=hide_caption)


def _grouped(page: Page, heading: str, scores: Sequence[model.Score], header, row) -> list[str]:
    if not scores:
        return []
    content = []
    for group, members in _by_group(scores).items():
        content += [f'<h4 id="{page.new_id(group)}" class="govuk-heading-s">{text(group)}</h4>',
                    _score_table(page, f"{heading}: {group}", header,
                                 [row(s) for s in members], members)]
    return _part(page, heading, content)


def _exceptions(page: Page, scores: model.ScoreSet, forecasts: str) -> list[str]:
    reds = [s for s in scores.measures if s.status == model.RED]
    if not reds:
        return []
    content = []
    for score in reds:
        content += _exception(page, score, forecasts)
    return _part(page, "Exception reports", content)


def _exception(page: Page, score: model.Score, forecasts: str) -> list[str]:
    ind = score.indicator
    sentence = describe_trend(score)
    figures = [("Latest", latest_text(score)), ("Previous", previous_text(score)), ("Status", status_tag(score.status)),
               ("Direction of travel", direction_text(score.direction)), ("Target", target_text(score)),
               ("Floor", floor_text(score)), ("Forecast", forecast_text(score, forecasts))]
    figures = figures if forecasts != "none" else figures[:-1]
    about = [("Commentary", score.commentary or NOT_GIVEN), ("Owner", ind.owner or NOT_GIVEN),
             ("Definition", ind.definition or NOT_GIVEN)]
    heading = f"{score.id}: {ind.name}"
    return [f'<h4 id="{page.new_id(f"exception-{score.id}")}" class="govuk-heading-s">{text(heading)}</h4>',
            summary_list(figures, css="exception__figures"),
            *page.trend_chart(score, sentence, sentence, data_caption=f"{CHART_DATA}: {heading}"),
            summary_list(about, css="exception__about")]


def _cohorts(page: Page, scores: model.ScoreSet) -> list[str]:
    shown = cohort_scores(scores)
    if not shown:
        return []
    rows = [cohort_row(score, whole, name=_name) for score, whole in shown]
    members = [score for score, _ in shown]
    return _part(page, "Cohorts", [f'<p class="govuk-body">{text(COHORT_INTRO)}</p>',
                                   _score_table(page, "Cohorts", COHORT_HEADER, rows, members)])


def _guidance(page: Page, blocks: Sequence[model.Block]) -> list[str]:
    if not blocks:
        return []
    content, bullets = [], []
    for block in [*blocks, None]:
        if bullets and (block is None or not block.bullet):
            content.append(f'<ul class="govuk-list govuk-list--bullet">{"".join(bullets)}</ul>')
            bullets = []
        if block is None:
            break
        if block.bullet:
            bullets.append(f"<li>{runs_html(block.runs)}</li>")
        elif isinstance(block, model.Quote):
            content.append(f'<blockquote class="quote"><p class="govuk-body">{runs_html(block.runs)}</p></blockquote>')
        else:
            content.append(f'<p class="govuk-body">{runs_html(block.runs)}</p>')
    return _part(page, "Guidance notes", content)
