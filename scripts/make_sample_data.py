#!/usr/bin/env python3
"""Write the sample indicator data for the five sample meetings in data/.

    .venv/bin/python scripts/make_sample_data.py [OUT_DIR]     (default: data/)

The CSV files (and Cardiff's workbook) are what users open and edit; this script
exists so that they can be rebuilt and reviewed. Each indicator is a row of plain
data below: its contract fields (see docs/data-contract.md) plus how its history
is drawn: ``start`` (the first figure), ``now`` (the figure at the meeting's
reporting period) and ``at`` (other figures pinned to a period, e.g. the previous
report's). Between those points the history is a straight line plus a little
seeded noise, so every run writes the same bytes.

The figures are invented but plausible, and they reproduce what each real paper
says: counts of Green/Amber/Red, the key indicators, the
measures that were Red at the previous report, and so on. No personal data:
owners are job titles.
"""

from __future__ import annotations

import csv
import io
import random
import re
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
sys.path.insert(0, str(ROOT))
from reportgen.data import INDICATOR_COLUMNS  # noqa: E402  (the contract's column order)
SEED = 2017_06_22  # the date of the Kent scorecard meeting; any fixed number would do

VALUE_COLUMNS = (
    "id", "period", "value", "cohort", "numerator", "denominator", "target", "floor",
    "commentary", "forecast",
)
STEP = {"monthly": 1, "quarterly": 3, "annual": 12}


# --- the plain-data shape of an indicator ------------------------------------------------------

@dataclass
class Spec:
    """One indicator: the contract fields, and how its history is drawn."""

    id: str
    name: str
    group: str
    kind: str = "kpi"
    polarity: str = ""
    unit: str = "percent"
    decimals: int = 1
    frequency: str = "monthly"
    basis: str = "snapshot"
    target: float | None = None
    floor: float | None = None
    green_band: str = ""
    amber_band: str = ""
    expected_low: float | None = None
    expected_high: float | None = None
    key: bool = False
    definition: str = ""
    owner: str = ""
    england: float | None = None
    neighbours: float | None = None
    compare_with: str = ""
    # history
    now: float | None = None  # the figure at the reporting period (None: no data)
    start: float | None = None  # the first figure (default: close to ``now``)
    at: dict[str, float] = field(default_factory=dict)  # figures pinned to periods
    sd: float | None = None  # period-to-period noise, in the unit (default: DEFAULT_NOISE by unit)
    den: int | None = None  # a typical denominator, for percent measures
    first: str = ""  # the first period, when the series starts later than the dataset
    targets: dict[int, tuple] = field(default_factory=dict)  # year start -> (target, floor) of past years
    cohorts: dict[str, dict] = field(default_factory=dict)  # cohort name -> now/start/at/den
    notes: dict[str, str] = field(default_factory=dict)  # period -> commentary
    forecasts: dict[str, str] = field(default_factory=dict)  # period -> likely/may/unlikely
    rate_on: str = ""  # "ytd": rated on the year-to-date figure (written only where the sample has the column)
    with_ytd: bool = False  # write a year-to-date figure beside each month's value


def kpi(id, name, polarity, target, floor=None, now=None, **kw) -> dict:
    return dict(id=id, name=name, kind="kpi", polarity=polarity, target=target, floor=floor, now=now, **kw)


def activity(id, name, low, high, now, **kw) -> dict:
    kw.setdefault("unit", "number")
    kw.setdefault("decimals", 0)
    return dict(id=id, name=name, kind="activity", expected_low=low, expected_high=high, now=now, **kw)


def section(group: str, rows: list[dict], **shared) -> list[Spec]:
    """Indicators under one group heading; ``shared`` sets fields common to the group."""
    return [Spec(**{"group": group, **shared, **row}) for row in rows]


# --- periods and numbers -------------------------------------------------------------------------

def periods(first: str, last: str, step: int) -> list[str]:
    year, month = map(int, first.split("-"))
    end = tuple(map(int, last.split("-")))
    out = []
    while (year, month) <= end:
        out.append(f"{year:04d}-{month:02d}")
        month += step
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return out


def year_start(period: str) -> int:
    """The calendar year the period's financial year (April-March) began in."""
    year, month = map(int, period.split("-"))
    return year if month > 3 else year - 1


def months_into_year(period: str) -> int:
    """1 for April, 12 for March."""
    return (int(period[5:7]) - 4) % 12 + 1


def rounded(value: float, decimals: int) -> Decimal:
    """Round half up, as the scorecard displays it."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def text(value: float | None, decimals: int | None = None) -> str:
    if value is None:
        return ""
    if decimals is not None:
        return str(rounded(value, decimals))
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def fraction(value: float, den: int, decimals: int, rng: random.Random | None) -> tuple[int, int, Decimal]:
    """A numerator and denominator near ``den`` whose percentage shows as ``value``.

    Pinned figures (rng None) search outwards from ``den`` itself, so that a
    commentary can quote them ("234 of the 1,812 children").
    """
    want = rounded(value, decimals)
    if rng is not None:  # an unpinned figure: a denominator that drifts, and the nearest numerator
        d = max(5, round(den * (1 + rng.gauss(0, 0.02))))
        n = min(d, round(value * d / 100))
        return n, d, rounded(100 * n / d, decimals)
    base = den
    for offset in range(0, base):
        for d in (base + offset, base - offset):
            if d <= 0:
                continue
            n = round(float(want) * d / 100)
            if 0 <= n <= d and rounded(100 * n / d, decimals) == want:
                return n, d, want
    raise ValueError(f"no fraction near {den} gives {want}%")


# --- drawing a history ---------------------------------------------------------------------------

DEFAULT_NOISE = {"percent": 1.2, "days": 0.03, "number": 0.025, "rate": 0.015, "currency": 0.05}


def noise_sd(spec: Spec, level: float) -> float:
    if spec.sd is not None:
        return spec.sd
    scale = DEFAULT_NOISE[spec.unit]
    return scale if spec.unit == "percent" else abs(level) * scale


def draw(spec: Spec, points: list[str], start: float | None, now: float | None,
         pinned: dict[str, float], rng: random.Random) -> dict[str, float | None]:
    """Values for each period: a line through the pinned points, plus AR(1) noise between them."""
    last = points[-1]
    keys = {points[0]: start if start is not None else now, **pinned}
    if now is not None:
        keys[last] = now
    known = sorted((points.index(p), v) for p, v in keys.items() if p in points and v is not None)
    values: dict[str, float | None] = {}
    wobble = 0.0
    for i, period in enumerate(points):
        if period in pinned or (period == last and now is not None):
            values[period] = keys[period]
            continue
        before = max((k for k in known if k[0] <= i), default=known[0])
        after = min((k for k in known if k[0] >= i), default=known[-1])
        share = 0 if after[0] == before[0] else (i - before[0]) / (after[0] - before[0])
        level = before[1] + (after[1] - before[1]) * share
        wobble = 0.5 * wobble + rng.gauss(0, noise_sd(spec, level))
        value = level + wobble
        if spec.unit == "percent":
            value = min(100.0, value)
        values[period] = max(0.0, value)
    if now is None:
        values[last] = None
    return values


def value_rows(spec: Spec, points: list[str], cohort: str, plan: dict, rng: random.Random) -> list[dict]:
    first = plan.get("first") or spec.first or points[0]
    points = [p for p in points if p >= first]
    drawn = draw(spec, points, plan.get("start"), plan.get("now"), plan.get("at", {}), rng)
    rows = []
    for period, value in drawn.items():
        row = {"id": spec.id, "period": period, "cohort": cohort}
        den = plan.get("den")
        if den and spec.basis == "ytd" and spec.frequency == "monthly":
            den *= months_into_year(period)  # a year-to-date count grows month by month
        if value is not None and den and spec.unit == "percent":
            pinned = period in plan.get("at", {}) or period == points[-1]
            n, d, shown = fraction(value, den, spec.decimals, None if pinned else rng)
            row.update(value=str(shown), numerator=str(n), denominator=str(d))
        else:
            row["value"] = text(value, spec.decimals)
        old = spec.targets.get(year_start(period))
        if old:
            row["target"], row["floor"] = text(old[0]), text(old[1] if len(old) > 1 else None)
        if not cohort:
            row["commentary"] = spec.notes.get(period, "")
            row["forecast"] = spec.forecasts.get(period, "")
        rows.append(row)
    return rows


def history(spec: Spec, points: list[str]) -> list[dict]:
    # Seeded per indicator, so that editing one indicator leaves the others' figures alone.
    rng = random.Random(SEED + zlib.crc32(spec.id.encode()))
    plan = {"now": spec.now, "start": spec.start, "at": spec.at, "den": spec.den}
    rows = value_rows(spec, points, "", plan, rng)
    for cohort, cplan in spec.cohorts.items():
        rows += value_rows(spec, points, cohort, {"den": spec.den, **cplan}, rng)
    return rows


def indicator_row(spec: Spec) -> dict:
    row = {c: getattr(spec, c) for c in INDICATOR_COLUMNS}
    row["key"] = "yes" if spec.key else "no"
    for column in ("target", "floor", "expected_low", "expected_high", "england", "neighbours"):
        row[column] = text(row[column])
    row["decimals"] = str(spec.decimals)
    return row


def tables(specs: list[Spec], last: str, first_by_frequency: dict[str, str]) -> tuple[list[dict], list[dict]]:
    indicators, values = [], []
    for spec in specs:
        indicators.append(indicator_row(spec))
        points = periods(first_by_frequency[spec.frequency], last, STEP[spec.frequency])
        values += history(spec, points)
    return indicators, values


# --- writing -------------------------------------------------------------------------------------

def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def write_folder(folder: Path, indicators: list[dict], values: list[dict]) -> None:
    write_csv(folder / "indicators.csv", INDICATOR_COLUMNS, indicators)
    write_csv(folder / "values.csv", VALUE_COLUMNS, values)


def cell(column: str, raw: str):
    """Numbers as numbers in the workbook, as a user's own spreadsheet would hold them."""
    if raw == "" or column in ("id", "period", "key", "cohort", "green_band", "amber_band"):
        return raw or None
    try:
        number = float(raw)
    except ValueError:
        return raw
    return int(number) if number.is_integer() and "." not in raw else number


