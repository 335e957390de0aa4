"""Reporting periods, named by the month they end in.

A period is the month its data runs to: a month, a quarter (by its last month)
or a year (by its last month). Labels follow the UK financial year, which runs
April to March: ``Apr 2017``, ``Q1 2017/18`` (April-June 2017), ``2016/17``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FULL_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "annual": 12}
FINANCIAL_YEAR_END_MONTH = 3

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")


@dataclass(frozen=True, order=True)
class Period:
    """The month a period ends in."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``2017-04`` or ``2017-04-30`` (any day of the month is accepted)."""
        match = _PERIOD_RE.match(text.strip())
        if not match:
            raise ValueError(f"'{text}' is not a period; write it as YYYY-MM, e.g. 2017-04")
        year, month, day = int(match[1]), int(match[2]), match[3]
        if not 1 <= month <= 12:
            raise ValueError(f"'{text}' has month {month}; months run 01 to 12")
        if day is not None:
            date(year, month, int(day))  # raises ValueError for 2017-02-30
        return cls(year, month)

    @classmethod
    def from_date(cls, when: date) -> Period:
        return cls(when.year, when.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def index(self) -> int:
        """Months since year 0, so that periods can be subtracted."""
        return self.year * 12 + self.month - 1

    def shift(self, months: int) -> Period:
        index = self.index + months
        return Period(index // 12, index % 12 + 1)

    def months_since(self, other: Period) -> int:
        return self.index - other.index

    @property
    def financial_year_start(self) -> int:
        """The calendar year in which this period's financial year began."""
        return self.year if self.month > FINANCIAL_YEAR_END_MONTH else self.year - 1

    @property
    def financial_year(self) -> str:
        start = self.financial_year_start
        return f"{start}/{(start + 1) % 100:02d}"

    def label(self, frequency: str = "monthly") -> str:
        """The period as a council paper names it."""
        if frequency == "quarterly":
            quarter = (self.month - FINANCIAL_YEAR_END_MONTH - 1) % 12 // 3 + 1
            return f"Q{quarter} {self.financial_year}"
        if frequency == "annual":
            if self.month == FINANCIAL_YEAR_END_MONTH:
                return self.financial_year
            return f"Year to {MONTHS[self.month - 1]} {self.year}"
        return f"{MONTHS[self.month - 1]} {self.year}"

    def in_words(self, frequency: str = "monthly") -> str:
        """The period as a sentence names it: ``April 2017``, ``Q2 2016/17``, ``2016/17``."""
        return self.long_label if frequency == "monthly" else self.label(frequency)

    @property
    def long_label(self) -> str:
        """``April 2017``: the month in full, as the narrative uses it."""
        return f"{FULL_MONTHS[self.month - 1]} {self.year}"

    def quarter_months_label(self) -> str:
        """``October to December 2017``, for the quarter ending in this month."""
        start = self.shift(-2)
        start_year = f" {start.year}" if start.year != self.year else ""
        return f"{FULL_MONTHS[start.month - 1]}{start_year} to {FULL_MONTHS[self.month - 1]} {self.year}"
