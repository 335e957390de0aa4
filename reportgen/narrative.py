"""The generated narrative: sentences, lists, tables and charts written from the scores.

Each item (``NARRATIVE``) takes the composing Context and returns paragraphs,
charts or tables whose every number and word comes from the ScoreSet, never
from fixed text, so the paper says what the data says. Numbers under ten are
written in words, as the seed papers do. compose.py places these items in the
house style's sections, beside the boilerplate paragraphs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .formatting import capitalised, join_words, number_words, plural
from .model import (AMBER, BELOW, ABOVE, GREEN, NO_DATA, NO_RANGE, RED, WITHIN, Chart, Paragraph, Run, Score,
                    Table)

if TYPE_CHECKING:  # compose.py imports this module; Context is only needed for annotations
    from .compose import Context

Item = Paragraph | Chart | Table


# --- small wording helpers ----------------------------------------------------------------


def para(*runs: Run | str, style: str = "body") -> Paragraph:
    """A paragraph from runs and plain strings."""
    return Paragraph(tuple(Run(r) if isinstance(r, str) else r for r in runs), style=style)


def _own_period(score: Score) -> str:
    return score.period.in_words(score.indicator.frequency)


# --- generated items ----------------------------------------------------------------------


def rag_counts(ctx: Context) -> list[Item]:
    """Seed 001: 'There are 43 measures within the ... For April 2017, 19 ... and five as Red.'"""
    counts, rated = ctx.scores.summary.status_counts, ctx.scores.summary.rated
    name = ctx.fields["scorecard_name"]
    first = (f"There {'is' if rated == 1 else 'are'} {plural(rated, 'measure')} within the {name} which "
             f"{'has' if rated == 1 else 'have'} a RAG (Red, Amber, Green) rating applied.")
    g, a, r = (counts.get(s, 0) for s in (GREEN, AMBER, RED))
    lead = f"{number_words(g)} performance {'measure is' if g == 1 else 'measures are'}" if g else \
        "no performance measures are"
    rest = [f"{number_words(n) if n else 'none'} as {status}" for n, status in ((a, AMBER), (r, RED))]
    second = f"For {ctx.fields['period']}, {lead} rated as Green, {join_words(rest)}."
    if r:
        second += " " + _exceptions_where(ctx, r)
    if ctx.scores.cohort_variants and ctx.meeting.cohort_name:
        second += (f" The report also includes a separate page showing the impact of the cohort of "
                   f"{ctx.meeting.cohort_name} upon the relevant performance measures.")
    return [para(first), para(second)]


def _exceptions_where(ctx: Context, red: int) -> str:
    """Where the exception reports are, as the house style's exception_reports: puts them."""
    these = "this measure" if red == 1 else f"these {number_words(red)} measures"
    attached = f"within the attached report at Appendix {ctx.fields['scorecard_appendix']}"
    where = {"appendix": f"is included {attached}", "cover": "follows below",
             "both": f"follows below and is also included {attached}"}[ctx.style.settings.exception_reports]
    return f"Exception reporting against {these} {where}."


def rag_overview(ctx: Context) -> list[Item]:
    """Seed 004: whether any key performance indicator is Red."""
    kpis = [s for s in ctx.measures if s.indicator.kind == "kpi"]
    red = [s.indicator.name for s in kpis if s.status == RED]
    if red:
        return [para(f"{capitalised(plural(len(red), 'Key Performance Indicator'))} "
                      f"{'is' if len(red) == 1 else 'are'} rated as Red: {join_words(red)}.")]
    if all(s.status == GREEN for s in kpis if s.is_rated):
        return [para("All Key Performance Indicators are on or ahead of target. There are no indicators "
                      "rated as Red.")]
    return [para("All Key Performance Indicators are either ahead of target or are at acceptable levels "
                  "above the floor standard. There are no indicators rated as Red.")]


