"""Partial ISO dates ("1984", "2010-01", "2015-02-23") and the periods they bound.

A date keeps its precision: "2004" stands for the whole of 2004, so a relationship that
starts in 2004 is in force from 2004-01-01 and one that ends in 2004 until 2004-12-31.
Comparisons are made on these widened day bounds.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from app.vocabulary import PRECISIONS

# ASCII digits only: `\d` would also take Arabic-Indic or full-width digits ("٢٠١٦").
_PARTIAL = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")

DAY_MIN = dt.date.min
DAY_MAX = dt.date.max


class BadDate(ValueError):
    """A string that is not a partial ISO date."""


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day.

    Examples
    --------
    >>> d = PartialDate.parse("2004")
    >>> d.precision, d.first_day, d.last_day
    ('year', datetime.date(2004, 1, 1), datetime.date(2004, 12, 31))
    >>> str(PartialDate.parse("2010-02"))
    '2010-02'
    """

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Parse "YYYY", "YYYY-MM" or "YYYY-MM-DD" (also an int year or a date)."""
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        text = str(value).strip()
        m = _PARTIAL.match(text)
        if not m:
            raise BadDate(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD (ASCII digits)")
        year, month, day = (int(g) if g else None for g in m.groups())
        assert year is not None
        try:
            dt.date(year, month or 1, day or 1)
        except ValueError as exc:
            raise BadDate(f"{text!r} is not a real date ({exc})") from None
        if year < 1000:
            raise BadDate(f"{text!r}: the year must have four digits")
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        return PRECISIONS[0 if self.month is None else 1 if self.day is None else 2]

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        if self.day is not None:
            return self.first_day
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
        if self.day is not None:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)


@dataclass(frozen=True)
class Period:
    """The days a relationship is in force; open ends are unbounded."""

    first: dt.date = DAY_MIN
    last: dt.date = DAY_MAX

    @classmethod
    def of(cls, start: PartialDate | None, end: PartialDate | None) -> Period:
        return cls(start.first_day if start else DAY_MIN, end.last_day if end else DAY_MAX)

    def contains(self, day: dt.date) -> bool:
        return self.first <= day <= self.last

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        return self.first <= last and first <= self.last