def write_workbook(path: Path, sheets: dict[str, tuple[tuple[str, ...], list[dict]]], when: datetime) -> None:
    import pandas as pd  # the workbook goes through pandas' openpyxl writer

    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, (columns, rows) in sheets.items():
            frame = pd.DataFrame([[cell(c, r.get(c, "")) for c in columns] for r in rows], columns=list(columns))
            frame.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "A2"
            for letter, width in zip("ABCDEFGHIJKLMNOPQRSTU", (10, 60, 30)):
                sheet.column_dimensions[letter].width = width
        book = writer.book
        book.properties.creator = "reportgen sample data"
        book.properties.created = book.properties.modified = when
    _fix_zip_times(path, when)


def _fix_zip_times(path: Path, when: datetime) -> None:
    """openpyxl stamps the zip entries and core properties with 'now'; pin both for same bytes."""
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w") as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _pin_core_dates(data, stamp)
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, data)


def _pin_core_dates(xml: bytes, stamp: bytes) -> bytes:
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", xml)


# =================================================================================================
# Kent County Council: Specialist Children's Services scorecard, April 2017 (seed 001)
# 43 rated measures at April 2017: 19 Green, 19 Amber, 5 Red. Rated by target and floor.
# =================================================================================================

KENT_UASC = "excluding UASC"

