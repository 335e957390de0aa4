"""Lay a composed Report out in a house-style .docx template (docxtpl).

Nothing here decides a word: compose.py has done that. This module turns the
Report into a template context, checks the template asks for nothing the
context lacks, renders with autoescape in a sandbox with StrictUndefined, adds
alt text to every chart, sets the document's title, subject, author and
language, and returns the bytes (normalised, so the same report gives the same
bytes).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage, RichText
from jinja2 import TemplateError as JinjaTemplateError, TemplateSyntaxError

from ..errors import Problem, RenderError, TemplateError
from ..meeting import display_path
from ..model import Chart, HeaderField, Paragraph, Report, Run, Table
from ..pack import normalise_docx
from ..sandbox import BoundedSandbox, make_sandbox, time_limit, TIME_LIMIT

# Characters XML 1.0 cannot hold (and docxtpl's \a and \f paragraph/page tricks): dropped.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
CONTEXT_LINES = 3


def make_environment() -> BoundedSandbox:
    return make_sandbox(autoescape=True)


class AltTextImage(InlineImage):
    """An inline picture whose drawing carries alt text (docPr descr) and a title."""

    def __init__(self, tpl: DocxTemplate, png: bytes, width_cm: float, alt_text: str, title: str):
        super().__init__(tpl, io.BytesIO(png), width=Cm(width_cm))
        self.alt_text, self.title = alt_text, title

    def _insert_image(self) -> str:
        inline = self.tpl.current_rendering_part.new_pic_inline(self.image_descriptor, self.width, self.height)
        for element in inline.xpath(".//wp:docPr | .//pic:cNvPr"):
            element.set("descr", self.alt_text)
            element.set("title", self.title)
        return ('</w:t></w:r><w:r><w:drawing>%s</w:drawing></w:r><w:r><w:t xml:space="preserve">'
                % inline.xml)


# --- the context -------------------------------------------------------------------------------


def clean(text: str) -> str:
    return _CONTROL.sub("", text)


def rich(paragraph: Paragraph) -> RichText:
    text = RichText()
    if paragraph.number:
        text.add(paragraph.number + "\t")
    return runs_rich(paragraph.runs, text)


def runs_rich(runs: Iterable[Run], text: RichText | None = None, bold: bool = False) -> RichText:
    """Runs as RichText; a run in another language than the paper's is marked w:lang (e.g. cy-GB),
    so spelling checkers and screen readers switch to it."""
    text = RichText() if text is None else text
    for run in runs:
        text.add(clean(run.text), bold=run.bold or bold, italic=run.italic, lang=run.lang or None)
    return text


def _label(field: HeaderField) -> RichText:
    return runs_rich((*(field.label_runs or (Run(field.label),)), Run(":")), bold=True)


def _item(tpl: DocxTemplate, item: Paragraph | Chart | Table) -> dict[str, Any]:
    if isinstance(item, Chart):
        image = AltTextImage(tpl, item.png, item.width_cm, clean(item.alt_text), clean(item.title))
        return {"kind": "chart", "image": image, "caption": clean(item.title)}
    if isinstance(item, Table):
        return {"kind": "table", "header": [clean(h) for h in item.header],
                "rows": [[clean(c) for c in row] for row in item.rows], "caption": clean(item.caption)}
    if item.style == "heading":
        return {"kind": "heading", "text": clean(item.text)}
    kind = item.style if item.style in ("bullet", "quote") else ("body" if item.number else "plain")
    return {"kind": kind, "rich": rich(item)}


def build_context(tpl: DocxTemplate, report: Report) -> dict[str, Any]:
    """Everything a template may ask for, as plain values, RichText and images."""
    facts = report.facts
    return {
        "facts": {
            "council": clean(facts.council), "committee": clean(facts.committee),
            "meeting_date": f"{facts.meeting_date.day} {facts.meeting_date:%B %Y}",
            "title": clean(facts.title), "period_label": clean(facts.period_label),
            "author": clean(facts.author), "appendix_letter": facts.appendix_letter,
        },
        "heading": clean(report.heading),
        "heading_rich": runs_rich(report.heading_runs or (Run(report.heading),)),
        "title_lines": [clean(line) for line in report.title_lines],
        "header": [{"label": clean(h.label), "label_rich": _label(h), "value": clean(h.value)}
                   for h in report.header],
        "front": [{"rich": rich(p), "text": clean(p.text)} for p in report.front],
        "sections": [
            {"heading": clean(f"{s.number}\t{s.heading}" if s.number else s.heading),
             "key": s.key, "content": [_item(tpl, item) for item in s.content]}
            for s in report.sections
        ],
        "signatory": [clean(line) for line in report.signatory],
        "classification_notice": clean(report.classification_notice),
        "header_text": clean(report.header_text),
        "footer_text": clean(report.footer_text),
    }


CONTEXT_NAMES = ("facts", "heading", "heading_rich", "title_lines", "header", "front", "sections", "signatory",
                 "classification_notice", "header_text", "footer_text")


# --- checking and rendering -----------------------------------------------------------------------


def _open(template: Path) -> DocxTemplate:
    shown = display_path(template)
    if not template.is_file():
        raise TemplateError([Problem(shown, "template file does not exist")])
    if not zipfile.is_zipfile(template):
        raise TemplateError([Problem(shown, "is not a Word document (.docx): a .docx is a zip file and this is not "
                                            "one; save the template from Word as 'Word Document (*.docx)'")])
    try:
        tpl = DocxTemplate(template)
        tpl.init_docx()  # docxtpl opens lazily: open now, so a damaged file is reported here
        return tpl
    except Exception as exc:  # a zip that is not a Word document, or a damaged one
        raise TemplateError([Problem(shown, f"is not a Word document (.docx) that can be opened: {exc}")]) from None


def check_template(template: Path, names: Iterable[str] = CONTEXT_NAMES) -> list[Problem]:
    """Problems with a template before anything renders: syntax errors, unknown variables."""
    tpl = _open(template)
    shown = display_path(template)
    try:
        undeclared = tpl.get_undeclared_template_variables(jinja_env=make_environment())
    except TemplateSyntaxError as exc:
        return [Problem(shown, f"template syntax error: {exc.message}{_near(_syntax_context(tpl, exc))}")]
    missing = sorted(set(undeclared) - set(names))
    return [Problem(shown, f"uses {{{{ {name} }}}}, which the report does not provide; "
                           f"available: {', '.join(sorted(names))}") for name in missing]


def _parts_xml(tpl: DocxTemplate) -> Iterable[str]:
    """Each part's XML as docxtpl hands it to Jinja (one paragraph a line)."""
    tpl.init_docx(reload=False)  # docxtpl opens the document lazily
    yield tpl.patch_xml(tpl.get_xml())
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _, part in tpl.get_headers_footers(uri):
            yield tpl.patch_xml(tpl.get_part_xml(part))


