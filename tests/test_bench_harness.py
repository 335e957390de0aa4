"""The benchmark harness's own logic: PASS/MISS, the import lines, the 100,000-row data."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import generate  # noqa: E402
import run  # noqa: E402

IMPORTTIME = """\
import time: self [us] | cumulative | imported package
import time:       120 |        120 |   _io
import time:      2000 |       2000 |       openpyxl.compat
import time:      5000 |      30000 |     openpyxl.reader
import time:      1000 |      40000 |   openpyxl
import time:      3000 |       3000 |     reportlab.lib.colors
import time:       500 |       3500 |   reportlab
import time:       700 |        700 | reportgen.cli
"""


def test_heavy_imports_sums_each_packages_own_modules_at_any_depth():
    assert run.heavy_imports(IMPORTTIME) == (
        "reportlab 4 ms; openpyxl 8 ms (not: pandas, matplotlib, docxtpl, pikepdf)")


def test_no_heavy_import_at_all():
    assert run.heavy_imports("import time:       700 |        700 | reportgen.cli\n") == (
        "none (not: pandas, matplotlib, reportlab, docxtpl, openpyxl, pikepdf)")


def test_targets_pass_or_miss_at_their_limits():
    assert run.Target("t", 1.0, 1.0, "x").cells() == ("1.00 x", "<= 1 x", "PASS")
    assert run.Target("t", 1.01, 1.0, "x").cells() == ("1.01 x", "<= 1 x", "**MISS**")
    assert run.Target("t", 1.0, 1.0, "s").cells() == ("1.00 s", "< 1 s", "**MISS**")
    assert run.Target("t", 399.6, 400, "MB").cells() == ("400 MB", "< 400 MB", "PASS")
    assert run.Target("t", None, 12, "x").cells() == ("skipped", "<= 12 x", "")
    assert run.Target("t", 0.5, None, "x").cells() == ("0.50 x", "report only", "")


def test_the_loading_data_is_exactly_100000_rows_without_cohorts():
    dataset = generate.long_dataset(1000, 100)
    assert (len(dataset.indicators), len(dataset.observations)) == (1000, 100_000)
    assert not any(o.cohort for o in dataset.observations)
    first = [o for o in dataset.observations if o.id == "M0000"]
    assert (len(first), str(first[0].period), str(first[-1].period)) == (100, "2009-01", "2017-04")


def test_the_sample_meetings_are_every_folder_with_a_meeting_file():
    expected = sorted(p.parent.name for p in (BENCHMARKS.parent / "data").glob("*/meeting.yaml"))
    assert len(expected) >= 4 and "kent-scs-2017-06" in expected
    assert [p.name for p in run.sample_meetings()] == expected


def test_a_generated_meeting_passes_check(tmp_path):
    """The benchmark builds what a council would: a meeting the checks accept."""
    from reportgen.check import check_meeting

    folder = generate.write_meeting(20, tmp_path / "synthetic-20")
    assert check_meeting(folder) == []
