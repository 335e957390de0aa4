"""Scores + meeting + boilerplate -> the Report: every wording decision is made here.

The meeting's house style (styles.py: ``templates/<style>/style.yaml``) says how
its council lays the paper out: the header block, the title, the sections in
order (each a list of boilerplate paragraphs and generated items), numbering,
dates and the recommendation wording. This module reads the style's data and
never asks which style it is. A meeting may replace the sections. Generated
items (``GENERATED``) write their sentences from the ScoreSet (narrative.py) or
from the meeting (recommendations, contacts ...), never from fixed text, so the
paper says what the data says. The page furniture (title, header block,
signatory, dates) is in front.py.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from .boilerplate import Boilerplate, render_text
from .errors import MeetingError, Problem, ReportgenError
from .formatting import format_value
from .meeting import Meeting, SectionSpec
from .model import (AMBER, GREEN, RED, Block, PaperFacts, Paragraph, Quote, Report, Run, Score,
                    ScoreSet, Section)
from .furniture import furniture, label_runs
from .narrative import NARRATIVE, Item, para
from .paths import display_path
from .styles import HouseStyle, find_style, written_date


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


def _verb(ctx: Context, verb: str) -> Run:
    rule = ctx.style.settings.recommendations
    cased = {"upper": verb.upper(), "lower": verb.lower(), "capitalised": verb[:1].upper() + verb[1:].lower(),
             "as-written": verb}[rule.verb_case]
    return Run(cased, bold=rule.verb_bold)


def recommendation_runs(ctx: Context) -> list[list[Run]]:
    """Each recommendation as runs: the verb as the style writes it, then its text."""
    return [[_verb(ctx, r.verb.strip()), Run(" "), *_text_runs(ctx, r.text, f"recommendations[{i}].text")]
            for i, r in enumerate(ctx.meeting.recommendations)]


def _text_runs(ctx: Context, text: str, key: str) -> tuple[Run, ...]:
    runs = render_text(text.strip(), ctx.fields, f"{ctx.meeting.source}: {key}")
    stop = ctx.style.settings.recommendations.full_stop
    if stop and runs and not runs[-1].text.rstrip().endswith((".", ":", ";")):
        runs = (*runs[:-1], Run(runs[-1].text.rstrip() + ".", runs[-1].bold, runs[-1].italic))
    return runs


def _recommendation_paragraphs(ctx: Context, label: list[Run] | None = None) -> list[Item]:
    rule = ctx.style.settings.recommendations
    intro_text = ctx.meeting.recommendations_intro or rule.intro
    intro = "".join(r.text for r in render_text(intro_text, ctx.fields, f"{ctx.meeting.source}: recommendations_intro"))
    each = recommendation_runs(ctx)
    lead = _spaced(label) if label else []
    if len(each) == 1 and rule.form == "sentence":
        return [Paragraph((*lead, Run(intro + " "), *each[0]))]
    return [Paragraph((*lead, Run(intro.rstrip(":") + ":"))), *(Paragraph(tuple(r), style="bullet") for r in each)]


def recommendations(ctx: Context) -> list[Item]:
    return _recommendation_paragraphs(ctx)


def recommendation_line(ctx: Context) -> list[Item]:
    key = "recommendation" if len(ctx.meeting.recommendations) == 1 else "recommendations"
    return [_as_plain(p) for p in _recommendation_paragraphs(ctx, label_runs(ctx, key, bold=True))]


def _as_plain(p: Item) -> Item:
    return Paragraph(p.runs, style="plain") if isinstance(p, Paragraph) and p.style == "body" else p


def summary_line(ctx: Context) -> list[Item]:
    if ctx.meeting.summary:
        runs = render_text(ctx.meeting.summary, ctx.fields, f"{ctx.meeting.source}: summary")
    else:
        runs = tuple(r for b in ctx.boilerplate.render("summary", ctx.fields) for r in b.runs)
    return [Paragraph((*_spaced(label_runs(ctx, "summary", bold=True)), *runs), style="plain")]


def _spaced(label: list[Run]) -> list[Run]:
    """A label and the space after it, in the label's own run ("**Summary:** The ...")."""
    if not label:
        return []
    last = label[-1]
    return [*label[:-1], Run(last.text + " ", last.bold, last.italic, last.lang)]


def background_documents(ctx: Context) -> list[Item]:
    docs = ctx.meeting.background_documents
    if not docs:
        return [Paragraph(tuple(label_runs(ctx, "none")), style="plain")]
    return [para(d.title + (f"\n{d.url}" if d.url else ""), style="plain") for d in docs]


def contacts(ctx: Context) -> list[Item]:
    """Each contact as one paragraph, its lines joined by line breaks, so the template's paragraph
    style (keep lines together) never splits a contact's details across two pages."""
    rule, items = ctx.style.settings.contacts, []
    for c in ctx.meeting.contacts:
        lines: list[list[Run]] = []
        if rule.role and c.role and c.role != ctx.heading:  # no "Lead Officer" label under a "Lead Officer" heading
            lines.append([Run(c.role, bold=True)])
        if rule.labels:
            lines += [[Run(label, bold=True), Run(f" {getattr(c, key)}")]
                      for key, label in rule.labels.items() if getattr(c, key, "")]
        else:
            lines += [[Run(x)] for x in (c.name, c.title, c.phone, c.email) if x]
        runs = [run for i, line in enumerate(lines) for run in ([Run("\n")] if i else []) + line]
        items.append(Paragraph(tuple(runs), style="plain"))
    return items


