"""Paragraphs and templates people edit cannot hang, exhaust or escape a build.

Each hostile paragraph is a real file in a boilerplate folder, filled as a build
fills it; the error names the file and the line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen import sandbox
from reportgen.boilerplate import Boilerplate
from reportgen.errors import TemplateError

FIELDS = {"committee": "Test Committee", "period": "April 2017", "rated": 43}


def render(tmp_path: Path, text: str) -> str:
    folder = tmp_path / "boilerplate"
    folder.mkdir(exist_ok=True)
    (folder / "para.md").write_text(text, encoding="utf-8")
    blocks = Boilerplate((folder,)).render("para", FIELDS)
    return "\n\n".join(b.text for b in blocks)


def refusal(tmp_path: Path, text: str) -> str:
    with pytest.raises(TemplateError) as caught:
        render(tmp_path, text)
    (problem,) = caught.value.problems
    return str(problem).replace(str(tmp_path) + "/", "")


def test_an_ordinary_paragraph_still_fills(tmp_path):
    text = "The {{ committee }} receives {{ rated }} measures{% if rated > 40 %}, a full set{% endif %}."
    assert render(tmp_path, text) == "The Test Committee receives 43 measures, a full set."


def test_a_huge_power_is_refused_with_its_line(tmp_path):
    assert refusal(tmp_path, "First line.\n\n{{ 2**100000000 }}") == (
        "boilerplate/para.md:3: not allowed in a paragraph: 2 ** 100000000 is too large a number")


def test_a_huge_repetition_and_padding_are_refused(tmp_path):
    assert refusal(tmp_path, "{{ 'x' * 100000000 }}").endswith(
        "not allowed in a paragraph: repeating a text or list 100,000,000 times makes it too long")
    assert refusal(tmp_path, "{{ 'x'.ljust(10**9) }}").endswith(
        "not allowed in a paragraph: 1,000,000,000 is too large an argument (at most 1,000,000)")


def test_a_nested_loop_is_stopped_by_the_time_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "TIME_LIMIT", 0.5)
    text = "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"
    assert refusal(tmp_path, text).startswith("boilerplate/para.md:1: not allowed in a paragraph: it took longer "
                                              "than 0.5 seconds to fill in")


def test_output_beyond_the_limit_is_refused(tmp_path):
    text = "{% for i in range(99999) %}{{ 'word ' * 100 }}{% endfor %}"
    assert refusal(tmp_path, text).endswith("the text would be over 1,000,000 characters long")


@pytest.mark.parametrize("text, construct", [
    ("{% macro m() %}x{% endmacro %}{{ m() }}", "macro"),
    ("{% include 'other.md' %}", "include"),
    ("{% set ns = namespace(x=1) %}{{ ns.x }}", None),
])
def test_constructs_a_paragraph_never_needs_are_refused(tmp_path, text, construct):
    found = refusal(tmp_path, text)
    if construct:
        assert f"not allowed in a paragraph: '{construct}' is not allowed here (line 1)" in found
    else:  # no namespace: a loop cannot grow a value on every pass
        assert found.startswith("boilerplate/para.md:1: field 'namespace' is not defined; fields available: ")


def test_python_internals_are_out_of_reach(tmp_path):
    assert refusal(tmp_path, "{{ committee.__class__.__mro__ }}") == (
        "boilerplate/para.md:1: not allowed in a paragraph: access to attribute '__class__' of 'str' object is unsafe.")


@pytest.mark.parametrize("text, start", [
    ("Intro.\n\n# Performance\n\nMore.", "boilerplate/para.md:3: a line starting with '#' would print the '#'"),
    ("Steps:\n\n1. Collect the data", "boilerplate/para.md:3: a line starting with '1.' would print that number"),
])
def test_markdown_a_paragraph_does_not_support_is_refused(tmp_path, text, start):
    assert refusal(tmp_path, text).startswith(start)


def test_a_paragraph_name_cannot_reach_outside_the_folders(tmp_path):
    (tmp_path / "README.md").write_text("secret")
    folder = tmp_path / "boilerplate"
    folder.mkdir()
    assert Boilerplate((folder,)).find("../README") is None
    assert not Boilerplate((folder,)).exists("../README")
