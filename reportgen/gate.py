"""The publication gate: what a paper must never go out with, and what only deserves a look.

A committee paper is a public record, so a build that would publish something
wrong is refused (exit 2) with every reason at once; ``--draft`` turns these
refusals into warnings for a working copy, whose every page then says DRAFT.
docs/refusals.md explains each check to democratic-services staff.

Errors (the build refuses; ``--draft`` lets it through, marked DRAFT):
- ``no-data-for-period``: no indicator has a value for the reporting period;
- ``unresolved-field``: ``{{ field }}``, ``{% ... %}`` or a single-brace
  ``{ field }`` left anywhere in the cover report's text;
- ``appendix-not-in-pack``: the text mentions an appendix the pack does not hold;
- ``red-without-commentary``: a Red measure has no commentary for its period
  (a meeting may accept this with ``allow: [red-without-commentary]``);
- ``title-names-another-period``: the title names a month or quarter other
  than the reporting period's (as a title does after ``reportgen new``).

Warnings: the title names another financial year. (Unknown keys, unused
paragraphs, stale indicators and data-quality findings are warned about by the
stages that find them.) Pure functions: they read the composed Report and the
scores and return findings; nothing here writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .errors import Problem
from .meeting import Meeting
from .model import NO_DATA, RED, Chart, Dataset, Paragraph, Report, ScoreSet, Table
from .periods import FULL_MONTHS, MONTHS

UNRESOLVED = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|\{\s*[A-Za-z_][\w.]*\s*\}")
_APPENDIX = re.compile(r"\bappendi(?:x|ces)\s+((?:[A-Z]{1,2}|\d{1,2})\b(?:(?:\s*,\s*|\s+and\s+|\s*&\s*)"
                       r"(?:[A-Z]{1,2}|\d{1,2})\b)*)(?!\s+(?:Part|of\s+the\s+(?!report)))", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*(?:,|&|\band\b)\s*", re.IGNORECASE)
_QUARTER = re.compile(r"\bQ([1-4])\s*(\d{4})/(\d{2})\b")
_MONTH_YEAR = re.compile(r"\b(" + "|".join(FULL_MONTHS + MONTHS) + r")\w*\.?\s+(\d{4})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(\d{4})[/-](\d{2})\b")


@dataclass(frozen=True)
class Finding:
    """One thing the gate found: an error refuses publication, a warning does not."""

    check: str
    problem: Problem
    error: bool = True


def texts(report: Report) -> Iterator[tuple[str, str]]:
    """(where, text) for every piece of text the cover report prints."""
    yield "title", report.facts.title
    yield "the paper's heading", report.heading
    for line in report.title_lines:
        yield "the title lines", line
    for field in report.header:
        yield f"header '{field.label}'", field.value
    for paragraph in report.front:
        yield "the front page", paragraph.text
    for section in report.sections:
        yield f"section '{section.heading}'", section.heading
        for item in section.content:
            where = f"section '{section.heading}'"
            if isinstance(item, Paragraph):
                yield where + (f", paragraph {item.number}" if item.number else ""), item.text
            elif isinstance(item, Chart):
                yield where + ", a chart", f"{item.title} {item.alt_text}"
            elif isinstance(item, Table):
                yield where + ", a table", " ".join([item.caption, *item.header, *(c for r in item.rows for c in r)])
    for line in report.signatory:
        yield "the signatory", line


def _quoted(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def unresolved_fields(report: Report, source: str) -> list[Finding]:
    found, seen = [], set()
    for where, text in texts(report):
        if text in seen:
            continue  # the title is printed in the header block too: one report is enough
        seen.add(text)
        for match in UNRESOLVED.finditer(text):
            found.append(Finding("unresolved-field", Problem(source, (
                f"{where}: '{match[0]}' would be printed as typed in \"{_quoted(text)}\"; a field is written "
                "{{ name }} in a paragraph or heading, and only there; fix the spelling or remove the braces"))))
            break
    return found


def pack_letters(meeting: Meeting, default_letter: str) -> set[str]:
    """The appendices the agenda pack holds, by letter (the scorecard always; given PDFs)."""
    letters = {a.letter.upper() for a in meeting.appendices
               if a.source == "scorecard" or a.source.lower().endswith(".pdf")}
    if not any(a.source == "scorecard" for a in meeting.appendices):
        letters.add(default_letter.upper())
    return letters


def appendix_references(report: Report, meeting: Meeting) -> list[Finding]:
    held = pack_letters(meeting, report.facts.appendix_letter)
    found, reported = [], set()
    for where, text in texts(report):
        for match in _APPENDIX.finditer(text):
            for letter in filter(None, _SEPARATOR.split(match[1])):
                if letter.upper() in held or (where, letter.upper()) in reported:
                    continue
                reported.add((where, letter.upper()))
                shown = ", ".join(sorted(held)) or "none"
                found.append(Finding("appendix-not-in-pack", Problem(meeting.source, (
                    f"{where}: mentions appendix {letter} (\"{_quoted(text)}\") but the agenda pack holds "
                    f"appendix {shown}; add it under appendices: (a PDF file in the meeting folder) or change "
                    "the paragraph"))))
    return found


def no_data_for_period(scores: ScoreSet, dataset: Dataset, label: str) -> list[Finding]:
    if any(s.status != NO_DATA for s in scores.measures):
        return []
    latest = dataset.latest_period
    hint = f"; the latest period with values is {latest}" if latest else "; the data holds no values at all"
    return [Finding("no-data-for-period", Problem(dataset.value_source, (
        f"no indicator has a value for {label} (period {scores.period}){hint}. Add that period's rows, or set "
        "period: in meeting.yaml to the period the data runs to")))]


def _row(dataset: Dataset, ident: str, cohort: str, period) -> int | None:
    return next((o.row for o in dataset.observations
                 if o.id == ident and o.cohort == cohort and o.period == period), None)


def red_without_commentary(scores: ScoreSet, dataset: Dataset, meeting: Meeting) -> list[Finding]:
    if "red-without-commentary" in meeting.allow:
        return []
    return [Finding("red-without-commentary", Problem(dataset.value_source, (
        f"{s.id} ({s.indicator.name}) is Red for {s.period_label} but has no commentary; an exception report "
        "needs the service's explanation and actions. Add it in the commentary column, or, if the paper "
        "may go without it, add allow: [red-without-commentary] to meeting.yaml"),
        row=_row(dataset, s.id, "", s.period), column="commentary"))
        for s in scores.measures if s.status == RED and not s.commentary.strip()]


def title_periods(meeting: Meeting) -> list[Finding]:
    period, title, found = meeting.period, meeting.title, []
    quarter = period.label("quarterly")
    for match in _QUARTER.finditer(title):
        if meeting.frequency == "quarterly" and match[0].replace(" ", "") != quarter.replace(" ", ""):
            found.append(_title_finding(meeting, match[0], quarter, error=True))
    for match in _MONTH_YEAR.finditer(title):
        month = next(i for i, name in enumerate(FULL_MONTHS) if name.lower().startswith(match[1][:3].lower())) + 1
        if meeting.frequency == "monthly" and (int(match[2]), month) != (period.year, period.month):
            found.append(_title_finding(meeting, match[0], period.long_label, error=True))
    years = {period.financial_year, period.shift(-12).financial_year}
    for match in _YEAR.finditer(title):
        if match[0].replace("-", "/") not in years and not _QUARTER.search(title[max(match.start() - 4, 0):match.end()]):
            found.append(_title_finding(meeting, match[0], period.financial_year, error=False))
    return found


def _title_finding(meeting: Meeting, named: str, expected: str, *, error: bool) -> Finding:
    return Finding("title-names-another-period", Problem(meeting.source, (
        f"title: names {named}, but the report is for {expected} (period {meeting.period}); "
        "update the title, or the period if the title is right")), error=error)


def publication_findings(meeting: Meeting, scores: ScoreSet, dataset: Dataset, report: Report) -> list[Finding]:
    """Everything the gate finds for one meeting, errors and warnings, in a stable order."""
    label = report.facts.period_label
    return [*no_data_for_period(scores, dataset, label), *unresolved_fields(report, meeting.source),
            *appendix_references(report, meeting), *red_without_commentary(scores, dataset, meeting),
            *title_periods(meeting)]


def split(findings: Iterable[Finding], draft: bool) -> tuple[list[Problem], list[str]]:
    """(errors that refuse the build, warnings); in a draft every finding is only a warning."""
    errors, warnings = [], []
    for finding in findings:
        if finding.error and not draft:
            errors.append(finding.problem)
        else:
            warnings.append(str(finding.problem) + (" [allowed in a --draft]" if finding.error else ""))
    return errors, warnings
