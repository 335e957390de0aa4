"""The rating rules: pure functions of values, targets and floors. No I/O.

Every comparison is made on values *as they will be displayed* (rounded half up
to the indicator's decimals), so a reader never sees 80.0% marked Amber against
a target of 80%.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .formatting import rounded as displayed
from .model import (
    ABOVE, AMBER, BELOW, DECLINED, DECREASED, GREEN, IMPROVED, INCREASED, NO_CHANGE, NO_DATA,
    NO_RANGE, NO_TARGET, RAG, RED, WITHIN, Band, Dataset, Indicator, Observation, Point, Rule, Score, ScoreSet,
    Summary,
)
from .periods import FREQUENCY_MONTHS, Period

__all__ = [
    "displayed", "kpi_status", "activity_status", "direction", "derived_forecast",
    "threshold_problems", "thresholds", "rated_figure", "outturn_period", "score_dataset",
    "HISTORY_LENGTH",
]

HISTORY_LENGTH = 13  # periods of history a score carries by default: a year and the same month before it
_FORECAST_FROM_STATUS = {GREEN: "likely", AMBER: "may", RED: "unlikely"}
_NO_BAND = Band(0.0, False)


def _meets(value: Decimal, threshold: Decimal, polarity: str) -> bool:
    return value >= threshold if polarity == "higher" else value <= threshold


def _shortfall(value: Decimal, target: Decimal, polarity: str) -> Decimal:
    """How far the value is on the wrong side of the target (0 when it meets it)."""
    gap = target - value if polarity == "higher" else value - target
    return max(gap, Decimal(0))


def _band_limit(band: Band, target: Decimal) -> Decimal:
    amount = Decimal(repr(band.amount))
    return abs(target) * amount / 100 if band.relative else amount


def kpi_status(
    value: float | None,
    target: float | None,
    *,
    polarity: str,
    decimals: int,
    floor: float | None = None,
    green: Band | None = None,
    amber: Band | None = None,
) -> str:
    """Green, Amber, Red, No data or No target for one KPI figure.

    A floor (minimum standard) decides Amber from Red when given; otherwise
    tolerance bands do; with neither, the target alone gives Green or Red.
    """
    if value is None:
        return NO_DATA
    if target is None:
        return NO_TARGET
    shown, aim = displayed(value, decimals), displayed(target, decimals)
    if _meets(shown, aim, polarity):
        return GREEN
    if floor is not None:
        return AMBER if _meets(shown, displayed(floor, decimals), polarity) else RED
    if green is None and amber is None:
        return RED
    shortfall = _shortfall(shown, aim, polarity)
    if shortfall <= _band_limit(green or _NO_BAND, aim):
        return GREEN
    if amber is not None and shortfall <= _band_limit(amber, aim):
        return AMBER
    return RED


def activity_status(
    value: float | None, low: float | None, high: float | None, *, decimals: int
) -> str:
    """Within, above or below an activity indicator's expected range."""
    if value is None:
        return NO_DATA
    shown = displayed(value, decimals)
    if low is not None and shown < displayed(low, decimals):
        return BELOW
    if high is not None and shown > displayed(high, decimals):
        return ABOVE
    return WITHIN


def direction(
    current: float | None,
    previous: float | None,
    *,
    kind: str,
    polarity: str | None,
    decimals: int,
) -> str:
    """Direction of travel: Improved/Declined for KPIs, Increased/Decreased for activity."""
    if current is None or previous is None:
        return ""
    now, before = displayed(current, decimals), displayed(previous, decimals)
    if now == before:
        return NO_CHANGE
    if kind == "activity" or polarity is None:
        return INCREASED if now > before else DECREASED
    return IMPROVED if _meets(now, before, polarity) else DECLINED


def derived_forecast(status: str) -> str:
    """Green -> likely, Amber -> may, Red -> unlikely to meet the year's target."""
    return _FORECAST_FROM_STATUS.get(status, "")


def threshold_problems(
    target: float | None,
    floor: float | None,
    polarity: str | None,
    green: Band | None = None,
    amber: Band | None = None,
) -> list[str]:
    """What is wrong with a set of thresholds, in words a data owner can act on."""
    problems = []
    if floor is not None and target is None:
        problems.append(f"a floor ({floor:g}) is given but no target; a floor is a minimum standard below a target")
    if floor is not None and target is not None and polarity in ("higher", "lower"):
        wrong = floor > target if polarity == "higher" else floor < target
        if wrong:
            side, should = ("above", "at or below") if polarity == "higher" else ("below", "at or above")
            problems.append(
                f"the floor {floor:g} is {side} the target {target:g}; when {polarity} is better "
                f"the floor must be {should} the target"
            )
    if green and amber and green.relative == amber.relative and amber.amount < green.amount:
        problems.append(f"the amber band {amber} is narrower than the green band {green}; amber must be at least as wide")
    return problems