GENERATED: dict[str, Callable[[Context], list[Item]]] = {
    **NARRATIVE, "recommendations": recommendations, "recommendation_line": recommendation_line,
    "summary_line": summary_line, "background_documents": background_documents, "contacts": contacts,
}


# --- the report ----------------------------------------------------------------------------------


def fields_for(meeting: Meeting, scores: ScoreSet, style: HouseStyle) -> dict[str, object]:
    """The {{ fields }} boilerplate, headings and the style's header block may use."""
    period, counts = meeting.period, scores.summary.status_counts
    quarter_end = period.shift(-period.month % 3)  # a monthly period's quarter: April 2017 is in April to June
    scorecard = next((a for a in meeting.appendices if a.source == "scorecard"), None)
    when = written_date(meeting.meeting_date, style.settings)
    fields: dict[str, object] = {
        **style.settings.fields,
        "council": meeting.council, "committee": meeting.committee, "title": meeting.title,
        "meeting_date": when, "meeting_date_plain": written_date(meeting.meeting_date, style.settings, "plain"),
        "period": period_text(meeting), "period_month": period.long_label.split()[0],
        "period_year": str(period.year), "period_end": _period_end(period, style),
        "financial_year": period.financial_year, "financial_year_short": _short_year(period.financial_year),
        "quarter": quarter_end.label("quarterly")[1], "quarter_months": quarter_end.quarter_months_label(),
        "scorecard_name": "performance scorecard", "scorecard_appendix": scorecard.letter if scorecard else "A",
        "service": meeting.title, "rated": scores.summary.rated, "no_data": scores.summary.no_data,
        "green": counts.get(GREEN, 0), "amber": counts.get(AMBER, 0), "red": counts.get(RED, 0),
        **_header_values(meeting, when),
    }
    if meeting.from_label:
        fields["from_label"] = meeting.from_label
    fields.update(meeting.fields)
    return fields


def _header_values(meeting: Meeting, when: str) -> dict[str, str]:
    """What a style's header block may show, as text ('' when the meeting does not say)."""
    exempt = _exempt_text(meeting) if meeting.classification == "Exempt" else ""
    contact = meeting.contacts[0] if meeting.contacts else None
    return {
        "from_people": "\n".join(f"{p.name}, {p.title}" if p.title else p.name for p in meeting.from_),
        "to": meeting.to or f"{meeting.committee} – {when}",
        "classification": exempt or meeting.classification, "exempt_notice": exempt,
        "electoral_divisions": meeting.electoral_divisions or "", "previous_pathway": meeting.previous_pathway or "",
        "future_pathway": meeting.future_pathway or "",
        "key_decision": {True: "Yes", False: "No", None: ""}[meeting.key_decision],
        "author_or_post": meeting.author or (meeting.from_[0].title if meeting.from_ else ""),
        "contact_officer": f"{contact.name}, {contact.title} {contact.phone}".strip() if contact else "",
        "agenda_item": meeting.agenda_item or "",
    }


def _short_year(financial_year: str) -> str:
    """'2012/13' -> '12/13', as the 2013 papers head their end-of-year section."""
    start, _, end = financial_year.partition("/")
    return f"{start[-2:]}/{end[-2:]}" if end else financial_year


def _period_end(period, style: HouseStyle) -> str:
    last = calendar.monthrange(period.year, period.month)[1]
    return written_date(date(period.year, period.month, last), style.settings, "plain")


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
    return [SectionSpec(heading=s.heading, content=list(s.content), numbered=s.numbered)
            for s in style.settings.sections]


def generated_items(style: HouseStyle) -> list[str]:
    """The generated items a style offers: those it lists, or all of them."""
    offered = style.settings.generated
    return sorted(GENERATED) if offered is None else [g for g in offered if g in GENERATED]


def _check_names(ctx: Context, specs: list[SectionSpec]) -> list[Problem]:
    problems, offered = [], generated_items(ctx.style)
    problems += [Problem(display_path(ctx.style.source), f"generated: '{name}' is not a generated item; expected "
                                                          f"some of {', '.join(sorted(GENERATED))}")
                 for name in ctx.style.settings.generated or [] if name not in GENERATED]
    wanted = [(f"sections[{i}].content[{j}]" if ctx.meeting.sections is not None
               else f"house style {ctx.style.name}, section '{spec.heading}'", name)
              for i, spec in enumerate(specs) for j, name in enumerate(spec.content)]
    wanted += [(f"house style {ctx.style.name}, front[{i}]", name) for i, name in enumerate(ctx.style.settings.front)]
    problems += _exceptions_placed(ctx, wanted)
    for where, name in wanted:
        if name not in offered and not ctx.boilerplate.exists(name):
            problems.append(Problem(ctx.meeting.source, (
                f"{where}: '{name}' is neither a generated item ({', '.join(offered)}) nor a "
                f"boilerplate paragraph (looked in {', '.join(display_path(f) for f in ctx.boilerplate.folders)})")))
    return problems