def _syntax_context(tpl: DocxTemplate, exc: TemplateSyntaxError) -> list[str]:
    env = make_environment()
    for xml in _parts_xml(tpl):
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
        try:
            env.parse(xml)
        except TemplateSyntaxError as found:
            return _lines_around(xml, found.lineno)
    return []


def _lines_around(xml: str, lineno: int | None) -> list[str]:
    if not lineno:
        return []
    start = max(lineno - 2, 0)
    return [re.sub(r"<[^>]+>", "", line) for line in xml.splitlines()[start:start + CONTEXT_LINES]]


def _near(lines: Iterable[str]) -> str:
    text = " | ".join(line.strip() for line in lines if line.strip())
    return f"; near: {text}" if text else ""


def render_report(report: Report) -> bytes:
    """The cover report as .docx bytes."""
    template = Path(report.template)
    shown = display_path(template)
    problems = check_template(template)
    if problems:
        raise TemplateError(problems)
    tpl = _open(template)
    env = make_environment()
    context = build_context(tpl, report)
    try:
        with time_limit(TIME_LIMIT):
            tpl.render(context, jinja_env=env, autoescape=True)
    except JinjaTemplateError as exc:  # LimitExceeded too: a template asking for too much
        lines = list(getattr(exc, "docx_context", None) or _runtime_context(tpl, exc))
        message = getattr(exc, "message", None) or str(exc)
        raise TemplateError([Problem(shown, f"{message}{_near(lines)}")]) from None
    except Exception as exc:  # noqa: BLE001 - docxtpl/lxml failing on a damaged template
        raise RenderError([Problem(shown, f"could not render the template: {exc}")]) from None
    _set_properties(tpl, report)
    buffer = io.BytesIO()
    tpl.save(buffer)
    return normalise_docx(buffer.getvalue(), report.facts.created)


def _runtime_context(tpl: DocxTemplate, exc: BaseException) -> list[str]:
    # Errors at render time (a missing attribute) carry no docx_context: find the line ourselves.
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(tpl.get_xml()))
    return _lines_around(xml, line)


def _set_properties(tpl: DocxTemplate, report: Report) -> None:
    facts = report.facts
    props = tpl.docx.core_properties
    props.title = clean(facts.title)
    props.subject = clean(f"{facts.committee}, {facts.meeting_date.day} {facts.meeting_date:%B %Y}")
    props.author = clean(facts.author)
    props.language = facts.language
    props.comments = ""
    props.keywords = clean(f"{facts.council}; performance; {facts.period_label}")
    props.created = props.modified = facts.created.replace(tzinfo=None)
    props.last_modified_by, props.revision = "reportgen", 1
    set_language(tpl.docx, facts.language)


def set_language(document, language: str) -> None:
    """w:lang on the document defaults, so spelling and screen readers use the right language."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = parse_xml(f"<w:docDefaults {nsdecls('w')}/>")
        document.styles.element.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = parse_xml(f"<w:rPrDefault {nsdecls('w')}><w:rPr/></w:rPrDefault>")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = parse_xml(f"<w:lang {nsdecls('w')}/>")
        rpr.append(lang)
    lang.set(qn("w:val"), language)
    lang.set(qn("w:eastAsia"), language)

