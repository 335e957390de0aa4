"""`reportgen check` fills the template in from its Jinja source on file, and never says OK for less.

Every case here is a template that passes check_template (it parses, and asks only for names the
report provides) but fails, or might fail, once filled in with a real meeting. Its source is filed
as a build of another meeting would have filed it; check must then answer exactly what check
answers with the cache off (docxtpl rendering the .docx), message for message.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from docxtpl import RichText

from reportgen import chartcache
from reportgen.build import prepare
from reportgen.check import check_meeting
from reportgen.errors import ReportgenError
from reportgen.render import docx as render_docx
from reportgen.render import filled_xml, template_source
from reportgen.render.docx import template_jinja_source
from reportgen.render.template_source import Rich, TemplateSource, recall, remember, source_key
from test_docx import meeting_copy

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "kent-cabinet-committee" / "template.docx"
SAMPLES = sorted(p for p in (ROOT / "data").iterdir() if (p / "meeting.yaml").is_file())
HEADING = "{{r heading_rich }}"
NO_CHAIR = "meeting/edited.docx: 'dict object' has no attribute 'chair'"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("REPORTGEN_TEMPLATE_CACHE", raising=False)
    return tmp_path / "xdg" / "reportgen" / "templates"


def edited(tmp_path: Path, member: str, change) -> Path:
    """A copy of the Kent template with one member's XML changed."""
    target = tmp_path / "meeting" / "edited.docx"
    target.parent.mkdir(exist_ok=True)
    with zipfile.ZipFile(TEMPLATE) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == member:  # the edit as Word saves it: < and > as entities in the text
                changed = change(data.decode("utf-8")).replace("'<'", "'&lt;'").replace('"<w:x>"', '"&lt;w:x&gt;"')
                assert changed != data.decode("utf-8"), f"the edit did not apply to {member}"
                data = changed.encode("utf-8")
            zout.writestr(info, data)
    return target


def outcome(folder: Path) -> tuple[str, list[str]]:
    """What check answers: OK and the warnings, or the error's type and every problem (with the
    addresses of Python objects, which a message may quote, taken out)."""
    try:
        return "ok", check_meeting(folder)
    except ReportgenError as exc:
        return type(exc).__name__, [re.sub(r" at 0x[0-9a-f]+", "", str(p)) for p in exc.problems]


def file_source(template: Path) -> None:
    """File the template's source, as a build of a meeting it fills in without error would."""
    data = template.read_bytes()
    source = template_jinja_source(data)
    assert source is not None, "check_template should pass this template: the case tests the filling in"
    remember(data, source)
    assert recall(data) == source


BODY_EDITS = {
    "undefined attribute": "{{ facts.chair }}",
    "index past the end": "{{ sections[99].heading }}",
    "sandbox: repeating too much": "{{ heading * 2000000 }}",
    "sandbox: too large a number": "{{ 10 ** 5000 }}",
    "sandbox: no python attributes": "{{ heading.__class__ }}",
    "a method docxtpl has and the stand-in refuses": '{{ heading_rich.add("x", "Strong") }}',
    "a picture's width (a Length, which the stand-in leaves to docxtpl)":
        '{% for s in sections %}{% for i in s.content %}{% if i.kind == "chart" %}'
        "{{ i.image.width }}{{ i.image.alt_text }}{% endif %}{% endfor %}{% endfor %}",
    "a picture's width and an attribute it lacks":
        '{% for s in sections %}{% for i in s.content %}{% if i.kind == "chart" %}'
        "{{ i.image.width }}{{ i.image.nope }}{% endif %}{% endfor %}{% endfor %}",
    "markup let through unescaped": "{{ facts.title|safe }}",
    "a tab in a line of its own": "{{ sections[0].heading }}",
    "text joined to rich text": "{{ heading_rich ~ '<' }}",
    "a filter of the sandbox's, misused": "{{ heading|round }}",
}


