"""`reportgen check` fills in the cover template without docxtpl, from its Jinja source kept on disk.

The Jinja source of a .docx template (docxtpl's patched XML of the body, each
header and footer, and the core properties it fills in) depends only on the
template file. render/docx.py, which has docxtpl open anyway, files it here
when it has rendered a .docx from the template without error (a build, or a
check that found nothing on file), after checking that the template's bytes
alone pass check_template (syntax, names), under the sha256 of those bytes, the
versions of docxtpl, python-docx, lxml and Jinja, and the source of this code
and of sandbox.py. `check` then renders that source with
the same sandboxed environment and the same context (stand-ins for docxtpl's
rich text and pictures that look the same to Jinja), and asks filled_xml.py
whether docxtpl would take the result.

Only "no problem" is ever decided here: a template with no source on file (new,
edited, a damaged cache entry, the cache off), any error while filling it in,
or anything unusual about the result, and the real .docx is rendered instead,
so every problem is found and worded exactly as a build finds it.

The folder is ``$XDG_CACHE_HOME/reportgen/templates``; ``REPORTGEN_TEMPLATE_CACHE=off``
turns it off (chartcache.py: integrity line, atomic writes, never fatal).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import chartcache
from ..model import Chart, Report
from ..sandbox import TIME_LIMIT, make_sandbox, time_limit
from . import filled_xml
from .context import CONTEXT_NAMES, build_context, clean, document_properties

KIND = "templates"  # chartcache.KINDS: $XDG_CACHE_HOME/reportgen/templates, REPORTGEN_TEMPLATE_CACHE
SOURCE_VERSION = 1  # bump when what is filed, or how it is filled in, changes
PACKAGES = ("docxtpl", "python-docx", "lxml", "jinja2")
MAX_PROPERTY = 255  # python-docx refuses a longer core property
_CODE = ("template_source.py", "docx.py", "context.py", "filled_xml.py", "../sandbox.py")


@dataclass(frozen=True)
class TemplateSource:
    """What docxtpl hands Jinja for one template: each part's patched XML, in render order."""

    body: str
    headers: tuple[str, ...]
    footers: tuple[str, ...]
    properties: tuple[str, ...]  # every string core property, filled in as docxtpl fills some

    def to_bytes(self) -> bytes:
        return json.dumps({"body": self.body, "headers": self.headers, "footers": self.footers,
                           "properties": self.properties}).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> TemplateSource | None:
        try:
            raw = json.loads(data)
            source = cls(raw["body"], tuple(raw["headers"]), tuple(raw["footers"]), tuple(raw["properties"]))
        except (ValueError, KeyError, TypeError):
            return None
        texts = (source.body, *source.headers, *source.footers, *source.properties)
        return source if all(isinstance(t, str) for t in texts) else None


@lru_cache(maxsize=1)
def _versions() -> str:
    here = Path(__file__).parent
    code = chartcache.source_digest(here / name for name in _CODE)
    found = [f"{name}={chartcache.package_version(name)}" for name in PACKAGES]
    return json.dumps([SOURCE_VERSION, code, CONTEXT_NAMES, found])


def source_key(template_bytes: bytes) -> str:
    return hashlib.sha256(hashlib.sha256(template_bytes).digest() + _versions().encode("utf-8")).hexdigest()


def remember(template_bytes: bytes, source: TemplateSource) -> None:
    chartcache.write(source_key(template_bytes), "json", source.to_bytes(), KIND)


def recall(template_bytes: bytes) -> TemplateSource | None:
    data = chartcache.read(source_key(template_bytes), "json", KIND)
    return TemplateSource.from_bytes(data) if data is not None else None


def known(template_bytes: bytes) -> bool:
    """True when these bytes are on file: a template that opened, parsed and asks only for known names."""
    return chartcache.read(source_key(template_bytes), "json", KIND) is not None


# --- filling it in -------------------------------------------------------------------------------


class NeedsDocx(Exception):
    """The template asked for something only docxtpl's own objects can answer."""