# --- scoring a whole dataset --------------------------------------------------------------

Series = Mapping[Period, Observation]


def _step(indicator: Indicator) -> int:
    return FREQUENCY_MONTHS.get(indicator.frequency, 1)


def own_period(indicator: Indicator, series: Series, report: Period) -> Period:
    """The indicator's latest period within its frequency window ending at the report period."""
    step = _step(indicator)
    in_window = [p for p in series if 0 <= report.months_since(p) < step]
    if in_window:
        return max(in_window)
    if step == 1:
        return report
    # No figure yet: the period it *should* have (quarter or financial year ending on or before).
    months_back = (report.month - 3) % step
    return report.shift(-months_back)


def rated_figure(indicator: Indicator, obs: Observation | None) -> float | None:
    """The figure the status is judged on: the period's value, or its year to date (``rate_on``)."""
    if obs is None:
        return None
    return obs.ytd if indicator.rate_on == "ytd" else obs.value


def thresholds(
    target: float | None,
    *,
    polarity: str,
    decimals: int,
    floor: float | None = None,
    green: Band | None = None,
    amber: Band | None = None,
) -> tuple[float | None, float | None]:
    """(green_from, amber_from): the figures ``kpi_status`` applies, as displayed, in the unit.

    Green at or beyond ``green_from``, Amber at or beyond ``amber_from`` (None:
    there is no Amber), Red otherwise; "beyond" follows the polarity.
    """
    if target is None:
        return None, None
    aim = displayed(target, decimals)
    if floor is not None:
        return float(aim), float(displayed(floor, decimals))
    if green is None and amber is None:
        return float(aim), None
    worse = -1 if polarity == "higher" else 1  # the direction of a shortfall
    green_from = aim + worse * _band_limit(green or _NO_BAND, aim)
    amber_from = aim + worse * _band_limit(amber, aim) if amber is not None else None
    return float(green_from), (float(amber_from) if amber_from is not None else None)


@dataclass(frozen=True)
class _Rated:
    status: str
    how: str  # how the status was reached: "floor", "bands ...", "target", "range"
    target: float | None
    floor: float | None
    green_from: float | None = None
    amber_from: float | None = None
    expected_low: float | None = None  # the activity range applied
    expected_high: float | None = None


def _activity(indicator: Indicator, obs: Observation | None, cohort: str, value: float | None,
              target: float | None, floor: float | None) -> _Rated:
    """An activity figure against its range: the row's own, else (for the whole measure) the indicator's."""
    low = obs.expected_low if obs else None
    high = obs.expected_high if obs else None
    own = low is not None or high is not None
    if cohort and not own and value is not None:
        return _Rated(NO_RANGE, "range set for the whole measure", target, floor)
    if not cohort:
        low = low if low is not None else indicator.expected_low
        high = high if high is not None else indicator.expected_high
    status = activity_status(value, low, high, decimals=indicator.decimals)
    return _Rated(status, "own range" if own else "range", target, floor, expected_low=low, expected_high=high)


def _rating(indicator: Indicator, obs: Observation | None, rule: Rule | None, cohort: str = "") -> _Rated:
    """The status of one observation, how it was reached and the thresholds applied."""
    value = rated_figure(indicator, obs)
    target = obs.target if obs and obs.target is not None else indicator.target
    floor = obs.floor if obs and obs.floor is not None else indicator.floor
    if indicator.kind == "activity":
        return _activity(indicator, obs, cohort, value, target, floor)
    green, amber, how = None, None, "target"
    if floor is not None:
        how = "floor"
    elif indicator.green_band or indicator.amber_band:
        green, amber = indicator.green_band, indicator.amber_band
        how = f"bands {Rule(green or _NO_BAND, amber)}"
    elif rule is not None:
        green, amber = rule.green, rule.amber
        how = f"bands {rule}"
    rules = dict(polarity=indicator.polarity or "higher", decimals=indicator.decimals,
                 floor=floor, green=green, amber=amber)
    status = kpi_status(value, target, **rules)
    green_from, amber_from = thresholds(target, **rules) if status in RAG else (None, None)
    return _Rated(status, how, target, floor, green_from, amber_from)


def _history(series: Series, upto: Period, length: int, indicator: Indicator) -> tuple[Point, ...]:
    periods = sorted(p for p in series if p <= upto)[-length:]
    points = []
    for p in periods:
        obs = series[p]
        points.append(Point(
            p, rated_figure(indicator, obs),
            obs.target if obs.target is not None else indicator.target,
            obs.floor if obs.floor is not None else indicator.floor,
        ))
    return tuple(points)


def outturn_period(period: Period) -> Period:
    """March of the last financial year complete at or before ``period`` (2017-03 for 2017-03 to 2018-02)."""
    return Period(period.year if period.month >= 3 else period.year - 1, 3)


