"""The paper as one self-contained web page: the cover report, then the scorecard appendix.

    render_html(report, scores, guidance=(), forecasts="given-and-derived") -> bytes

Built from the same composed Report and ScoreSet as report.docx and the
scorecard PDF. Nothing here rates anything or writes a sentence: the words are
compose's, describe.py's and scorecard_cells'; this module adds only
structural labels ("Contents", "Chart data") and lays the rest out.

Choices a reader relies on:
- one file that makes no request: the stylesheet is inlined (html.css beside
  this module), charts are inline SVG whose text is text (in DejaVu Sans, the
  charts' font, where the reader has it, else the nearest face in width), and
  no font, script or image is fetched; background documents' addresses stay text;
- real structure: one h1 (the report's title), h2 for the cover's sections and
  the appendix, h3 and h4 below them, never skipping a level; ``lang`` on the
  page and on every run in another language; a contents list of links;
- every chart is an ``<svg role="img">`` labelled with describe.py's sentence
  and followed by a table of its whole series (every period's figure, target
  and floor), so nothing is only in a picture;
- GOV.UK Design System markup (govuk-table, govuk-summary-list) with a small
  stylesheet of our own in that spirit: captions on every table, ``scope`` on
  every header cell, each indicator's name its row's header;
- status as a word, a symbol and a colour (scorecard_cells.PALETTE, every pair
  at least 4.5:1), direction of travel as an arrow and a word;
- it reflows to 320 px: wide tables scroll sideways inside their own region,
  which a keyboard can reach, and nothing has a fixed width; it prints;
- same input, same bytes: no dates, ids numbered in document order, SVG ids
  salted with a fixed string (charts.py) and prefixed per chart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from html import escape
from importlib.resources import files

from .. import model
from ..formatting import long_date
from . import html_scorecard as appendix
from .html_parts import Html, Page, attrs, runs_html, slug, summary_list, text

__all__ = ["render_html"]


def render_html(report: model.Report, scores: model.ScoreSet, guidance: Sequence[model.Block] = (),
                forecasts: str = "given-and-derived") -> bytes:
    """The whole paper as UTF-8 HTML bytes; ``forecasts`` is the house style's (scorecard_cells.FORECAST_MODES)."""
    facts = report.facts
    page = Page(scores)
    cover = _cover(page, report)
    scorecard = appendix.render(page, facts, scores, guidance, forecasts)
    body = "\n".join([*_draft_banner(facts), *_page_header(report), '<main id="main" class="page">',
                      *cover, *scorecard, "</main>", *_footer(report)])
    document = "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{escape(facts.language)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(' '.join(page_title(facts).split()))}</title>",
        '<meta name="generator" content="reportgen">',
        f"<style>\n{stylesheet()}</style>",
        "</head>",
        "<body>",
        '<a class="skip-link" href="#main">Skip to main content</a>',
        body,
        "</body>",
        "</html>",
        "",
    ])
    return document.encode("utf-8")


def page_title(facts: model.PaperFacts) -> str:
    title = f"{facts.title} – {facts.committee}, {long_date(facts.meeting_date)}"
    return f"DRAFT – {title}" if facts.draft else title


@lru_cache(maxsize=1)
def stylesheet() -> str:
    """html.css, then each status's colours from the scorecard's palette (one source for both)."""
    css = files(__package__).joinpath("html.css").read_text(encoding="utf-8")
    from .scorecard_cells import PALETTE

    rules = [f".status--{slug(status)} {{ background: {bg}; color: {fg}; }}" for status, (bg, fg) in PALETTE.items()]
    return css + "\n".join(rules) + "\n"


# --- page furniture ---------------------------------------------------------------------


def _draft_banner(facts: model.PaperFacts) -> list[str]:
    return ['<p class="draft-banner"><strong>DRAFT</strong></p>'] if facts.draft else []


def _page_header(report: model.Report) -> list[str]:
    # The page header's parts (set apart by a tab or a run of spaces), less what the cover's
    # heading already says (the council's name).
    parts = [p for p in re.split(r"\t| {2,}", report.header_text)
             if p.strip() and p.strip().lower() not in report.heading.lower()]
    if not parts:
        return []
    return ['<header class="page-header page">',
            "".join(f'<span class="page-header__part">{text(p)}</span>' for p in parts), "</header>"]


