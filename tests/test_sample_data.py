"""The shipped sample data says what the seed papers say.

Each dataset in data/ is loaded with the real loader and scored with the real
scoring engine at its meeting's reporting period, and the facts the papers state
(counts of Green/Amber/Red, the key indicators, the measures that were Red at the
previous report, ...) are checked against the scores.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from reportgen.data import load_dataset
from reportgen.formatting import format_value
from reportgen.model import AMBER, GREEN, NO_DATA, RED, Rule
from reportgen.periods import Period
from reportgen.scoring import kpi_status, score_dataset

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
KENT_SCS = DATA / "kent-scs-2017-06"
BUCKS = DATA / "bucks-cscl-2016-12"
CARDIFF = DATA / "cardiff-cyp-2018-03" / "data.xlsx"
KENT_CC = DATA / "kent-cc-2013-09"
BUCKS_RULE = "green=0,amber=10%"
UASC = "excluding UASC"


@pytest.fixture(scope="module")
def kent_scs():
    dataset = load_dataset(KENT_SCS)
    return dataset, score_dataset(dataset, Period(2017, 4))


@pytest.fixture(scope="module")
def bucks():
    dataset = load_dataset(BUCKS)
    return dataset, score_dataset(dataset, Period(2016, 9), Rule.parse(BUCKS_RULE))


@pytest.fixture(scope="module")
def cardiff():
    dataset = load_dataset(CARDIFF)
    return dataset, score_dataset(dataset, Period(2017, 12))


@pytest.fixture(scope="module")
def kent_cc():
    dataset = load_dataset(KENT_CC)
    # The previous report was the 2012/13 end-of-year dashboard (data to March 2013).
    return dataset, score_dataset(dataset, Period(2013, 6), previous_period=Period(2013, 3))


def periods_of(dataset, indicator_id: str, cohort: str = "") -> list[Period]:
    return sorted(o.period for o in dataset.observations
                  if o.id == indicator_id and o.cohort == cohort and o.value is not None)


def by_name(scores) -> dict:
    return {s.indicator.name: s for s in scores.measures}


def statuses_of_kpis(scores) -> Counter:
    return Counter(s.status for s in scores.measures if s.indicator.kind == "kpi")


# --- seed 001: Kent Specialist Children's Services, April 2017 ------------------------------------

def test_kent_scs_has_43_rated_measures_19_green_19_amber_5_red(kent_scs):
    _, scores = kent_scs
    assert scores.summary.rated == 43
    assert scores.summary.kpis == 43
    counts = statuses_of_kpis(scores)
    assert (counts[GREEN], counts[AMBER], counts[RED]) == (19, 19, 5)
    assert sum(counts.values()) == 43  # no kpi without a rating


def test_kent_scs_rates_every_kpi_by_target_and_floor(kent_scs):
    dataset, scores = kent_scs
    kpis = [i for i in dataset.indicators if i.kind == "kpi"]
    assert all(i.floor is not None and i.target is not None for i in kpis)
    assert {s.rule for s in scores.measures if s.indicator.kind == "kpi"} == {"floor"}
    assert {i.polarity for i in kpis} == {"higher", "lower"}
    assert {i.unit for i in kpis} >= {"percent", "number", "days"}
    assert {i.basis for i in kpis} >= {"snapshot", "ytd", "rolling12"}
    assert sum(1 for i in kpis if i.england is not None) >= 10
    assert sum(1 for i in kpis if i.key) >= 5


def test_kent_scs_activity_indicators_are_not_in_the_43(kent_scs):
    _, scores = kent_scs
    activities = [s for s in scores.measures if s.indicator.kind == "activity"]
    assert len(activities) >= 3
    assert all(s.status in ("Within range", "Above range", "Below range") for s in activities)
    assert all(i.expected_low is not None and i.expected_high is not None
               for i in (s.indicator for s in activities))


def test_kent_scs_monthly_history_from_april_2015(kent_scs):
    dataset, scores = kent_scs
    for score in scores.measures:
        got = periods_of(dataset, score.id)
        assert got[0] == Period(2015, 4) and got[-1] == Period(2017, 4), score.id
        assert len(got) == 25, score.id  # every month, none missing
        assert len(score.history) == 13


def test_kent_scs_uasc_cohort_variants(kent_scs):
    _, scores = kent_scs
    variants = {s.id: s for s in scores.cohort_variants if s.cohort == UASC}
    kpi_variants = [s for s in variants.values() if s.indicator.kind == "kpi"]
    assert len(kpi_variants) >= 4
    assert {"CIC01", "CL01", "CL02", "ACT05"} <= set(variants)  # stability, EET, accommodation, per 10,000
    # The UASC page's point: without UASC, placement stability is within target.
    whole = next(s for s in scores.measures if s.id == "CIC01")
    assert (whole.status, variants["CIC01"].status) == (RED, GREEN)
    per_10000 = next(s for s in scores.measures if s.id == "ACT05")
    assert (per_10000.value, variants["ACT05"].value) == (54.6, 43.6)
    # Cohort variants are not counted in the 43.
    assert len(scores.measures) + len(scores.cohort_variants) == len(scores.scores)


def test_kent_scs_red_measures_have_exception_commentary(kent_scs):
    _, scores = kent_scs
    reds = [s for s in scores.measures if s.status == RED]
    assert len(reds) == 5
    for score in reds:
        text = score.commentary
        assert "Reason:" in text and "Action:" in text and "Expected improvement:" in text, score.id


def test_kent_scs_movement_since_march(kent_scs):
    dataset, scores = kent_scs
    march = {s.id: s.status for s in score_dataset(dataset, Period(2017, 3)).measures}
    april = {s.id: s.status for s in scores.measures}
    assert any(march[i] == RED and april[i] in (GREEN, AMBER) for i in april)
    assert any(march[i] in (GREEN, AMBER) and april[i] == RED for i in april)
    # previous_status is the indicator's preceding month, March 2017.
    cp03 = next(s for s in scores.measures if s.id == "CP03")
    assert (cp03.previous_status, cp03.status) == (AMBER, RED)


def test_kent_scs_data_has_values_exactly_on_target_and_on_floor(kent_scs):
    dataset, _ = kent_scs
    indicators = {i.id: i for i in dataset.indicators if i.kind == "kpi"}
    on_target, on_floor = [], []
    for obs in dataset.observations:
        ind = indicators.get(obs.id)
        if ind is None or obs.value is None:
            continue
        status = kpi_status(obs.value, ind.target, polarity=ind.polarity, decimals=ind.decimals, floor=ind.floor)
        if obs.value == ind.target:
            on_target.append(status)
        if obs.value == ind.floor:
            on_floor.append(status)
    assert on_target and set(on_target) == {GREEN}
    assert on_floor and set(on_floor) == {AMBER}


# --- seed 002: Buckinghamshire, Q2 2016/17 ---------------------------------------------------------

BUCKS_KEY = {
    GREEN: {"% of Child Protection Plans reviewed in timescales"},
    AMBER: {
        "% Children Looked After seen in the last 6 weeks",
        "% children seen during assessment",
        "% assessments completed in 45 working days",
    },
    RED: {
        "% repeat referrals",
        "% of social work staff supervisions completed",
        "% of children in need (not including CP, CLA) seen in the last 4 weeks",
        "% of children subject to a Child Protection Plan seen in the last 2 weeks",
        "% of children in need reviewed in last 3 months (not including Child Protection, Children Looked After)",
        "% of contacts received actioned within 24 hours (1 working day)",
        "% referrals completed within 3 working days",
        "% ICPC held within 15 working days of the strategy discussion",
        "% of CLA placed in county",
        "% of CLA are placed no more than 20 miles away from home",
    },
}


def test_bucks_17_rated_and_2_with_data_unavailable(bucks):
    _, scores = bucks
    assert scores.summary.rated == 17
    assert scores.summary.no_data == 2
    assert scores.summary.kpis == 19
    assert len(scores.warnings) == 2


def test_bucks_key_indicators_fall_under_green_amber_red_as_the_paper_lists_them(bucks):
    _, scores = bucks
    key = [s for s in scores.measures if s.indicator.key]
    assert len(key) == 14
    got = {status: {s.indicator.name for s in key if s.status == status} for status in (GREEN, AMBER, RED)}
    assert got == BUCKS_KEY
    assert by_name(scores)["% repeat referrals"].indicator.polarity == "lower"


def test_bucks_non_key_measures_are_three_rated_and_two_no_data(bucks):
    _, scores = bucks
    others = Counter(s.status for s in scores.measures if not s.indicator.key)
    assert others[NO_DATA] == 2
    assert others[GREEN] + others[AMBER] + others[RED] == 3


def test_bucks_is_rated_by_the_default_tolerance_rule(bucks):
    dataset, scores = bucks
    assert all(i.floor is None and i.green_band is None and i.amber_band is None for i in dataset.indicators)
    rated = [s for s in scores.measures if s.status != NO_DATA]
    assert {s.rule for s in rated} == {f"bands {Rule.parse(BUCKS_RULE)}"}


def test_bucks_amber_boundary_exactly_ten_percent_short(bucks):
    _, scores = bucks
    score = by_name(scores)["% assessments completed in 45 working days"]
    assert (score.value, score.target) == (81.0, 90.0)  # 9 points = 10% of 90
    assert score.status == AMBER


def test_bucks_quarterly_history(bucks):
    dataset, scores = bucks
    for score in scores.measures:
        got = periods_of(dataset, score.id)
        assert got[0] <= Period(2015, 6), score.id
        assert all(p.month % 3 == 0 for p in got)
        expected_last = Period(2016, 6) if score.status == NO_DATA else Period(2016, 9)
        assert got[-1] == expected_last, score.id
        assert len(got) >= 6


# --- seed 003: Cardiff, Quarter 3 2017/18 ---------------------------------------------------------

def test_cardiff_five_years_of_quarterly_history(cardiff):
    dataset, scores = cardiff
    twenty = [Period(2013, 3).shift(3 * i) for i in range(20)]
    assert twenty[-1] == Period(2017, 12)
    key = [s for s in scores.measures if s.indicator.key]
    assert len(key) >= 5
    for score in key:
        if score.id in ("CS-WF3", "CS-WF4"):  # agency figures were first collected in 2015
            continue
        assert periods_of(dataset, score.id) == twenty, score.id
    assert periods_of(dataset, "CS-A1") == twenty


def test_cardiff_rates_with_each_indicators_own_bands(cardiff):
    dataset, scores = cardiff
    kpis = [i for i in dataset.indicators if i.kind == "kpi"]
    assert all(i.amber_band is not None and i.floor is None for i in kpis)
    kinds = {i.amber_band.relative for i in kpis}
    assert kinds == {True, False}  # both "5%" and "2"
    assert all(s.rule.startswith("bands") for s in scores.measures if s.indicator.kind == "kpi")
    counts = statuses_of_kpis(scores)
    assert counts[GREEN] and counts[AMBER] and counts[RED]


def test_cardiff_covers_the_four_areas_the_committee_asked_for(cardiff):
    _, scores = cardiff
    names = {s.indicator.name.lower(): s for s in scores.measures if s.indicator.key}
    assert any("turnover" in n for n in names)
    assert any("assessments" in n and "timescales" in n for n in names)
    assert any("returned home from care" in n for n in names)
    assert any("vacancies" in n for n in names)
    cost = next(s for n, s in names.items() if "cost of agency" in n)
    assert (cost.indicator.unit, cost.indicator.decimals, cost.indicator.polarity) == ("currency", 0, "lower")
    assert all(s.forecast_given and s.forecast in ("likely", "may", "unlikely") for s in names.values())
    assert all(s.indicator.definition for s in names.values())


def test_cardiff_wellbeing_contacts_and_assessments(cardiff):
    _, scores = cardiff
    measures = by_name(scores)
    contacts = measures["Wellbeing Contacts / Referrals received"]
    assessments = measures["Wellbeing Assessments completed"]
    assert contacts.indicator.kind == assessments.indicator.kind == "activity"
    assert format_value(contacts.value, contacts.indicator.unit, contacts.indicator.decimals) == "7,393"
    assert assessments.value == 554
    assert contacts.status == "Above range"
    assert contacts.comparator_period == Period(2016, 12)  # compared with the same quarter last year


def test_cardiff_compares_some_indicators_with_last_year(cardiff):
    dataset, _ = cardiff
    assert sum(1 for i in dataset.indicators if i.compare_with == "last_year") >= 2


def test_cardiff_text_has_welsh_glyphs(cardiff):
    dataset, _ = cardiff
    words = [i.group + i.name + i.definition + i.owner for i in dataset.indicators]
    words += [o.commentary for o in dataset.observations]
    text = " ".join(words)
    assert "ŵ" in text and "ŷ" in text
    assert "Gwasanaethau Plant / Children's Services" in {i.group for i in dataset.indicators}


# --- seed 004: Kent Customer and Communities, June 2013 -------------------------------------------

KENT_CC_WERE_RED = {
    "Library visitor numbers", "Library book issues",
    "Young offenders in education, employment and training", "Young offenders in suitable accommodation",
}


def test_kent_cc_no_kpi_is_red_and_some_are_amber(kent_cc):
    _, scores = kent_cc
    counts = statuses_of_kpis(scores)
    assert counts[RED] == 0
    assert counts[AMBER] >= 1
    assert counts[GREEN] + counts[AMBER] == scores.summary.kpis


def test_kent_cc_four_indicators_were_red_at_the_previous_report(kent_cc):
    _, scores = kent_cc
    were_red = {s.indicator.name for s in scores.measures if s.previous_status == RED}
    assert were_red == KENT_CC_WERE_RED
    for name in KENT_CC_WERE_RED:
        assert by_name(scores)[name].status in (GREEN, AMBER)


def test_kent_cc_targets_were_reset_for_2013_14(kent_cc):
    dataset, _ = kent_cc
    ids = {i.id for i in dataset.indicators if i.name in KENT_CC_WERE_RED}
    for obs in dataset.observations:
        if obs.id in ids and obs.period.financial_year == "2012/13":
            assert obs.target is not None and obs.floor is not None
        if obs.id in ids and obs.period.financial_year == "2013/14":
            assert obs.target is None and obs.floor is None


def test_kent_cc_activity_shows_channel_shift(kent_cc):
    _, scores = kent_cc
    measures = by_name(scores)
    assert measures["Visits to the KCC web-site"].status == "Above range"
    assert measures["Calls to Contact Point"].status == "Below range"
    assert scores.summary.activities >= 3


def test_kent_cc_mixes_frequencies_and_bases(kent_cc):
    dataset, scores = kent_cc
    kpis = [i for i in dataset.indicators if i.kind == "kpi"]
    assert {i.frequency for i in kpis} == {"monthly", "quarterly", "annual"}
    rolling = {i.name for i in kpis if i.basis == "rolling12"}
    assert {"Library visitor numbers", "Library book issues"} <= rolling
    measures = by_name(scores)
    assert measures["Adult learners satisfied with their course"].period == Period(2013, 3)
    assert measures["Young offenders in suitable accommodation"].period == Period(2013, 6)
    assert periods_of(dataset, "CS01")[0] == Period(2011, 4)
    assert len(periods_of(dataset, "CL01")) == 3  # 2010/11 to 2012/13


# --- the CLI on every dataset ---------------------------------------------------------------------

SCORE_COLUMNS = ["id", "name", "group", "kind", "period", "value", "target", "floor", "status",
                 "previous_value", "direction", "forecast", "previous_status"]

CLI_CASES = [
    # data, period, rule, rows: one per indicator plus one per cohort variant
    (KENT_SCS, "2017-04", None, 49 + 7),
    (BUCKS, "2016-09", BUCKS_RULE, 19),
    (CARDIFF, "2017-12", None, 17),
    (KENT_CC, "2013-06", None, 21),
]


@pytest.mark.parametrize("data, period, rule, rows", CLI_CASES, ids=lambda v: getattr(v, "name", None))
def test_reportgen_score_runs_on_each_sample_dataset(data, period, rule, rows):
    command = [sys.executable, "-m", "reportgen.cli", "score", str(data), "--period", period]
    if rule:
        command += ["--rule", rule]
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    table = list(csv.reader(io.StringIO(done.stdout)))
    assert table[0][:len(SCORE_COLUMNS)] == SCORE_COLUMNS
    assert len(table) - 1 == rows
    assert {row[4] for row in table[1:]} <= {period, "2013-03"}  # annual figures show 2012/13


# --- the generator ---------------------------------------------------------------------------------

def test_generator_rebuilds_the_shipped_files_byte_for_byte(tmp_path, monkeypatch):
    """The CSVs are what users edit; the script must still produce them, so the two stay in step."""
    spec = importlib.util.spec_from_file_location("make_sample_data", ROOT / "scripts" / "make_sample_data.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    module.main(tmp_path)
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert len(written) == 10  # five samples; Kent 2013 (seed 000) adds its Appendix B PDF
    for relative in written:
        assert (tmp_path / relative).read_bytes() == (DATA / relative).read_bytes(), relative


def test_kent_2013_sample_has_year_to_date_figures_and_rate_on():
    """Seed 000's dashboard shows the latest month beside a year to date figure: the mean of the year's months."""
    import csv

    folder = DATA / "kent-scs-2013-06"
    with open(folder / "indicators.csv", encoding="utf-8") as f:
        indicators = {r["id"]: r for r in csv.DictReader(f)}
    with open(folder / "values.csv", encoding="utf-8") as f:
        values = list(csv.DictReader(f))
    assert indicators["SC01"]["rate_on"] == "ytd" and indicators["SC07"]["rate_on"] == "value"
    year = [r for r in values if r["id"] == "SC01" and "2012-04" <= r["period"] <= "2013-03"]
    assert len(year) == 12
    mean = sum(float(r["value"]) for r in year) / 12
    assert year[-1]["ytd"] == f"{mean:.1f}"
    assert year[0]["ytd"] == year[0]["value"]  # April: the year so far is one month
    assert all(r["ytd"] == "" for r in values if r["id"] == "SC07")  # a snapshot has no year to date
    assert (folder / "appendix-b-business-plan-reports.pdf").read_bytes().startswith(b"%PDF-")
