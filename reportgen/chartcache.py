"""Charts kept on disk between runs, so that a rebuild after a text edit draws none.

A chart is filed under the sha256 of everything that decides its pixels: the
kind of chart, its data, title, unit, decimals, thresholds, size and format,
matplotlib's version and ``CHART_STYLE_VERSION`` (charts.py). The file holds a
line with the sha256 of the chart's bytes before the bytes themselves, so a
truncated or damaged file is noticed and the chart redrawn, never published.

The folder is ``$XDG_CACHE_HOME/reportgen/charts`` (else ``~/.cache/reportgen/charts``).
The cache is only ever a saving: when the folder cannot be made or written, or a
file cannot be read, the chart is drawn as if there were no cache, and
``REPORTGEN_CHART_CACHE=off`` turns it off. Files are written atomically, so
forked workers and builds side by side can share it.

The same store keeps other kinds of things (KINDS), each in its own folder
with its own switch: workbooks' Datasets (load/kept.py), templates' Jinja
source (render/template_source.py), laid-out scorecards
(render/scorecard_kept.py) and compiled Jinja (compiled.py). A kind with a
size in BOUNDS is kept to it: a file read is marked as used, and writing one
removes the least recently used beyond the bound (a 5,000-indicator scorecard
is 40 MB).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

from .atomic import atomic_write_bytes

MAGIC = b"reportgen-chart sha256="
SUBFOLDER = ("reportgen", "charts")
# Each kind of thing kept: its folder under reportgen/ and the variable that turns it off.
KINDS = {"charts": "REPORTGEN_CHART_CACHE", "data": "REPORTGEN_DATA_CACHE", "templates": "REPORTGEN_TEMPLATE_CACHE",
         "scorecards": "REPORTGEN_SCORECARD_CACHE", "jinja": "REPORTGEN_JINJA_CACHE"}
BOUNDS = {"scorecards": 256 * 2**20}  # bytes a kind's folder may hold


def cache_dir(kind: str = "charts") -> Path | None:
    """The folder charts (or another ``kind`` in KINDS) are kept in, or None when there is none to be had."""
    if os.environ.get(KINDS[kind], "").lower() in ("0", "off", "no", "false"):
        return None
    return _folder(kind, os.environ.get("XDG_CACHE_HOME", ""), os.environ.get("HOME", ""))


@lru_cache(maxsize=32)
def _folder(kind: str, base: str, home: str) -> Path | None:
    # By the variables that decide it (``home``: Path.home() reads HOME), as a check asks for it some fifty times.
    # The XDG spec: a relative (or empty) XDG_CACHE_HOME is to be ignored.
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return _usable(root / SUBFOLDER[0] / kind)


@lru_cache(maxsize=8)
def _usable(folder: Path) -> Path | None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK | os.X_OK) else None


PACKAGE = Path(__file__).resolve().parent  # reportgen/


_VERSION_LINE = re.compile(r"^Version:[ \t]*(\S+)", re.MULTILINE)


@lru_cache(maxsize=None)
def package_version(name: str) -> str:
    """A package's version from its metadata, without importing it (a kept chart never loads
    matplotlib); "absent" when it is not installed. The Version line is read from the metadata's
    header (before its first blank line, as the core metadata format has it) without the email
    parser importlib.metadata would bring in and run (a third of the template key's cost)."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        found = distribution(name)
    except PackageNotFoundError:
        return "absent"
    header = (found.read_text("METADATA") or found.read_text("PKG-INFO") or "").split("\n\n", 1)[0]
    line = _VERSION_LINE.search(header)
    return line[1] if line else found.version


@lru_cache(maxsize=1)
def code_version() -> str:
    """The sha256 of every module of reportgen: any edit to the code is a new key."""
    return source_digest(sorted(PACKAGE.rglob("*.py")))


def source_digest(paths: Iterable[Path | str]) -> str:
    """The sha256 of reportgen modules' names and sources: an edit to any of them is a new key."""
    digest = hashlib.sha256()
    for path in paths:
        path = Path(path).resolve()
        digest.update(path.relative_to(PACKAGE).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def chart_key(kind: str, style_version: int, **parts) -> str:
    """The sha256 of a chart's kind, its parts (JSON-able) and the versions that draw it."""
    text = json.dumps({"kind": kind, "style": style_version, "matplotlib": package_version("matplotlib"), **parts},
                      sort_keys=True, separators=(",", ":"), allow_nan=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(path: Path) -> bytes | None:
    """The bytes in ``path`` after its first line if they are whole (their sha256 matches), else None."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    head, sep, body = raw.partition(b"\n")
    if not sep or not head.startswith(MAGIC):
        return None
    if head[len(MAGIC):].decode("ascii", "replace") != hashlib.sha256(body).hexdigest():
        return None
    return body


def _path(key: str, suffix: str, kind: str) -> Path | None:
    folder = cache_dir(kind)
    return folder / f"{key}.{suffix}" if folder else None


def read(key: str, suffix: str, kind: str) -> bytes | None:
    """What is filed under ``key`` in ``kind``'s folder, if it is there and whole; else None."""
    path = _path(key, suffix, kind)
    found = _read(path) if path is not None else None
    if found is not None and kind in BOUNDS:
        with contextlib.suppress(OSError):
            os.utime(path)  # used: the last to go when the folder is over its bound
    return found


def write(key: str, suffix: str, data: bytes, kind: str) -> None:
    """File ``data`` under ``key``, atomically; never fatal."""
    path = _path(key, suffix, kind)
    if path is None:
        return
    try:
        atomic_write_bytes(path, MAGIC + hashlib.sha256(data).hexdigest().encode("ascii") + b"\n" + data)
    except OSError:
        return  # a full disk or a read-only cache costs the work again next time, never the build
    if kind in BOUNDS:
        _bound(path.parent, BOUNDS[kind], keep=path)


def _bound(folder: Path, limit: int, keep: Path) -> None:
    """Remove the least recently used files of ``folder`` until it holds ``limit`` bytes (``keep`` stays)."""
    files = []
    for entry in os.scandir(folder):
        with contextlib.suppress(OSError):
            if entry.is_file() and not entry.name.startswith("."):  # not another writer's temporary file
                stat = entry.stat()
                files.append((stat.st_mtime_ns, stat.st_size, Path(entry.path)))
    total = sum(size for _, size, _ in files)
    for _, size, path in sorted(files):
        if total <= limit:
            break
        if path != keep:
            with contextlib.suppress(OSError):
                path.unlink()
                total -= size


def cached(key: str, suffix: str, draw: Callable[[], bytes], kind: str = "charts") -> bytes:
    """The chart filed under ``key``, drawn (and filed) when it is missing or damaged."""
    found = read(key, suffix, kind)
    if found is not None:
        return found
    data = draw()
    write(key, suffix, data, kind)
    return data
