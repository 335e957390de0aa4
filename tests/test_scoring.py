"""The rating rules, case by case, with every boundary; and their properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.model import NO_RANGE, Band, Dataset, Indicator, Observation, Rule
from reportgen.periods import Period
from reportgen.scoring import (
    activity_status, derived_forecast, direction, kpi_status, outturn_period, score_dataset, threshold_problems,
    thresholds,
)

TEN_PERCENT = Band(10, True)


@pytest.mark.parametrize(
    "value, target, floor, polarity, decimals, expected",
    [
        # Target and floor (Kent): on target is Green, exactly on the floor is Amber.
        (80.0, 80, 70, "higher", 1, "Green"),
        (79.9, 80, 70, "higher", 1, "Amber"),
        (70.0, 80, 70, "higher", 1, "Amber"),
        (69.9, 80, 70, "higher", 1, "Red"),
        (95.2, 80, 70, "higher", 1, "Green"),
        # Lower is better: under the target is Green, over the floor is Red.
        (400, 400, 450, "lower", 0, "Green"),
        (401, 400, 450, "lower", 0, "Amber"),
        (450, 400, 450, "lower", 0, "Amber"),
        (451, 400, 450, "lower", 0, "Red"),
        (12, 400, 450, "lower", 0, "Green"),
        # Compared as displayed: 79.96% shows as 80.0%, so it meets 80%.
        (79.96, 80, 70, "higher", 1, "Green"),
        (79.94, 80, 70, "higher", 1, "Amber"),
        (79.95, 80, 70, "higher", 1, "Green"),  # half rounds up, not to even
        (69.95, 80, 70, "higher", 1, "Amber"),
        (69.94, 80, 70, "higher", 1, "Red"),
        (400.4, 400, 450, "lower", 0, "Green"),
        (400.5, 400, 450, "lower", 0, "Amber"),
        (450.49, 400, 450, "lower", 0, "Amber"),
        (450.5, 400, 450, "lower", 0, "Red"),
    ],
)
def test_target_and_floor(value, target, floor, polarity, decimals, expected):
    assert kpi_status(value, target, floor=floor, polarity=polarity, decimals=decimals) == expected


@pytest.mark.parametrize(
    "value, target, polarity, green, amber, expected",
    [
        # green 0 / amber 10% of target (Bucks): target 80 -> amber down to 72.
        (80, 80, "higher", Band(0, False), TEN_PERCENT, "Green"),
        (79.9, 80, "higher", Band(0, False), TEN_PERCENT, "Amber"),
        (72, 80, "higher", Band(0, False), TEN_PERCENT, "Amber"),
        (71.9, 80, "higher", Band(0, False), TEN_PERCENT, "Red"),
        # green 5% / amber 10%: target 80 -> green to 76, amber to 72.
        (76, 80, "higher", Band(5, True), TEN_PERCENT, "Green"),
        (75.9, 80, "higher", Band(5, True), TEN_PERCENT, "Amber"),
        # lower is better, 10% of 20 = 2 above the target is still Amber.
        (22, 20, "lower", Band(0, False), TEN_PERCENT, "Amber"),
        (22.1, 20, "lower", Band(0, False), TEN_PERCENT, "Red"),
        (19, 20, "lower", Band(0, False), TEN_PERCENT, "Green"),
        # absolute bands, in the indicator's unit: 2 points either side.
        (78, 80, "higher", Band(2, False), Band(5, False), "Green"),
        (77.9, 80, "higher", Band(2, False), Band(5, False), "Amber"),
        (75, 80, "higher", Band(2, False), Band(5, False), "Amber"),
        (74.9, 80, "higher", Band(2, False), Band(5, False), "Red"),
        (33, 30, "lower", Band(0, False), Band(3, False), "Amber"),
        (33.1, 30, "lower", Band(0, False), Band(3, False), "Red"),
        # a green band with no amber band: Green or Red only.
        (77, 80, "higher", Band(5, True), None, "Green"),
        (75.9, 80, "higher", Band(5, True), None, "Red"),
    ],
)
def test_bands(value, target, polarity, green, amber, expected):
    assert kpi_status(value, target, polarity=polarity, decimals=1, green=green, amber=amber) == expected


def test_bands_compare_rounded_values():
    # 71.96 shows as 72.0, which is exactly 10% short of 80: Amber, not Red.
    assert kpi_status(71.96, 80, polarity="higher", decimals=1, green=Band(0, False), amber=TEN_PERCENT) == "Amber"
    assert kpi_status(71.94, 80, polarity="higher", decimals=1, green=Band(0, False), amber=TEN_PERCENT) == "Red"


@pytest.mark.parametrize(
    "value, polarity, expected",
    [(80, "higher", "Green"), (79.9, "higher", "Red"), (80, "lower", "Green"), (80.1, "lower", "Red")],
)
def test_target_only(value, polarity, expected):
    assert kpi_status(value, 80, polarity=polarity, decimals=1) == expected


def test_missing_value_and_missing_target():
    assert kpi_status(None, 80, floor=70, polarity="higher", decimals=1) == "No data"
    assert kpi_status(75, None, polarity="higher", decimals=1) == "No target"
    assert kpi_status(None, None, polarity="higher", decimals=1) == "No data"


@pytest.mark.parametrize(
    "value, expected",
    [(None, "No data"), (99, "Below range"), (100, "Within range"), (150, "Within range"),
     (200, "Within range"), (200.4, "Within range"), (200.5, "Above range")],
)
def test_activity_range(value, expected):
    assert activity_status(value, 100, 200, decimals=0) == expected


def test_activity_with_one_sided_range():
    assert activity_status(5000, None, 200, decimals=0) == "Above range"
    assert activity_status(1, 100, None, decimals=0) == "Below range"
    assert activity_status(5000, 100, None, decimals=0) == "Within range"


@pytest.mark.parametrize(
    "current, previous, kind, polarity, expected",
    [
        (81, 80, "kpi", "higher", "Improved"),
        (79, 80, "kpi", "higher", "Declined"),
        (79, 80, "kpi", "lower", "Improved"),
        (81, 80, "kpi", "lower", "Declined"),
        (80.04, 79.96, "kpi", "higher", "No change"),  # both show as 80.0
        (120, 100, "activity", None, "Increased"),
        (90, 100, "activity", None, "Decreased"),
        (100, 100, "activity", None, "No change"),
        (100, None, "kpi", "higher", ""),
        (None, 100, "kpi", "higher", ""),
    ],
)
def test_direction(current, previous, kind, polarity, expected):
    assert direction(current, previous, kind=kind, polarity=polarity, decimals=1) == expected


def test_forecast_derived_from_status():
    assert [derived_forecast(s) for s in ("Green", "Amber", "Red", "No data")] == ["likely", "may", "unlikely", ""]


@pytest.mark.parametrize(
    "target, floor, polarity, fragment",
    [
        (80, 90, "higher", "floor 90 is above the target 80"),
        (400, 350, "lower", "floor 350 is below the target 400"),
        (None, 70, "higher", "no target"),
    ],
)
def test_invalid_thresholds_are_reported(target, floor, polarity, fragment):
    problems = threshold_problems(target, floor, polarity)
    assert len(problems) == 1 and fragment in problems[0]


def test_valid_thresholds_pass():
    assert threshold_problems(80, 70, "higher") == []
    assert threshold_problems(400, 450, "lower") == []
    assert threshold_problems(80, 80, "higher") == []


def test_amber_band_narrower_than_green_is_reported():
    assert "narrower" in threshold_problems(80, None, "higher", Band(10, True), Band(5, True))[0]


def test_negative_band_is_refused():
    with pytest.raises(ValueError, match="negative"):
        Band.parse("-5%")


def test_rule_parse():
    rule = Rule.parse("green=5%, amber=10%")
    assert rule.green == Band(5, True) and rule.amber == Band(10, True)
    assert Rule.parse("amber=2").green == Band(0, False)
    with pytest.raises(ValueError):
        Rule.parse("red=5")


# --- score_dataset: periods, overrides, previous report, cohorts -------------------------

def _kpi(**kw):
    base = dict(id="K1", name="Visits on time", group="Children in Care", polarity="higher",
                unit="percent", decimals=1, target=80.0, floor=70.0)
    return Indicator(**{**base, **kw})


def _obs(period, value, **kw):
    return Observation(id=kw.pop("id", "K1"), period=Period.parse(period), value=value, **kw)


def test_score_dataset_rates_the_reporting_period_and_the_previous_one():
    data = Dataset((_kpi(),), (_obs("2017-02", 60), _obs("2017-03", 72), _obs("2017-04", 81)))
    score = score_dataset(data, Period(2017, 4)).scores[0]
    assert (score.status, score.previous_status, score.direction) == ("Green", "Amber", "Improved")
    assert score.previous_value == 72 and str(score.comparator_period) == "2017-03"
    assert score.forecast == "likely" and not score.forecast_given
    assert [p.value for p in score.history] == [60, 72, 81]


def test_previous_report_period_is_honoured():
    data = Dataset((_kpi(),), (_obs("2017-02", 60), _obs("2017-03", 72), _obs("2017-04", 81)))
    score = score_dataset(data, Period(2017, 4), previous_period=Period(2017, 2)).scores[0]
    assert score.previous_status == "Red" and str(score.previous_period) == "2017-02"


def test_per_period_target_and_floor_override_the_indicator():
    data = Dataset((_kpi(),), (_obs("2017-04", 75, target=74.0, floor=60.0),))
    score = score_dataset(data).scores[0]
    assert (score.status, score.target, score.floor) == ("Green", 74.0, 60.0)


def test_indicator_bands_beat_the_default_rule_and_floor_beats_both():
    with_floor = _kpi(id="F")
    with_bands = _kpi(id="B", floor=None, green_band=Band(0, False), amber_band=Band(20, True))
    plain = _kpi(id="P", floor=None)
    obs = tuple(_obs("2017-04", 66, id=i) for i in ("F", "B", "P"))
    scores = score_dataset(Dataset((with_floor, with_bands, plain), obs), rule=Rule(Band(0, False), TEN_PERCENT))
    assert [(s.id, s.status) for s in scores.scores] == [("F", "Red"), ("B", "Amber"), ("P", "Red")]
    assert scores.scores[2].rule == "bands green=0,amber=10%"


def test_quarterly_indicator_uses_the_latest_quarter_and_last_year_comparison():
    ind = _kpi(frequency="quarterly", compare_with="last_year")
    data = Dataset((ind,), (_obs("2016-03", 70), _obs("2016-12", 75), _obs("2017-03", 82)))
    score = score_dataset(data, Period(2017, 5)).scores[0]
    assert score.period == Period(2017, 3) and score.period_label == "Q4 2016/17"
    assert score.previous_value == 70 and score.direction == "Improved"
    assert score.previous_status == "Amber"  # Dec 2016, the preceding quarter


def test_no_value_for_the_period_is_no_data_with_a_warning():
    data = Dataset((_kpi(), _kpi(id="K2", name="Other")), (_obs("2017-04", 81), _obs("2017-03", 81, id="K2")))
    scores = score_dataset(data, Period(2017, 4))
    assert scores.scores[1].status == "No data"
    assert scores.summary.no_data == 1 and scores.summary.rated == 1
    assert any("K2" in w for w in scores.warnings)


def test_given_forecast_wins_over_the_derived_one():
    data = Dataset((_kpi(),), (_obs("2017-04", 60, forecast="may"),))
    score = score_dataset(data).scores[0]
    assert score.status == "Red" and score.forecast == "may" and score.forecast_given


def test_cohort_variants_follow_their_measure_and_are_not_counted():
    data = Dataset((_kpi(),), (_obs("2017-04", 81), _obs("2017-04", 65, cohort="excluding UASC")))
    scores = score_dataset(data)
    assert [(s.cohort, s.status) for s in scores.scores] == [("", "Green"), ("excluding UASC", "Red")]
    assert scores.summary.status_counts == {"Green": 1}


# --- properties ------------------------------------------------------------------------------

RANK = {"Red": 0, "Amber": 1, "Green": 2}
values = st.floats(min_value=0, max_value=1000, allow_nan=False, allow_infinity=False)
bands = st.builds(Band, st.floats(min_value=0, max_value=50, allow_nan=False), st.booleans())


@settings(max_examples=300, deadline=None)
@given(value=values, better=st.floats(min_value=0, max_value=100, allow_nan=False), target=values,
       gap=st.floats(min_value=0, max_value=200, allow_nan=False), polarity=st.sampled_from(["higher", "lower"]),
       decimals=st.integers(0, 2), use_floor=st.booleans(), green=bands, amber=bands)
def test_improving_a_value_never_worsens_its_status(value, better, target, gap, polarity, decimals,
                                                    use_floor, green, amber):
    floor = (target - gap if polarity == "higher" else target + gap) if use_floor else None
    improved = value + better if polarity == "higher" else value - better
    kwargs = dict(polarity=polarity, decimals=decimals, floor=floor)
    if not use_floor:
        amber = Band(max(amber.amount, green.amount), green.relative)
        kwargs.update(green=green, amber=amber)
    before = kpi_status(value, target, **kwargs)
    after = kpi_status(improved, target, **kwargs)
    assert RANK[after] >= RANK[before]


@settings(max_examples=200, deadline=None)
@given(value=values, target=values, polarity=st.sampled_from(["higher", "lower"]), decimals=st.integers(0, 2))
def test_meeting_the_target_as_displayed_is_always_green(value, target, polarity, decimals):
    from reportgen.formatting import rounded
    shown, aim = rounded(value, decimals), rounded(target, decimals)
    meets = shown >= aim if polarity == "higher" else shown <= aim
    status = kpi_status(value, target, polarity=polarity, decimals=decimals, floor=None,
                        green=Band(0, False), amber=TEN_PERCENT)
    assert (status == "Green") == meets


def test_activity_cohort_variant_is_not_judged_against_the_whole_measures_range():
    ind = Indicator(id="A1", name="Children in care", kind="activity", expected_low=1500, expected_high=1800)
    data = Dataset((ind,), (_obs("2017-04", 1700, id="A1"), _obs("2017-04", 1446, id="A1", cohort="excluding UASC")))
    assert [s.status for s in score_dataset(data).scores] == ["Within range", NO_RANGE]
    assert NO_RANGE == "Not rated (range is for the whole measure)"  # never "No range" to a reader


def test_an_activity_cohort_with_its_own_range_is_rated_against_it():
    ind = Indicator(id="A1", name="Children in care", kind="activity", expected_low=1500, expected_high=1800)
    data = Dataset((ind,), (_obs("2017-04", 1700, id="A1"),
                            _obs("2017-04", 1446, id="A1", cohort="excluding UASC", expected_low=1300, expected_high=1400)))
    cohort = score_dataset(data).scores[1]
    assert (cohort.status, cohort.rule) == ("Above range", "own range")


# --- the thresholds applied, year to date and out-turn ------------------------------------------

@pytest.mark.parametrize(
    "target, polarity, floor, green, amber, expected",
    [
        (80, "higher", 70, None, None, (80, 70)),  # floor rule: green from the target, amber from the floor
        (400, "lower", 450, None, None, (400, 450)),
        (80, "higher", None, Band(0, False), TEN_PERCENT, (80, 72)),  # 10% of 80 below it
        (20, "lower", None, Band(0, False), TEN_PERCENT, (20, 22)),  # lower is better: above the target
        (80, "higher", None, Band(5, True), TEN_PERCENT, (76, 72)),
        (30, "lower", None, Band(1, False), Band(3, False), (31, 33)),  # absolute bands, in the unit
        (80, "higher", None, Band(5, True), None, (76, None)),  # a green band alone: no Amber
        (80, "higher", None, None, None, (80, None)),  # target only
        (None, "higher", None, None, None, (None, None)),
    ],
)
def test_thresholds_are_those_kpi_status_applies(target, polarity, floor, green, amber, expected):
    assert thresholds(target, polarity=polarity, decimals=1, floor=floor, green=green, amber=amber) == expected
    if target is None:
        return
    green_from, amber_from = expected
    step = 0.1 if polarity == "higher" else -0.1
    rules = dict(polarity=polarity, decimals=1, floor=floor, green=green, amber=amber)
    assert kpi_status(green_from, target, **rules) == "Green"
    assert kpi_status(round(green_from - step, 1), target, **rules) == ("Amber" if amber_from is not None else "Red")
    if amber_from is not None:
        assert kpi_status(amber_from, target, **rules) == "Amber"
        assert kpi_status(round(amber_from - step, 1), target, **rules) == "Red"


def test_score_carries_the_thresholds_only_when_rated():
    data = Dataset((_kpi(), _kpi(id="K2", floor=None), _kpi(id="K3")),
                   (_obs("2017-04", 75), _obs("2017-04", 75, id="K2"), _obs("2017-04", None, id="K3")))
    scores = score_dataset(data, rule=Rule(Band(0, False), TEN_PERCENT)).scores
    assert [(s.green_from, s.amber_from) for s in scores] == [(80, 70), (80, 72), (None, None)]


def test_rate_on_ytd_judges_the_year_to_date_figure():
    ind = _kpi(rate_on="ytd")
    data = Dataset((ind,), (_obs("2017-03", 60, ytd=71), _obs("2017-04", 60, ytd=81),))
    score = score_dataset(data).scores[0]
    assert (score.value, score.ytd, score.status) == (60, 81, "Green")  # 60 alone would be Red
    assert (score.previous_value, score.direction, score.previous_status) == (71, "Improved", "Amber")
    assert [p.value for p in score.history] == [71, 81]


def test_outturn_is_the_rated_figure_at_the_last_march():
    data = Dataset((_kpi(),), (_obs("2016-03", 70), _obs("2017-03", 78), _obs("2017-04", 81), _obs("2018-02", 83)))
    at_april = score_dataset(data, Period(2017, 4)).scores[0]
    assert (at_april.outturn, at_april.outturn_period) == (78, Period(2017, 3))
    assert score_dataset(data, Period(2017, 3)).scores[0].outturn == 78  # March itself completes its year
    at_february = score_dataset(data, Period(2018, 2)).scores[0]
    assert (at_february.outturn, str(at_february.outturn_period)) == (78, "2017-03")
    assert outturn_period(Period(2017, 2)) == Period(2016, 3)
    missing = Dataset((_kpi(),), (_obs("2017-05", 81),))
    assert score_dataset(missing).scores[0].outturn is None


def test_history_length_gives_five_years():
    data = Dataset((_kpi(),), tuple(_obs(str(Period(2012, 4).shift(m)), 80) for m in range(72)))
    assert len(score_dataset(data).scores[0].history) == 13
    five_years = score_dataset(data, history_length=60).scores[0].history
    assert len(five_years) == 60 and str(five_years[0].period) == "2013-04"
    with pytest.raises(ValueError, match="history_length 0 is too short"):
        score_dataset(data, history_length=0)
