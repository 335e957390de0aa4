"""Workbooks' Datasets kept on disk between builds, so that an unchanged workbook is read once.

A Dataset is filed under the sha256 of the workbook's bytes, the name it was
given (its problems and sources name it), how it is read (sheet, header row,
layout), the versions of Python, openpyxl and pandas, and the sha256 of
reportgen's own source: a changed byte in any of them is a new key, never a
stale Dataset. The file is the Dataset pickled, after a line with the pickle's
sha256 (chartcache.py), so a damaged file is read afresh from the workbook.

The folder is ``$XDG_CACHE_HOME/reportgen/data`` (else ``~/.cache/reportgen/data``),
the user's own, as trusted as the virtual environment reportgen runs from;
``REPORTGEN_DATA_CACHE=off`` turns it off, and a folder that cannot be written
is not used.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

from ..chartcache import cached, code_version, package_version
from ..model import Dataset


def dataset_key(path: Path, options) -> str:
    """The key a workbook's Dataset is filed under; raises OSError when the file cannot be read."""
    parts = {
        "workbook": hashlib.sha256(path.read_bytes()).hexdigest(), "name": str(path),
        "sheet": options.sheet, "header_row": options.header_row, "layout": options.layout,
        "python": sys.version, "openpyxl": package_version("openpyxl"), "pandas": package_version("pandas"),
        "reportgen": code_version(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def kept_dataset(key: str, load: Callable[[], Dataset]) -> Dataset:
    """The Dataset filed under ``key``; ``load()`` read (and filed) when there is none."""
    loaded: list[Dataset] = []

    def read() -> bytes:
        loaded.append(load())  # raises DataError for a workbook with problems: nothing is filed
        return pickle.dumps(loaded[0], protocol=pickle.HIGHEST_PROTOCOL)

    data = cached(key, "pickle", read, kind="data")
    if loaded:
        return loaded[0]
    try:
        dataset = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a file from another build of the classes: read afresh
        return load()
    return dataset if isinstance(dataset, Dataset) else load()
