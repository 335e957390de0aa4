"""Compiled Jinja kept on disk: a paragraph is compiled once, a kept compile lets nothing through that
compiling afresh refuses, the bounds hold as before, and a damaged or foreign entry is compiled again."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment

from reportgen import boilerplate, chartcache, compiled
from reportgen.boilerplate import Boilerplate
from reportgen.check import check_meeting
from reportgen.errors import TemplateError
from reportgen.render import template_source
from reportgen.sandbox import make_sandbox

ROOT = Path(__file__).resolve().parents[1]
FIELDS = {"committee": "Test Committee", "rated": 43}
PARAGRAPH = "The {{ committee }} receives {{ rated }} measures{% if rated > 40 %}, a full set{% endif %}.\n"
FILLED = "The Test Committee receives 43 measures, a full set."


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("REPORTGEN_JINJA_CACHE", raising=False)
    boilerplate.make_environment.cache_clear()  # as a new process: nothing compiled in memory
    yield tmp_path / "xdg" / "reportgen" / "jinja"
    boilerplate.make_environment.cache_clear()


@pytest.fixture
def compiles(monkeypatch) -> list[str]:
    """The sources Jinja has compiled (as code) since the test began."""
    seen: list[str] = []
    real = Environment._compile

    def counting(self, source, filename):
        seen.append(source)
        return real(self, source, filename)

    monkeypatch.setattr(Environment, "_compile", counting)
    return seen


def fill(tmp_path: Path, text: str, *, new_process: bool = True) -> str:
    if new_process:
        boilerplate.make_environment.cache_clear()
    folder = tmp_path / "boilerplate"
    folder.mkdir(exist_ok=True)
    (folder / "para.md").write_text(text, encoding="utf-8")
    return "\n\n".join(b.text for b in Boilerplate((folder,)).render("para", FIELDS))


def refusal(tmp_path: Path, text: str) -> str:
    with pytest.raises(TemplateError) as caught:
        fill(tmp_path, text)
    (problem,) = caught.value.problems
    return str(problem).replace(str(tmp_path) + "/", "")


def test_a_paragraph_is_compiled_once_then_read_from_disk(tmp_path, cache, compiles):
    assert fill(tmp_path, PARAGRAPH) == FILLED
    assert len(compiles) == 1 and len(list(cache.glob("*.jinja"))) == 1
    assert fill(tmp_path, PARAGRAPH) == FILLED  # a new process: read from disk
    assert fill(tmp_path, PARAGRAPH, new_process=False) == FILLED  # the same one: kept in memory
    assert len(compiles) == 1


def test_an_edited_paragraph_is_a_new_key(tmp_path, cache, compiles):
    fill(tmp_path, PARAGRAPH)
    assert fill(tmp_path, PARAGRAPH.replace("receives", "has")) == FILLED.replace("receives", "has")
    assert len(compiles) == 2 and len(list(cache.glob("*.jinja"))) == 2


@pytest.mark.parametrize("text, message", [
    ("{% macro m() %}x{% endmacro %}", "boilerplate/para.md: not allowed in a paragraph: 'macro' is not allowed "
                                       "here (line 1)"),
    ("Fine.\n\n{{ committee | wordwrap }}", "boilerplate/para.md:3: No filter named 'wordwrap'."),
    ("{% if %}", "boilerplate/para.md:1: Expected an expression, got 'end of statement block'"),
])
def test_what_is_refused_when_compiled_is_refused_every_time_and_never_filed(tmp_path, cache, text, message):
    assert refusal(tmp_path, text) == message
    assert refusal(tmp_path, text) == message
    assert not cache.exists() or not list(cache.glob("*.jinja"))


def test_a_compile_kept_without_the_paragraph_checks_is_not_one_for_a_paragraph(tmp_path, cache):
    """The same source compiled where macros are allowed (as a template part is) is another key."""
    text = "{% macro m() %}x{% endmacro %}{{ m() }}"
    env = boilerplate.make_environment()
    assert env.template(text).render() == "x"
    assert refusal(tmp_path, text).endswith("'macro' is not allowed here (line 1)")


def test_the_bounds_hold_on_a_kept_compile_and_name_the_line(tmp_path, cache, compiles):
    text = "First line.\n\n{{ 2**100000000 }}"
    message = "boilerplate/para.md:3: not allowed in a paragraph: 2 ** 100000000 is too large a number"
    assert refusal(tmp_path, text) == message  # compiled (it is fine Jinja), then refused while filled in
    assert list(cache.glob("*.jinja"))
    assert refusal(tmp_path, text) == message and len(compiles) == 1
    misspelt = "Line one.\n{{ comittee }}"
    assert refusal(tmp_path, misspelt) == refusal(tmp_path, misspelt) == (
        "boilerplate/para.md:2: field 'comittee' is not defined; fields available: committee, rated")


@pytest.mark.parametrize("damage", [
    lambda raw: raw[: len(raw) // 2],
    lambda raw: raw[:-10] + bytes([raw[-10] ^ 1]) + raw[-9:],
    lambda raw: b"",
], ids=["truncated", "a changed byte", "empty"])
def test_a_damaged_entry_is_compiled_again(damage, tmp_path, cache, compiles):
    fill(tmp_path, PARAGRAPH)
    (entry,) = cache.glob("*.jinja")
    entry.write_bytes(damage(entry.read_bytes()))
    assert fill(tmp_path, PARAGRAPH) == FILLED
    assert len(compiles) == 2


@pytest.mark.parametrize("body", [b"not Jinja's bytecode", b""], ids=["another format", "nothing"])
def test_an_entry_that_is_whole_but_not_bytecode_is_compiled_again(body, tmp_path, cache, compiles):
    fill(tmp_path, PARAGRAPH)
    (entry,) = cache.glob("*.jinja")
    chartcache.write(entry.stem, "jinja", body, compiled.KIND)
    assert fill(tmp_path, PARAGRAPH) == FILLED
    assert len(compiles) == 2


def test_what_decides_the_code_is_in_the_key(monkeypatch):
    paragraph = compiled.environment_signature(boilerplate.make_sandbox(
        autoescape=False, keep_trailing_newline=True, finalize=boilerplate._escape_markdown))
    signatures = {
        paragraph,
        compiled.environment_signature(make_sandbox(autoescape=True)),
        compiled.environment_signature(make_sandbox(autoescape=False, keep_trailing_newline=True)),
        compiled.environment_signature(Environment(keep_trailing_newline=True, finalize=str)),
    }
    fewer = make_sandbox(autoescape=False, keep_trailing_newline=True, finalize=boilerplate._escape_markdown)
    del fewer.filters["upper"]
    signatures.add(compiled.environment_signature(fewer))
    assert len(signatures) == 5
    key = compiled.compile_key(paragraph, PARAGRAPH, True)
    assert compiled.compile_key(paragraph, PARAGRAPH, False) != key
    monkeypatch.setattr(compiled, "_versions", lambda: "sandbox.py edited")
    assert compiled.compile_key(paragraph, PARAGRAPH, True) != key


def test_no_cache_when_it_is_switched_off(tmp_path, cache, compiles, monkeypatch):
    monkeypatch.setenv("REPORTGEN_JINJA_CACHE", "off")
    assert fill(tmp_path, PARAGRAPH) == fill(tmp_path, PARAGRAPH) == FILLED
    assert len(compiles) == 2 and not cache.exists()


def test_a_check_after_a_check_compiles_nothing(cache, compiles, monkeypatch):
    monkeypatch.setattr(template_source, "_environment", template_source._environment.__wrapped__)
    meeting = ROOT / "data" / "kent-scs-2017-06"
    first = check_meeting(meeting)  # docxtpl renders the template, and files its Jinja source
    boilerplate.make_environment.cache_clear()
    assert check_meeting(meeting) == first  # the template filled in from its source
    assert compiles
    compiles.clear()
    boilerplate.make_environment.cache_clear()
    assert check_meeting(meeting) == first
    assert compiles == []
