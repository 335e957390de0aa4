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

# The first 24 columns are in the order users and tests rely on; new columns go at the end.
COLUMNS = (
    "id", "name", "group", "kind", "period", "value", "target", "floor", "status",
    "previous_value", "direction", "forecast", "previous_status",
    "cohort", "period_label", "polarity", "unit", "decimals", "rule", "comparator_period",
    "previous_period", "forecast_given", "key", "commentary",
    "green_from", "amber_from", "numerator", "denominator", "ytd", "outturn", "outturn_period",
    "basis", "rate_on", "expected_low", "expected_high", "england", "neighbours", "owner", "definition",
)

_IN_UNIT = "in the indicator's unit (percentages in points: 85.3 means 85.3%)"

# One plain-English sentence per column: what it is, its unit, when it is empty.
# scores.xlsx carries it as a sheet; test_scoretable fails on a column without one.
DATA_DICTIONARY: dict[str, str] = {
    "id": "The indicator's id, as in the indicators table; never empty.",
    "name": "The indicator's name as the paper prints it; never empty.",
    "group": "The heading the indicator sits under in the scorecard; empty when the data gives none.",
    "kind": "kpi for a measure rated Red, Amber or Green against a target; activity for one judged "
            "against an expected range.",
    "period": "The period this row reports, as YYYY-MM (the last month of a quarter or year for quarterly "
              "and annual measures).",
    "value": f"The figure for the period, {_IN_UNIT}; empty when the data has none (status says No data).",
    "target": f"The target applied for the period, {_IN_UNIT}; empty when there is none (activity "
              "indicators, or status No target).",
    "floor": f"The floor (minimum standard) applied, {_IN_UNIT}; empty when the measure has none.",
    "status": "Green, Amber, Red, No data or No target for a kpi; Within range, Above range, Below range, "
              "No data or Not rated for an activity indicator.",
    "previous_value": f"The figure for the comparison period (see comparator_period), {_IN_UNIT}; empty when "
                      "there is none.",
    "direction": "Direction of travel against the comparison period: Improved, Declined or No change for a "
                 "kpi, Increased, Decreased or No change for activity; empty when either figure is missing.",
    "forecast": "Whether the year's target is likely, may or is unlikely to be met; empty for activity "
                "indicators and unrated measures.",
    "previous_status": "The status at the previous report (or the preceding period); empty when that period "
                       "has no row.",
    "cohort": "The cohort this row covers (such as excluding UASC); empty for the whole measure.",
    "period_label": "The period as the paper prints it, such as April 2017, Q3 2017/18 or 2016/17.",
    "polarity": "higher or lower: which direction is better; empty for activity indicators.",
    "unit": "The indicator's unit: percent, number, days, rate or currency.",
    "decimals": "How many decimal places the figures are shown and rated at (a whole number from 0 to 6).",
    "rule": "How the status was reached: floor, bands (with the tolerances), target, range, own range "
            "(the row's own expected range) or why it was not rated.",
    "comparator_period": "The period previous_value comes from, as YYYY-MM; empty when there is no figure for it.",
    "previous_period": "The period of the previous report used for previous_status, as YYYY-MM; empty when "
                       "there is none.",
    "forecast_given": "yes when the forecast is the data's own, no when reportgen derived it from the status.",
    "key": "yes for a key indicator (shown in the paper's summary), otherwise no.",
    "commentary": "The commentary (exception report) for the period, as written in the data; empty when "
                  "there is none.",
    "green_from": f"The figure at or beyond which the measure is Green, as applied, {_IN_UNIT}; "
                  "empty when the measure is not rated Red, Amber or Green.",
    "amber_from": f"The figure at or beyond which the measure is Amber (the floor, or the amber tolerance), "
                  f"{_IN_UNIT}; empty when there is no Amber or the measure is not rated.",
    "numerator": "The count the percentage is made of, for the period; empty when the data does not give it.",
    "denominator": "The count the percentage is out of, for the period; empty when the data does not give it.",
    "ytd": f"The year-to-date figure for the period, {_IN_UNIT}; empty when the data does not give one.",
    "outturn": f"The figure rated on at the end of the last complete financial year (March), {_IN_UNIT}; "
               "empty when the data has no figure for that month.",
    "outturn_period": "The month the outturn is for, as YYYY-MM (2017-03 is the year 2016/17); empty when "
                      "outturn is empty.",
    "basis": "What the figure covers: snapshot (at the period's end), ytd (year to date), rolling12 "
             "(the last 12 months) or period (the period alone).",
    "rate_on": "The figure the status is judged on: value (the period's) or ytd (the year to date).",
    "expected_low": f"The bottom of the expected range applied to an activity indicator, {_IN_UNIT}; empty "
                    "for a kpi or when the range has no bottom.",
    "expected_high": f"The top of the expected range applied to an activity indicator, {_IN_UNIT}; empty "
                     "for a kpi or when the range has no top.",
    "england": f"The England average for comparison, {_IN_UNIT}; empty when the data gives none.",
    "neighbours": f"The statistical neighbours' average for comparison, {_IN_UNIT}; empty when the data "
                  "gives none.",
    "owner": "Who is responsible for the indicator; empty when the data names nobody.",
    "definition": "How the indicator is defined and counted; empty when the data gives no definition.",
}

DICTIONARY_HEADER = ("column", "meaning")


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
        "green_from": _number(score.green_from), "amber_from": _number(score.amber_from),
        "numerator": _number(score.numerator), "denominator": _number(score.denominator),
        "ytd": _number(score.ytd), "outturn": _number(score.outturn),
        "outturn_period": str(score.outturn_period) if score.outturn is not None else "",
        "basis": ind.basis, "rate_on": ind.rate_on,
        "expected_low": _number(score.expected_low), "expected_high": _number(score.expected_high),
        "england": _number(ind.england), "neighbours": _number(ind.neighbours),
        "owner": ind.owner, "definition": ind.definition,
    }


def dictionary_rows() -> list[tuple[str, str]]:
    """(column, meaning) for every column of the score table, in column order (no header row)."""
    return [(column, DATA_DICTIONARY[column]) for column in COLUMNS]


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
