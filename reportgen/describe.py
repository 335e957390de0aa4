"""Sentences that say what a chart shows, written from the data behind it.

They serve as alt text in the cover report and as visible captions under the
charts in the scorecard, so a reader who cannot see the chart loses nothing.
Pure functions: the same data always gives the same sentence.
"""

from __future__ import annotations

from collections.abc import Mapping

from .formatting import capitalised, format_value, join_words, number_words, plural, rounded
from .model import AMBER, GREEN, NO_DATA, NO_TARGET, RED, Point, Score

_COUNT_ORDER = (GREEN, AMBER, RED)


def describe_trend(score: Score) -> str:
    """A sentence on the history with the target and floor (or the tolerance's thresholds), then any gaps.

    ``Rose from 20.1% in May 2016 to 24.3% in April 2017; target 20.0%, floor 25.0%.``
    Movement is judged on the values as displayed, so 20.04% to 20.01% at one
    decimal place reads as unchanged, as it would to someone reading the table.
    """
    ind = score.indicator
    known = [p for p in score.history if p.value is not None]
    sentence = _movement(known, ind.unit, ind.decimals, ind.frequency) + _thresholds(score)
    missing = len(score.history) - len(known)
    if known and missing:
        verb = "has" if missing == 1 else "have"
        sentence += (f" {capitalised(number_words(missing))} of the {number_words(len(score.history))} "
                     f"periods shown {verb} no data.")
    return sentence


def _movement(known: list[Point], unit: str, decimals: int, frequency: str) -> str:
    if not known:
        return "No data for the periods shown"
    last = known[-1]
    last_text = f"{format_value(last.value, unit, decimals)} in {last.period.in_words(frequency)}"
    if len(known) == 1:
        return f"Only one figure: {last_text}"
    first = known[0]
    first_text = f"{format_value(first.value, unit, decimals)} in {first.period.in_words(frequency)}"
    start, end = rounded(first.value, decimals), rounded(last.value, decimals)
    if end > start:
        return f"Rose from {first_text} to {last_text}"
    if end < start:
        return f"Fell from {first_text} to {last_text}"
    return (f"Unchanged at {format_value(last.value, unit, decimals)} from "
            f"{first.period.in_words(frequency)} to {last.period.in_words(frequency)}")


def _thresholds(score: Score) -> str:
    ind = score.indicator
    parts = []
    if score.target is not None:
        parts.append(f"target {format_value(score.target, ind.unit, ind.decimals)}")
    elif ind.kind == "kpi":
        parts.append("no target")
    if score.floor is not None:
        parts.append(f"floor {format_value(score.floor, ind.unit, ind.decimals)}")
    elif ind.kind == "kpi" and score.amber_from is not None:  # rated by tolerance: the lines its chart draws
        if score.green_from is not None and score.green_from != score.target:
            parts.append(f"Green from {format_value(score.green_from, ind.unit, ind.decimals)}")
        parts.append(f"Amber from {format_value(score.amber_from, ind.unit, ind.decimals)}")
    if ind.kind == "activity" and ind.expected_low is not None and ind.expected_high is not None:
        low = format_value(ind.expected_low, ind.unit, ind.decimals)
        high = format_value(ind.expected_high, ind.unit, ind.decimals)
        parts.append(f"expected range {low} to {high}")
    return f"; {', '.join(parts)}." if parts else "."


def describe_rag_counts(counts: Mapping[str, int], period_label: str) -> str:
    """``Of 45 measures in April 2017, 19 are Green, 19 Amber and five Red; two have no data.``"""
    rated = [(name, int(counts.get(name, 0))) for name in _COUNT_ORDER]
    no_data = int(counts.get(NO_DATA, 0))
    no_target = int(counts.get(NO_TARGET, 0))
    total = sum(n for _, n in rated) + no_data + no_target
    if total == 0:
        return f"No measures to show for {period_label}."
    shown = [(name, n) for name, n in rated if n]  # "zero Amber" reads badly: leave it out
    sentence = f"Of {plural(total, 'measure')} in {period_label}, "
    if shown:
        first = shown[0][1]
        parts = [f"{number_words(n)} {name}" for name, n in shown]
        parts[0] = f"{number_words(first)} {'is' if first == 1 else 'are'} {shown[0][0]}"
        sentence += join_words(parts)
    else:
        sentence += "none is rated Green, Amber or Red"
    extras = []
    if no_data:
        extras.append(f"{number_words(no_data)} {'has' if no_data == 1 else 'have'} no data")
    if no_target:
        extras.append(f"{number_words(no_target)} {'has' if no_target == 1 else 'have'} no target")
    return sentence + (f"; {join_words(extras)}." if extras else ".")
