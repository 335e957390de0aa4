"""Scores + meeting + boilerplate -> the Report: every wording decision is made here.

A house style (below) says how a council lays its paper out: the sections in
order, each a list of boilerplate paragraphs and generated items, and how
paragraphs are numbered. A meeting may replace the sections. Generated items
(``GENERATED``) write their sentences from the ScoreSet (narrative.py) or from
the meeting (recommendations, contacts ...), never from fixed text, so the
paper says what the data says.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from .boilerplate import Boilerplate, render_text
from .errors import MeetingError, Problem, ReportgenError
from .formatting import format_value, long_date
from .meeting import Meeting, SectionSpec
from .model import (AMBER, GREEN, RED, Block, HeaderField, PaperFacts, Paragraph, Quote, Report, Run, Score,
                    ScoreSet, Section)
from .narrative import NARRATIVE, Item, para


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


# --- dates and periods ---------------------------------------------------------------------


def period_text(meeting: Meeting) -> str:
    """The reporting period as the narrative names it: 'April 2017', 'Q2 2016/17'."""
    return meeting.period.in_words(meeting.frequency)


# --- items from the meeting ---------------------------------------------------------------


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
        return [para("None", style="plain")]
    return [para(d.title + (f"\n{d.url}" if d.url else ""), style="plain") for d in docs]


def contacts(ctx: Context) -> list[Item]:
    items: list[Item] = []
    for c in ctx.meeting.contacts:
        if c.role and c.role != ctx.heading:  # no "Lead Officer" label under a "Lead Officer" heading
            items.append(para(Run(c.role, bold=True), style="plain"))
        lines = [x for x in (c.name, c.title, c.phone, c.email) if x]
        items.append(para("\n".join(lines), style="plain"))
    return items


GENERATED: dict[str, Callable[[Context], list[Item]]] = {
    **NARRATIVE, "recommendations": recommendations, "recommendation_line": recommendation_line,
    "summary_line": summary_line, "background_documents": background_documents, "contacts": contacts,
}


# --- the report ----------------------------------------------------------------------------------


def fields_for(meeting: Meeting, scores: ScoreSet, style: HouseStyle) -> dict[str, object]:
    """The {{ fields }} boilerplate and headings may use."""
    period, counts = meeting.period, scores.summary.status_counts
    quarter_end = period.shift(-period.month % 3)  # a monthly period's quarter: April 2017 is in April to June
    scorecard = next((a for a in meeting.appendices if a.source == "scorecard"), None)
    fields: dict[str, object] = {
        "council": meeting.council, "committee": meeting.committee, "title": meeting.title,
        "meeting_date": long_date(meeting.meeting_date, weekday=style.weekday_dates),
        "period": period_text(meeting), "period_month": period.long_label.split()[0],
        "period_year": str(period.year), "period_end": _period_end(period), "financial_year": period.financial_year,
        "quarter": quarter_end.label("quarterly")[1], "quarter_months": quarter_end.quarter_months_label(),
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
        heading = ctx.heading = _heading(ctx, spec.heading, problems)
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
    )


def _gather(ctx: Context, names: Sequence[str], problems: list[Problem]) -> list[Item]:
    items: list[Item] = []
    for name in names:
        try:
            items += _content(ctx, name)
        except ReportgenError as exc:
            problems += exc.problems
    return items


def _heading(ctx: Context, text: str, problems: list[Problem]) -> str:
    try:
        runs = render_text(text, ctx.fields, f"{ctx.meeting.source}: section heading '{text}'")
    except ReportgenError as exc:  # noted with the paragraphs' problems, so one run shows them all
        problems += exc.problems
        return text
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
        appendix_title=scorecard.title if scorecard else "",
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