KENT_SCS = [
    *section("Early Help and Front Door", [
        kpi("EH01", "% of Early Help cases closed with outcomes achieved", "higher", 80, 70, 82.4,
            start=76.5, basis="rolling12", den=3900,
            definition="Early Help unit cases closed in the last 12 months where the family's plan outcomes were recorded as achieved, as a % of all Early Help unit cases closed.",
            owner="Head of Early Help and Preventative Services"),
        kpi("EH02", "% of Early Help cases closed with outcomes achieved that come back to Early Help or SCS within 3 months", "lower", 15, 20, 14.1,
            start=16.8, basis="rolling12", den=2700,
            definition="Cases closed with outcomes achieved that were re-referred to Early Help or to Specialist Children's Services within 3 months of closure, rolling 12 months.",
            owner="Head of Early Help and Preventative Services"),
        kpi("FD01", "% of contacts to the Front Door with a decision within 1 working day", "higher", 95, 85, 91.7,
            start=84.0, basis="period", den=7400, key=True,
            definition="Contacts received by the Front Door in the month where the decision on next steps was recorded within 1 working day of receipt.",
            owner="Head of Service, Front Door"),
        kpi("FD02", "% of referrals which were repeat referrals within 12 months", "lower", 25, 30, 27.3,
            start=28.9, basis="rolling12", den=17600, key=True, england=22.3, neighbours=23.1,
            definition="Referrals in the last 12 months for children who had a previous referral within the 12 months before, as a % of all referrals (DfE CIN census definition).",
            owner="Head of Service, Front Door"),
        kpi("FD03", "% of Child and Family assessments started within 10 working days of referral", "higher", 90, 80, 93.0,
            start=87.2, basis="period", den=1500,
            definition="Child and Family assessments started in the month within 10 working days of the referral being accepted.",
            owner="Head of Service, Front Door"),
    ], frequency="monthly"),
    *section("Children in Need", [
        kpi("CIN01", "% of Child and Family assessments completed within 45 working days", "higher", 90, 80, 80.0,
            start=83.5, at={"2017-03": 78.9}, basis="ytd", den=1450, key=True, england=82.9, neighbours=85.1,
            definition="Child and Family assessments completed in the year to date within 45 working days of the referral date (statutory timescale, Working Together 2015).",
            owner="Assistant Director, Children's Social Work Services",
            notes={"2017-03": "Year-end position affected by the backlog of assessments in the East Kent teams during February. Agency social workers have been deployed to clear overdue assessments.",
                   "2017-04": "Back above the floor as the East Kent backlog has been cleared; each overdue assessment is now reviewed weekly by the Service Manager."}),
        kpi("CIN02", "Average number of days from referral to completion of Child and Family assessment", "lower", 35, 45, 38.6,
            start=41.2, unit="days", basis="ytd",
            definition="Mean number of calendar days between referral and authorisation of the Child and Family assessment, for assessments completed in the year to date.",
            owner="Assistant Director, Children's Social Work Services"),
        kpi("CIN03", "% of children in need visited within the last 20 working days", "higher", 90, 80, 86.3,
            start=79.5, den=3300,
            definition="Children in need (not on a child protection plan or in care) with an open case at month end who were seen by their social worker in the last 20 working days.",
            owner="Assistant Director, Children's Social Work Services"),
        kpi("CIN04", "% of children in need with an up to date Child in Need plan", "higher", 95, 85, 88.9,
            start=84.0, den=3300,
            definition="Children in need at month end whose Child in Need plan has been reviewed within the last 3 months.",
            owner="Assistant Director, Children's Social Work Services"),
        kpi("CIN05", "% of Child in Need reviews held within timescales", "higher", 95, 90, 95.2,
            start=91.0, den=900, basis="period",
            definition="Child in Need reviews due in the month that were held within 3 months of the previous review.",
            owner="Assistant Director, Children's Social Work Services"),
    ], frequency="monthly"),
    *section("Child Protection", [
        kpi("CP01", "% of children becoming subject to a child protection plan for a second or subsequent time", "lower", 17.5, 22.5, 20.1,
            start=21.6, basis="rolling12", den=1250, key=True, england=18.7, neighbours=19.6,
            definition="Children who became subject to a plan in the last 12 months and had been subject to a plan before (at any time), as a % of all children who became subject to a plan.",
            owner="Head of Safeguarding and Quality Assurance"),
        kpi("CP02", "% of child protection plans lasting 2 years or more at the point of de-registration", "lower", 4.0, 6.0, 3.1,
            start=4.4, sd=0.5, basis="rolling12", den=1300, england=3.8, neighbours=3.5,
            definition="Child protection plans ended in the last 12 months that had lasted 2 years or more.",
            owner="Head of Safeguarding and Quality Assurance"),
        kpi("CP03", "% of initial child protection conferences held within 15 working days of the strategy discussion", "higher", 85, 75, 71.4,
            start=80.2, at={"2017-03": 76.3}, basis="ytd", den=112, key=True, england=77.0, neighbours=80.1,
            definition="Initial child protection conferences held in the year to date within 15 working days of the strategy discussion that started the section 47 enquiry.",
            owner="Head of Safeguarding and Quality Assurance",
            notes={"2017-04": "Reason: 32 of the 112 initial conferences in April were held out of timescale, 19 of them in West Kent, where two Child Protection Chairs were on long-term leave and the Easter bank holidays cut the number of conference slots. Action: two agency Child Protection Chairs started on 2 May and extra conference slots have been booked in Maidstone and Tonbridge for May and June; strategy discussions are now booked with a provisional conference date. Expected improvement: back above the 75% floor in the May figures and to the 85% target by the end of quarter 2."}),
        kpi("CP04", "% of children on a child protection plan visited within the last 10 working days", "higher", 98, 90, 93.5,
            start=91.2, den=1100,
            definition="Children subject to a child protection plan at month end who were seen by their social worker in the last 10 working days.",
            owner="Assistant Director, Children's Social Work Services"),
        kpi("CP05", "% of child protection review conferences held within timescales", "higher", 98, 95, 98.0,
            start=96.3, sd=0.8, basis="ytd", den=250,
            definition="Child protection review conferences held in the year to date within the statutory timescale (3 months after the initial conference, then every 6 months).",
            owner="Head of Safeguarding and Quality Assurance"),
        kpi("CP06", "% of children on a child protection plan allocated to a qualified social worker", "higher", 100, 98, 100.0,
            start=99.4, sd=0.3,
            definition="Children subject to a child protection plan at month end whose case is allocated to a qualified social worker.",
            owner="Assistant Director, Children's Social Work Services"),
    ], frequency="monthly"),
    *section("Children in Care", [
        kpi("CIC01", "% of children in care with 3 or more placements in the last 12 months", "lower", 10.0, 12.0, 12.9,
            start=11.0, at={"2017-03": 13.4}, sd=0.4, den=1812, key=True, england=10, neighbours=10,
            definition="Children in care at month end who have had 3 or more placements in the last 12 months (DfE measure A1 / NI 62).",
            owner="Assistant Director, Corporate Parenting",
            cohorts={KENT_UASC: {"now": 9.8, "start": 9.9, "at": {"2017-03": 10.1}, "den": 1446}},
            notes={"2017-04": "Reason: 234 of the 1,812 children in care have had 3 or more placements in the last 12 months. Unaccompanied asylum-seeking young people move from reception centres to supported lodgings and then to semi-independent placements, which counts as three placements; excluding them the figure is 9.8%, within target. Action: UASC are now placed directly into their longer-term placement where capacity allows, and placement stability meetings are held for any citizen child with a second move. Expected improvement: below the 12% floor by September 2017."}),
        kpi("CIC02", "% of children in care for 2.5 years or more who have been in the same placement for 2 years", "higher", 70, 65, 71.2,
            start=68.4, sd=0.8, den=600, england=68, neighbours=69,
            definition="Children under 16 in care for at least 2.5 years who have lived in the same placement for at least 2 years, or are placed for adoption (DfE long-term stability measure).",
            owner="Assistant Director, Corporate Parenting",
            cohorts={KENT_UASC: {"now": 71.8, "start": 68.9, "den": 560}}),
        kpi("CIC03", "% of children in care placed in Kent", "higher", 85, 80, 84.1,
            start=81.5, sd=0.7, den=1810,
            definition="Children in care at month end placed within the Kent County Council area (excluding children placed for adoption).",
            owner="Head of Fostering",
            cohorts={KENT_UASC: {"now": 83.0, "start": 80.2, "den": 1446}}),
        kpi("CIC04", "% of children in care placed more than 20 miles from home", "lower", 15, 20, 13.8,
            start=15.9, sd=0.6, den=1446,
            definition="Children in care at month end placed more than 20 miles from their home address (DfE SSDA903 distance), excluding children placed for adoption.",
            owner="Head of Fostering"),
        kpi("CIC05", "% of children in care visited within statutory timescales", "higher", 98, 95, 96.4,
            start=94.0, sd=0.8, den=1810,
            definition="Children in care at month end whose last statutory visit by their social worker was within the timescale set in their care plan (at least every 6 weeks).",
            owner="Assistant Director, Corporate Parenting"),
        kpi("CIC06", "% of children in care reviews held within timescales", "higher", 98, 95, 98.6,
            start=96.5, sd=0.6, basis="ytd", den=480,
            definition="Looked after reviews held in the year to date within statutory timescales (20 working days, then 3 months, then every 6 months).",
            owner="Head of Safeguarding and Quality Assurance"),
        kpi("CIC07", "% of children in care with an up to date health assessment", "higher", 90, 85, 86.9,
            start=84.2, sd=1.0, den=1700, england=88,
            definition="Children in care for 12 months or more at month end whose last health assessment was within the last 12 months (6 months for children under 5).",
            owner="Head of Children in Care Health Services"),
        kpi("CIC08", "% of children in care with an up to date dental check", "higher", 90, 85, 83.2,
            start=86.5, at={"2017-03": 84.1}, sd=0.6, den=1700, key=True, england=83, neighbours=84,
            definition="Children in care for 12 months or more at month end who have had a dental check in the last 12 months.",
            owner="Head of Children in Care Health Services",
            notes={"2017-04": "Reason: 286 children are overdue a dental check, mostly older UASC young people for whom an NHS dentist has not been found in Thanet and Folkestone, where practices are not taking on new patients. Action: the Virtual School health team has agreed a dedicated weekly clinic with the Community Dental Service from June, and social workers are booking checks at the looked after review. Expected improvement: above the 85% floor by the end of July 2017."}),
        kpi("CIC09", "% of children in care with an up to date Personal Education Plan", "higher", 95, 85, 96.0,
            start=88.0, den=1500,
            definition="Children in care of statutory school age whose ePEP has been reviewed in the current term.",
            owner="Head of the Virtual School Kent"),
        kpi("CIC10", "% of children in care who participated in their review", "higher", 95, 90, 97.3,
            start=94.1, sd=0.8, den=480,
            definition="Looked after reviews held in the month where the child (aged 4 or over) took part in person, through an advocate or by giving their views in writing.",
            owner="Head of Safeguarding and Quality Assurance", basis="period"),
        kpi("CIC11", "Average Strengths and Difficulties Questionnaire score for children in care", "lower", 14.0, 15.0, 14.6,
            start=15.1, unit="number", decimals=1, sd=0.15, basis="rolling12", england=14.1, neighbours=14.5,
            definition="Mean total SDQ score (0 to 40, lower is better) of children in care aged 4 to 16 completed in the last 12 months.",
            owner="Head of Children in Care Health Services"),
    ], frequency="monthly"),
    *section("Adoption and Permanence", [
        kpi("AD01", "Average days between a child entering care and moving in with its adoptive family", "lower", 426, 487, 402,
            start=455, unit="days", decimals=0, basis="rolling12", key=True, england=558, neighbours=520,
            definition="Adoption scorecard measure A1: mean days from entering care to moving in with the adoptive family, for children adopted in the last 3 years.",
            owner="Head of Adoption"),
        kpi("AD02", "Average days between placement order and matching with an adoptive family", "lower", 121, 150, 147,
            start=162, unit="days", decimals=0, basis="rolling12", england=226, neighbours=190,
            definition="Adoption scorecard measure A2: mean days from the court's authority to place to the match with the adoptive family, for children adopted in the last 3 years.",
            owner="Head of Adoption"),
        kpi("AD03", "% of children leaving care who were adopted", "higher", 13, 11, 11.6,
            start=12.8, sd=0.4, basis="rolling12", den=1150, england=14,
            definition="Children ceasing to be looked after in the last 12 months because they were adopted, as a % of all children ceasing care (UASC included).",
            owner="Head of Adoption"),
        kpi("AD04", "% of children leaving care through a Special Guardianship Order", "higher", 10, 8, 11.3,
            start=9.2, sd=0.4, basis="rolling12", den=1150, england=12,
            definition="Children ceasing to be looked after in the last 12 months on a Special Guardianship Order.",
            owner="Head of Fostering"),
        kpi("AD05", "% of children adopted who moved in with their adoptive family within 12 months of the best interest decision", "higher", 70, 60, 72.2,
            start=64.0, basis="rolling12", den=130,
            definition="Children adopted in the last 12 months who were placed with their adoptive family within 12 months of the agency decision maker's decision that adoption was in their best interests.",
            owner="Head of Adoption"),
    ], frequency="monthly"),
    *section("Care Leavers", [
        kpi("CL01", "% of care leavers in education, employment or training", "higher", 65, 55, 53.2,
            start=51.0, at={"2017-03": 52.8}, sd=0.6, den=1640, key=True, england=49, neighbours=50,
            definition="Care leavers aged 17 to 21 the 18+ Care Leavers Service is in touch with who are in education, employment or training at month end.",
            owner="Head of 18+ Care Leavers Service",
            cohorts={KENT_UASC: {"now": 58.9, "start": 55.5, "at": {"2017-03": 58.1}, "den": 830}},
            notes={"2017-04": "Reason: 49% of former UASC care leavers are in education, employment or training, against 58.9% of citizen care leavers; many former UASC are waiting for a Home Office decision and cannot work or take up a place at university. Action: the 18+ service has two new Education and Employment Advisers from April, and the Kent Apprenticeship scheme has ring-fenced 20 places for care leavers. Expected improvement: 56% by September 2017, as the college year starts."}),
        kpi("CL02", "% of care leavers in suitable accommodation", "higher", 90, 80, 81.6,
            start=83.4, at={"2017-03": 79.4}, sd=0.7, den=1640, key=True, england=83,
            definition="Care leavers aged 17 to 21 the service is in touch with whose accommodation at month end is judged suitable (DfE SSDA903 definition).",
            owner="Head of 18+ Care Leavers Service",
            cohorts={KENT_UASC: {"now": 87.3, "start": 86.0, "at": {"2017-03": 85.9}, "den": 830}},
            notes={"2017-04": "Above the floor again: 28 young people moved from bed and breakfast and emergency accommodation into supported lodgings during April."}),
        kpi("CL03", "% of care leavers the local authority is in touch with", "higher", 95, 85, 93.9,
            start=90.8, sd=0.8, den=1640,
            definition="Care leavers aged 17 to 21 with whom the service has had contact in the 3 months around their birthday, or in the last 3 months.",
            owner="Head of 18+ Care Leavers Service"),
        kpi("CL04", "% of care leavers aged 16 to 21 with an up to date pathway plan", "higher", 95, 85, 90.2,
            start=86.7, den=1900,
            definition="Eligible, relevant and former relevant young people aged 16 to 21 whose pathway plan has been reviewed in the last 6 months.",
            owner="Head of 18+ Care Leavers Service"),
    ], frequency="monthly"),
    *section("Workforce", [
        kpi("WF01", "% of case holding posts filled by permanent qualified social workers", "higher", 85, 75, 86.1,
            start=78.2, sd=0.8, den=560, key=True,
            definition="Case holding social worker posts (FTE) in children's social work teams filled by permanent KCC qualified social workers at month end.",
            owner="Principal Social Worker and Head of Workforce Development"),
        kpi("WF02", "% of case holding posts covered by agency social workers", "lower", 10, 15, 16.8,
            start=21.5, at={"2017-03": 17.2}, sd=0.6, den=560, key=True,
            definition="Case holding social worker posts (FTE) in children's social work teams covered by agency (locum) social workers at month end.",
            owner="Principal Social Worker and Head of Workforce Development",
            notes={"2017-04": "Reason: 94 FTE case holding posts are covered by agency social workers, down from 120 in April 2016, but the Swale and Thanet district teams still rely on agency staff for 30% of posts. Action: the 2017 recruitment campaign (including 24 newly qualified social workers through the Assessed and Supported Year in Employment programme starting in September) and the market supplement for hard to fill posts in East Kent. Expected improvement: below the 15% floor by October 2017, when the newly qualified social workers take on caseloads."}),
        kpi("WF03", "Average caseload of social workers in children's social work teams", "lower", 18.0, 22.0, 19.4,
            start=21.3, unit="number", decimals=1, sd=0.3,
            definition="Open cases allocated to qualified social workers in children's social work teams at month end, divided by the number of case holding social workers (FTE).",
            owner="Assistant Director, Children's Social Work Services"),
        kpi("WF04", "% of case supervisions held within timescales", "higher", 90, 80, 90.8,
            start=82.6, den=520,
            definition="Social workers who had a recorded case supervision within the last 4 weeks (6 weeks for Advanced Practitioners) at month end.",
            owner="Principal Social Worker and Head of Workforce Development"),
        kpi("WF05", "Social worker turnover (rolling 12 months)", "lower", 12, 15, 11.2,
            start=14.6, sd=0.4, basis="rolling12",
            definition="Permanent qualified social workers leaving KCC in the last 12 months, as a % of the average number in post.",
            owner="Principal Social Worker and Head of Workforce Development"),
    ], frequency="monthly"),
    *section("Quality and Practice", [
        kpi("QA01", "% of case file audits judged good or outstanding", "higher", 60, 50, 54.5,
            start=41.0, sd=2.5, basis="rolling12", den=330,
            definition="Case files audited under the SCS quality assurance framework in the last 12 months that were judged good or outstanding.",
            owner="Head of Safeguarding and Quality Assurance"),
        kpi("QA02", "% of complaints responded to within 20 working days", "higher", 85, 75, 87.5,
            start=78.0, sd=2.0, basis="period", den=48,
            definition="Stage 1 complaints about Specialist Children's Services closed in the month that were responded to within 20 working days.",
            owner="Customer Care Manager"),
    ], frequency="monthly"),
    *section("Activity", [
        activity("ACT01", "Number of contacts received by the Front Door", 6500, 8000, 7412,
                 start=6900, sd=380, basis="period",
                 definition="Contacts about a child received by the Front Door (Central Referral Unit and Early Help Triage) in the month.",
                 owner="Head of Service, Front Door"),
        activity("ACT02", "Number of referrals to children's social care", 1300, 1700, 1612,
                 start=1520, sd=90, basis="period",
                 definition="Contacts that became a referral to children's social care in the month.",
                 owner="Head of Service, Front Door"),
        activity("ACT03", "Number of children subject to a child protection plan", 1000, 1250, 1061,
                 start=1140, sd=25,
                 definition="Children subject to a child protection plan at month end.",
                 owner="Head of Safeguarding and Quality Assurance"),
        activity("ACT04", "Number of children in care", 1700, 1900, 1812,
                 start=1790, at={"2015-09": 1965, "2016-02": 1890}, sd=15,
                 definition="Children looked after by Kent County Council at month end, including unaccompanied asylum-seeking children (UASC).",
                 owner="Assistant Director, Corporate Parenting",
                 cohorts={KENT_UASC: {"now": 1446, "start": 1430, "at": {"2015-09": 1452, "2016-02": 1440}}}),
        activity("ACT05", "Children in care per 10,000 children aged under 18", 50, 56, 54.6,
                 start=54.0, at={"2015-09": 59.2, "2016-02": 56.9}, unit="rate", decimals=1, sd=0.4,
                 england=62, neighbours=55,
                 definition="Children in care at month end per 10,000 children aged 0 to 17 in Kent (ONS mid-2016 estimate, 331,900).",
                 owner="Assistant Director, Corporate Parenting",
                 cohorts={KENT_UASC: {"now": 43.6, "start": 43.1, "at": {"2015-09": 43.7, "2016-02": 43.4}}}),
        activity("ACT06", "Number of unaccompanied asylum-seeking children in care", 300, 400, 366,
                 start=360, at={"2015-09": 513, "2016-02": 450}, sd=8,
                 definition="Unaccompanied asylum-seeking children aged under 18 in the care of Kent County Council at month end (after transfers under the National Transfer Scheme).",
                 owner="Head of Service, Unaccompanied Asylum Seeking Children"),
    ], frequency="monthly"),
]


