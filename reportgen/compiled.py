"""Compiled Jinja templates kept on disk, so that an unchanged paragraph or template is compiled once.

Compiling (lexing, parsing, writing the Python, compiling that) is most of the
cost of filling a short text in, and a check or build fills in some fifty. A
compile is filed under the sha256 of the source, of everything the environment
compiles it with (its class, delimiters and options, the names of its filters
and tests and what they are passed), of Jinja's and Python's versions, and of
the source of sandbox.py and this module: sandbox.py decides what a paragraph
may not contain and which operators are compiled into bounded calls, so an edit
to it is a new key. Only a compile that passed every check is filed (for a
paragraph, BoundedSandbox.check_constructs first), so a kept compile lets
through exactly what compiling afresh would; the bounds that apply while filling
in (numbers, sizes, time, output) are the environment's, as for a fresh compile.

The file is Jinja's own bytecode format (jinja2.bccache.Bucket: a magic number
for Jinja's bytecode and Python's version, the source's checksum, the
marshalled code) after chartcache's integrity line. The folder is
``$XDG_CACHE_HOME/reportgen/jinja`` (chartcache.KINDS), the user's own, as
trusted as the virtual environment reportgen runs from (what is in it is run,
as load/kept.py's pickles are loaded); ``REPORTGEN_JINJA_CACHE=off`` turns it
off, and the cache is only ever a saving: an entry that cannot be read or
written, or does not load, is compiled afresh.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from types import CodeType

import jinja2
from jinja2.bccache import Bucket

from . import chartcache

KIND = "jinja"
SUFFIX = "jinja"
VERSION = 1  # bump when what is filed changes
_CODE = (Path(__file__).with_name("sandbox.py"), Path(__file__))


@lru_cache(maxsize=1)
def _versions() -> str:
    return json.dumps([VERSION, jinja2.__version__, sys.version, chartcache.source_digest(_CODE)])


def _pass_arg(function: object) -> str:
    # pass_context and its kind change the code Jinja writes for a call to a filter, test or finalize
    return str(getattr(function, "jinja_pass_arg", None))


def environment_signature(env: jinja2.Environment) -> str:
    """Everything about ``env`` that decides what Jinja compiles a source into (or refuses at compile time)."""
    options = [
        type(env).__module__, type(env).__qualname__, getattr(env, "sandboxed", False),
        sorted(getattr(env, "intercepted_binops", ())), sorted(getattr(env, "intercepted_unops", ())),
        env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
        env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
        env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, env.optimized,
        env.is_async, repr(env.autoescape) if isinstance(env.autoescape, bool) else _pass_arg(env.autoescape),
        None if env.finalize is None else _pass_arg(env.finalize), sorted(env.extensions),
        {name: _pass_arg(f) for name, f in sorted(env.filters.items())},
        {name: _pass_arg(f) for name, f in sorted(env.tests.items())},
        {name: repr(value) for name, value in sorted(env.policies.items())},
    ]
    return json.dumps(options)


def compile_key(signature: str, source: str, checked: bool) -> str:
    parts = (_versions(), signature, "checked" if checked else "unchecked", source)
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def kept_code(env: jinja2.Environment, signature: str, source: str, checked: bool,
              compile_source: Callable[[], CodeType]) -> CodeType:
    """The code ``source`` compiles to in ``env``: filed, or ``compile_source()`` (and filed when it succeeds;
    what it raises is raised, and nothing is filed)."""
    if chartcache.cache_dir(KIND) is None:
        return compile_source()
    key = compile_key(signature, source, checked)
    checksum = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()
    bucket = Bucket(env, key, checksum)
    data = chartcache.read(key, SUFFIX, KIND)
    if data is not None:
        try:
            bucket.bytecode_from_string(data)
        except Exception:  # noqa: BLE001 - whole but not Jinja's bytecode: compiled afresh
            bucket.reset()
        if isinstance(bucket.code, CodeType):
            return bucket.code
    bucket.code = compile_source()
    chartcache.write(key, SUFFIX, bucket.bytecode_to_string(), KIND)
    return bucket.code
