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

DiskCache is the same kept-on-disk store for anything else worth keeping
between runs (render/template_source.py keeps a template's Jinja source in it).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from .atomic import atomic_write_bytes


class DiskCache:
    """Files kept under ``$XDG_CACHE_HOME/reportgen/<name>``, each opening with a line
    ``<magic><sha256 of the rest>``, so a truncated or damaged file reads as missing.

    Never fatal: a folder that cannot be made or written, or a file that cannot be
    read, is as if there were no cache; the environment variable ``switch`` set to
    off (or 0, no, false) turns the cache off.
    """

    def __init__(self, name: str, magic: bytes, switch: str):
        self.name, self.magic, self.switch = name, magic, switch

    def folder(self) -> Path | None:
        """The folder the files are kept in, or None when there is none to be had."""
        if os.environ.get(self.switch, "").lower() in ("0", "off", "no", "false"):
            return None
        base = os.environ.get("XDG_CACHE_HOME", "")
        # The XDG spec: a relative (or empty) XDG_CACHE_HOME is to be ignored.
        root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
        return _usable(root / "reportgen" / self.name)

    def path(self, key: str, suffix: str) -> Path | None:
        folder = self.folder()
        return folder / f"{key}.{suffix}" if folder else None

    def read(self, key: str, suffix: str) -> bytes | None:
        """The bytes filed under ``key`` if they are there and whole, else None."""
        path = self.path(key, suffix)
        return _read(path, self.magic) if path is not None else None

    def write(self, key: str, suffix: str, data: bytes) -> None:
        path = self.path(key, suffix)
        if path is None:
            return
        try:
            atomic_write_bytes(path, self.magic + hashlib.sha256(data).hexdigest().encode("ascii") + b"\n" + data)
        except OSError:
            pass  # a full disk or a read-only cache costs the work again next time, never the run

    def cached(self, key: str, suffix: str, make: Callable[[], bytes]) -> bytes:
        """The bytes filed under ``key``, made (and filed) when they are missing or damaged."""
        found = self.read(key, suffix)
        if found is not None:
            return found
        data = make()
        self.write(key, suffix, data)
        return data


CHARTS = DiskCache("charts", b"reportgen-chart sha256=", "REPORTGEN_CHART_CACHE")
MAGIC = CHARTS.magic


def cache_dir() -> Path | None:
    """The folder charts are kept in, or None when there is none to be had."""
    return CHARTS.folder()


@lru_cache(maxsize=8)
def _usable(folder: Path) -> Path | None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK | os.X_OK) else None


@lru_cache(maxsize=1)
def _matplotlib_version() -> str:
    # From the package's metadata: a chart found in the cache then never imports matplotlib.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("matplotlib")
    except PackageNotFoundError:  # pragma: no cover - matplotlib is a dependency
        import matplotlib

        return matplotlib.__version__


def chart_key(kind: str, style_version: int, **parts) -> str:
    """The sha256 of a chart's kind, its parts (JSON-able) and the versions that draw it."""
    text = json.dumps({"kind": kind, "style": style_version, "matplotlib": _matplotlib_version(), **parts},
                      sort_keys=True, separators=(",", ":"), allow_nan=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read(path: Path, magic: bytes) -> bytes | None:
    """The file's bytes after its first line if they are whole (their sha256 matches), else None."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    head, sep, body = raw.partition(b"\n")
    if not sep or not head.startswith(magic):
        return None
    if head[len(magic):].decode("ascii", "replace") != hashlib.sha256(body).hexdigest():
        return None
    return body


def cached(key: str, suffix: str, draw: Callable[[], bytes]) -> bytes:
    """The chart filed under ``key``, drawn (and filed) when it is missing or damaged."""
    return CHARTS.cached(key, suffix, draw)