@pytest.mark.parametrize("name", BODY_EDITS)
def test_a_body_that_fails_filled_in_fails_check_as_it_did(name, tmp_path, cache, monkeypatch):
    template = edited(tmp_path, "word/document.xml", lambda xml: xml.replace(HEADING, BODY_EDITS[name]))
    folder = meeting_copy(tmp_path, template=str(template), house_style="kent-cabinet-committee",
                          title="Performance & <Scorecard>")
    monkeypatch.chdir(tmp_path)
    file_source(template)
    with_source = outcome(folder)
    monkeypatch.setenv("REPORTGEN_TEMPLATE_CACHE", "off")
    assert with_source == outcome(folder)


@pytest.mark.parametrize("member,change", [
    ("word/footer1.xml", lambda xml: xml.replace("{{ footer_text }}", '{{ footer_text }}{{ "<w:x>"|safe }}')),
    ("word/footer1.xml", lambda xml: xml.replace("{{ footer_text }}", "{{ footer_text.nope }}")),
    ("word/header1.xml", lambda xml: xml.replace("{{ header_text }}", "{{ header_text }}{{ '\t' }}")),
    ("docProps/core.xml", lambda xml: xml.replace("Kent cabinet committee paper", "{{ sections }}")),
    ("docProps/core.xml", lambda xml: xml.replace("reportgen template", "{{ facts.chair }}")),
    ("docProps/core.xml", lambda xml: xml.replace("<cp:keywords/>", "<cp:keywords>{{ 1 / 0 }}</cp:keywords>")),
], ids=["footer: broken XML", "footer: undefined", "header: a tab", "property over 255 characters",
        "property: undefined", "keywords: an error docxtpl never meets"])
def test_headers_footers_and_properties_that_fail_filled_in(member, change, tmp_path, cache, monkeypatch):
    template = edited(tmp_path, member, change)
    folder = meeting_copy(tmp_path, template=str(template), house_style="kent-cabinet-committee")
    monkeypatch.chdir(tmp_path)
    file_source(template)
    with_source = outcome(folder)
    monkeypatch.setenv("REPORTGEN_TEMPLATE_CACHE", "off")
    assert with_source == outcome(folder)


def test_the_cases_above_do_fail(tmp_path, cache, monkeypatch):
    """So that the comparisons are of problems, not of two OKs."""
    template = edited(tmp_path, "word/document.xml", lambda xml: xml.replace(HEADING, "{{ facts.chair }}"))
    folder = meeting_copy(tmp_path, template=str(template), house_style="kent-cabinet-committee")
    monkeypatch.chdir(tmp_path)
    file_source(template)
    kind, problems = outcome(folder)
    assert kind == "TemplateError" and problems[0].startswith(NO_CHAIR)
    long_title = edited(tmp_path, "docProps/core.xml", lambda xml: xml.replace("Kent cabinet committee paper",
                                                                                "{{ sections }}"))
    file_source(long_title)
    kind, problems = outcome(folder)
    assert kind == "RenderError" and "exceeded 255 char limit" in problems[0]


def test_the_samples_are_checked_without_docxtpl_once_their_source_is_on_file(cache, monkeypatch):
    warm = {folder.name: outcome(folder) for folder in SAMPLES}  # the first check files each template
    assert len(list(cache.glob("*.json"))) == 3  # the Kent, Bucks and Cardiff templates

    def refuse(_report):
        raise AssertionError("check rendered the .docx although the template's source was on file")

    monkeypatch.setattr(render_docx, "render_report", refuse)
    assert {folder.name: outcome(folder) for folder in SAMPLES} == warm


def test_a_build_files_the_source_and_an_edited_template_is_a_new_key(tmp_path, cache, monkeypatch):
    template = edited(tmp_path, "word/document.xml", lambda xml: xml.replace(HEADING, "{{ heading }}"))
    folder = meeting_copy(tmp_path, template=str(template), house_style="kent-cabinet-committee")
    monkeypatch.chdir(tmp_path)
    prepare(folder)
    assert recall(template.read_bytes()) is not None
    assert outcome(folder)[0] == "ok"
    edited(tmp_path, "word/document.xml", lambda xml: xml.replace(HEADING, "{{ facts.chair }}"))  # same path
    assert recall(template.read_bytes()) is None
    kind, problems = outcome(folder)
    assert kind == "TemplateError" and problems[0].startswith(NO_CHAIR)


