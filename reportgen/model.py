"""The plain data that flows between the pipeline stages.

load (data.py) -> Dataset; score (scoring.py) -> ScoreSet; compose -> Report.
Everything here is immutable and free of I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from .periods import Period

Kind = Literal["kpi", "activity"]
Polarity = Literal["higher", "lower"]

KINDS = ("kpi", "activity")
POLARITIES = ("higher", "lower")
UNITS = ("percent", "number", "days", "rate", "currency")
FREQUENCIES = ("monthly", "quarterly", "annual")
BASES = ("snapshot", "ytd", "rolling12", "period")
FORECASTS = ("likely", "may", "unlikely")
COMPARE_WITH = ("previous", "last_year")

# Statuses, in the words a paper prints.
GREEN, AMBER, RED = "Green", "Amber", "Red"
NO_DATA, NO_TARGET = "No data", "No target"
WITHIN, ABOVE, BELOW = "Within range", "Above range", "Below range"
# A cohort variant of an activity indicator with no range of its own: the range was set for the whole measure.
NO_RANGE = "Not rated (range is for the whole measure)"
KPI_STATUSES = (GREEN, AMBER, RED, NO_DATA, NO_TARGET)
ACTIVITY_STATUSES = (WITHIN, ABOVE, BELOW, NO_DATA, NO_RANGE)
RAG = (GREEN, AMBER, RED)

# Directions of travel.
IMPROVED, DECLINED, NO_CHANGE = "Improved", "Declined", "No change"
INCREASED, DECREASED = "Increased", "Decreased"


@dataclass(frozen=True)
class Band:
    """A tolerance either side of a target: ``5%`` of the target, or ``2`` units."""

    amount: float
    relative: bool

    @classmethod
    def parse(cls, text: str) -> Band:
        raw = text.strip()
        relative = raw.endswith("%")
        number = raw.rstrip("%").strip()
        try:
            amount = float(number)
        except ValueError:
            raise ValueError(
                f"'{text}' is not a band; write a percentage of the target (e.g. 5%) "
                "or an amount in the indicator's unit (e.g. 2)"
            ) from None
        if amount < 0:
            raise ValueError(f"'{text}' is negative; a band is a tolerance of 0 or more")
        return cls(amount, relative)

    def __str__(self) -> str:
        text = f"{self.amount:g}"
        return f"{text}%" if self.relative else text


@dataclass(frozen=True)
class Rule:
    """A RAG rule by tolerance bands: Green within ``green``, Amber within ``amber``."""

    green: Band = Band(0.0, False)
    amber: Band | None = None

    @classmethod
    def parse(cls, text: str) -> Rule:
        """Read ``green=0,amber=10%`` (either part may be left out)."""
        parts: dict[str, Band] = {}
        for item in filter(None, (p.strip() for p in text.split(","))):
            name, sep, value = item.partition("=")
            name = name.strip().lower()
            if not sep or name not in ("green", "amber"):
                raise ValueError(f"'{item}' is not part of a rule; write e.g. green=0,amber=10%")
            parts[name] = Band.parse(value)
        return cls(parts.get("green", Band(0.0, False)), parts.get("amber"))

    def __str__(self) -> str:
        text = f"green={self.green}"
        return f"{text},amber={self.amber}" if self.amber else text


@dataclass(frozen=True)
class Indicator:
    """One row of the indicators table, validated."""

    id: str
    name: str
    group: str = ""
    kind: Kind = "kpi"
    polarity: Polarity | None = None
    unit: str = "number"
    decimals: int = 0
    frequency: str = "monthly"
    basis: str = "snapshot"
    target: float | None = None
    floor: float | None = None
    green_band: Band | None = None
    amber_band: Band | None = None
    expected_low: float | None = None
    expected_high: float | None = None
    key: bool = False
    definition: str = ""
    owner: str = ""
    england: float | None = None
    neighbours: float | None = None
    compare_with: str = "previous"
    rate_on: str = "value"  # which figure the status is judged on: "value" (the period's) or "ytd"
    order: int = field(default=0, compare=False)  # position in the source, so output keeps the author's order


@dataclass(frozen=True)
class Observation:
    """One row of the values table: an indicator's figure for one period (and cohort)."""

    id: str
    period: Period
    value: float | None
    cohort: str = ""
    numerator: float | None = None
    denominator: float | None = None
    target: float | None = None
    floor: float | None = None
    commentary: str = ""
    forecast: str = ""
    ytd: float | None = None  # the year-to-date figure beside the period's own value, where the data has one
    expected_low: float | None = None  # this row's own expected range (a cohort of an activity indicator)
    expected_high: float | None = None
    row: int = field(default=0, compare=False)  # the spreadsheet row it came from, for messages