def _footer(report: model.Report) -> list[str]:
    return [f'<footer class="page-footer page"><p>{text(report.footer_text)}</p></footer>'] \
        if report.footer_text else []


# --- the cover report -------------------------------------------------------------------


def _cover(page: Page, report: model.Report) -> list[str]:
    facts = report.facts
    out = ['<article class="cover" aria-labelledby="title">']
    if report.heading:
        out.append(f'<p class="cover__heading">{text(report.heading)}</p>')
    # The title is the h1 below, so a title line that only repeats it (in capitals) is left out.
    lines = [line for line in report.title_lines if line.lower() != facts.title.lower()]
    out += [f'<p class="cover__title-line">{text(line)}</p>' for line in lines]
    out.append(f'<h1 id="title" class="govuk-heading-xl">{text(facts.title)}</h1>')
    if report.header:
        out.append(summary_list([(h.label, Html(text(h.value))) for h in report.header], css="cover__header"))
    if report.classification_notice:
        out.append(f'<p class="govuk-body notice">{text(report.classification_notice)}</p>')
    out += _items(page, report.front)
    out += _contents(page, report)
    for section in report.sections:
        out += _section(page, section)
    if report.signatory:
        out.append(f'<p class="govuk-body signatory">{"<br>".join(text(line) for line in report.signatory)}</p>')
    out.append("</article>")
    return out


def _contents(page: Page, report: model.Report) -> list[str]:
    """Links to each section and the appendix: the ids are reserved here, used by the headings."""
    links = [(page.reserve(f"section-{s.key}"), _section_title(s)) for s in report.sections]
    links.append((page.reserve("appendix"), appendix.title(report.facts)))
    items = "".join(f'<li><a class="govuk-link" href="#{ident}">{text(label)}</a></li>' for ident, label in links)
    return ['<nav class="contents" aria-labelledby="contents">',
            '<h2 id="contents" class="govuk-heading-m">Contents</h2>',
            f'<ol class="govuk-list contents__list">{items}</ol>', "</nav>"]


def _section_title(section: model.Section) -> str:
    return f"{section.number} {section.heading}".strip()


def _section(page: Page, section: model.Section) -> list[str]:
    ident = page.claim(f"section-{section.key}")
    number = f'<span class="section-number">{text(section.number)}</span> ' if section.number else ""
    return [f'<section class="cover__section" aria-labelledby="{ident}">',
            f'<h2 id="{ident}" class="govuk-heading-l">{number}{text(section.heading)}</h2>',
            *_items(page, section.content, caption_fallback=section.heading), "</section>"]


def _items(page: Page, items: Sequence, caption_fallback: str = "") -> list[str]:
    """Paragraphs, bullets (gathered into lists), quotes, sub-headings, charts and tables."""
    out: list[str] = []
    bullets: list[str] = []
    for item in items:
        if bullets and not (isinstance(item, model.Paragraph) and item.style == "bullet"):
            out.append(f'<ul class="govuk-list govuk-list--bullet">{"".join(bullets)}</ul>')
            bullets = []
        if isinstance(item, model.Chart):
            out += page.cover_chart(item)
        elif isinstance(item, model.Table):
            out.append(page.table(item.caption or caption_fallback, item.header, item.rows))
        elif item.style == "bullet":
            bullets.append(f"<li>{runs_html(item.runs)}</li>")
        else:
            out.append(_paragraph(item))
    if bullets:
        out.append(f'<ul class="govuk-list govuk-list--bullet">{"".join(bullets)}</ul>')
    return out


def _paragraph(paragraph: model.Paragraph) -> str:
    content = runs_html(paragraph.runs)
    if paragraph.style == "heading":
        return f'<h3 class="govuk-heading-s">{content}</h3>'
    if paragraph.style == "quote":
        return f'<blockquote class="quote"><p class="govuk-body">{content}</p></blockquote>'
    if paragraph.number:
        return (f'<p{attrs(css="govuk-body numbered")}><span class="numbered__number">{text(paragraph.number)}'
                f"</span> {content}</p>")
    return f'<p class="govuk-body">{content}</p>'
