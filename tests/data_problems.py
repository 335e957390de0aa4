"""The loader's messages for a file it refuses: shared by the data tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.data import load_dataset
from reportgen.errors import DataError


def problems(path: Path, **options) -> list[str]:
    """Every problem load_dataset reports for ``path``, as the user reads it (it must refuse the file)."""
    with pytest.raises(DataError) as caught:
        load_dataset(path, **options)
    return [str(p) for p in caught.value.problems]