@dataclass(frozen=True)
class Dataset:
    """Indicators and their values, as loaded and validated from one source."""

    indicators: tuple[Indicator, ...]
    observations: tuple[Observation, ...]
    sources: tuple[str, ...] = ()  # the files read, for messages and the manifest
    indicator_source: str = "indicators"  # how messages name the indicators table
    value_source: str = "values"  # how messages name the values table
    warnings: tuple = field(default=(), compare=False)  # errors.Problem: what loaded but deserves a look (an encoding guessed)

    @property
    def latest_period(self) -> Period | None:
        periods = [o.period for o in self.observations if o.value is not None]
        return max(periods) if periods else None


@dataclass(frozen=True)
class Point:
    """One period of an indicator's history."""

    period: Period
    value: float | None
    target: float | None = None
    floor: float | None = None


@dataclass(frozen=True)
class Score:
    """An indicator (or one cohort of it) rated for the reporting period."""

    indicator: Indicator
    cohort: str
    period: Period  # the indicator's own period that the report shows
    value: float | None
    target: float | None
    floor: float | None
    status: str
    rule: str  # how the status was reached: "floor", "bands green=0,amber=10%", "target", "range"
    comparator_period: Period | None
    previous_value: float | None
    direction: str
    forecast: str
    forecast_given: bool  # True when the data said so, False when derived from the status
    previous_period: Period | None
    previous_status: str
    commentary: str = ""
    numerator: float | None = None
    denominator: float | None = None
    history: tuple[Point, ...] = ()  # oldest first, up to and including ``period``
    # The thresholds the status was judged against, in the indicator's unit (None when not rated):
    # Green at or beyond ``green_from``, Amber at or beyond ``amber_from``, Red otherwise.
    green_from: float | None = None
    amber_from: float | None = None
    ytd: float | None = None  # the year-to-date figure for ``period``, where the data has one
    outturn: float | None = None  # the figure rated on, at the end of the last complete financial year
    outturn_period: Period | None = None  # that year's last month (its label: "2012/13")
    # An activity indicator's expected range as applied: the row's own, else the indicator's (None for a KPI).
    expected_low: float | None = None
    expected_high: float | None = None

    @property
    def id(self) -> str:
        return self.indicator.id

    @property
    def is_rated(self) -> bool:
        return self.status in RAG

    @property
    def period_label(self) -> str:
        return self.period.label(self.indicator.frequency)


@dataclass(frozen=True)
class Summary:
    """Counts for the reporting period, over the whole measures (cohort variants left out)."""

    period: Period
    status_counts: dict[str, int]
    direction_counts: dict[str, int]
    group_counts: dict[str, dict[str, int]]
    rated: int  # Green + Amber + Red
    no_data: int
    kpis: int
    activities: int


