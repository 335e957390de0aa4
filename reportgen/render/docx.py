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

from ..chartcache import cache_dir
from ..errors import Problem, RenderError, TemplateError
from ..meeting import display_path
from ..model import Chart, Report
from ..pack import normalise_docx
from ..sandbox import BoundedSandbox, make_sandbox, time_limit, TIME_LIMIT
from . import context, template_source
from .context import CONTEXT_NAMES, clean, document_properties
from .template_source import TemplateSource

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


# --- the context (render/context.py builds it; here with docxtpl's own objects) ----------------------


def build_context(tpl: DocxTemplate, report: Report) -> dict[str, Any]:
    """Everything a template may ask for, as plain values, RichText and images."""
    def image(chart: Chart) -> AltTextImage:
        return AltTextImage(tpl, chart.png, chart.width_cm, clean(chart.alt_text), clean(chart.title))

    return context.build_context(report, RichText, image)


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
    return _check(_open(template), template, names)


def _check(tpl: DocxTemplate, template: Path, names: Iterable[str] = CONTEXT_NAMES) -> list[Problem]:
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
    tpl = _open(template)
    opened = _bytes(template)  # what was rendered, for _file_source
    problems = _check(tpl, template)
    if problems:
        raise TemplateError(problems)
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
    _file_source(template, opened)
    return normalise_docx(buffer.getvalue(), report.facts.created)


# Every string core property python-docx has: docxtpl fills in some of them, check fills in all.
STRING_PROPERTIES = ("author", "category", "comments", "content_status", "identifier", "keywords", "language",
                     "last_modified_by", "subject", "title", "version")
FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _bytes(template: Path) -> bytes | None:
    try:
        return template.read_bytes()
    except OSError:
        return None


def _file_source(template: Path, opened: bytes | None) -> None:
    """File the template's Jinja source for `reportgen check` (template_source.py), once per version,
    if the file is still what was rendered (an edit during the build is filed by the next one)."""
    if opened is None or cache_dir(template_source.KIND) is None:
        return
    try:
        data = template.read_bytes()
        if data == opened and not template_source.known(data):
            source = template_jinja_source(data)
            if source is not None:
                template_source.remember(data, source)
    except Exception:  # noqa: BLE001 - the cache is only ever a saving, never a failed build
        pass


def template_jinja_source(data: bytes) -> TemplateSource | None:
    """What docxtpl would hand Jinja for this template, or None when check is to leave it to docxtpl:
    a template with a problem, footnotes that use Jinja (docxtpl fills them in once per section),
    or a header or footer docxtpl would write in another encoding than UTF-8."""
    tpl = DocxTemplate(io.BytesIO(data))
    tpl.init_docx()
    if _check(tpl, Path("template.docx")):  # its problems are reported when the real file is opened
        return None
    parts = {}
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        parts[uri] = [tpl.get_part_xml(part) for _, part in tpl.get_headers_footers(uri)]
        if any(tpl.get_headers_footers_encoding(xml).lower() != "utf-8" for xml in parts[uri]):
            return None
    for part in tpl.docx.part.package.parts:
        if part.content_type == FOOTNOTES and (b"{" in part.blob or not _is_utf8(part.blob)):
            return None
    props = tpl.docx.core_properties
    return TemplateSource(tpl.patch_xml(tpl.get_xml()), tuple(map(tpl.patch_xml, parts[tpl.HEADER_URI])),
                          tuple(map(tpl.patch_xml, parts[tpl.FOOTER_URI])),
                          tuple(getattr(props, name) or "" for name in STRING_PROPERTIES))


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
    for name, value in document_properties(report).items():
        setattr(props, name, value)
    props.created = props.modified = facts.created.replace(tzinfo=None)
    props.last_modified_by, props.revision = "reportgen", 1
    set_language(tpl.docx, facts.language)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


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

