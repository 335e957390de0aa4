"""How the scorecard's render time grows with the number of indicators.

    .venv/bin/python benchmarks/scorecard_scale.py [SIZES...] [--runs N] [--sample DIR] [--charts-given]

Builds synthetic datasets (13 months of values per indicator; a mix of units,
polarities, floors and bands, some activity indicators and some cohort
variants), scores them with the real scoring engine and renders the scorecard
twice per run, untagged (``tagged=False``, kept only for this) and tagged,
printing the median seconds of each and their ratio: tagging may cost at most
15% more. The cost per row should stay flat: 5,000 indicators should take at
most about 12 times as long as 500. ``--sample`` adds a sample meeting as
``reportgen build`` would render it. Results are recorded in
benchmarks/SCORECARD.md and benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportgen.model import Band, Dataset, Indicator, Observation, PaperFacts  # noqa: E402
from reportgen.periods import Period  # noqa: E402
from reportgen.render.scorecard_pdf import render_scorecard  # noqa: E402
from reportgen.scoring import score_dataset  # noqa: E402

REPORT = Period(2017, 4)
GROUPS = ("Early Help", "Children in Need", "Child Protection", "Children in Care", "Care Leavers",
          "Adoption and Fostering", "Disabled Children", "Workforce")
TOPICS = ("assessments completed within 45 days", "re-referrals within 12 months",
          "child protection plans lasting two years or more", "children in care with three or more placements",
          "care leavers in education, employment or training", "foster carers recruited",
          "social worker vacancies filled by agency staff", "visits to children in care on time",
          "gofalwyr ifanc: cynllun llesiant wedi'i adolygu (ŵ, ŷ)")


def _indicator(i: int, rng: random.Random, group: str) -> Indicator:
    unit = rng.choice(("percent", "percent", "number", "days", "currency"))
    decimals = 1 if unit == "percent" else 0
    base = {"percent": 70.0, "number": 400.0, "days": 30.0, "currency": 1_500_000.0}[unit]
    ident = f"M{i:04d}"
    if i % 9 == 8:  # an activity indicator, judged against an expected range
        return Indicator(ident, f"Number of {TOPICS[i % len(TOPICS)]}", group, "activity", None, unit, decimals,
                         expected_low=base * 0.9, expected_high=base * 1.1, order=i, owner="Service manager")
    polarity = rng.choice(("higher", "lower"))
    sign = 1 if polarity == "higher" else -1
    target = round(base * (1 + sign * 0.02), decimals)
    floor = round(base * (1 - sign * 0.05), decimals) if i % 3 else None
    bands = (Band(0, False), Band(10, True)) if floor is None else (None, None)
    return Indicator(
        ident, f"{TOPICS[i % len(TOPICS)].capitalize()} ({group.lower()})", group, "kpi", polarity, unit,
        decimals, "monthly", rng.choice(("snapshot", "ytd", "rolling12", "period")), target, floor,
        bands[0], bands[1], key=i % 5 == 0, definition="Count of cases meeting the standard, divided by all cases.",
        owner="Head of Service", england=base if i % 2 else None, neighbours=base * 1.01 if i % 4 else None,
        order=i,
    )


def _series(indicator: Indicator, rng: random.Random, cohort: str = "") -> list[Observation]:
    centre = indicator.target if indicator.target is not None else indicator.expected_low * 1.05
    values = []
    for back in range(12, -1, -1):
        value = None if rng.random() < 0.03 and back else round(centre * rng.uniform(0.9, 1.1), indicator.decimals)
        values.append(Observation(indicator.id, REPORT.shift(-back), value, cohort,
                                  commentary="" if back else "Performance reflects high demand in the period; "
                                  "a recovery plan is in place and improvement is expected by the summer."))
    return values


def synthetic_dataset(n: int, seed: int = 1) -> Dataset:
    """``n`` indicators in groups of about 12, each with 13 months of values."""
    rng = random.Random(seed)
    indicators, observations = [], []
    for i in range(n):
        ind = _indicator(i, rng, GROUPS[(i // 12) % len(GROUPS)] + ("" if n <= 100 else f" {i // 96 + 1}"))
        indicators.append(ind)
        observations += _series(ind, rng)
        if ind.kind == "kpi" and i % 10 == 1:
            observations += _series(ind, rng, "excluding UASC")
    return Dataset(tuple(indicators), tuple(observations))


def facts() -> PaperFacts:
    return PaperFacts(
        council="Kent County Council", committee="Children's, Young People and Education Cabinet Committee",
        meeting_date=date(2017, 6, 22), title="Specialist Children's Services performance scorecard",
        period=REPORT, period_label="April 2017", author="Performance and Information Management",
        created=datetime(2017, 6, 12, 9, 0, 0),
    )


def _sample(folder: Path):
    """The facts, scores and guidance notes of a sample meeting, as ``reportgen build`` makes them."""
    from reportgen.boilerplate import Boilerplate
    from reportgen.build import _guidance, _score
    from reportgen.compose import house_style, paper_facts
    from reportgen.data import load_dataset
    from reportgen.meeting import display_path, load_meeting
    from reportgen.pack import build_date

    meeting, _ = load_meeting(folder)
    scores = _score(meeting, load_dataset(display_path(meeting.data_path)))
    boilerplate = Boilerplate.for_meeting(meeting, meeting.boilerplate or house_style(meeting).boilerplate)
    return paper_facts(meeting, build_date(meeting.meeting_date)), scores, _guidance(meeting, scores, boilerplate)


def _side_by_side(render, runs: int, clock) -> tuple[list[float], list[float], int, int]:
    """Render seconds untagged and tagged, alternating runs so that a busy moment hits both alike.

    The seconds are CPU time of this process (the render is single-threaded): on
    a machine shared with other work, wall time measures the neighbours as much
    as the render. ``--wall`` measures wall time instead.
    """
    times: dict[bool, list[float]] = {False: [], True: []}
    sizes = {}
    for _ in range(runs):
        for tagged in (False, True):
            start = clock()
            sizes[tagged] = len(render(tagged))
            times[tagged].append(clock() - start)
    return times[False], times[True], sizes[False], sizes[True]


def _row(label: str, score_s: float, untagged: list[float], tagged: list[float], plain: int, size: int,
         rows: int) -> float:
    u, t = statistics.median(untagged), statistics.median(tagged)
    print(f"{label:>22} {score_s:>7.2f} {u:>10.2f} {t:>9.2f} {t / u:>7.3f} {1000 * t / rows:>8.2f} "
          f"{plain / 1e6:>8.1f} {size / 1e6:>7.1f}  (runs {len(tagged)}; tagged min {min(tagged):.2f}, "
          f"untagged min {min(untagged):.2f})", flush=True)
    return t


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[50, 500, 5000])
    parser.add_argument("--runs", type=int, default=3, help="runs of each below 5,000 indicators (default 3)")
    parser.add_argument("--sample", type=Path, action="append", default=[],
                        help="a sample meeting's folder to measure too, e.g. data/kent-scs-2017-06")
    parser.add_argument("--charts-given", action="store_true",
                        help="draw the charts once beforehand, so that only the PDF itself is timed")
    parser.add_argument("--wall", action="store_true", help="wall-clock seconds rather than CPU seconds")
    args = parser.parse_args(argv)
    clock = time.perf_counter if args.wall else time.process_time
    render_scorecard(facts(), score_dataset(synthetic_dataset(10), REPORT), ())  # warm imports and fonts
    print(f"{'':>22} {'score s':>7} {'untagged s':>10} {'tagged s':>9} {'ratio':>7} {'ms/row':>8} "
          f"{'plain MB':>8} {'tagged MB':>7}")
    for folder in args.sample:
        sample_facts, scores, guidance = _sample(folder)
        charts = _charts(scores) if args.charts_given else {}
        untagged, tagged, plain, size = _side_by_side(
            lambda t: render_scorecard(sample_facts, scores, guidance, tagged=t, **charts), max(args.runs, 5), clock)
        _row(f"{folder.name} ({len(scores.measures)})", 0, untagged, tagged, plain, size, len(scores.measures))
    rendered = {}
    for n in args.sizes:
        dataset = synthetic_dataset(n)
        start = time.perf_counter()
        scores = score_dataset(dataset, REPORT)
        score_s = time.perf_counter() - start
        charts = _charts(scores) if args.charts_given else {}
        untagged, tagged, plain, size = _side_by_side(
            lambda t: render_scorecard(facts(), scores, (), tagged=t, **charts), 1 if n >= 5000 else args.runs, clock)
        rendered[n] = _row(f"{n:,} indicators", score_s, untagged, tagged, plain, size, n)
    if 500 in rendered and 5000 in rendered:
        ratio = rendered[5000] / rendered[500]
        print(f"5,000 / 500 tagged render time: {ratio:.1f}x (linear would be 10x; limit 12x)")
        return 0 if ratio <= 12 else 1
    return 0


def _charts(scores) -> dict:
    from reportgen.render.charts import rag_count_chart, score_chart

    reds = [s for s in scores.measures if s.status == "Red"]
    return {"exception_charts": {s.id: score_chart(s) for s in reds},
            "summary_chart": rag_count_chart(scores.summary.status_counts, title="Measures by status")}


if __name__ == "__main__":
    sys.exit(main())
