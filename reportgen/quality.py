"""Data-quality warnings: figures that load but deserve a second look before publication.

Pure functions over a Dataset; `reportgen check` prints them and `--strict`
fails on them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from statistics import median

from .errors import Problem
from .model import Dataset, Indicator, Observation
from .periods import FREQUENCY_MONTHS, Period
from .scoring import own_period, rated_figure

OUTLIER_SPREAD = 6.0  # robust z-score beyond which a value is "far outside its history"
OUTLIER_SHARE = 0.25  # ...and at least this share of the usual level away, so a steady series' small step is no alarm
MIN_HISTORY = 6  # fewer earlier values than this and no judgement is made
OUTLIER_HISTORY = 12  # the latest value is judged against up to this many values before it


def _series(dataset: Dataset) -> dict[tuple[str, str], list[Observation]]:
    grouped: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for obs in dataset.observations:
        grouped[(obs.id, obs.cohort)].append(obs)
    return {key: sorted(rows, key=lambda o: o.period) for key, rows in grouped.items()}


def _name(indicator: Indicator, cohort: str) -> str:
    return f"{indicator.id} ({cohort})" if cohort else indicator.id


def _gaps(ind: Indicator, cohort: str, rows: list[Observation], source: str) -> list[Problem]:
    step = FREQUENCY_MONTHS.get(ind.frequency, 1)
    present = {o.period for o in rows}
    first, last = rows[0].period, rows[-1].period
    missing = [first.shift(m) for m in range(step, last.months_since(first), step)
               if first.shift(m) not in present]
    if not missing:
        return []
    listed = ", ".join(p.label(ind.frequency) for p in missing[:6]) + (" ..." if len(missing) > 6 else "")
    after = next(o for o in rows if o.period > missing[0])  # the row the gap is just above
    return [Problem(source, f"{_name(ind, cohort)} has no row for {listed}, in the middle of its series "
                            f"({first.label(ind.frequency)} to {last.label(ind.frequency)})", after.row or None,
                    "period")]


def _outlier(ind: Indicator, cohort: str, rows: list[Observation], source: str) -> list[Problem]:
    valued = [o for o in rows if o.value is not None]
    if len(valued) <= MIN_HISTORY:
        return []
    latest, earlier = valued[-1], [o.value for o in valued[-OUTLIER_HISTORY - 1:-1]]
    centre = median(earlier)
    spread = median(abs(v - centre) for v in earlier) * 1.4826
    distance = abs(latest.value - centre)
    far = distance > max(OUTLIER_SPREAD * spread, OUTLIER_SHARE * abs(centre), 1e-9)
    if not far:
        return []
    return [Problem(source, f"{_name(ind, cohort)}: {latest.value:g} for {latest.period.label(ind.frequency)} is far "
                            f"outside its history (median of the previous {len(earlier)} values {centre:g}); "
                            "check it is not a typing or unit error", latest.row or None, "value")]


def _stale(ind: Indicator, rows: list[Observation], period: Period, source: str) -> list[Problem]:
    step = FREQUENCY_MONTHS.get(ind.frequency, 1)
    valued = [o for o in rows if rated_figure(ind, o) is not None and o.period <= period]
    latest = max(valued, key=lambda o: o.period) if valued else None
    if latest and period.months_since(latest.period) < step:
        return []
    expected = own_period(ind, {o.period: o for o in rows}, period).label(ind.frequency)
    message = f"{ind.id} ({ind.name}) has no value for {expected}"
    if latest:
        message += f"; its latest value is for {latest.period.label(ind.frequency)}"
    message += ", so it shows as No data"
    return [Problem(source, message, latest.row or None if latest else None, "period")]


def data_quality_warnings(dataset: Dataset, period: Period | None = None) -> list[Problem]:
    """What loaded but deserves a look: the loader's own notes (an encoding guessed), gaps in a
    series, values far outside their history, stale data. Impossible figures (a percentage above
    100, negative days) are not here: the loader refuses them as errors."""
    period = period or dataset.latest_period
    indicators = {i.id: i for i in dataset.indicators}
    source = dataset.value_source
    warnings: list[Problem] = list(dataset.warnings)
    series = _series(dataset)
    for (ident, cohort), rows in series.items():
        ind = indicators[ident]
        warnings += _gaps(ind, cohort, rows, source)
        warnings += _outlier(ind, cohort, [o for o in rows if period is None or o.period <= period], source)
    if period is not None:
        for ind in dataset.indicators:
            warnings += _stale(ind, series.get((ind.id, ""), []), period, source)
    if dataset.indicator_source == dataset.value_source:
        # One wide sheet: a value sits under its period's header, not in a 'value' or 'period' column.
        warnings = [replace(w, column=None) if w.file == source else w for w in warnings]
    return warnings
