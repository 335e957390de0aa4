"""Write synthetic meetings of any size for the benchmarks.

    .venv/bin/python benchmarks/generate.py 500 OUT_DIR

Each meeting is a folder with indicators.csv, values.csv and a meeting.yaml in
the Kent house style, holding ``n`` indicators with 13 months of values (the
dataset of benchmarks/scorecard_scale.py), so `reportgen build` runs on it as
on the shipped samples.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scorecard_scale import synthetic_dataset  # noqa: E402

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
    content: [rag_counts, exceptions]
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


def write_meeting(n: int, folder: Path, seed: int = 1) -> Path:
    """Write a meeting of ``n`` indicators into ``folder``; return the folder."""
    dataset = synthetic_dataset(n, seed)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "indicators.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(INDICATOR_COLUMNS)
        for ind in dataset.indicators:
            writer.writerow([_cell(getattr(ind, c)) for c in INDICATOR_COLUMNS])
    with open(folder / "values.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(VALUE_COLUMNS)
        for obs in dataset.observations:
            writer.writerow([_cell(getattr(obs, c)) for c in VALUE_COLUMNS])
    (folder / "meeting.yaml").write_text(MEETING_YAML.format(n=n), encoding="utf-8")
    return folder


if __name__ == "__main__":
    write_meeting(int(sys.argv[1]), Path(sys.argv[2]))
