"""A workbook's Dataset is read once and kept while the workbook is unchanged (load/kept.py)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from reportgen.data import load_dataset
from reportgen.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
WIDE = ROOT / "data" / "bucks-cscl-2016-12" / "performance.xlsx"
LONG = ROOT / "data" / "cardiff-cyp-2018-03" / "data.xlsx"


@pytest.fixture
def kept(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("REPORTGEN_DATA_CACHE", raising=False)
    return tmp_path / "xdg" / "reportgen" / "data"


def _copy(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(source, folder / source.name))


def _fresh(path: Path, monkeypatch, **options):
    monkeypatch.setenv("REPORTGEN_DATA_CACHE", "off")
    try:
        return load_dataset(path, **options)
    finally:
        monkeypatch.delenv("REPORTGEN_DATA_CACHE")


@pytest.mark.parametrize("source", [WIDE, LONG], ids=["wide", "long"])
def test_a_kept_dataset_is_the_dataset_read_afresh(kept, tmp_path, monkeypatch, source):
    path = _copy(source, tmp_path / "meeting")
    first = load_dataset(path)
    assert len(list(kept.iterdir())) == 1
    again = load_dataset(path)
    assert again == first == _fresh(path, monkeypatch)
    assert again.warnings == first.warnings and again.sources == first.sources


def test_a_kept_workbook_is_not_opened_again(kept, tmp_path):
    """Second read in a new process: neither openpyxl nor pandas is imported."""
    path = _copy(WIDE, tmp_path / "meeting")
    script = ("import json, sys; from reportgen.data import load_dataset; d = load_dataset(sys.argv[1]); "
              "print(json.dumps([len(d.observations), 'openpyxl' in sys.modules, 'pandas' in sys.modules]))")
    runs = [json.loads(subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True,
                                      check=True).stdout) for _ in range(2)]
    assert runs[0][1] is True  # read from the workbook the first time
    assert runs[1] == [runs[0][0], False, False]


def test_an_edited_workbook_is_read_again(kept, tmp_path):
    path = _copy(LONG, tmp_path / "meeting")
    before = load_dataset(path)
    book = openpyxl.load_workbook(path)
    sheet = book["values"]
    header = [c.value for c in sheet[1]]
    value_column = header.index("value") + 1
    old = sheet.cell(row=2, column=value_column).value
    sheet.cell(row=2, column=value_column).value = float(old) + 1
    book.save(path)
    after = load_dataset(path)
    assert after != before
    assert len(list(kept.iterdir())) == 2
    changed = [(a.value, b.value) for a, b in zip(before.observations, after.observations) if a != b]
    assert len(changed) == 1 and changed[0][1] == pytest.approx(changed[0][0] + 1)


def test_the_same_bytes_under_another_name_are_kept_apart(kept, tmp_path):
    one, two = _copy(WIDE, tmp_path / "a"), _copy(WIDE, tmp_path / "b")
    assert load_dataset(one).sources == (str(one),)
    assert load_dataset(two).sources == (str(two),)  # its warnings and problems name its own file


def test_a_damaged_kept_file_is_read_afresh(kept, tmp_path, monkeypatch):
    path = _copy(WIDE, tmp_path / "meeting")
    first = load_dataset(path)
    [filed] = kept.iterdir()
    filed.write_bytes(filed.read_bytes()[:-40])  # truncated: its sha256 line no longer matches
    assert load_dataset(path) == first


def test_a_workbook_with_problems_is_never_kept(kept, tmp_path):
    path = _copy(LONG, tmp_path / "meeting")
    book = openpyxl.load_workbook(path)
    book["values"].cell(row=2, column=1).value = "NO-SUCH-INDICATOR"
    book.save(path)
    for _ in range(2):
        with pytest.raises(DataError) as raised:
            load_dataset(path)
        assert any("NO-SUCH-INDICATOR" in str(p) for p in raised.value.problems)
    assert not kept.exists() or not any(kept.iterdir())


def test_off_keeps_nothing(kept, tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTGEN_DATA_CACHE", "off")
    load_dataset(_copy(WIDE, tmp_path / "meeting"))
    assert not kept.exists() or not any(kept.iterdir())
