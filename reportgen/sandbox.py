"""The Jinja environment for everything people edit: boilerplate paragraphs and docx templates.

Sandboxed (no Python attributes, no file access), strict (a misspelt field is an
error, never a blank), and bounded, so a paragraph cannot hang or exhaust a
build, whether by mistake or on purpose:

- numbers: ``**`` and ``*`` refuse a result of more than MAX_INT_BITS bits, and
  a call refuses a whole-number argument larger than MAX_ARGUMENT
  (``"x".ljust(10**9)``);
- sizes: repeating text or a list (``"x" * n``) and printf-style widths are
  capped at MAX_OUTPUT characters, and so is the rendered text;
- constructs: only what a paragraph needs (fields, ``if``, ``for``, filters from
  FILTERS); no macros, blocks, includes, imports or ``namespace`` (with which a
  loop could grow a value on every pass);
- time: rendering stops after TIME_LIMIT seconds (in the main thread, where a
  timer can interrupt it; every build runs there).

``BoundedSandbox.template`` compiles a source once: kept in memory for the
process, and on disk between runs (compiled.py), only ever after it passed what
compiling it checks here.
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading

from jinja2 import StrictUndefined, Template, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from . import compiled

MAX_INT_BITS = 4096  # about 1,200 digits: more than any figure in a paper
MAX_ARGUMENT = 1_000_000
MAX_OUTPUT = 1_000_000  # characters a paragraph or template may produce
TIME_LIMIT = 5.0  # seconds
FILTERS = (
    "abs", "capitalize", "count", "d", "default", "e", "escape", "first", "float", "format", "int", "join",
    "last", "length", "list", "lower", "max", "min", "replace", "reverse", "round", "safe", "sort", "string",
    "sum", "title", "trim", "unique", "upper", "wordcount",
)
FORBIDDEN = (nodes.Macro, nodes.CallBlock, nodes.FilterBlock, nodes.Block, nodes.Include, nodes.Import,
             nodes.FromImport, nodes.Extends)
_WIDE_FORMAT = re.compile(r"%[-+ #0]*(\d{7,}|\*)")
KEPT_IN_MEMORY = 1024  # compiled sources an environment keeps (a long --watch edits many)


class LimitExceeded(SecurityError):
    """A paragraph or template asked for more than reportgen allows."""


def _size(value: object) -> int:
    try:
        return len(value)  # type: ignore[arg-type]
    except TypeError:
        return 0


class BoundedSandbox(SandboxedEnvironment):
    intercepted_binops = frozenset({"**", "*", "%"})  # also stops Jinja folding them at compile time

    def __init__(self, **options):
        super().__init__(undefined=StrictUndefined, **options)
        self.filters = {name: self.filters[name] for name in FILTERS if name in self.filters}
        self.globals = {"range": self.globals["range"]}
        self._compiled: dict[tuple[str, bool], Template] = {}
        self._signature = ""

    def call_binop(self, context, operator, left, right):
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0:
            if right * max(abs(left).bit_length(), 1) > MAX_INT_BITS:
                raise LimitExceeded(f"{left} ** {right} is too large a number")
        if operator == "*":
            if isinstance(left, int) and isinstance(right, int):
                if abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS:
                    raise LimitExceeded("the product is too large a number")
            elif isinstance(left, int) or isinstance(right, int):
                times, sequence = (left, right) if isinstance(left, int) else (right, left)
                if times * _size(sequence) > MAX_OUTPUT:
                    raise LimitExceeded(f"repeating a text or list {times:,} times makes it too long")
        if operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise LimitExceeded("a format width over 999,999 characters is not allowed")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 - Jinja's own signature
        for value in (*args, *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ARGUMENT:
                raise LimitExceeded(f"{value:,} is too large an argument (at most {MAX_ARGUMENT:,})")
        return super().call(__context, __obj, *args, **kwargs)

    def check_constructs(self, source: str) -> None:
        """Refuse what a paragraph never needs; TemplateSyntaxError for bad syntax comes first."""
        _refuse_constructs(self.parse(source))

    def template(self, source: str, *, checked: bool = False) -> Template:
        """``from_string(source)``, compiled once a process and kept on disk between runs; ``checked``:
        refused first as check_constructs refuses (parsed once for both)."""
        found = self._compiled.get((source, checked))
        if found is None:
            if len(self._compiled) >= KEPT_IN_MEMORY:
                self._compiled.clear()
            self._signature = self._signature or compiled.environment_signature(self)
            code = compiled.kept_code(self, self._signature, source, checked,
                                      lambda: self._compile_source(source, checked))
            found = self.template_class.from_code(self, code, self.make_globals(None), None)
            self._compiled[(source, checked)] = found
        return found

    def _compile_source(self, source: str, checked: bool):
        if not checked:
            return self.compile(source)
        tree = self.parse(source)
        _refuse_constructs(tree)
        return self.compile(tree)


def _refuse_constructs(tree: nodes.Template) -> None:
    for node in tree.find_all(FORBIDDEN):
        raise LimitExceeded(f"'{type(node).__name__.lower()}' is not allowed here (line {node.lineno})")


def make_sandbox(*, autoescape: bool = False, **options) -> BoundedSandbox:
    return BoundedSandbox(autoescape=autoescape, **options)


def render_bounded(template, context: dict) -> str:
    """Render within MAX_OUTPUT characters and TIME_LIMIT seconds; LimitExceeded otherwise."""
    parts, size = [], 0
    with time_limit(TIME_LIMIT):
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise LimitExceeded(f"the text would be over {MAX_OUTPUT:,} characters long")
            parts.append(chunk)
    return "".join(parts)


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise LimitExceeded in this (main) thread if the block runs longer than ``seconds``."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expired(_signum, _frame):
        raise LimitExceeded(f"it took longer than {seconds:g} seconds to fill in")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