# =================================================================================================
# Buckinghamshire County Council: Children's Services Portfolio, Q2 2016/17 (seed 002)
# Rated by tolerance with the council's default rule (green=0, amber=10% of target): no floors or
# bands here. At 2016-09: 17 rated, 2 with data unavailable; key indicators as the paper lists them.
# =================================================================================================

BUCKS = [
    *section("First Response", [
        kpi("B01", "% of contacts received actioned within 24 hours (1 working day)", "higher", 95, now=62.7,
            start=71.0, den=2600, key=True,
            definition="Contacts received by the First Response team in the quarter where a decision was recorded within 1 working day.",
            owner="Head of First Response",
            notes={"2016-09": "Three vacancies in the contact team were filled only in mid-September, and contacts from schools peaked at the start of term. A triage rota with Early Help practitioners began in October."}),
        kpi("B02", "% referrals completed within 3 working days", "higher", 90, now=73.8,
            start=65.5, den=1100, key=True,
            definition="Referrals in the quarter where the referral decision was completed within 3 working days.",
            owner="Head of First Response",
            notes={"2016-09": "Improving from 68.9% in Q1, but still below target; the new duty manager role will oversee every referral open for more than 2 days."}),
        kpi("B03", "% repeat referrals", "lower", 20, now=27.5,
            start=24.8, den=1100, key=True, england=22.3, neighbours=21.9,
            definition="Referrals in the quarter for children referred within the previous 12 months, as a % of all referrals.",
            owner="Head of First Response",
            notes={"2016-09": "A case audit of 40 repeat referrals found that half had been closed after assessment without a step-down to Early Help; step-down is now checked by a manager at closure."}),
    ], frequency="quarterly", basis="period"),
    *section("Assessment", [
        kpi("B04", "% children seen during assessment", "higher", 95, now=88.2,
            start=82.0, den=880, key=True,
            definition="Single assessments completed in the quarter where the child was seen by the social worker during the assessment.",
            owner="Head of Children's Social Care Assessment"),
        kpi("B05", "% assessments completed in 45 working days", "higher", 90, now=81.0,
            start=70.2, den=880, key=True, england=83.4, neighbours=84.0,
            definition="Single assessments completed in the quarter within 45 working days of the referral.",
            owner="Head of Children's Social Care Assessment",
            notes={"2016-09": "713 of 880 assessments were completed within 45 working days. Improving, but 9 points below target: the assessment backlog in the Aylesbury Vale team is being cleared by two agency social workers funded until December."}),
    ], frequency="quarterly", basis="period"),
    *section("Children in Need and Child Protection", [
        kpi("B06", "% of children in need (not including CP, CLA) seen in the last 4 weeks", "higher", 90, now=68.4,
            start=61.0, den=1250, key=True,
            definition="Children in need at quarter end (not on a child protection plan or looked after) seen by their social worker in the last 4 weeks.",
            owner="Head of Children in Need and Child Protection",
            notes={"2016-09": "Recording of visits is late in the teams with the most agency staff; visits held but not recorded by the snapshot date are being chased weekly by team managers."}),
        kpi("B07", "% of children in need reviewed in last 3 months (not including Child Protection, Children Looked After)", "higher", 90, now=55.1,
            start=49.0, den=1250, key=True,
            definition="Children in need at quarter end (not on a child protection plan or looked after) whose plan has been reviewed in the last 3 months.",
            owner="Head of Children in Need and Child Protection"),
        kpi("B08", "% of children subject to a Child Protection Plan seen in the last 2 weeks", "higher", 95, now=79.6,
            start=74.8, den=420, key=True,
            definition="Children subject to a child protection plan at quarter end who were seen by their social worker in the last 2 weeks.",
            owner="Head of Children in Need and Child Protection"),
        kpi("B09", "% ICPC held within 15 working days of the strategy discussion", "higher", 85, now=58.3,
            start=52.0, den=96, key=True, england=77.0, neighbours=78.5,
            definition="Initial child protection conferences held in the quarter within 15 working days of the strategy discussion.",
            owner="Head of Safeguarding and Quality Assurance",
            notes={"2016-09": "Conference capacity remains the constraint; two additional Independent Chairs start in November."}),
        kpi("B10", "% of Child Protection Plans reviewed in timescales", "higher", 95, now=97.4,
            start=93.0, den=190, key=True,
            definition="Child protection review conferences held in the quarter within the statutory timescale.",
            owner="Head of Safeguarding and Quality Assurance"),
        kpi("B11", "% of children becoming subject to a Child Protection Plan for a second or subsequent time", "lower", 15, now=12.9,
            start=17.1, den=140, england=17.9, neighbours=16.5,
            definition="Children who became subject to a plan in the quarter and had been subject to a plan before, as a % of all new plans.",
            owner="Head of Safeguarding and Quality Assurance"),
    ], frequency="quarterly", basis="snapshot"),
    *section("Children Looked After", [
        kpi("B12", "% Children Looked After seen in the last 6 weeks", "higher", 95, now=89.0,
            start=84.5, den=450, key=True,
            definition="Children looked after at quarter end who were seen by their social worker in the last 6 weeks.",
            owner="Head of Children in Care"),
        kpi("B13", "% of CLA placed in county", "higher", 60, now=48.1,
            start=50.3, den=450, key=True,
            definition="Children looked after at quarter end placed within the Buckinghamshire county boundary.",
            owner="Head of Placements and Commissioning",
            notes={"2016-09": "Too few in-house foster carers: 61% of placements are with independent fostering agencies, most outside the county. The foster carer recruitment campaign launched in September has had 34 enquiries."}),
        kpi("B14", "% of CLA are placed no more than 20 miles away from home", "higher", 75, now=64.2,
            start=66.8, den=450, key=True,
            definition="Children looked after at quarter end placed no more than 20 miles from the home address they were removed from.",
            owner="Head of Placements and Commissioning"),
        kpi("B15", "% of CLA with an up to date health assessment", "higher", 90, now=92.5,
            start=85.0, den=380,
            definition="Children looked after for 12 months or more at quarter end whose health assessment is up to date.",
            owner="Head of Children in Care"),
        kpi("B16", "% of care leavers in education, employment or training", "higher", 60, now=None,
            start=52.0, den=190,
            definition="Care leavers aged 19 to 21 in education, employment or training at quarter end.",
            owner="Head of Leaving Care",
            notes={"2016-09": "Data unavailable: care leaver records are being moved to the new case management system and the Q2 figure could not be validated in time for this report."}),
    ], frequency="quarterly", basis="snapshot"),
    *section("Workforce", [
        kpi("B17", "% of social work staff supervisions completed", "higher", 95, now=71.3,
            start=64.0, den=230, key=True,
            definition="Social work staff whose monthly supervision was held and recorded in the quarter.",
            owner="Service Director, Children's Social Care",
            notes={"2016-09": "Team managers covering vacant posts have prioritised case work over recording supervision; supervision recording is now part of the weekly performance clinic."}),
    ], frequency="quarterly", basis="period"),
    *section("Education and Learning", [
        kpi("B18", "% of new Education, Health and Care plans issued within 20 weeks", "higher", 70, now=64.0,
            start=38.0, den=75,
            definition="New EHC plans issued in the quarter within 20 weeks of the request for assessment (excluding exceptions).",
            owner="Head of Special Educational Needs"),
        kpi("B19", "% of eligible 2 year olds taking up a funded early education place", "higher", 75, now=None,
            start=66.0, den=1300, basis="snapshot",
            definition="Eligible 2 year olds on the DWP list taking up a funded early education place at the termly headcount.",
            owner="Head of Early Years",
            notes={"2016-09": "Data unavailable: the autumn term headcount is not finalised until November."}),
    ], frequency="quarterly", basis="period"),
]


