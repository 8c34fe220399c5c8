"""What a query keeps: a time window and relationship types, and entities to avoid."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.dates import DAY_MAX, DAY_MIN, PartialDate
from app.errors import InvalidParameter
from app.model import Relationship
from app.vocabulary import REL_TYPE_NAMES, Kind


@dataclass(frozen=True)
class RelFilter:
    """Relationships in force during [first, last] and of the given types (None: all).

    `as_of=2016` becomes the window 2016-01-01..2016-12-31 (a date keeps its precision),
    so a relationship dated 2016 is in force "as of 2016", as is one ending in March 2016.
    A relationship is admitted when its effective period (`Relationship.period`) meets
    the window: from its start, or where no source dates the start, from its earliest
    attestation ("attested": not counted before a source says it held); to its end, or
    open. Relationships neither dated nor attested ("undated") have an open period and
    are admitted by every window; each answer says which it is in `dating`.
    """

    first: dt.date = DAY_MIN
    last: dt.date = DAY_MAX
    types: frozenset[str] | None = None

    @classmethod
    def build(
        cls,
        as_of: str | None = None,
        start: str | None = None,
        end: str | None = None,
        types: list[str] | None = None,
    ) -> RelFilter:
        """Parse query parameters into a filter, raising `InvalidParameter` naming the field."""
        if as_of and (start or end):
            raise InvalidParameter("as_of", "give either as_of or a from/to window, not both")
        first, last = DAY_MIN, DAY_MAX
        if as_of:
            day = parse_date("as_of", as_of)
            first, last = day.first_day, day.last_day
        if start:
            first = parse_date("from", start).first_day
        if end:
            last = parse_date("to", end).last_day
        if first > last:
            raise InvalidParameter("to", f"the window ends ({end}) before it starts ({start})")
        return cls(first, last, parse_types(types))

    @property
    def is_all_time(self) -> bool:
        return self.first == DAY_MIN and self.last == DAY_MAX

    def bounds(self) -> tuple[str | None, str | None]:
        """The window's first and last day as ISO dates, None where it is open."""
        return (
            None if self.first == DAY_MIN else self.first.isoformat(),
            None if self.last == DAY_MAX else self.last.isoformat(),
        )

    def admits(self, rel: Relationship) -> bool:
        return rel.period.overlaps(self.first, self.last) and (self.types is None or rel.type in self.types)


def split_values(items: list[str] | tuple[str, ...] | None) -> list[str]:
    """Values of a repeatable parameter that may also be comma-separated, in order, trimmed.

    Examples
    --------
    >>> split_values(["Company, Region", "Project"])
    ['Company', 'Region', 'Project']
    """
    return [v.strip() for item in items or () for v in item.split(",") if v.strip()]


def parse_date(field: str, value: str) -> PartialDate:
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        raise InvalidParameter(field, str(exc)) from None


def parse_types(types: list[str] | None) -> frozenset[str] | None:
    """Relationship type names, checked against the vocabulary (comma lists allowed)."""
    if not types:
        return None
    names = {t.upper() for t in split_values(types)}
    unknown = sorted(names - set(REL_TYPE_NAMES))
    if unknown:
        raise InvalidParameter(
            "types", f"unknown relationship type(s) {', '.join(unknown)}", allowed=list(REL_TYPE_NAMES)
        )
    return frozenset(names)


def check_range(field: str, value: int, low: int, high: int) -> int:
    """`value`, if it lies in [low, high]; else `InvalidParameter` naming the field."""
    if not low <= value <= high:
        raise InvalidParameter(field, f"must be between {low} and {high}, got {value}")
    return value


def parse_kinds(kinds: list[str] | None) -> frozenset[Kind] | None:
    """Entity kinds, checked against the vocabulary (comma lists and any case allowed)."""
    if not kinds:
        return None
    names = set(split_values(kinds))
    lookup = {k.value.lower(): k for k in Kind}
    unknown = sorted(n for n in names if n.lower() not in lookup)
    if unknown:
        raise InvalidParameter("kinds", f"unknown kind(s) {', '.join(unknown)}", allowed=[k.value for k in Kind])
    return frozenset(lookup[n.lower()] for n in names)