def _entry(cache: Path) -> Path:
    [entry] = cache.glob("*.json")
    return entry


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],
    lambda raw: raw[:-40] + bytes([raw[-40] ^ 1]) + raw[-39:],
    lambda raw: b"reportgen-other" + raw[len(b"reportgen-chart"):],
    lambda raw: b"",
], ids=["truncated", "a changed byte", "a first line not the cache's", "empty"])
def test_a_damaged_entry_is_never_used(damage, tmp_path, cache, monkeypatch):
    template = edited(tmp_path, "word/document.xml", lambda xml: xml.replace(HEADING, "{{ facts.chair }}"))
    folder = meeting_copy(tmp_path, template=str(template), house_style="kent-cabinet-committee")
    monkeypatch.chdir(tmp_path)
    file_source(template)
    entry = _entry(cache)
    entry.write_bytes(damage(entry.read_bytes()))
    assert recall(template.read_bytes()) is None
    kind, problems = outcome(folder)
    assert kind == "TemplateError" and problems[0].startswith(NO_CHAIR)


def test_an_entry_that_is_whole_but_not_a_source_is_not_used(cache):
    data = TEMPLATE.read_bytes()
    for body in (b"not json", b'{"body": 1, "headers": [], "footers": [], "properties": []}', b"[]"):
        chartcache.write(source_key(data), "json", body, template_source.KIND)
        assert recall(data) is None


def test_another_version_of_the_code_or_of_docxtpl_is_another_key(cache, monkeypatch):
    data = TEMPLATE.read_bytes()
    key = source_key(data)
    monkeypatch.setattr(template_source, "_versions", lambda: "docxtpl=99")
    assert source_key(data) != key


def test_no_cache_when_it_is_switched_off(tmp_path, cache, monkeypatch):
    monkeypatch.setenv("REPORTGEN_TEMPLATE_CACHE", "off")
    assert chartcache.cache_dir(template_source.KIND) is None
    assert outcome(SAMPLES[0])[0] == "ok"
    assert not cache.exists() or not list(cache.glob("*.json"))


def test_footnotes_that_use_jinja_are_left_to_docxtpl(tmp_path):
    source = template_jinja_source(TEMPLATE.read_bytes())
    assert isinstance(source, TemplateSource) and "heading_rich" in source.body
    footnotes = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="'
                 f'{filled_xml.W}"><w:footnote w:id="1"><w:p><w:r><w:t>{{{{ heading }}}}</w:t></w:r></w:p>'
                 "</w:footnote></w:footnotes>")
    target = tmp_path / "footnotes.docx"
    with zipfile.ZipFile(TEMPLATE) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
            if info.filename == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdF" Type="http://schemas.openxml'
                                    b'formats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>'
                                    b"</Relationships>")
            zout.writestr(info, data)
        zout.writestr("word/footnotes.xml", footnotes)
    assert template_jinja_source(target.read_bytes()) is None


@pytest.mark.parametrize("text,options", [
    ("plain", {}), ("a & b < c > d \"q\" 'a'", {"bold": True}), ("1.1\t", {}), ("Tŷ", {"lang": "cy-GB"}),
    ("", {"italic": True}), (42, {}), (b"bytes \xc5\xb5", {"bold": True, "italic": True, "lang": "en-GB"}),
])
def test_the_stand_in_rich_text_is_docxtpls(text, options):
    real, light = RichText(), Rich()
    for target in (real, light):
        target.add(text, **options)
        target.add("second", bold=True)
    real.add(RichText("inner"))
    light.add(_rich("inner"))
    assert light.xml == real.xml and str(light) == str(real) and light.__html__() == real.__html__()