def _score_series(
    indicator: Indicator, cohort: str, series: Series, report: Period,
    rule: Rule | None, previous_report: Period | None, history_length: int,
) -> Score:
    own = own_period(indicator, series, report)
    obs = series.get(own)
    rated = _rating(indicator, obs, rule, cohort)
    lag = 12 if indicator.compare_with == "last_year" else _step(indicator)
    comparator = own.shift(-lag)
    comparator_obs = series.get(comparator)
    previous_value = rated_figure(indicator, comparator_obs)
    before = own_period(indicator, series, previous_report) if previous_report else own.shift(-_step(indicator))
    previous_status = _rating(indicator, series.get(before), rule, cohort).status if before in series else ""
    given = bool(obs and obs.forecast)
    forecast = obs.forecast if given else ("" if indicator.kind == "activity" else derived_forecast(rated.status))
    year_end = outturn_period(own)
    return Score(
        indicator=indicator, cohort=cohort, period=own, value=obs.value if obs else None,
        target=rated.target, floor=rated.floor, status=rated.status, rule=rated.how,
        comparator_period=comparator if comparator_obs else None, previous_value=previous_value,
        direction=direction(rated_figure(indicator, obs), previous_value, kind=indicator.kind,
                            polarity=indicator.polarity, decimals=indicator.decimals),
        forecast=forecast, forecast_given=given,
        previous_period=before if before in series else None, previous_status=previous_status,
        commentary=obs.commentary if obs else "",
        numerator=obs.numerator if obs else None, denominator=obs.denominator if obs else None,
        history=_history(series, own, history_length, indicator),
        green_from=rated.green_from, amber_from=rated.amber_from,
        ytd=obs.ytd if obs else None,
        outturn=rated_figure(indicator, series.get(year_end)), outturn_period=year_end,
        expected_low=rated.expected_low, expected_high=rated.expected_high,
    )


def _series_by_measure(observations: Iterable[Observation]) -> dict[str, dict[str, dict[Period, Observation]]]:
    """id -> cohort -> period -> observation, cohorts in order of first appearance."""
    grouped: dict[str, dict[str, dict[Period, Observation]]] = defaultdict(dict)
    for obs in observations:
        grouped[obs.id].setdefault(obs.cohort, {})[obs.period] = obs
    return grouped


def summarise(scores: Iterable[Score], period: Period) -> Summary:
    """Counts per status, direction and group, over whole measures only."""
    measures = [s for s in scores if not s.cohort]
    status_counts = Counter(s.status for s in measures)
    direction_counts = Counter(s.direction for s in measures if s.direction)
    groups: dict[str, Counter] = defaultdict(Counter)
    for s in measures:
        groups[s.indicator.group][s.status] += 1
    rated = sum(status_counts[s] for s in (GREEN, AMBER, RED))
    return Summary(
        period=period,
        status_counts=dict(status_counts),
        direction_counts=dict(direction_counts),
        group_counts={g: dict(c) for g, c in groups.items()},
        rated=rated,
        no_data=status_counts[NO_DATA],
        kpis=sum(1 for s in measures if s.indicator.kind == "kpi"),
        activities=sum(1 for s in measures if s.indicator.kind == "activity"),
    )


def score_dataset(
    dataset: Dataset,
    period: Period | None = None,
    rule: Rule | None = None,
    previous_period: Period | None = None,
    history_length: int = HISTORY_LENGTH,
) -> ScoreSet:
    """Score every indicator (and each cohort variant) for the reporting period.

    ``rule`` is the council's default RAG rule, used where an indicator has
    neither a floor nor bands of its own. ``previous_period`` is the period of
    the previous report, for "was Red, now Amber"; by default each indicator's
    preceding period. ``history_length`` is how many periods of history each
    score carries (13 by default; 60 months or 20 quarters for five years).
    """
    if history_length < 1:
        raise ValueError(f"history_length {history_length} is too short; a score needs at least its own period")
    report = period or dataset.latest_period
    if report is None:
        raise ValueError("the data holds no values, so there is no period to report on")
    by_measure = _series_by_measure(dataset.observations)
    scores: list[Score] = []
    warnings: list[str] = [str(note) for note in dataset.warnings]  # the loader's (an encoding guessed)
    for indicator in dataset.indicators:
        cohorts = by_measure.get(indicator.id, {})
        for cohort in ["", *(c for c in cohorts if c)]:
            score = _score_series(indicator, cohort, cohorts.get(cohort, {}), report, rule,
                                  previous_period, history_length)
            scores.append(score)
            if score.status == NO_DATA and not cohort:
                warnings.append(f"indicator {indicator.id} ({indicator.name}) has no value for {score.period_label}")
    return ScoreSet(report, tuple(scores), summarise(scores, report), tuple(warnings))