class Rich:
    """Looks to a template like docxtpl's RichText (``.xml``, ``.add``) for the runs reportgen adds."""

    def __init__(self):
        self.xml = ""

    def add(self, text, *, bold=False, italic=False, lang=None):
        # docxtpl's RichText.add, for the arguments reportgen passes (test_template_source compares them).
        if isinstance(text, Rich):
            self.xml += text.xml
            return
        if not isinstance(text, (str, bytes)):
            text = str(text)
        if not isinstance(text, str):
            text = text.decode("utf-8", errors="ignore")
        prop = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "") + (f'<w:lang w:val="{lang}"/>' if lang else "")
        xml = "<w:r>" + (f"<w:rPr>{prop}</w:rPr>" if prop else "")
        self.xml += xml + f'<w:t xml:space="preserve">{_escape(text)}</w:t></w:r>'

    def __str__(self):
        return self.xml

    def __html__(self):
        return self.xml


def _escape(text: str) -> str:
    # html.escape, as docxtpl uses it (without importing html.entities)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;").replace("'", "&#x27;")


class Picture:
    """Looks to a template like the chart's inline picture; anything else it might ask of one
    (its width as a Length, the DocxTemplate behind it) is left to docxtpl."""

    height = anchor = None

    def __init__(self, chart: Chart, where: list[str]):
        int(chart.width_cm * 360000)  # what docx.shared.Cm does with it
        self.alt_text, self.title, self._where = clean(chart.alt_text), clean(chart.title), where

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        raise NeedsDocx(name)

    def __html__(self):
        if self._where != ["body"]:
            raise NeedsDocx("a picture outside the body")
        return '</w:t></w:r><w:r><w:drawing></w:drawing></w:r><w:r><w:t xml:space="preserve">'

    __str__ = __html__


def _fill(env, xml: str, context: dict) -> str:
    # As docxtpl's render_xml_part: one paragraph a line for Jinja, then its marks put back.
    out = env.template(re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)).render(context)
    out = re.sub(r"\n<w:p([ >])", r"<w:p\1", out)
    return out.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")


def _property_ok(text: str) -> bool:
    return len(text) <= MAX_PROPERTY and not filled_xml.NOT_XML.search(text)


@lru_cache(maxsize=1)
def _environment():
    # One for every check in the process, so that each part's source is compiled once (compiled.py keeps it on disk).
    return make_sandbox(autoescape=True)


def fills_in(report: Report, source: TemplateSource) -> bool:
    """True when the template, filled in with this report, is sure to render as a .docx."""
    where = ["body"]
    context = build_context(report, Rich, lambda chart: Picture(chart, where))
    env = _environment()
    started = time.monotonic()
    try:
        with time_limit(TIME_LIMIT):
            if not filled_xml.safe_part(_fill(env, source.body, context), body=True):
                return False
            where[0] = "header or footer"  # a Picture asks docxtpl there
            if not all(filled_xml.safe_part(_fill(env, xml, context), body=False)
                       for xml in (*source.headers, *source.footers)):
                return False
            where[0] = "properties"
            # A property with no "{" is no template (Jinja's tags all start with one): it fills in as itself
            # (less a final newline), so it is checked as it is, without compiling it.
            if not all(_property_ok(env.template(text).render(context) if "{" in text else text)
                       for text in source.properties):
                return False
    except Exception:  # noqa: BLE001 - any error at all: the real render finds and words it
        return False
    # The .docx render does more than this within the same limit: leave a slow template to it.
    return time.monotonic() - started < TIME_LIMIT / 2 and all(map(_property_ok, document_properties(report).values()))


def check_report(report: Report) -> bytes:
    """For `reportgen check`: raise what rendering the cover would raise; make no .docx (b"")."""
    try:
        source = recall(Path(report.template).read_bytes())
    except OSError:
        source = None
    if source is None or not fills_in(report, source):
        from .docx import render_report

        render_report(report)  # finds the problem (or files the source, for the next check)
    return b""


def template_problems(template: Path) -> list:
    """check_template's problems, without docxtpl when the template is on file (it has none)."""
    try:
        if known(template.read_bytes()):
            return []
    except OSError:
        pass
    from .docx import check_template

    return check_template(template)
