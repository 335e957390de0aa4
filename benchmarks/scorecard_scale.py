"""How the scorecard's render time grows with the number of indicators.

    .venv/bin/python benchmarks/scorecard_scale.py [SIZES...] [--out DIR]

Builds synthetic datasets (13 months of values per indicator; a mix of units,
polarities, floors and bands, some activity indicators and some cohort
variants), scores them with the real scoring engine and renders the scorecard,
printing seconds per size. The cost per row should stay flat: 5,000
indicators should take at most about 12 times as long as 500.
Results are recorded in benchmarks/SCORECARD.md.
"""

from __future__ import annotations

import argparse
import random
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


def measure(n: int) -> tuple[float, float, int]:
    """Seconds to score, seconds to render, and the size of the PDF."""
    dataset = synthetic_dataset(n)
    start = time.perf_counter()
    scores = score_dataset(dataset, REPORT)
    scored = time.perf_counter()
    pdf = render_scorecard(facts(), scores, ())
    return scored - start, time.perf_counter() - scored, len(pdf)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[50, 500, 5000])
    args = parser.parse_args(argv)
    render_scorecard(facts(), score_dataset(synthetic_dataset(10), REPORT), ())  # warm imports and fonts
    rendered = {}
    print(f"{'indicators':>10} {'score s':>8} {'render s':>9} {'per row ms':>10} {'PDF bytes':>10}")
    for n in args.sizes:
        score_s, render_s, size = measure(n)
        rendered[n] = render_s
        print(f"{n:>10,} {score_s:>8.2f} {render_s:>9.2f} {1000 * render_s / n:>10.2f} {size:>10,}")
    if 500 in rendered and 5000 in rendered:
        ratio = rendered[5000] / rendered[500]
        print(f"5,000 / 500 render time: {ratio:.1f}x (linear would be 10x; limit 12x)")
        return 0 if ratio <= 12 else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