# =================================================================================================
# Cardiff Council: Children's Services, Quarter 3 2017/18 (seed 003)
# Quarterly, five years (2013-03 to 2017-12); rated with each indicator's own tolerance bands.
# =================================================================================================

CARDIFF_WORKFORCE = "Gweithlu / Workforce"
CARDIFF_ASSESS = "Asesu a Diogelu / Assessment and Safeguarding"
CARDIFF_LAC = "Plant sy'n Derbyn Gofal / Looked After Children"
CARDIFF_DEMAND = "Gwasanaethau Plant / Children's Services"

CARDIFF = [
    *section(CARDIFF_WORKFORCE, [
        kpi("CS-WF1", "Social worker turnover (rolling 12 months)", "lower", 12.0, now=11.4,
            start=17.5, at={"2015-12": 19.8, "2016-12": 15.9}, sd=0.6, basis="rolling12",
            green_band="0", amber_band="3", key=True, compare_with="last_year",
            targets={2012: (18.0,), 2013: (18.0,), 2014: (16.0,), 2015: (16.0,), 2016: (14.0,)},
            definition="Children's social workers (permanent, qualified) leaving in the last 12 months as a % of the average number in post. Management target 2017/18: 12%, set from the 2016/17 outturn (14.2%) less the leavers avoided by the retention payment for experienced social workers (about 5 a year).",
            owner="Operational Manager, Workforce Development",
            forecasts={"2017-12": "likely"},
            notes={"2017-12": "Turnover is the lowest for five years. Exit interviews show the career pathway to Senior Practitioner and the lower caseloads in the new locality teams are the main reasons staff stay."}),
        kpi("CS-WF2", "% social worker vacancies", "lower", 24.0, now=25.9,
            start=29.0, at={"2015-09": 33.4, "2016-12": 27.1}, sd=0.8,
            green_band="0", amber_band="10%", key=True,
            targets={2012: (25.0,), 2013: (25.0,), 2014: (25.0,), 2015: (28.0,), 2016: (25.0,)},
            definition="Vacant social worker posts (FTE, whether or not covered by agency staff) as a % of the establishment at quarter end. Management target 2017/18: 24%, the 2016/17 outturn (26.3%) less the 12 posts expected from the 2017 recruitment campaign and newly qualified intake.",
            owner="Operational Manager, Workforce Development",
            forecasts={"2017-12": "may"},
            notes={"2017-12": "Fourteen newly qualified social workers joined in October from the Cardiff University and Open University programmes; 7 posts in the Intake and Assessment teams remain hard to fill. Expected: 25% by Q4 and 24% by Q1 2018/19."}),
        kpi("CS-WF3", "Number of agency social workers (FTE)", "lower", 40, now=43.0,
            start=38, at={"2015-09": 58, "2016-12": 49}, unit="number", decimals=1, sd=1.5,
            green_band="0", amber_band="10%", key=True,
            targets={2015: (50,), 2016: (45,)}, first="2015-06",
            definition="Agency social workers (FTE) covering vacant or absent posts at quarter end. Management target 2017/18: 40 FTE, the expected vacancies at the target vacancy rate less posts held for newly qualified staff.",
            owner="Operational Manager, Workforce Development",
            forecasts={"2017-12": "may"}),
        kpi("CS-WF4", "Cost of agency social workers in the quarter", "lower", 600000, now=648210,
            start=420000, at={"2015-09": 905000, "2016-12": 760400}, unit="currency", decimals=0, sd=25000,
            green_band="0", amber_band="5%", key=True,
            targets={2015: (850000,), 2016: (700000,)}, first="2015-06",
            definition="Spend on agency social workers in the quarter (£, from invoices and accruals). Management target 2017/18: £2.4m for the year, profiled as £600,000 a quarter, from the 2017/18 budget for agency cover.",
            owner="Operational Manager, Workforce Development",
            forecasts={"2017-12": "unlikely"},
            notes={"2017-12": "Agency cost is £48,210 above the quarterly profile because cover was kept in the Intake and Assessment teams during the rise in contacts. Agency staff are being converted to permanent contracts where they apply; 4 did so in Q3."}),
        kpi("CS-WF5", "Average caseload per social worker", "lower", 18.0, now=17.3,
            start=21.5, unit="number", decimals=1, sd=0.4, green_band="0", amber_band="2",
            definition="Open cases allocated to qualified social workers at quarter end divided by social workers in post (FTE). Management target: 18 cases, the caseload standard agreed with the trade unions in 2016.",
            owner="Assistant Director, Children's Services"),
    ], frequency="quarterly"),
    *section(CARDIFF_ASSESS, [
        kpi("M24", "% of assessments completed for children within statutory timescales", "higher", 90, now=88.6,
            start=72.0, at={"2015-12": 81.0, "2016-12": 86.4}, sd=1.5,
            green_band="0", amber_band="5%", key=True, den=560,
            targets={2012: (80,), 2013: (85,), 2014: (85,), 2015: (88,)},
            definition="Social Services and Well-being (Wales) Act measure 24: assessments for children completed within 42 working days. Before April 2016 the nearest measure was SCC/042a (initial assessments within 7 working days). Management target 2017/18: 90%, the Welsh average in 2016/17 rounded up.",
            owner="Operational Manager, Intake and Assessment",
            forecasts={"2017-12": "may"},
            notes={"2017-12": "Down from 89.9% in Q2 because of the rise in contacts (7,393 in the quarter). Assessments due are tracked daily at the Intake and Assessment huddle, and two social workers have moved from the locality teams until March. Expected: 89% in Q4, reaching 90% in Q1 2018/19."}),
        kpi("M25", "% of children supported to remain living with their family", "higher", 60, now=58.2,
            start=55.0, sd=1.0, green_band="5%", amber_band="10%", den=2400, first="2016-06",
            definition="Measure 25: children with a care and support plan at the end of the quarter who are living with their family. Management target: 60%, the 2016/17 outturn (58.9%) plus the families expected to be supported by the new Family Support Team.",
            owner="Operational Manager, Child Health and Disability"),
        kpi("M27", "% of re-registrations of children on the local authority Child Protection Register", "lower", 6.0, now=5.1,
            start=7.6, sd=0.8, green_band="0", amber_band="1", den=90,
            definition="Measure 27: children registered in the quarter who had been on the register in the previous 12 months (SCC/015 before April 2016). Management target: 6%, below the Welsh average of 6.8% in 2016/17.",
            owner="Operational Manager, Safeguarding"),
        kpi("M28", "Average length of time for all children on the Child Protection Register", "lower", 245, now=253,
            start=238, unit="days", decimals=0, green_band="0", amber_band="10%",
            definition="Measure 28: mean days on the register for children removed from it in the year to date. Management target: 245 days, the five-year average, so that plans are neither ended too early nor allowed to drift.",
            owner="Operational Manager, Safeguarding", basis="ytd"),
    ], frequency="quarterly"),
    *section(CARDIFF_LAC, [
        kpi("M26", "% of looked after children returned home from care during the year", "higher", 12.0, now=8.7,
            start=10.4, at={"2016-12": 9.6, "2015-12": 10.9}, sd=0.9,
            basis="ytd", green_band="0", amber_band="2", key=True, compare_with="last_year", den=780,
            targets={2012: (10.0,), 2013: (10.0,), 2014: (11.0,), 2015: (11.0,), 2016: (12.0,)},
            definition="Measure 26: children looked after during the year who returned home from care in the year to date, as a % of all children looked after in the year. Management target 2017/18: 12%, kept at the 2016/17 level as the Reunification Framework was to be rolled out.",
            owner="Operational Manager, Looked After Children",
            forecasts={"2017-12": "unlikely"},
            notes={"2017-12": "68 children have returned home this year. Court-ordered placements with parents take longer to end than planned. The Reunification Framework is being piloted with 20 families, starting with children in placements at Tŷ Enfys; the target is unlikely to be met this year."}),
        kpi("M33", "% of looked after children who have had 3 or more placements during the year", "lower", 9.0, now=7.9,
            start=9.6, sd=0.6, basis="ytd", green_band="0", amber_band="1", den=780,
            definition="Measure 33: children looked after on the last day of the quarter who have had 3 or more placements in the year to date (SCC/004 before April 2016). Management target: 9%, held at the 2016/17 level, which was better than the Welsh average.",
            owner="Operational Manager, Looked After Children"),
        kpi("CS-LAC1", "% of statutory visits to looked after children held in timescale", "higher", 95, now=93.1,
            start=86.0, sd=1.2, green_band="0", amber_band="5%", den=740,
            definition="Statutory visits to looked after children due in the quarter that were held within the timescale set by the Care Planning, Placement and Case Review (Wales) Regulations 2015. Management target: 95%, allowing for visits that families cancel.",
            owner="Operational Manager, Looked After Children",
            notes={"2017-12": "Visits to children placed out of county in the fortnight before Christmas were missed; all have been rebooked for January."}),
        kpi("CS-LAC2", "% of looked after children reviews held within timescale", "higher", 95, now=96.8,
            start=93.0, sd=1.0, green_band="0", amber_band="5%", den=410,
            definition="Looked after reviews due in the quarter that were held within the statutory timescale. Management target: 95%, allowing for reviews moved at the request of the young person.",
            owner="Independent Reviewing Service Manager"),
        kpi("M34a", "% of care leavers in education, training or employment 12 months after leaving care", "higher", 60, now=52.4,
            start=48.0, sd=2.0, green_band="0", amber_band="10", den=60,
            definition="Measure 34a: young people who left care 12 months ago and are in education, training or employment. Welsh-medium places, for example at Ysgol Gymraeg Pen-y-Pŵll, count as education. Management target: 60%, the top quartile of Welsh authorities in 2016/17.",
            owner="Personal Adviser Team Manager",
            notes={"2017-12": "Two care leavers started Welsh-medium childcare apprenticeships this term, with placements at Ysgol Gymraeg Pen-y-Pŵll. The Bright Start traineeships are now offered to every care leaver at their pathway plan review."}),
    ], frequency="quarterly"),
    *section(CARDIFF_DEMAND, [
        activity("CS-A1", "Wellbeing Contacts / Referrals received", 6000, 7000, 7393,
                 start=5150, at={"2016-12": 6480}, sd=220, basis="period", compare_with="last_year",
                 definition="Contacts and referrals about a child's wellbeing received by Children's Services in the quarter, from all sources (police, education, health, the public). Before April 2016: referrals only.",
                 owner="Operational Manager, Intake and Assessment",
                 notes={"2017-12": "Police notifications of domestic abuse rose by a quarter in October to December, as they did a year ago; 7,393 contacts is the highest quarterly figure on record. Cyfeiriadau / referrals in Welsh were 41."}),
        activity("CS-A2", "Wellbeing Assessments completed", 450, 650, 554,
                 start=480, sd=30, basis="period",
                 definition="Wellbeing assessments completed in the quarter (excluding provision of Advice and Assistance, which the measure 24 count includes).",
                 owner="Operational Manager, Intake and Assessment"),
        activity("CS-A3", "Number of looked after children", 680, 800, 781,
                 start=640, sd=8,
                 definition="Children looked after by Cardiff Council at quarter end.",
                 owner="Operational Manager, Looked After Children"),
    ], frequency="quarterly"),
]