def _rich(text: str) -> Rich:
    rich = Rich()
    rich.add(text)
    return rich


W = f'xmlns:w="{filled_xml.W}"'


@pytest.mark.parametrize("xml,body,safe", [
    (f"<w:body {W}><w:p><w:r><w:t>one\ttwo</w:t></w:r></w:p></w:body>", True, True),
    (f"<w:hdr {W}><w:p><w:r><w:t>a</w:t></w:r></w:p></w:hdr>", False, True),
    (f"<w:body {W}><w:p><w:r><w:t>a</w:t></w:r></w:body>", True, False),  # not well formed
    (f"<w:body><w:p/></w:body>", True, False),  # w: not bound on the root
    (f"<w:body {W}><w:p><w:r><w:t>a</w:t></w:r><!-- c --></w:p></w:body>", True, False),
    (f"<w:body {W}><w:p><w:r><w:txbx><w:p><w:r><w:t>a\tb</w:t></w:r></w:p></w:txbx></w:r></w:p></w:body>",
     True, False),  # a tab in a paragraph in a paragraph
    (f"<w:body {W}><w:p><w:r><w:t>a\tb</w:t></w:r><w:r xmlns:x=\"u\"><w:t>c</w:t></w:r></w:p></w:body>",
     True, False),  # a tab, and a namespace declared below the root
    (f"<w:body {W}><w:p><w:pPr><w:pPrChange><w:pPr/></w:pPrChange></w:pPr><w:r><w:t>a\fb</w:t></w:r></w:p>"
     "</w:body>", True, False),
    (f"<w:body {W}><w:tbl><w:tr><w:tc/></w:tr></w:tbl></w:body>", True, False),  # no grid
    (f'<w:body {W}><w:tbl><w:tblGrid><w:gridCol/></w:tblGrid></w:tbl></w:body>', True, False),  # no width
    (f'<w:body {W}><w:tbl><w:tblGrid><w:gridCol w:w="1e999"/></w:tblGrid></w:tbl></w:body>', True, False),
    (f'<w:body {W}><w:tbl><w:tblGrid><w:gridCol w:w="100"/></w:tblGrid><w:tr><w:tc><w:tcPr>'
     '<w:gridSpan w:val="two"/></w:tcPr></w:tc></w:tr></w:tbl></w:body>', True, False),
    (f'<w:body {W}><w:tbl><w:tblGrid><w:gridCol w:w="100"/></w:tblGrid><w:tr><w:tc><w:tcPr>'
     '<w:gridSpan w:val="2"/></w:tcPr></w:tc></w:tr></w:tbl></w:body>', True, True),
    (f"<w:hdr {W}><w:p><w:r><w:t>a\x01</w:t></w:r></w:p></w:hdr>", False, False),
    (f"<w:hdr {W}><w:p><w:r><w:t>\ud800</w:t></w:r></w:p></w:hdr>", False, False),
    (f"<w:hdr {W}><w:p><w:r><w:t>&nbsp;</w:t></w:r></w:p></w:hdr>", False, False),
    (f"<w:hdr {W}><w:p><w:r><w:t xml:space=\"preserve\"/><w:t>a\tb</w:t></w:r></w:p></w:hdr>", False, True),
])
def test_what_filled_xml_vouches_for(xml, body, safe):
    assert filled_xml.safe_part(xml, body=body) is safe


def test_what_libxml2_refuses_and_expat_would_take_is_left_to_docxtpl():
    deep = "<w:r>" * 300 + "</w:r>" * 300
    assert not filled_xml.safe_part(f"<w:hdr {W}><w:p>{deep}</w:p></w:hdr>", body=False)
    assert not filled_xml.safe_part(f"<w:hdr {W}><w:{'x' * 60000}/></w:hdr>", body=False)
    assert not filled_xml.safe_part(f"<w:hdr {W}><w:p><w:r><w:t>{'x' * 6_000_000}</w:t></w:r></w:p></w:hdr>",
                                    body=False)