def data_unavailable(ctx: Context) -> list[Item]:
    missing = [s.indicator.name for s in ctx.measures if s.status == NO_DATA]
    if not missing:
        return [para(f"Data is available for every measure for {ctx.fields['period']}.")]
    return [para(f"Data is currently unavailable for {plural(len(missing), 'measure')}: {join_words(missing)}.")]


def counts_table(ctx: Context) -> list[Item]:
    summary = ctx.scores.summary
    return [Table(("Measures", "Number"), (
        ("Total number of measures with a RAG (shown in chart above)", str(summary.rated)),
        ("Measures where data currently unavailable", str(summary.no_data)),
    ), caption=f"Measures for {ctx.fields['period']}")]


def rag_chart(ctx: Context) -> list[Item]:
    from .describe import describe_rag_counts
    from .render.charts import rag_count_chart

    counts = {k: v for k, v in ctx.scores.summary.status_counts.items() if k in (GREEN, AMBER, RED, NO_DATA)}
    title = f"Measures by RAG rating, {ctx.fields['period']}"
    return [Chart(rag_count_chart(counts, title=title), title, describe_rag_counts(counts, ctx.fields["period"]),
                  width_cm=12.0, source="status_counts")]


def key_indicators(ctx: Context) -> list[Item]:
    """Seed 002: the key indicators listed under Green, Amber and Red."""
    keys = _key_scores(ctx)
    items: list[Item] = []
    statuses = [GREEN, AMBER, RED] + ([NO_DATA] if any(s.status == NO_DATA for s in keys) else [])
    for status in statuses:
        items.append(para(status, style="heading"))
        names = [s.indicator.name for s in keys if s.status == status]
        items += [para(name, style="bullet") for name in names] or [para("None.", style="plain")]
    return items


def _key_scores(ctx: Context) -> list[Score]:
    ids = ctx.meeting.scoring.key_indicators
    if ids is None:
        return [s for s in ctx.measures if s.indicator.key]
    return [ctx.score(i) for i in ids]


def exceptions(ctx: Context) -> list[Item]:
    """An exception paragraph for each Red measure: value, target, floor, direction, commentary."""
    return [_exception(ctx, s) for s in ctx.measures if s.status == RED]


def _exception(ctx: Context, s: Score) -> Paragraph:
    ind = s.indicator
    text = f": {ctx.value(s, s.value)} for {_own_period(s)}, against a target of {ctx.value(s, s.target)}"
    if s.floor is not None:
        text += f" and a floor (minimum standard) of {ctx.value(s, s.floor)}"
    text += f"; {'higher' if ind.polarity != 'lower' else 'lower'} is better."
    text += _direction_sentence(ctx, s)
    if s.commentary:
        text += f" {s.commentary.strip()}"
    return para(Run(ind.name, bold=True), text)


_DIRECTION_WORDS = {"Improved": "improved", "Declined": "declined", "No change": "not changed",
                    "Increased": "increased", "Decreased": "decreased"}


def _direction_sentence(ctx: Context, s: Score) -> str:
    if not s.direction or s.comparator_period is None:
        return ""
    when = s.comparator_period.in_words(s.indicator.frequency)
    subject = "Performance has" if s.indicator.kind == "kpi" else "It has"
    return f" {subject} {_DIRECTION_WORDS[s.direction]} since {when} ({ctx.value(s, s.previous_value)})."


def previous_red(ctx: Context) -> list[Item]:
    """Seed 004: indicators that were Red at the previous report, and how they have changed."""
    at = "at the previous report" if ctx.meeting.scoring.previous_period else "in the previous period"
    were = [s for s in ctx.measures if s.previous_status == RED]
    if not were:
        return [para(f"No indicators were rated as Red {at}.")]
    items: list[Item] = [para(f"Indicators which were Red {at} have changed as follows:")]
    for s in were:
        if s.status == NO_DATA:
            now = f"has no data for {_own_period(s)}"
        else:
            now = "still Red" if s.status == RED else f"now {s.status}"
            now += f" ({ctx.value(s, s.value)} for {_own_period(s)} against a target of {ctx.value(s, s.target)})"
        was = f"was Red for {s.previous_period.in_words(s.indicator.frequency)}, " if s.previous_period else ""
        text = f" – {was}{now}."
        if s.commentary:
            text += f" {s.commentary.strip()}"
        items.append(para(Run(s.indicator.name, bold=True), text, style="bullet"))
    return items


