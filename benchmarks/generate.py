"""Write synthetic meetings of any size for the benchmarks.

    .venv/bin/python benchmarks/generate.py 500 OUT_DIR
    .venv/bin/python benchmarks/generate.py 1000 OUT_DIR --months 100 [--xlsx]

Each meeting is a folder with indicators.csv, values.csv and a meeting.yaml in
the Kent house style, holding ``n`` indicators with 13 months of values (the
dataset of benchmarks/scorecard_scale.py), so `reportgen build` runs on it as
on the shipped samples.

With ``--months`` only the data is written (``write_long_data``): ``n``
indicators with that many months each and no cohorts, so 1,000 x 100 is exactly
100,000 value rows in the long layout; ``--xlsx`` writes the same data as one
workbook (sheets ``indicators`` and ``values``) instead of two CSVs.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scorecard_scale import GROUPS, REPORT, _indicator, synthetic_dataset  # noqa: E402

from reportgen.model import Dataset, Observation  # noqa: E402

INDICATOR_COLUMNS = ("id", "name", "group", "kind", "polarity", "unit", "decimals", "frequency", "basis",
                     "target", "floor", "green_band", "amber_band", "expected_low", "expected_high", "key",
                     "definition", "owner", "england", "neighbours")
VALUE_COLUMNS = ("id", "period", "value", "cohort", "commentary")

MEETING_YAML = """\
council: Kent County Council
committee: Children's, Young People and Education Cabinet Committee
meeting_date: 2017-06-22
title: SYNTHETIC PERFORMANCE SCORECARD ({n} INDICATORS)
period: 2017-04
template: kent-cabinet-committee
from:
  - name: A Cabinet Member
    title: Cabinet Member for Children, Young People and Education
classification: Unrestricted
electoral_divisions: All
summary: A synthetic scorecard for measuring reportgen's speed.
fields:
  service: Specialist Children's Services (SCS)
  service_name: Specialist Children's Services
  service_short: SCS
  scorecard_name: Synthetic Scorecard
  priorities_document: Strategic Priority Statement
  directorate: Children's, Young People and Education Directorate
  programme: Transformation programme
sections:
  - heading: Summary of Performance
    content: [rag_counts]  # prose, not the table: the cover stays the same size at any scale
  - heading: Recommendations
    content: [recommendations]
recommendations:
  - verb: NOTE
    text: the performance scorecard
contacts:
  - role: Lead Officer
    name: A Performance Officer
    title: Performance Manager
appendices:
  - letter: A
    title: Synthetic Scorecard
    source: scorecard
scoring:
  data: .
"""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _rows(dataset: Dataset) -> dict[str, list[list[str]]]:
    """The two sheets as text, header first."""
    return {
        "indicators": [list(INDICATOR_COLUMNS)] + [[_cell(getattr(i, c)) for c in INDICATOR_COLUMNS]
                                                   for i in dataset.indicators],
        "values": [list(VALUE_COLUMNS)] + [[_cell(getattr(o, c)) for c in VALUE_COLUMNS]
                                           for o in dataset.observations],
    }


def _write_csvs(dataset: Dataset, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, rows in _rows(dataset).items():
        with open(folder / f"{sheet}.csv", "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(rows)


def write_meeting(n: int, folder: Path, seed: int = 1) -> Path:
    """Write a meeting of ``n`` indicators into ``folder``; return the folder."""
    _write_csvs(synthetic_dataset(n, seed), folder)
    (folder / "meeting.yaml").write_text(MEETING_YAML.format(n=n), encoding="utf-8")
    return folder


def long_dataset(n: int, months: int, seed: int = 1) -> Dataset:
    """``n`` indicators, each with ``months`` monthly values ending at the report period; no cohorts."""
    rng = random.Random(seed)
    indicators, observations = [], []
    for i in range(n):
        ind = _indicator(i, rng, GROUPS[(i // 12) % len(GROUPS)])
        indicators.append(ind)
        centre = ind.target if ind.target is not None else ind.expected_low * 1.05
        for back in range(months - 1, -1, -1):
            value = None if rng.random() < 0.03 and back else round(centre * rng.uniform(0.9, 1.1), ind.decimals)
            observations.append(Observation(ind.id, REPORT.shift(-back), value,
                                            commentary="" if back else "Demand was high in the period."))
    return Dataset(tuple(indicators), tuple(observations))


def write_long_data(n: int, months: int, target: Path, xlsx: bool = False) -> Path:
    """``n`` x ``months`` value rows: a folder of two CSVs, or (``xlsx``) one workbook at ``target``."""
    dataset = long_dataset(n, months)
    if not xlsx:
        _write_csvs(dataset, target)
        return target
    from openpyxl import Workbook

    # Not write_only: like Excel, the normal mode records each sheet's size (its dimension) and
    # keeps text as shared strings; without a dimension openpyxl reads a sheet twice to find its size.
    book = Workbook()
    book.remove(book.active)
    for sheet, rows in _rows(dataset).items():
        ws = book.create_sheet(sheet)
        for row in rows:
            ws.append([_typed(cell) for cell in row])
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def _typed(text: str) -> object:
    """A cell as Excel would hold it: numbers as numbers, the rest as text."""
    try:
        return int(text) if text.lstrip("-").isdigit() else float(text) if text not in ("", "nan") else text
    except ValueError:
        return text


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="write a synthetic meeting, or (--months) long data alone")
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--months", type=int)
    parser.add_argument("--xlsx", action="store_true", help="with --months: one workbook OUT instead of two CSVs")
    args = parser.parse_args()
    if args.months:
        write_long_data(args.n, args.months, args.out, args.xlsx)
    else:
        write_meeting(args.n, args.out)
