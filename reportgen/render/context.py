"""What a cover report template is filled in with: the Report as plain values, rich text and charts.

One builder for both fillings of the template: render/docx.py passes docxtpl's
RichText and an inline picture (the real .docx); render/template_source.py,
for `reportgen check`, passes stand-ins that look the same to Jinja, so that the
template meets the same names, values and attributes either way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from ..model import Chart, HeaderField, Paragraph, Report, Run, Table

# Characters XML 1.0 cannot hold (and docxtpl's \a and \f paragraph/page tricks): dropped.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")

CONTEXT_NAMES = ("facts", "heading", "heading_rich", "title_lines", "header", "front", "sections", "signatory",
                 "classification_notice", "header_text", "footer_text")

RichMaker = Callable[[], Any]  # a new, empty rich text with .add(text, bold=, italic=, lang=)
ImageMaker = Callable[[Chart], Any]  # the chart as the template's picture


def clean(text: str) -> str:
    return _CONTROL.sub("", text)


def runs_rich(runs: Iterable[Run], text, bold: bool = False):
    """Runs added to rich text; a run in another language than the paper's is marked w:lang
    (e.g. cy-GB), so spelling checkers and screen readers switch to it."""
    for run in runs:
        text.add(clean(run.text), bold=run.bold or bold, italic=run.italic, lang=run.lang or None)
    return text


def rich(paragraph: Paragraph, new: RichMaker):
    text = new()
    if paragraph.number:
        text.add(paragraph.number + "\t")
    return runs_rich(paragraph.runs, text)


def _label(field: HeaderField, new: RichMaker):
    return runs_rich((*(field.label_runs or (Run(field.label),)), Run(":")), new(), bold=True)


def _item(item: Paragraph | Chart | Table, new: RichMaker, image: ImageMaker) -> dict[str, Any]:
    if isinstance(item, Chart):
        return {"kind": "chart", "image": image(item), "caption": clean(item.title)}
    if isinstance(item, Table):
        return {"kind": "table", "header": [clean(h) for h in item.header],
                "rows": [[clean(c) for c in row] for row in item.rows], "caption": clean(item.caption)}
    if item.style == "heading":
        return {"kind": "heading", "text": clean(item.text)}
    kind = item.style if item.style in ("bullet", "quote") else ("body" if item.number else "plain")
    return {"kind": kind, "rich": rich(item, new)}


def build_context(report: Report, new: RichMaker, image: ImageMaker) -> dict[str, Any]:
    """Everything a template may ask for, as plain values, rich text and pictures."""
    facts = report.facts
    return {
        "facts": {
            "council": clean(facts.council), "committee": clean(facts.committee),
            "meeting_date": f"{facts.meeting_date.day} {facts.meeting_date:%B %Y}",
            "title": clean(facts.title), "period_label": clean(facts.period_label),
            "author": clean(facts.author), "appendix_letter": facts.appendix_letter,
        },
        "heading": clean(report.heading),
        "heading_rich": runs_rich(report.heading_runs or (Run(report.heading),), new()),
        "title_lines": [clean(line) for line in report.title_lines],
        "header": [{"label": clean(h.label), "label_rich": _label(h, new), "value": clean(h.value)}
                   for h in report.header],
        "front": [{"rich": rich(p, new), "text": clean(p.text)} for p in report.front],
        "sections": [
            {"heading": clean(f"{s.number}\t{s.heading}" if s.number else s.heading),
             "key": s.key, "content": [_item(item, new, image) for item in s.content]}
            for s in report.sections
        ],
        "signatory": [clean(line) for line in report.signatory],
        "classification_notice": clean(report.classification_notice),
        "header_text": clean(report.header_text),
        "footer_text": clean(report.footer_text),
    }


def document_properties(report: Report) -> dict[str, str]:
    """The .docx's core properties that come from the report (render/docx.py sets them)."""
    facts = report.facts
    return {
        "title": clean(facts.title),
        "subject": clean(f"{facts.committee}, {facts.meeting_date.day} {facts.meeting_date:%B %Y}"),
        "author": clean(facts.author),
        "language": facts.language,
        "comments": "",
        "keywords": clean(f"{facts.council}; performance; {facts.period_label}"),
    }