# =================================================================================================
# Kent County Council: Customer and Communities dashboard, data to end of June 2013 (seed 004)
# KPIs (target and floor) beside activity indicators (expected range); monthly, quarterly, annual
# and rolling-12-month figures. No KPI is Red at June 2013; four were Red at March 2013 against the
# 2012/13 targets, which were reset in the 2013/14 business plans.
# =================================================================================================

KENT_CC = [
    *section("Customer Services", [
        kpi("CS01", "% of calls to Contact Point answered", "higher", 95, 90, 96.2,
            start=93.5, at={"2013-03": 95.4}, sd=0.8, basis="period", key=True,
            definition="Calls offered to Contact Point (the KCC contact centre) in the month that were answered.",
            owner="Head of Customer Services"),
        kpi("CS02", "% of Contact Point calls answered within 20 seconds", "higher", 80, 70, 77.5,
            start=72.0, at={"2013-03": 76.1}, sd=2.0, basis="period",
            definition="Calls answered by Contact Point in the month within 20 seconds of the caller joining the queue.",
            owner="Head of Customer Services"),
        kpi("CS03", "% of complaints responded to within 20 working days", "higher", 85, 75, 88.0,
            start=80.0, at={"2013-03": 86.2}, sd=2.0, basis="ytd",
            definition="Complaints to Customer and Communities services closed in the year to date within 20 working days.",
            owner="Head of Customer Relations"),
    ], frequency="monthly"),
    *section("Libraries, Registration and Archives", [
        kpi("LR01", "Library visitor numbers", "higher", 6300000, 6000000, 6442000,
            start=6985000, at={"2012-03": 6860000, "2013-03": 6512000}, unit="number", decimals=0, sd=12000,
            basis="rolling12", key=True,
            targets={2011: (7000000, 6800000), 2012: (6900000, 6700000)},
            definition="Visits to Kent libraries in the last 12 months (door counts), including mobile libraries.",
            owner="Head of Libraries, Registration and Archives",
            notes={"2013-03": "Visits continued to fall, in line with the national trend, and are below the floor standard for 2012/13.",
                   "2013-06": "Within the 2013/14 target, which reflects the expectation that visits will not rise and may fall to some degree."}),
        kpi("LR02", "Library book issues", "higher", 6000000, 5700000, 5968000,
            start=6790000, at={"2012-03": 6550000, "2013-03": 6055000}, unit="number", decimals=0, sd=12000,
            basis="rolling12", key=True,
            targets={2011: (6800000, 6500000), 2012: (6600000, 6300000)},
            definition="Items issued by Kent libraries in the last 12 months, excluding e-books and renewals.",
            owner="Head of Libraries, Registration and Archives",
            notes={"2013-03": "Issues fell by 7.6% in 2012/13, more than the 5% fall across the South East.",
                   "2013-06": "Slightly below the reset target; the summer reading challenge is expected to lift issues in July and August."}),
        kpi("LR03", "% of births registered within 42 days", "higher", 98, 95, 98.4,
            start=97.1, at={"2013-03": 98.1}, sd=0.5, basis="ytd",
            definition="Births registered in the year to date within the statutory 42 days.",
            owner="Head of Libraries, Registration and Archives"),
        kpi("LR04", "% of deaths registered within 5 days", "higher", 92, 85, 90.3,
            start=88.0, at={"2013-03": 91.0}, sd=1.0, basis="ytd",
            definition="Deaths registered in the year to date within 5 days (excluding those referred to the Coroner).",
            owner="Head of Libraries, Registration and Archives"),
    ], frequency="monthly"),
    *section("Drug and Alcohol Action Team", [
        kpi("DA01", "% of opiate users in treatment who completed it successfully", "higher", 8.0, 6.5, 8.4,
            start=6.9, at={"2013-03": 7.6}, sd=0.2, basis="rolling12", first="2012-04",
            definition="Opiate users leaving treatment in the last 12 months free of dependence and not returning within 6 months, as a % of all opiate users in treatment (NDTMS).",
            owner="Kent Drug and Alcohol Action Team Manager"),
        kpi("DA02", "% of non-opiate users in treatment who completed it successfully", "higher", 40, 35, 38.9,
            start=36.5, at={"2013-03": 38.0}, sd=0.6, basis="rolling12", first="2012-04",
            definition="Non-opiate users leaving treatment in the last 12 months free of dependence and not returning within 6 months, as a % of all non-opiate users in treatment (NDTMS).",
            owner="Kent Drug and Alcohol Action Team Manager"),
    ], frequency="monthly"),
    *section("Youth Offending Service", [
        kpi("YO01", "Young offenders in education, employment and training", "higher", 65, 60, 66.2,
            start=72.4, at={"2012-06": 71.0, "2012-09": 70.2, "2012-12": 68.1, "2013-03": 63.5}, sd=1.0,
            key=True, targets={2011: (75, 70), 2012: (75, 70)},
            definition="Young people with a closed youth justice order in the quarter who were in full-time education, employment or training at the end of the order.",
            owner="Head of Youth Offending Service",
            notes={"2013-03": "Below the floor: fewer college places for young people starting orders mid-year, and reduced Connexions support.",
                   "2013-06": "Improved on last year as the new approach (an EET worker in each YOS team) takes effect; still closely monitored."}),
        kpi("YO02", "Young offenders in suitable accommodation", "higher", 93, 88, 91.2,
            start=95.5, at={"2012-06": 94.0, "2012-09": 93.1, "2012-12": 92.6, "2013-03": 89.7}, sd=0.6,
            key=True, targets={2011: (95, 92), 2012: (95, 92)},
            definition="Young people with a closed youth justice order in the quarter who were in suitable accommodation at the end of the order.",
            owner="Head of Youth Offending Service",
            notes={"2013-03": "Below the floor: six 16 and 17 year olds were in bed and breakfast at the end of their order.",
                   "2013-06": "Improved with the joint protocol with district housing teams for 16 and 17 year olds; closely monitored."}),
        kpi("YO03", "First time entrants to the youth justice system (rolling 12 months)", "lower", 620, 700, 581,
            start=890, at={"2013-03": 605}, unit="number", decimals=0, sd=12, basis="rolling12",
            definition="Young people aged 10 to 17 receiving their first reprimand, final warning or conviction in the last 12 months (Police National Computer).",
            owner="Head of Youth Offending Service"),
    ], frequency="quarterly"),
    *section("Community Learning and Skills", [
        kpi("CL01", "Adult learners satisfied with their course", "higher", 90, 85, 91.4,
            start=88.1, at={"2012-03": 89.6}, sd=0, basis="period",
            definition="Learners responding to the end-of-course survey who were satisfied or very satisfied with their course, for the academic year reported at the end of the business year.",
            owner="Head of Community Learning and Skills"),
        kpi("CL02", "Adult learners achieving their learning goals", "higher", 88, 84, 87.2,
            start=85.0, at={"2012-03": 86.3}, sd=0, basis="period",
            definition="Learning aims completed and achieved as a % of learning aims started (success rate, Skills Funding Agency definition).",
            owner="Head of Community Learning and Skills"),
        kpi("CL03", "Residents satisfied with the library service", "higher", 90, 85, 92.0,
            start=89.0, at={"2012-03": 90.5}, sd=0, basis="period", group="Libraries, Registration and Archives",
            definition="Respondents to the KCC residents' tracker survey who use libraries and were satisfied with the service.",
            owner="Head of Libraries, Registration and Archives"),
    ], frequency="annual"),
    *section("Activity", [
        activity("AC01", "Visits to the KCC web-site", 1000000, 1200000, 1348000,
                 start=880000, at={"2013-03": 1195000}, sd=25000, basis="period",
                 definition="Visits to kent.gov.uk in the month (web analytics, excluding staff on the KCC network).",
                 owner="Head of Digital Services"),
        activity("AC02", "Calls to Contact Point", 140000, 165000, 128600,
                 start=168000, at={"2013-03": 142500}, sd=3500, basis="period",
                 definition="Calls offered to Contact Point in the month.",
                 owner="Head of Customer Services"),
        activity("AC03", "Number of births registered", 1350, 1600, 1486,
                 start=1450, sd=60, basis="period",
                 definition="Births registered in Kent register offices in the month.",
                 owner="Head of Libraries, Registration and Archives"),
        activity("AC04", "Library e-book issues", 8000, 12000, 11240,
                 start=2100, sd=400, basis="period",
                 definition="E-books and e-audiobooks borrowed from the Kent libraries online service in the month.",
                 owner="Head of Libraries, Registration and Archives"),
        activity("AC05", "Visits to Kent country parks", 1000000, 1200000, 1092000,
                 start=1150000, sd=8000, basis="rolling12",
                 definition="Visits to the nine KCC country parks in the last 12 months (car park counts and people counters).",
                 owner="Head of Country Parks"),
    ], frequency="monthly"),
    *section("Activity", [
        activity("AC06", "Adult education enrolments", 34000, 40000, 37210,
                 start=39400, at={"2012-03": 38150}, sd=0, basis="period",
                 definition="Enrolments on Kent Adult Education courses in the business year.",
                 owner="Head of Community Learning and Skills"),
    ], frequency="annual"),
]


