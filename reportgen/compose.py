"""Scores + meeting + boilerplate -> the Report: every wording decision is made here.

A house style (below) says how a council lays its paper out: the sections in
order, each a list of boilerplate paragraphs and generated items, and how
paragraphs are numbered. A meeting may replace the sections. Generated items
(``GENERATED``) write their sentences from the ScoreSet, never from fixed text,
so the paper says what the data says.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from .boilerplate import Boilerplate, render_text
from .errors import MeetingError, Problem, ReportgenError
from .formatting import format_value, join_words, number_words
from .meeting import Meeting, SectionSpec
from .model import (AMBER, BELOW, ABOVE, GREEN, NO_DATA, RED, WITHIN, Block, Chart, HeaderField, PaperFacts,
                    Paragraph, Quote, Report, Run, Score, ScoreSet, Section, Table)

Item = Paragraph | Chart | Table


@dataclass(frozen=True)
class HouseStyle:
    boilerplate: str  # folder under boilerplate/
    numbering: str  # decimal | bracketed | continuous | none
    sections: tuple[tuple[str, tuple[str, ...], bool], ...]  # (heading, content, numbered)
    recommendations_intro: str
    front: tuple[str, ...] = ()  # generated items before the sections
    recommendations_as_list: bool = False
    weekday_dates: bool = False
    ordinal_dates: bool = False
    upper_headings: bool = False


HOUSE_STYLES = {
    "kent-cabinet-committee": HouseStyle(
        "kent", "decimal", (
            ("Introduction", ("constitution-extract", "scorecards-received"), True),
            ("{{ service_name }} Performance Report", (
                "appendix-attached", "latest-results", "indicator-selection", "results-basis", "directorate-use",
                "quarterly-subset", "members-outcomes", "rag-floor"), True),
            ("Summary of Performance", ("rag_counts", "exceptions", "cohort", "trend_charts"), True),
            ("Recommendations", ("recommendations",), True),
            ("Background Documents", ("background_documents",), False),
            ("Contact details", ("contacts",), False),
        ),
        "The {{ committee }} is asked to", front=("summary_line", "recommendation_line")),
    "bucks-select-committee": HouseStyle(
        "bucks", "none", (
            ("Purpose of Agenda Item", ("purpose", "recommendation_line"), False),
            ("Summary", ("all-indicators", "rag-tolerance", "rag_chart", "counts_table"), False),
            ("Key Performance Indicators (appendix 1) – Summary", ("key_indicators", "further-details"), False),
        ),
        "The Committee are asked to", weekday_dates=True),
    "cardiff-scrutiny": HouseStyle(
        "cardiff", "continuous", (
            ("Reason for the Report", ("reason",), True),
            ("Background", ("background",), True),
            ("Performance during Quarter {{ quarter }}: {{ quarter_months }}",
             ("performance-dashboard", "rag_counts", "activity", "trend_charts", "symbols", "officers-present"),
             True),
            ("Way Forward", ("way-forward",), True),
            ("Legal Implications", ("legal-implications",), True),
            ("Financial Implications", ("financial-implications",), True),
            ("Recommendation", ("recommendations",), False),
        ),
        "The Committee is recommended to", recommendations_as_list=True, ordinal_dates=True,
        upper_headings=True),
}


@dataclass
class Context:
    """What the generated items read: the meeting, its scores and the fields for text."""

    meeting: Meeting
    scores: ScoreSet
    style: HouseStyle
    boilerplate: Boilerplate
    fields: dict[str, object] = field(default_factory=dict)
    heading: str = ""  # the heading of the section being composed

    @property
    def measures(self) -> tuple[Score, ...]:
        return self.scores.measures

    def score(self, indicator_id: str) -> Score:
        return next(s for s in self.measures if s.id == indicator_id)

    def value(self, score: Score, value: float | None) -> str:
        return format_value(value, score.indicator.unit, score.indicator.decimals)


# --- small wording helpers ----------------------------------------------------------------


def _p(*runs: Run | str, style: str = "body") -> Paragraph:
    return Paragraph(tuple(Run(r) if isinstance(r, str) else r for r in runs), style=style)


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{number_words(n)} {singular if n == 1 else plural or singular + 's'}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def long_date(when: date, *, weekday: bool = False, ordinal: bool = False) -> str:
    day = f"{when.day}{_ordinal(when.day)}" if ordinal else str(when.day)
    text = f"{day} {when:%B %Y}"
    return f"{when:%A} {text}" if weekday else text


def _ordinal(day: int) -> str:
    return "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def period_text(meeting: Meeting) -> str:
    """The reporting period as the narrative names it: 'April 2017', 'Q2 2016/17'."""
    if meeting.frequency == "monthly":
        return meeting.period.long_label
    return meeting.period.label(meeting.frequency)


def _period_name(period, frequency: str) -> str:
    return period.long_label if frequency == "monthly" else period.label(frequency)


def _own_period(score: Score) -> str:
    return _period_name(score.period, score.indicator.frequency)


# --- generated items ----------------------------------------------------------------------


def rag_counts(ctx: Context) -> list[Item]:
    """Seed 001: 'There are 43 measures within the ... For April 2017, 19 ... and five as Red.'"""
    counts, rated = ctx.scores.summary.status_counts, ctx.scores.summary.rated
    name = ctx.fields["scorecard_name"]
    first = (f"There {'is' if rated == 1 else 'are'} {_count(rated, 'measure')} within the {name} which "
             f"{'has' if rated == 1 else 'have'} a RAG (Red, Amber, Green) rating applied.")
    g, a, r = (counts.get(s, 0) for s in (GREEN, AMBER, RED))
    lead = f"{number_words(g)} performance {'measure is' if g == 1 else 'measures are'}" if g else \
        "no performance measures are"
    rest = [f"{number_words(n) if n else 'none'} as {status}" for n, status in ((a, AMBER), (r, RED))]
    second = f"For {ctx.fields['period']}, {lead} rated as Green, {join_words(rest)}."
    if r:
        these = "this measure" if r == 1 else f"these {number_words(r)} measures"
        second += f" Exception reporting against {these} is included within the attached report."
    if ctx.scores.cohort_variants and ctx.meeting.cohort_name:
        second += (f" The report also includes a separate page showing the impact of the cohort of "
                   f"{ctx.meeting.cohort_name} upon the relevant performance measures.")
    return [_p(first), _p(second)]


def rag_overview(ctx: Context) -> list[Item]:
    """Seed 004: whether any key performance indicator is Red."""
    kpis = [s for s in ctx.measures if s.indicator.kind == "kpi"]
    red = [s.indicator.name for s in kpis if s.status == RED]
    if red:
        return [_p(f"{_capital(_count(len(red), 'Key Performance Indicator'))} "
                   f"{'is' if len(red) == 1 else 'are'} rated as Red: {join_words(red)}.")]
    if all(s.status == GREEN for s in kpis if s.is_rated):
        return [_p("All Key Performance Indicators are on or ahead of target. There are no indicators "
                   "rated as Red.")]
    return [_p("All Key Performance Indicators are either ahead of target or are at acceptable levels "
               "above the floor standard. There are no indicators rated as Red.")]


def data_unavailable(ctx: Context) -> list[Item]:
    missing = [s.indicator.name for s in ctx.measures if s.status == NO_DATA]
    if not missing:
        return [_p(f"Data is available for every measure for {ctx.fields['period']}.")]
    return [_p(f"Data is currently unavailable for {_count(len(missing), 'measure')}: {join_words(missing)}.")]


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
                  width_cm=12.0)]


def key_indicators(ctx: Context) -> list[Item]:
    """Seed 002: the key indicators listed under Green, Amber and Red."""
    keys = _key_scores(ctx)
    items: list[Item] = []
    statuses = [GREEN, AMBER, RED] + ([NO_DATA] if any(s.status == NO_DATA for s in keys) else [])
    for status in statuses:
        items.append(_p(status, style="heading"))
        names = [s.indicator.name for s in keys if s.status == status]
        items += [_p(name, style="bullet") for name in names] or [_p("None.", style="plain")]
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
    return _p(Run(ind.name, bold=True), text)


_DIRECTION_WORDS = {"Improved": "improved", "Declined": "declined", "No change": "not changed",
                    "Increased": "increased", "Decreased": "decreased"}


def _direction_sentence(ctx: Context, s: Score) -> str:
    if not s.direction or s.comparator_period is None:
        return ""
    when = _period_name(s.comparator_period, s.indicator.frequency)
    subject = "Performance has" if s.indicator.kind == "kpi" else "It has"
    return f" {subject} {_DIRECTION_WORDS[s.direction]} since {when} ({ctx.value(s, s.previous_value)})."


def previous_red(ctx: Context) -> list[Item]:
    """Seed 004: indicators that were Red at the previous report, and how they have changed."""
    at = "at the previous report" if ctx.meeting.scoring.previous_period else "in the previous period"
    were = [s for s in ctx.measures if s.previous_status == RED]
    if not were:
        return [_p(f"No indicators were rated as Red {at}.")]
    items: list[Item] = [_p(f"Indicators which were Red {at} have changed as follows:")]
    for s in were:
        if s.status == NO_DATA:
            now = f"has no data for {_own_period(s)}"
        else:
            now = "still Red" if s.status == RED else f"now {s.status}"
            now += f" ({ctx.value(s, s.value)} for {_own_period(s)} against a target of {ctx.value(s, s.target)})"
        was = f"was Red for {_period_name(s.previous_period, s.indicator.frequency)}, " if s.previous_period else ""
        text = f" – {was}{now}."
        if s.commentary:
            text += f" {s.commentary.strip()}"
        items.append(_p(Run(s.indicator.name, bold=True), text, style="bullet"))
    return items


def activity(ctx: Context) -> list[Item]:
    """Activity indicators: how many are within, above or below their expected range."""
    acts = [s for s in ctx.measures if s.indicator.kind == "activity"]
    if not acts:
        return []
    n = {status: sum(1 for s in acts if s.status == status) for status in (WITHIN, ABOVE, BELOW, NO_DATA)}
    word = {k: number_words(v) if v else "none" for k, v in n.items()}
    text = (f"Of the {_count(len(acts), 'activity indicator')}, {word[WITHIN]} "
            f"{'is' if n[WITHIN] == 1 else 'are'} within the expected range, {word[ABOVE]} above "
            f"and {word[BELOW]} below.")
    if n[NO_DATA]:
        text += f" {_capital(_count(n[NO_DATA], 'has', 'have'))} no data."
    items: list[Item] = [_p(text)]
    for s in acts:
        if s.status in (ABOVE, BELOW):
            ind = s.indicator
            detail = (f": {ctx.value(s, s.value)} for {_own_period(s)}, {s.status.split()[0].lower()} the "
                      f"expected range of {ctx.value(s, ind.expected_low)} to {ctx.value(s, ind.expected_high)}.")
            items.append(_p(Run(ind.name, bold=True), detail + _direction_sentence(ctx, s), style="bullet"))
    return items


def cohort(ctx: Context) -> list[Item]:
    """Seed 001: where a measure has a cohort variant, the figure with and without it."""
    variants = ctx.scores.cohort_variants
    if not variants:
        return []
    who = ctx.meeting.cohort_name or "the cohort"
    items: list[Item] = [_p(f"The measures affected by the cohort of {who}, for {ctx.fields['period']}:")]
    for main in ctx.measures:
        for v in (v for v in variants if v.id == main.id):
            rating = f" ({v.status})" if v.is_rated else ""
            items.append(_p(Run(main.indicator.name, bold=True),
                            f": {ctx.value(main, main.value)} for all, {ctx.value(v, v.value)} {v.cohort}"
                            f"{rating}.", style="bullet"))
    return items


def trend_charts(ctx: Context) -> list[Item]:
    from .describe import describe_trend
    from .render.charts import trend_chart

    charts: list[Item] = []
    for indicator_id in ctx.meeting.scoring.key_areas:
        s, ind = ctx.score(indicator_id), ctx.score(indicator_id).indicator
        title = f"{ind.name}: trend to {_own_period(s)}"
        png = trend_chart(s.history, title=ind.name, unit=ind.unit, decimals=ind.decimals, target=s.target,
                          floor=s.floor, polarity=ind.polarity, frequency=ind.frequency)
        charts.append(Chart(png, title, describe_trend(s)))
    return charts


def recommendation_runs(ctx: Context) -> list[list[Run]]:
    """Each recommendation as runs: the verb in bold capitals, then its text."""
    return [[Run(r.verb, bold=True), Run(" "), *_text_runs(ctx, r.text, f"recommendations[{i}].text")]
            for i, r in enumerate(ctx.meeting.recommendations)]


def _text_runs(ctx: Context, text: str, key: str) -> tuple[Run, ...]:
    runs = render_text(text.strip(), ctx.fields, f"{ctx.meeting.source}: {key}")
    if runs and not runs[-1].text.rstrip().endswith((".", ":", ";")):
        runs = (*runs[:-1], Run(runs[-1].text.rstrip() + ".", runs[-1].bold, runs[-1].italic))
    return runs


def _recommendation_paragraphs(ctx: Context, label: str = "") -> list[Item]:
    intro_text = ctx.meeting.recommendations_intro or ctx.style.recommendations_intro
    intro = "".join(r.text for r in render_text(intro_text, ctx.fields, f"{ctx.meeting.source}: recommendations_intro"))
    each = recommendation_runs(ctx)
    lead = [Run(label + " ", bold=True)] if label else []
    if len(each) == 1 and not ctx.style.recommendations_as_list:
        return [Paragraph((*lead, Run(intro + " "), *each[0]))]
    return [Paragraph((*lead, Run(intro.rstrip(":") + ":"))), *(Paragraph(tuple(r), style="bullet") for r in each)]


def recommendations(ctx: Context) -> list[Item]:
    return _recommendation_paragraphs(ctx)


def recommendation_line(ctx: Context) -> list[Item]:
    label = "Recommendation:" if len(ctx.meeting.recommendations) == 1 else "Recommendations:"
    return [_as_plain(p) for p in _recommendation_paragraphs(ctx, label)]


def _as_plain(p: Item) -> Item:
    return Paragraph(p.runs, style="plain") if isinstance(p, Paragraph) and p.style == "body" else p


def summary_line(ctx: Context) -> list[Item]:
    if ctx.meeting.summary:
        runs = render_text(ctx.meeting.summary, ctx.fields, f"{ctx.meeting.source}: summary")
    else:
        runs = tuple(r for b in ctx.boilerplate.render("summary", ctx.fields) for r in b.runs)
    return [Paragraph((Run("Summary: ", bold=True), *runs), style="plain")]


def background_documents(ctx: Context) -> list[Item]:
    docs = ctx.meeting.background_documents
    if not docs:
        return [_p("None", style="plain")]
    return [_p(d.title + (f"\n{d.url}" if d.url else ""), style="plain") for d in docs]


def contacts(ctx: Context) -> list[Item]:
    items: list[Item] = []
    for c in ctx.meeting.contacts:
        if c.role and c.role != ctx.heading:  # no "Lead Officer" label under a "Lead Officer" heading
            items.append(_p(Run(c.role, bold=True), style="plain"))
        lines = [x for x in (c.name, c.title, c.phone, c.email) if x]
        items.append(_p("\n".join(lines), style="plain"))
    return items


GENERATED: dict[str, Callable[[Context], list[Item]]] = {
    "rag_counts": rag_counts, "rag_overview": rag_overview, "data_unavailable": data_unavailable,
    "counts_table": counts_table, "rag_chart": rag_chart, "key_indicators": key_indicators,
    "exceptions": exceptions, "previous_red": previous_red, "activity": activity, "cohort": cohort,
    "trend_charts": trend_charts, "recommendations": recommendations,
    "recommendation_line": recommendation_line, "summary_line": summary_line,
    "background_documents": background_documents, "contacts": contacts,
}


# --- the report ----------------------------------------------------------------------------------


def fields_for(meeting: Meeting, scores: ScoreSet, style: HouseStyle) -> dict[str, object]:
    """The {{ fields }} boilerplate and headings may use."""
    period, counts = meeting.period, scores.summary.status_counts
    scorecard = next((a for a in meeting.appendices if a.source == "scorecard"), None)
    fields: dict[str, object] = {
        "council": meeting.council, "committee": meeting.committee, "title": meeting.title,
        "meeting_date": long_date(meeting.meeting_date, weekday=style.weekday_dates),
        "period": period_text(meeting), "period_month": period.long_label.split()[0],
        "period_year": str(period.year), "period_end": _period_end(period), "financial_year": period.financial_year,
        "quarter": period.label("quarterly")[1], "quarter_months": period.quarter_months_label(),
        "scorecard_name": "performance scorecard", "scorecard_appendix": scorecard.letter if scorecard else "A",
        "service": meeting.title, "rated": scores.summary.rated, "no_data": scores.summary.no_data,
        "green": counts.get(GREEN, 0), "amber": counts.get(AMBER, 0), "red": counts.get(RED, 0),
    }
    fields.update(meeting.fields)
    return fields


def _period_end(period) -> str:
    last = calendar.monthrange(period.year, period.month)[1]
    return long_date(date(period.year, period.month, last))


def _blocks_to_items(blocks: Sequence[Block]) -> list[Item]:
    items: list[Item] = []
    for b in blocks:
        style = "quote" if isinstance(b, Quote) else "bullet" if b.bullet else "body"
        items.append(Paragraph(b.runs, style=style))
    return items


def _content(ctx: Context, name: str) -> list[Item]:
    if name in GENERATED:
        return GENERATED[name](ctx)
    return _blocks_to_items(ctx.boilerplate.render(name, ctx.fields))


def _check_ids(meeting: Meeting, scores: ScoreSet) -> list[Problem]:
    known = {s.id for s in scores.measures}
    problems = []
    for key in ("key_indicators", "key_areas"):
        for i, ident in enumerate(getattr(meeting.scoring, key) or []):
            if ident not in known:
                problems.append(Problem(meeting.source, f"scoring.{key}[{i}]: '{ident}' is not an indicator "
                                                        f"in the data"))
    return problems


def _specs(meeting: Meeting, style: HouseStyle) -> list[SectionSpec]:
    if meeting.sections is not None:
        return list(meeting.sections)
    return [SectionSpec(heading=h, content=list(c), numbered=n) for h, c, n in style.sections]


def _check_names(ctx: Context, specs: list[SectionSpec]) -> list[Problem]:
    problems = []
    for i, spec in enumerate(specs):
        for j, name in enumerate(spec.content):
            if name not in GENERATED and not ctx.boilerplate.exists(name):
                where = f"sections[{i}].content[{j}]" if ctx.meeting.sections is not None \
                    else f"house style {ctx.meeting.style}, section '{spec.heading}'"
                problems.append(Problem(ctx.meeting.source, (
                    f"{where}: '{name}' is neither a generated item ({', '.join(sorted(GENERATED))}) nor a "
                    f"boilerplate paragraph (looked in {', '.join(str(f) for f in ctx.boilerplate.folders)})")))
    return problems


def house_style(meeting: Meeting) -> HouseStyle:
    if meeting.style not in HOUSE_STYLES:
        raise MeetingError([Problem(meeting.source, f"house_style: '{meeting.style}' is not a house style; "
                                                    f"expected one of {', '.join(HOUSE_STYLES)}")])
    return HOUSE_STYLES[meeting.style]


def compose(meeting: Meeting, scores: ScoreSet, *, boilerplate: Boilerplate | None = None,
            created: datetime | None = None) -> Report:
    """The whole cover report for a meeting; raises with every problem found at once."""
    style = house_style(meeting)
    boilerplate = boilerplate or Boilerplate.for_meeting(meeting, meeting.boilerplate or style.boilerplate)
    ctx = Context(meeting, scores, style, boilerplate, fields_for(meeting, scores, style))
    specs = _specs(meeting, style)
    problems = _check_ids(meeting, scores) + _check_names(ctx, specs)
    if problems:
        raise MeetingError(problems)
    raw, front = [], []
    for spec in specs:
        heading = ctx.heading = _heading(ctx, spec.heading)
        raw.append((heading, spec.numbered, _gather(ctx, spec.content, problems)))
    front = _gather(ctx, style.front, problems)
    if problems:
        raise ReportgenError(problems)
    facts = paper_facts(meeting, created)
    return Report(
        facts=facts, template=str(meeting.template_path), house_style=meeting.style,
        heading=_title(meeting, style), title_lines=_title_lines(meeting, style),
        header=header_fields(meeting, style), front=tuple(p for p in front if isinstance(p, Paragraph)),
        sections=number_sections(raw, meeting.numbering or style.numbering),
        signatory=_signatory(meeting, style), classification_notice=_notice(meeting, style),
        header_text=meeting.council + (f"\tAgenda item {meeting.agenda_item}" if meeting.agenda_item else ""),
        footer_text=f"{meeting.committee} – {long_date(meeting.meeting_date)}",
        warnings=tuple(scores.warnings),
    )


def _gather(ctx: Context, names: Sequence[str], problems: list[Problem]) -> list[Item]:
    items: list[Item] = []
    for name in names:
        try:
            items += _content(ctx, name)
        except ReportgenError as exc:
            problems += exc.problems
    return items


def _heading(ctx: Context, text: str) -> str:
    runs = render_text(text, ctx.fields, f"{ctx.meeting.source}: section heading '{text}'")
    heading = "".join(r.text for r in runs)
    return heading.upper() if ctx.style.upper_headings else heading


def number_sections(raw: list[tuple[str, bool, list[Item]]], scheme: str) -> tuple[Section, ...]:
    """Number sections and paragraphs: '1.' / '1.1', '1. (1)' / '(2)', or 1, 2, 3 throughout."""
    sections, count, running = [], 0, 0
    for heading, numbered, items in raw:
        numberable = [i for i, p in enumerate(items) if isinstance(p, Paragraph) and p.style == "body"]
        number, labels = "", {}
        if scheme == "decimal":
            count += 1
            number = f"{count}."
            labels = {i: f"{count}.{k}" for k, i in enumerate(numberable, 1)} if numbered else {}
        elif scheme == "bracketed" and numbered and numberable:
            count += 1
            labels = {i: (f"({k})" if k > 1 else f"{count}. (1)") for k, i in enumerate(numberable, 1)}
            if len(numberable) == 1:
                labels = {numberable[0]: f"{count}."}
        elif scheme == "continuous" and numbered:
            labels = {i: str(running + k) for k, i in enumerate(numberable, 1)}
            running += len(numberable)
        content = tuple(Paragraph(p.runs, labels[i], p.style) if i in labels else p for i, p in enumerate(items))
        key = "".join(ch if ch.isalnum() else "-" for ch in heading.lower()).strip("-")
        sections.append(Section(key, heading, number, content))
    return tuple(sections)


def paper_facts(meeting: Meeting, created: datetime | None = None) -> PaperFacts:
    scorecard = next((a for a in meeting.appendices if a.source == "scorecard"), None)
    author = meeting.author or next(
        (p.name for p in (*meeting.from_, meeting.signatory, *meeting.contacts) if p), meeting.council)
    return PaperFacts(
        council=meeting.council, committee=meeting.committee, meeting_date=meeting.meeting_date,
        title=meeting.title, period=meeting.period, period_label=period_text(meeting), author=author,
        created=created or datetime.combine(meeting.meeting_date, time(0, 0), tzinfo=timezone.utc),
        appendix_letter=scorecard.letter if scorecard else "A",
    )


def _exempt_text(meeting: Meeting) -> str:
    return (f"Exempt: not for publication by virtue of paragraph {meeting.exempt_paragraph} of Part 1 of "
            "Schedule 12A to the Local Government Act 1972")


def header_fields(meeting: Meeting, style: HouseStyle) -> tuple[HeaderField, ...]:
    when = long_date(meeting.meeting_date, weekday=style.weekday_dates)
    exempt = meeting.classification == "Exempt"
    if meeting.style == "bucks-select-committee":
        contact = meeting.contacts[0] if meeting.contacts else None
        rows = [("Title", meeting.title), ("Committee date", when),
                ("Author", meeting.author or (meeting.from_[0].title if meeting.from_ else "")),
                ("Contact officer", f"{contact.name}, {contact.title} {contact.phone}".strip() if contact else ""),
                ("Classification", _exempt_text(meeting) if exempt else "")]
    elif meeting.style == "cardiff-scrutiny":
        rows = []
    else:
        people = "\n".join(f"{p.name}, {p.title}" if p.title else p.name for p in meeting.from_)
        rows = [(meeting.from_label, people), ("To", meeting.to or f"{meeting.committee} – {when}"),
                ("Subject", meeting.title),
                ("Classification", _exempt_text(meeting) if exempt else "Unrestricted")]
    rows += [("Electoral Divisions", meeting.electoral_divisions or ""),
             ("Previous Pathway of Paper", meeting.previous_pathway or ""),
             ("Future Pathway of Paper", meeting.future_pathway or ""),
             ("Key decision", {True: "Yes", False: "No", None: ""}[meeting.key_decision])]
    if meeting.style == "cardiff-scrutiny":
        return ()
    return tuple(HeaderField(label, value) for label, value in rows if value)


def _title(meeting: Meeting, style: HouseStyle) -> str:
    if meeting.style == "bucks-select-committee":
        return f"Report to the {meeting.committee}"
    if meeting.style == "cardiff-scrutiny":
        welsh = meeting.fields.get("council_cy")
        return meeting.council.upper() + (f"\n{welsh.upper()}" if welsh else "")
    return meeting.council


def _title_lines(meeting: Meeting, style: HouseStyle) -> tuple[str, ...]:
    if meeting.style != "cardiff-scrutiny":
        return ()
    return (meeting.committee.upper(), long_date(meeting.meeting_date), meeting.title.upper())


def _notice(meeting: Meeting, style: HouseStyle) -> str:
    exempt = meeting.classification == "Exempt"
    return _exempt_text(meeting) if exempt and meeting.style == "cardiff-scrutiny" else ""


def _signatory(meeting: Meeting, style: HouseStyle) -> tuple[str, ...]:
    s = meeting.signatory
    if s is None:
        return ()
    when = long_date(meeting.report_date or meeting.meeting_date, ordinal=style.ordinal_dates)
    return tuple(x for x in (s.name, s.title, when) if x)
