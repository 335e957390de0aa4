"""Boilerplate: the paragraphs authors maintain, as plain text files.

A paragraph called ``rag-floor`` is the file ``rag-floor.md`` (or ``.txt``) found
first in: the meeting's own ``boilerplate/`` folder, ``boilerplate/<house style>/``,
then ``boilerplate/common/``; an inline text under ``overrides:`` in meeting.yaml
beats them all. The text is a Markdown subset:

- paragraphs, separated by a blank line (each gets its own number in the paper);
- ``- `` bullet lists; ``> `` quoted passages (indented, not numbered);
- ``**bold**`` and ``*italics*`` (``\\*`` for a literal star);
- ``{{ committee }}``-style fields from the meeting.

Fields are filled by a sandboxed Jinja environment with StrictUndefined, so a
misspelt field is an error naming the file and line, never a blank in the paper.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jinja2 import TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SecurityError

from .errors import Problem, TemplateError
from .meeting import display_path
from .model import Block, Quote, Run
from .paths import safe_name
from .sandbox import BoundedSandbox, make_sandbox, render_bounded
from .styles import search_roots, shipped_root

BOILERPLATE_DIR = shipped_root() / "boilerplate"  # the shipped paragraphs (the source checkout's boilerplate/)
COMMON = "common"
SUFFIXES = (".md", ".txt")
_INLINE = re.compile(r"\\([\\*])|\*\*(.+?)\*\*|\*(?!\s)(.+?)(?<!\s)\*")
# Markdown a paragraph file does not support, which would otherwise be printed as typed.
_HEADING = re.compile(r"^#{1,6}(\s|$)")
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s")


def _escape_markdown(value: object) -> object:
    # A field's value is text, never markup: a star in a committee name stays a star.
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("*", "\\*")
    return value


@lru_cache(maxsize=1)
def make_environment() -> BoundedSandbox:
    """One environment for every paragraph, so that a text used twice (or kept on disk) is compiled once."""
    return make_sandbox(autoescape=False, keep_trailing_newline=True, finalize=_escape_markdown)


@dataclass
class Boilerplate:
    """Finds, fills and parses boilerplate paragraphs for one meeting."""

    folders: tuple[Path, ...]
    overrides: Mapping[str, str] = field(default_factory=dict)
    override_source: str = "meeting.yaml"
    used: set[str] = field(default_factory=set)
    texts: dict[str, str] = field(default_factory=dict)  # each used paragraph's text, as read

    @classmethod
    def for_meeting(cls, meeting, style_folder: str | Sequence[str]) -> Boilerplate:
        """The search path for a meeting: its own folder; then the house style's folder and those of the
        styles it inherits, each in the meeting's workspace then among the shipped ones; then common."""
        names = [style_folder] if isinstance(style_folder, str) else list(style_folder)
        roots = [root / "boilerplate" for root in search_roots(meeting.folder)]
        folders = [meeting.folder / "boilerplate", *(root / name for name in [*names, COMMON] for root in roots)]
        return cls(tuple(dict.fromkeys(folders)), dict(meeting.overrides), meeting.source)

    def exists(self, name: str) -> bool:
        return name in self.overrides or self.find(name) is not None

    def find(self, name: str) -> Path | None:
        if not safe_name(name):
            return None  # a name is a file in these folders, never a path to somewhere else
        for folder in self.folders:
            for suffix in SUFFIXES:
                path = folder / f"{name}{suffix}"
                if path.is_file():
                    return path
        return None

    def available(self) -> list[str]:
        names = {p.stem for f in self.folders if f.is_dir() for p in f.iterdir() if p.suffix in SUFFIXES}
        return sorted(names | set(self.overrides))

    def source(self, name: str) -> tuple[str, str]:
        """(text, where) for a paragraph; TemplateError when there is none."""
        if name in self.overrides:
            return self.overrides[name], f"{self.override_source}: overrides.{name}"
        path = self.find(name)
        if path is None:
            looked = ", ".join(display_path(f) for f in self.folders)
            raise TemplateError([Problem(
                f"boilerplate '{name}'",
                f"no file {name}.md or {name}.txt in {looked}, and no overrides.{name} in the meeting file")])
        try:
            return path.read_bytes().decode("utf-8-sig"), display_path(path)
        except UnicodeDecodeError:
            raise TemplateError([Problem(display_path(path), "is not UTF-8 text; save it as UTF-8 "
                                                             "(in Notepad: Save as, Encoding UTF-8)")]) from None

    def render(self, name: str, fields: Mapping[str, object]) -> tuple[Block, ...]:
        """The paragraph's blocks, with its fields filled in."""
        text, where = self.source(name)
        self.used.add(name)
        self.texts[name] = text
        filled = fill(text, fields, where)
        try:
            return parse_blocks(filled)
        except MarkupError as exc:
            raise TemplateError([Problem(where, str(exc), row=exc.line)]) from None