# =================================================================================================
# Kent County Council: Families and Social Care dashboard for Specialist Children's Services,
# 2012/13 year end (seed 000). Monthly figures with a year-to-date figure beside them ("the latest
# available month and a year to date figure"), rolling 12 month figures, and the year out-turn for
# 2012/13. Rated by target and floor (minimum standard).
# =================================================================================================

KENT_SCS_2013 = [
    *section("Referral and Assessment", [
        kpi("SC01", "% of referrals with a previous referral within 12 months", "lower", 25, 30, 27.1,
            start=31.5, sd=1.2, basis="period", with_ytd=True, rate_on="ytd", den=1450, key=True,
            definition="Referrals in the month for children with a previous referral in the 12 months before, as a % of all referrals in the month; rated on the year to date.",
            owner="Head of Service, Central Referral Unit"),
        kpi("SC02", "% of initial assessments completed within 10 working days", "higher", 80, 70, 74.6,
            start=62.0, sd=2.0, basis="period", with_ytd=True, rate_on="ytd", den=1200, key=True,
            definition="Initial assessments completed in the month within 10 working days of referral; rated on the year to date.",
            owner="Assistant Director, Children's Social Services"),
        kpi("SC03", "% of core assessments completed within 35 working days", "higher", 75, 65, 77.3,
            start=58.0, sd=2.5, basis="period", with_ytd=True, rate_on="ytd", den=520,
            definition="Core assessments completed in the month within 35 working days of starting; rated on the year to date.",
            owner="Assistant Director, Children's Social Services"),
    ]),
    *section("Child Protection", [
        kpi("SC04", "% of child protection plans lasting 2 years or more", "lower", 6, 8, 5.4,
            start=7.9, sd=0.5, basis="rolling12", den=900,
            definition="Child protection plans ended in the last 12 months that had lasted 2 years or more.",
            owner="Head of Safeguarding"),
        kpi("SC05", "% of children becoming subject to a child protection plan for a second time", "lower", 13, 16, 14.2,
            start=15.8, sd=0.6, basis="rolling12", den=1100, key=True,
            definition="Children who became subject to a plan in the last 12 months and had been subject to a plan before.",
            owner="Head of Safeguarding"),
        kpi("SC06", "% of child protection cases reviewed within timescale", "higher", 100, 95, 98.4,
            start=94.0, sd=0.8, basis="period", with_ytd=True, rate_on="ytd", den=320,
            definition="Child protection review conferences due in the month that were held within timescale; rated on the year to date.",
            owner="Head of Safeguarding"),
    ]),
    *section("Children in Care", [
        kpi("SC07", "% of children in care with 3 or more placements in 12 months", "lower", 10, 12, 10.6,
            start=12.8, sd=0.4, den=1700, key=True,
            definition="Children in care at month end who have had 3 or more placements in the last 12 months (NI 62).",
            owner="Head of Children in Care"),
        kpi("SC08", "% of looked after children reviews held within timescale", "higher", 95, 90, 96.1,
            start=88.5, sd=1.0, basis="period", with_ytd=True, rate_on="ytd", den=420,
            definition="Looked after children reviews due in the month that were held within timescale; rated on the year to date.",
            owner="Head of Children in Care"),
        kpi("SC09", "Average days between entering care and moving in with an adoptive family", "lower", 639, 700, 682,
            start=790, unit="days", decimals=0, sd=12, basis="rolling12",
            definition="For children adopted in the last 12 months, the mean number of days from entering care to moving in with their adoptive family.",
            owner="Head of Adoption"),
    ]),
    *section("Workforce", [
        kpi("SC10", "% of qualified social worker posts filled by permanent staff", "higher", 85, 75, 78.5,
            start=68.0, sd=1.5, den=560,
            definition="Qualified social worker posts (FTE) at month end filled by permanent staff.",
            owner="Head of Workforce Development"),
    ]),
    *section("Activity", [
        activity("SA01", "Number of referrals to children's social care", 1200, 1600, 1385,
                 start=1520, sd=70, basis="period",
                 definition="Referrals accepted by Specialist Children's Services in the month.",
                 owner="Head of Service, Central Referral Unit"),
        activity("SA02", "Number of children in care", 1650, 1850, 1742,
                 start=1590, sd=10,
                 definition="Children looked after by Kent County Council at month end (including unaccompanied asylum seeking children).",
                 owner="Head of Children in Care"),
        activity("SA03", "Number of children subject to a child protection plan", 1000, 1300, 1148,
                 start=1310, sd=15,
                 definition="Children subject to a child protection plan at month end.",
                 owner="Head of Safeguarding"),
    ]),
]


