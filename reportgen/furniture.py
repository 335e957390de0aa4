"""The page furniture of a cover report, from the house style: the title, the header block, the
notice under the title, the signatory, the page header and footer, and the style's labels.

Every text here is a line of the style's style.yaml with the meeting's fields filled in (a
sandboxed, strict Jinja environment, as for paragraphs). A line or header row that comes out
empty is left out, so a style needs no conditions. Bilingual texts become runs marked with their
language (model.Run.lang), which the docx renderer writes as w:lang.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .boilerplate import fill, parse_inline
from .errors import Problem, ReportgenError
from .model import HeaderField, Run
from .paths import display_path
from .styles import Label, written_date

if TYPE_CHECKING:  # compose.py imports this module; Context is only needed for annotations
    from .compose import Context


def _text(ctx: Context, template: str, where: str, problems: list[Problem] | None = None) -> str:
    """A style's line of text with its fields filled; tabs and line breaks kept, emphasis dropped.

    Given ``problems``, a text that cannot be filled is noted there (and comes out empty), so that
    one run reports every misspelt field in the style at once."""
    try:
        filled = fill(template, ctx.fields, f"{display_path(ctx.style.source)}: {where}")
    except ReportgenError as exc:
        if problems is None:
            raise
        problems += exc.problems
        return ""
    return "\n".join("".join(r.text for r in parse_inline(line.strip())) for line in filled.strip().split("\n"))


def label_runs(ctx: Context, key: str, bold: bool = False) -> list[Run]:
    """One of the style's labels (summary, recommendation ...) as runs."""
    return text_runs(ctx, ctx.style.label(key), f"labels.{key}", bold)


def text_runs(ctx: Context, label: Label, where: str, bold: bool = False,
              problems: list[Problem] | None = None) -> list[Run]:
    """A style's text as runs: plain, or bilingual ({en-GB: Subject, cy-GB: Pwnc}: 'Subject / Pwnc'),
    each language's words marked with their language when it is not the paper's."""
    texts = label.items() if isinstance(label, dict) else [("", label)]
    paper, runs = ctx.style.settings.language, []
    for tag, template in texts:
        text = _text(ctx, template, where, problems)
        if text:
            runs += [Run(" / ", bold=bold)] if runs else []
            runs.append(Run(text, bold=bold, lang="" if tag in ("", paper) else tag))
    return runs


def furniture(ctx: Context, problems: list[Problem]) -> dict[str, object]:
    """The Report's title, header block, notice, signatory and page texts; every problem noted in ``problems``."""
    settings = ctx.style.settings
    title: list[Run] = []
    for i, line in enumerate(settings.title):
        runs = text_runs(ctx, line, f"title[{i}]", problems=problems)
        title += ([Run("\n")] if title and runs else []) + runs
    bilingual = any(r.lang for r in title)
    return {
        "heading": "".join(r.text for r in title), "heading_runs": tuple(title) if bilingual else (),
        "title_lines": tuple(t for i, line in enumerate(settings.title_lines)
                             if (t := _text(ctx, line, f"title_lines[{i}]", problems))),
        "header": _header(ctx, problems), "classification_notice": _text(ctx, settings.notice, "notice", problems),
        "signatory": _signatory(ctx), "header_text": _text(ctx, settings.page_header, "page_header", problems),
        "footer_text": _text(ctx, settings.page_footer, "page_footer", problems),
    }


def _header(ctx: Context, problems: list[Problem]) -> tuple[HeaderField, ...]:
    rows = []
    for i, row in enumerate(ctx.style.settings.header):
        value = _text(ctx, row.value, f"header[{i}].value", problems)
        if value:
            label = text_runs(ctx, row.label, f"header[{i}].label", problems=problems)
            text = "".join(r.text for r in label)
            rows.append(HeaderField(text, value, tuple(label) if any(r.lang for r in label) else ()))
    return tuple(rows)


def _signatory(ctx: Context) -> tuple[str, ...]:
    s = ctx.meeting.signatory
    if s is None:
        return ()
    when = written_date(ctx.meeting.report_date or ctx.meeting.meeting_date, ctx.style.settings)
    lines = {"name": s.name, "title": s.title, "date": when}
    return tuple(lines[key] for key in ctx.style.settings.signatory if lines[key])