@dataclass(frozen=True)
class ScoreSet:
    """Every indicator scored for one reporting period."""

    period: Period
    scores: tuple[Score, ...]
    summary: Summary
    warnings: tuple[str, ...] = field(default=())

    @property
    def measures(self) -> tuple[Score, ...]:
        """The whole measures: one per indicator, cohort variants left out."""
        return tuple(s for s in self.scores if not s.cohort)

    @property
    def cohort_variants(self) -> tuple[Score, ...]:
        return tuple(s for s in self.scores if s.cohort)


@dataclass(frozen=True)
class Run:
    """A stretch of text with one emphasis."""

    text: str
    bold: bool = False
    italic: bool = False
    lang: str = ""  # a BCP 47 tag when the run's language is not the paper's, e.g. "cy-GB" for Welsh


@dataclass(frozen=True)
class Block:
    """A paragraph or a bullet of narrative: boilerplate or generated text."""

    runs: tuple[Run, ...]
    bullet: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class PaperFacts:
    """What every rendered part of a paper states about its meeting."""

    council: str
    committee: str
    meeting_date: date
    title: str  # the report's title or subject
    period: Period  # the reporting period
    period_label: str  # "April 2017", "Q3 2017/18"
    author: str  # for document metadata
    created: datetime  # fixed build timestamp: same input, same bytes
    appendix_letter: str = "A"
    language: str = "en-GB"
    draft: bool = False  # a working copy (--draft): every page says DRAFT
    appendix_title: str = ""  # the scorecard appendix's own title (meeting.yaml appendices[].title), for its page headers


# --- the composed cover report (compose.py builds it; render/docx.py lays it out) ---


@dataclass(frozen=True)
class Quote(Block):
    """A quoted passage (e.g. from the constitution): indented, never numbered."""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of a report section, numbered and styled as the house style says.

    ``style`` is ``body``, ``bullet``, ``quote`` or ``heading`` (a sub-heading
    such as Green / Amber / Red under a section).
    """

    runs: tuple[Run, ...]
    number: str = ""  # "1.1", "2. (1)", "(2)", "17"; "" when not numbered
    style: str = "body"

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Chart:
    """A chart as a PNG, with the sentence that says what it shows (its alt text)."""

    png: bytes
    title: str
    alt_text: str
    width_cm: float = 15.0
    # What it draws, so another renderer can redraw it and table its data: an indicator's
    # id for its trend, "status_counts" for the measures by status, "" for anything else.
    source: str = ""


@dataclass(frozen=True)
class Table:
    """A small table of text: one header row, then the rows."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""


@dataclass(frozen=True)
class Section:
    """A headed section of the cover report."""

    key: str
    heading: str
    number: str = ""  # "1." in decimal numbering, "" otherwise
    content: tuple[Paragraph | Chart | Table, ...] = ()


@dataclass(frozen=True)
class HeaderField:
    """One row of the paper's header block: ``To``, ``Subject``, ``Classification`` ..."""

    label: str
    value: str  # lines separated by "\n"
    label_runs: tuple[Run, ...] = ()  # the label as runs when part of it is in another language (bilingual)


@dataclass(frozen=True)
class Report:
    """The whole cover report, every word decided; renderers only lay it out."""

    facts: PaperFacts
    template: str  # path of the .docx template
    house_style: str
    heading: str  # the Title paragraph: "Report to the ...", the council's name
    title_lines: tuple[str, ...]  # lines under the title (Cardiff: committee, date, report title)
    header: tuple[HeaderField, ...]
    front: tuple[Paragraph, ...]  # Summary and Recommendation before the numbered sections
    sections: tuple[Section, ...]
    signatory: tuple[str, ...] = ()  # name, title, date lines (Cardiff)
    classification_notice: str = ""  # the Schedule 12A wording when exempt
    header_text: str = ""  # page header
    footer_text: str = ""  # page footer, before the page number
    heading_runs: tuple[Run, ...] = ()  # the same as runs when part of it is in another language (Welsh)

    @property
    def charts(self) -> tuple[Chart, ...]:
        return tuple(c for s in self.sections for c in s.content if isinstance(c, Chart))