def activity(ctx: Context) -> list[Item]:
    """Activity indicators: how many are within, above or below their expected range."""
    acts = [s for s in ctx.measures if s.indicator.kind == "activity"]
    if not acts:
        return []
    n = {status: sum(1 for s in acts if s.status == status) for status in (WITHIN, ABOVE, BELOW, NO_DATA)}
    word = {k: number_words(v) if v else "none" for k, v in n.items()}
    text = (f"Of the {plural(len(acts), 'activity indicator')}, {word[WITHIN]} "
            f"{'is' if n[WITHIN] == 1 else 'are'} within the expected range, {word[ABOVE]} above "
            f"and {word[BELOW]} below.")
    if n[NO_DATA]:
        text += f" {capitalised(plural(n[NO_DATA], 'has', 'have'))} no data."
    items: list[Item] = [para(text)]
    for s in acts:
        if s.status in (ABOVE, BELOW):
            ind = s.indicator
            detail = (f": {ctx.value(s, s.value)} for {_own_period(s)}, {s.status.split()[0].lower()} the "
                      f"expected range of {ctx.value(s, ind.expected_low)} to {ctx.value(s, ind.expected_high)}.")
            items.append(para(Run(ind.name, bold=True), detail + _direction_sentence(ctx, s), style="bullet"))
    return items


def cohort(ctx: Context) -> list[Item]:
    """Seed 001: where a measure has a cohort variant, the figure with and without it."""
    variants = ctx.scores.cohort_variants
    if not variants:
        return []
    who = ctx.meeting.cohort_name or "the cohort"
    items: list[Item] = [para(f"The measures affected by the cohort of {who}, for {ctx.fields['period']}:")]
    for main in ctx.measures:
        for v in (v for v in variants if v.id == main.id):
            items.append(para(Run(main.indicator.name, bold=True),
                               f": {_rated_figure(ctx, main, 'for all')}, {_rated_figure(ctx, v, v.cohort)}.",
                               style="bullet"))
    return items


def _rated_figure(ctx: Context, s: Score, who: str) -> str:
    """'53.2% for all (Red)'; a cohort of an activity indicator says it is not rated against the
    whole measure's range (model.NO_RANGE), so no reader takes the cohort's figure as rated."""
    figure = f"{ctx.value(s, s.value)} {who}"
    if s.status == NO_RANGE:
        return f"{figure}, {NO_RANGE[:1].lower()}{NO_RANGE[1:]}"
    return f"{figure} ({s.status})" if s.status and s.status != NO_DATA else figure


def trend_charts(ctx: Context) -> list[Item]:
    from .describe import describe_trend
    from .render.charts import score_chart

    charts: list[Item] = []
    for indicator_id in ctx.meeting.scoring.key_areas:
        s, ind = ctx.score(indicator_id), ctx.score(indicator_id).indicator
        title = f"{ind.name}: trend to {_own_period(s)}"
        charts.append(Chart(score_chart(s), title, describe_trend(s), source=s.id))
    return charts


NARRATIVE: dict[str, Callable[[Context], list[Item]]] = {
    "rag_counts": rag_counts, "rag_overview": rag_overview, "data_unavailable": data_unavailable,
    "counts_table": counts_table, "rag_chart": rag_chart, "key_indicators": key_indicators,
    "exceptions": exceptions, "previous_red": previous_red, "activity": activity, "cohort": cohort,
    "trend_charts": trend_charts,
}
