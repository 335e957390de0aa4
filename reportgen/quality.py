"""Data-quality warnings: figures that load but deserve a second look before publication.

Pure functions over a Dataset; `reportgen check` prints them and `--strict`
fails on them.
"""

from __future__ import annotations

from collections import defaultdict
from statistics import median

from .errors import Problem
from .model import Dataset, Indicator, Observation
from .periods import FREQUENCY_MONTHS, Period
from .scoring import own_period

OUTLIER_SPREAD = 6.0  # robust z-score beyond which a value is "far outside its history"
OUTLIER_SHARE = 0.25  # ...and at least this share of the usual level away, so a steady series' small step is no alarm
MIN_HISTORY = 6  # fewer earlier values than this and no judgement is made


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
    return [Problem(source, f"{_name(ind, cohort)} has no row for {listed}, in the middle of its series "
                            f"({first.label(ind.frequency)} to {last.label(ind.frequency)})", None, "period")]


def _outlier(ind: Indicator, cohort: str, rows: list[Observation], source: str) -> list[Problem]:
    valued = [o for o in rows if o.value is not None]
    if len(valued) <= MIN_HISTORY:
        return []
    latest, earlier = valued[-1], [o.value for o in valued[-13:-1]]
    centre = median(earlier)
    spread = median(abs(v - centre) for v in earlier) * 1.4826
    distance = abs(latest.value - centre)
    far = distance > max(OUTLIER_SPREAD * spread, OUTLIER_SHARE * abs(centre), 1e-9)
    if not far:
        return []
    return [Problem(source, f"{_name(ind, cohort)}: {latest.value:g} for {latest.period.label(ind.frequency)} is far "
                            f"outside its history (median of the previous {len(earlier)} values {centre:g}); "
                            "check it is not a typing or unit error", latest.row or None, "value")]


def _percent_range(ind: Indicator, rows: list[Observation], source: str) -> list[Problem]:
    if ind.unit != "percent":
        return []
    return [Problem(source, f"{ind.id}: {o.value:g} is not a percentage between 0 and 100 "
                            "(percentages are written in points: 85.3, not 0.853)", o.row or None, "value")
            for o in rows if o.value is not None and not 0 <= o.value <= 100]


def _stale(ind: Indicator, rows: list[Observation], period: Period, source: str) -> list[Problem]:
    step = FREQUENCY_MONTHS.get(ind.frequency, 1)
    valued = [o.period for o in rows if o.value is not None and o.period <= period]
    if valued and period.months_since(max(valued)) < step:
        return []
    expected = own_period(ind, {o.period: o for o in rows}, period).label(ind.frequency)
    message = f"{ind.id} ({ind.name}) has no value for {expected}"
    if valued:
        message += f"; its latest value is for {max(valued).label(ind.frequency)}"
    message += ", so it shows as No data"
    return [Problem(source, message, None, "period")]


def data_quality_warnings(dataset: Dataset, period: Period | None = None) -> list[Problem]:
    """Gaps in a series, values far outside their history, impossible percentages, stale data."""
    period = period or dataset.latest_period
    indicators = {i.id: i for i in dataset.indicators}
    source = dataset.value_source
    warnings: list[Problem] = []
    series = _series(dataset)
    for (ident, cohort), rows in series.items():
        ind = indicators[ident]
        warnings += _gaps(ind, cohort, rows, source)
        warnings += _outlier(ind, cohort, [o for o in rows if period is None or o.period <= period], source)
        warnings += _percent_range(ind, rows, source)
    if period is not None:
        for ind in dataset.indicators:
            warnings += _stale(ind, series.get((ind.id, ""), []), period, source)
    return warnings
