"""The scored indicators as a flat table: one row per indicator (and cohort).

Used by `reportgen score` and by the build's scores.csv / scores.xlsx, so the
columns are defined once.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

from .model import Score, ScoreSet

COLUMNS = (
    "id", "name", "group", "kind", "period", "value", "target", "floor", "status",
    "previous_value", "direction", "forecast", "previous_status",
    "cohort", "period_label", "polarity", "unit", "decimals", "rule", "comparator_period",
    "previous_period", "forecast_given", "key", "commentary",
)


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def score_row(score: Score) -> dict[str, object]:
    ind = score.indicator
    return {
        "id": ind.id, "name": ind.name, "group": ind.group, "kind": ind.kind,
        "period": str(score.period), "value": _number(score.value),
        "target": _number(score.target), "floor": _number(score.floor), "status": score.status,
        "previous_value": _number(score.previous_value), "direction": score.direction,
        "forecast": score.forecast, "previous_status": score.previous_status,
        "cohort": score.cohort, "period_label": score.period_label,
        "polarity": ind.polarity or "", "unit": ind.unit, "decimals": ind.decimals,
        "rule": score.rule,
        "comparator_period": str(score.comparator_period or ""),
        "previous_period": str(score.previous_period or ""),
        "forecast_given": "yes" if score.forecast_given else "no",
        "key": "yes" if ind.key else "no", "commentary": score.commentary,
    }


def score_rows(scores: ScoreSet) -> list[dict[str, object]]:
    return [score_row(s) for s in scores.scores]


def to_csv(scores: ScoreSet) -> str:
    from .exports import _csv_cell  # the same formula guard as scores.csv (exports imports this module)

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in score_rows(scores):
        writer.writerow({k: _csv_cell(v) for k, v in row.items()})
    return buffer.getvalue()


def to_json(scores: ScoreSet) -> str:
    summary = scores.summary
    document = {
        "period": str(scores.period),
        "summary": {
            "status_counts": dict(sorted(summary.status_counts.items())),
            "direction_counts": dict(sorted(summary.direction_counts.items())),
            "rated": summary.rated, "no_data": summary.no_data,
        },
        "indicators": score_rows(scores),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def write_score_table(scores: ScoreSet, fmt: str, output: Path | None) -> None:
    text = to_json(scores) if fmt == "json" else to_csv(scores)
    if output is None:
        sys.stdout.write(text)
        return
    from .atomic import write_text_atomic
    write_text_atomic(output, text)