def fill(text: str, fields: Mapping[str, object], where: str) -> str:
    """Fill ``{{ field }}``s; errors name ``where`` and the line."""
    env = make_environment()
    try:
        return render_bounded(env.template(text, checked=True), dict(fields))
    except TemplateSyntaxError as exc:
        raise TemplateError([Problem(where, exc.message or "template syntax error", row=exc.lineno)]) from None
    except UndefinedError as exc:
        problem = f"{_undefined_name(exc)}; fields available: {', '.join(sorted(fields))}"
        raise TemplateError([Problem(where, problem, row=_template_line(exc))]) from None
    except SecurityError as exc:
        problem = f"not allowed in a paragraph: {exc}"
        raise TemplateError([Problem(where, problem, row=_template_line(exc))]) from None
    except (OverflowError, MemoryError, RecursionError) as exc:
        problem = f"cannot be filled in: {type(exc).__name__}: {exc}"
        raise TemplateError([Problem(where, problem, row=_template_line(exc))]) from None


def _undefined_name(exc: UndefinedError) -> str:
    match = re.match(r"'([^']+)' is undefined", str(exc.message))
    if match:
        return f"field '{match[1]}' is not defined"
    return str(exc.message)


def _template_line(exc: BaseException) -> int | None:
    # Jinja rewrites the traceback so that template frames carry the template's line.
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


# --- the Markdown subset ----------------------------------------------------------------


class MarkupError(ValueError):
    """A line uses Markdown that paragraphs do not support (it would be printed as typed)."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def _unsupported(stripped: str, line: int) -> None:
    if _HEADING.match(stripped):
        raise MarkupError("a line starting with '#' would print the '#'; paragraph files have no headings "
                          "(the house style's sections give them): remove the '#' or make it a section", line)
    if _NUMBERED.match(stripped):
        raise MarkupError(f"a line starting with '{stripped.split()[0]}' would print that number; paragraphs are "
                          "numbered by the house style, and lists use '- ' bullets", line)


def parse_blocks(text: str) -> tuple[Block, ...]:
    """Paragraphs, ``- `` bullets and ``> `` quotes, each a Block; MarkupError for other Markdown."""
    blocks: list[Block] = []
    lines: list[str] = []
    kind = "body"

    def flush() -> None:
        if lines:
            runs = parse_inline(" ".join(line.strip() for line in lines))
            if kind == "quote":
                blocks.append(Quote(runs))
            else:
                blocks.append(Block(runs, bullet=kind == "bullet"))
        lines.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        stripped = line.lstrip()
        _unsupported(stripped, number)
        if not stripped:
            flush()
            kind = "body"
        elif stripped.startswith(("- ", "* ")) and not stripped.startswith("**"):
            flush()
            kind = "bullet"
            lines.append(stripped[2:])
        elif stripped.startswith(">"):
            if kind != "quote":
                flush()
            kind = "quote"
            lines.append(stripped[1:].strip())
        else:
            lines.append(stripped)
    flush()
    return tuple(blocks)


def parse_inline(text: str) -> tuple[Run, ...]:
    """``**bold**``, ``*italics*`` and ``\\*`` escapes, as runs; adjacent plain runs merged."""
    runs: list[Run] = []
    position = 0
    for match in _INLINE.finditer(text):
        _add(runs, Run(text[position:match.start()]))
        escaped, bold, italic = match.groups()
        if escaped is not None:
            _add(runs, Run(escaped))
        elif bold is not None:
            _add(runs, Run(_unescape(bold), bold=True))
        else:
            _add(runs, Run(_unescape(italic), italic=True))
        position = match.end()
    _add(runs, Run(text[position:]))
    return tuple(runs)


def _unescape(text: str) -> str:
    return re.sub(r"\\([\\*])", r"\1", text)


def _add(runs: list[Run], run: Run) -> None:
    if not run.text:
        return
    if runs and (runs[-1].bold, runs[-1].italic) == (run.bold, run.italic):
        runs[-1] = Run(runs[-1].text + run.text, run.bold, run.italic)
    else:
        runs.append(run)


def render_text(text: str, fields: Mapping[str, object], where: str) -> tuple[Run, ...]:
    """One line of meeting text (a heading, a summary) with fields and emphasis."""
    return parse_inline(" ".join(fill(text, fields, where).split()))


def blocks_text(blocks: Sequence[Block]) -> str:
    return "\n\n".join(b.text for b in blocks)