def _exceptions_placed(ctx: Context, wanted: list[tuple[str, str]]) -> list[Problem]:
    """The `exceptions` item refused where the house style puts the exception reports in the
    appendix only: the cover would print them a second time, against its own sentence."""
    rule = f"house style {ctx.style.name} has exception_reports: {ctx.style.settings.exception_reports}"
    if ctx.style.exceptions_on_cover:  # and the scorecard leaves them out: without the item they would vanish
        return [] if any(name == "exceptions" for _, name in wanted) else [Problem(ctx.meeting.source, (
            f"{rule} ({display_path(ctx.style.source)}), but no section holds the 'exceptions' item; "
            f"add 'exceptions' to a section's content, or use a house style with exception_reports: appendix"))]
    letter = ctx.fields["scorecard_appendix"]
    return [Problem(ctx.meeting.source, (
        f"{where}: 'exceptions' prints the exception reports on the cover, but {rule} "
        f"(they are in Appendix {letter}, "
        f"{display_path(ctx.style.source)}); remove 'exceptions', or use a house style with "
        f"exception_reports: cover or both"))
        for where, name in wanted if name == "exceptions"]


def house_style(meeting: Meeting) -> HouseStyle:
    """The meeting's house style, found from its folder (its workspace first, then the shipped ones)."""
    return find_style(meeting.style, meeting.folder, meeting.source)


def history_length(meeting: Meeting) -> int:
    """Periods of history to score: the meeting's scoring.history_length when it gives one, else its house style's."""
    if "history_length" in meeting.scoring.model_fields_set:
        return meeting.scoring.history_length
    return house_style(meeting).settings.history_length


def compose(meeting: Meeting, scores: ScoreSet, *, boilerplate: Boilerplate | None = None,
            created: datetime | None = None, style: HouseStyle | None = None) -> Report:
    """The whole cover report for a meeting; raises with every problem found at once.
    ``style``: the meeting's house style when the caller has found it already."""
    style = style or house_style(meeting)
    boilerplate = boilerplate or Boilerplate.for_meeting(meeting, meeting.boilerplate or style.boilerplate)
    ctx = Context(meeting, scores, style, boilerplate, fields_for(meeting, scores, style))
    specs = _specs(meeting, style)
    problems = _check_ids(meeting, scores) + _check_names(ctx, specs)
    if problems:
        raise MeetingError(problems)
    raw = []
    where = ctx.meeting.source if meeting.sections is not None else display_path(style.source)
    for spec in specs:
        heading = ctx.heading = _heading(ctx, spec.heading, where, problems)
        raw.append((heading, spec.numbered, _gather(ctx, spec.content, problems)))
    front = _gather(ctx, style.settings.front, problems)
    page = furniture(ctx, problems)
    if problems:
        raise ReportgenError(problems)
    return Report(
        facts=paper_facts(meeting, created, style), template=str(meeting.template_path), house_style=style.name,
        front=tuple(p for p in front if isinstance(p, Paragraph)),
        sections=number_sections(raw, meeting.numbering or style.settings.numbering), **page)


def _gather(ctx: Context, names: Sequence[str], problems: list[Problem]) -> list[Item]:
    items: list[Item] = []
    for name in names:
        try:
            items += _content(ctx, name)
        except ReportgenError as exc:
            problems += exc.problems
    return items


def _heading(ctx: Context, text: str, where: str, problems: list[Problem]) -> str:
    try:
        runs = render_text(text, ctx.fields, f"{where}: section heading '{text}'")
    except ReportgenError as exc:  # noted with the paragraphs' problems, so one run shows them all
        problems += exc.problems
        return text
    heading = "".join(r.text for r in runs)
    return heading.upper() if ctx.style.settings.heading_case == "upper" else heading


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


def paper_facts(meeting: Meeting, created: datetime | None = None, style: HouseStyle | None = None) -> PaperFacts:
    style = style or house_style(meeting)
    scorecard = next((a for a in meeting.appendices if a.source == "scorecard"), None)
    author = meeting.author or next(
        (p.name for p in (*meeting.from_, meeting.signatory, *meeting.contacts) if p), meeting.council)
    return PaperFacts(
        council=meeting.council, committee=meeting.committee, meeting_date=meeting.meeting_date,
        title=meeting.title, period=meeting.period, period_label=period_text(meeting), author=author,
        created=created or datetime.combine(meeting.meeting_date, time(0, 0), tzinfo=timezone.utc),
        appendix_letter=scorecard.letter if scorecard else "A", language=style.settings.language,
        appendix_title=scorecard.title if scorecard else "",
    )


def _exempt_text(meeting: Meeting) -> str:
    return (f"Exempt: not for publication by virtue of paragraph {meeting.exempt_paragraph} of Part 1 of "
            "Schedule 12A to the Local Government Act 1972")
