"""How numbers and lists read in a council paper. Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NO_DATA_TEXT = "No data"
_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def rounded(value: float, decimals: int) -> Decimal:
    """The value as it is displayed: rounded half up, never banker's rounding.

    Going through ``repr`` gives the shortest decimal that is the float, so
    80.05 rounds to 80.1 as a reader expects, not to 80.0.
    """
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _grouped(value: float, decimals: int) -> str:
    number = rounded(value, decimals)
    if number == 0:
        number = abs(number)  # no "-0.0"
    return f"{number:,.{decimals}f}"


def format_value(value: float | None, unit: str, decimals: int) -> str:
    """``85.3%``, ``1,234``, ``12.5 days``, ``£1.2m``; ``No data`` for a missing value."""
    if value is None:
        return NO_DATA_TEXT
    if unit == "percent":
        return f"{_grouped(value, decimals)}%"
    if unit == "days":
        text = _grouped(value, decimals)
        return f"{text} day" if text == "1" else f"{text} days"
    if unit == "currency":
        return format_currency(value, decimals)
    return _grouped(value, decimals)


def format_currency(value: float, decimals: int = 0) -> str:
    """Pounds as papers write them: ``£950``, ``£12,400``, ``£1.2m``."""
    sign = "-" if value < 0 else ""
    amount = abs(value)
    if amount >= 1_000_000:
        return f"{sign}£{_grouped(amount / 1_000_000, max(decimals, 1))}m"
    return f"{sign}£{_grouped(amount, decimals)}"


def number_words(n: int) -> str:
    """Numbers under ten in words, larger ones in figures (council style)."""
    return _WORDS[n] if 0 <= n < 10 else f"{n:,}"


def join_words(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def plural(n: int, singular: str, many: str | None = None) -> str:
    """``one measure``, ``two measures`` (the number in council style)."""
    word = singular if n == 1 else (many or singular + "s")
    return f"{number_words(n)} {word}"


def capitalised(text: str) -> str:
    """The first letter in capitals, the rest as it is (``str.capitalize`` lowers it)."""
    return text[:1].upper() + text[1:]


def long_date(when: date, *, weekday: bool = False, ordinal: bool = False) -> str:
    """``22 June 2017``; ``Thursday 22 June 2017``; ``7th March 2018``."""
    day = f"{when.day}{_ordinal(when.day)}" if ordinal else str(when.day)
    text = f"{day} {when:%B %Y}"
    return f"{when:%A} {text}" if weekday else text


def _ordinal(day: int) -> str:
    return "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