def add_ytd(specs: list[Spec], values: list[dict]) -> None:
    """A year-to-date figure beside each month's value: the mean of the year's months so far."""
    wanted = {s.id: s for s in specs if s.with_ytd}
    months: dict[tuple[str, int], list[float]] = {}
    for row in values:
        spec = wanted.get(row["id"])
        if spec is None or row.get("cohort") or row.get("value", "") == "":
            continue
        so_far = months.setdefault((row["id"], year_start(row["period"])), [])
        so_far.append(float(row["value"]))
        row["ytd"] = text(sum(so_far) / len(so_far), spec.decimals)


def write_kent_2013(folder: Path) -> None:
    """Seed 000's data, with its ytd and rate_on columns, and Appendix B (a small real PDF)."""
    indicators, values = tables(KENT_SCS_2013, "2013-03", {"monthly": "2011-04"})
    add_ytd(KENT_SCS_2013, values)
    rate_on = () if "rate_on" in INDICATOR_COLUMNS else ("rate_on",)
    for row, spec in zip(indicators, KENT_SCS_2013):
        row["rate_on"] = spec.rate_on or "value"
    write_csv(folder / "indicators.csv", (*INDICATOR_COLUMNS, *rate_on), indicators)
    write_csv(folder / "values.csv", (*VALUE_COLUMNS, "ytd"), values)
    write_business_plan_reports(folder / "appendix-b-business-plan-reports.pdf")


BUSINESS_PLANS = {
    "Specialist Children's Services": [
        "The Improvement Plan's first-year actions were completed: the Central Referral Unit opened in "
        "October 2012 and every district team now has a practice development manager.",
        "Initial assessments within 10 working days rose through the year; core assessments within 35 "
        "working days met their target from December.",
        "Recruitment brought the share of posts filled by permanent social workers from 68% to 78%.",
    ],
    "Strategic Commissioning": [
        "Fostering and residential placement frameworks were re-let for children's services.",
        "Commissioning for adults' services (outside this Committee's remit) is reported for completeness.",
    ],
}


def write_business_plan_reports(path: Path) -> None:
    """Appendix B: the 2012/13 end of year business plan reports, a short tagged PDF.

    It is made with reportgen's own tagged-PDF layer (the scorecard's), so that the
    sample pack is accessible all through, as a council's own appendices should be.
    """
    from datetime import date, datetime, timezone

    from reportlab.lib.styles import ParagraphStyle

    from reportgen.model import PaperFacts
    from reportgen.periods import Period
    from reportgen.render.pdf_tags import Para, Tag, list_item
    from reportgen.render.scorecard_cells import BOLD, FONT
    from reportgen.render.scorecard_doc import build
    from reportgen.render.scorecard_pdf import register_fonts

    register_fonts()
    title = "2012/13 end of year business plan reports"
    facts = PaperFacts(
        council="Kent County Council", committee="Social Care and Public Health Cabinet Committee",
        meeting_date=date(2013, 6, 12), title=title, period=Period(2013, 3), period_label="2012/13",
        author="Families and Social Care", created=datetime(2013, 6, 12, tzinfo=timezone.utc),
        appendix_letter="B", appendix_title=title)
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14, spaceAfter=6)
    h1 = ParagraphStyle("h1", body, fontName=BOLD, fontSize=16, leading=20, spaceAfter=10)
    h2 = ParagraphStyle("h2", body, fontName=BOLD, fontSize=12, leading=16, spaceBefore=8)
    heading = Para(f"Appendix B: {title}", h1, "H1")
    heading.outline = (heading.text, 0)  # a bookmark for each heading
    story = [heading]
    for division, points in BUSINESS_PLANS.items():
        story.append(Para(division.replace("&", "&amp;"), h2, "H2"))
        story[-1].outline = (division, 1)
        bullets = Tag("L")
        story += [Para(f"• {point}", body, list_item(bullets)) for point in points]
    path.write_bytes(build(facts, story, tagged=True))


# --- the five datasets -----------------------------------------------------------------------------

def main(out: Path = DATA) -> None:
    """Write every sample dataset under ``out`` (data/ by default)."""
    write_folder(out / "kent-scs-2017-06", *tables(KENT_SCS, "2017-04", {"monthly": "2015-04"}))
    write_folder(out / "bucks-cscl-2016-12", *tables(BUCKS, "2016-09", {"quarterly": "2014-06"}))
    # Kent 2013's annual figures end at 2012/13 (2013-03): the 2013/14 surveys are not done yet.
    write_folder(out / "kent-cc-2013-09", *tables(
        KENT_CC, "2013-06", {"monthly": "2011-04", "quarterly": "2011-06", "annual": "2011-03"}))
    indicators, values = tables(CARDIFF, "2017-12", {"quarterly": "2013-03"})
    write_workbook(out / "cardiff-cyp-2018-03" / "data.xlsx", {
        "indicators": (INDICATOR_COLUMNS, indicators), "values": (VALUE_COLUMNS, values),
    }, datetime(2018, 3, 7))
    write_kent_2013(out / "kent-scs-2013-06")
    print(f"wrote sample data under {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA)
