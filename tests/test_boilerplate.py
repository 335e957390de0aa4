"""Boilerplate paragraphs: the Markdown subset, fields, overrides and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.boilerplate import BOILERPLATE_DIR, Boilerplate, parse_blocks, parse_inline
from reportgen.errors import TemplateError
from reportgen.model import Block, Quote, Run


def test_paragraphs_bullets_quotes_and_emphasis():
    text = ("First line\ncontinues here.\n\n- **Green:** met\n- *Amber* missed\n\n> \"Quoted\n> passage\"\n\n"
            "Last \\*not italic\\*.")
    assert parse_blocks(text) == (
        Block((Run("First line continues here."),)),
        Block((Run("Green:", bold=True), Run(" met")), bullet=True),
        Block((Run("Amber", italic=True), Run(" missed")), bullet=True),
        Quote((Run('"Quoted passage"'),)),
        Block((Run("Last *not italic*."),)),
    )


def test_unclosed_emphasis_stays_literal():
    assert parse_inline("5 * 3 and **open") == (Run("5 * 3 and **open"),)


def make(tmp_path: Path, files: dict[str, str], overrides=None) -> Boilerplate:
    style, common = tmp_path / "style", tmp_path / "common"
    for folder in (style, common):
        folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return Boilerplate((tmp_path / "meeting", style, common), overrides or {}, "meeting.yaml")


def test_fields_are_filled_and_their_text_is_never_markup(tmp_path):
    bp = make(tmp_path, {"style/intro.md": "The **{{ committee }}** met on {{ meeting_date }}."})
    blocks = bp.render("intro", {"committee": "A*B & <C> Pwyllgor ŵ ŷ", "meeting_date": "1 May 2017"})
    assert blocks == (Block((Run("The "), Run("A*B & <C> Pwyllgor ŵ ŷ", bold=True), Run(" met on 1 May 2017."))),)


def test_search_order_override_then_meeting_then_style_then_common(tmp_path):
    (tmp_path / "meeting").mkdir()
    bp = make(tmp_path, {"common/p.md": "common", "style/p.md": "style", "common/q.txt": "q common"})
    assert bp.render("p", {})[0].text == "style"
    assert bp.render("q", {})[0].text == "q common"
    (tmp_path / "meeting" / "p.md").write_text("meeting file")
    assert bp.render("p", {})[0].text == "meeting file"
    bp.overrides["p"] = "inline {{ x }}"
    assert bp.render("p", {"x": "override"})[0].text == "inline override"
    assert bp.used == {"p", "q"}


def test_undefined_field_names_file_line_and_the_fields_available(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bp = make(tmp_path, {"style/rag.md": "Line one.\n\nFor {{ perod }}."})
    with pytest.raises(TemplateError) as caught:
        bp.render("rag", {"period": "April 2017", "committee": "C"})
    assert str(caught.value) == ("style/rag.md:3: field 'perod' is not defined; "
                                 "fields available: committee, period")


def test_syntax_error_names_file_and_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bp = make(tmp_path, {"style/bad.md": "Fine.\n{% if %}\n"})
    with pytest.raises(TemplateError, match=r"^style/bad\.md:2: "):
        bp.render("bad", {})


def test_override_error_names_the_meeting_key(tmp_path):
    bp = make(tmp_path, {}, overrides={"p": "{{ nope }}"})
    with pytest.raises(TemplateError, match=r"^meeting\.yaml: overrides\.p:1: field 'nope' is not defined"):
        bp.render("p", {})


def test_missing_paragraph_says_where_it_looked(tmp_path):
    bp = make(tmp_path, {})
    with pytest.raises(TemplateError) as caught:
        bp.render("legal-implications", {})
    message = str(caught.value)
    assert message.startswith("boilerplate 'legal-implications': no file legal-implications.md or "
                              "legal-implications.txt in ")
    assert "no overrides.legal-implications in the meeting file" in message


def test_the_sandbox_refuses_python_internals(tmp_path):
    bp = make(tmp_path, {"style/evil.md": "{{ committee.__class__.__mro__ }}"})
    with pytest.raises(TemplateError):
        bp.render("evil", {"committee": "C"})


def test_every_shipped_paragraph_parses_with_the_documented_fields():
    fields = {name: "x" for name in (
        "council committee title meeting_date period period_month period_year period_end financial_year "
        "quarter quarter_months scorecard_name scorecard_appendix service rated green amber red no_data "
        "service_name service_short priorities_document directorate programme committee_short portfolio "
        "strategic_plan directorate_name financial_year_short").split()}
    files = sorted(p for p in BOILERPLATE_DIR.glob("*/*") if p.suffix in (".md", ".txt"))
    assert len(files) >= 25
    for path in files:
        bp = Boilerplate((path.parent,))
        assert bp.render(path.stem, fields), path
