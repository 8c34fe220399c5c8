"""Time-respecting chains of relationships.

A chain r1, …, rk is time-respecting when there are days t1 ≤ … ≤ tk with each ti inside
ri's period: it only uses a link while (or once) it was in place. The earliest such days
are found greedily: ti = max(t(i-1), first day of ri), which must not pass ri's last day.

A link's period is its effective one (`Relationship.period`): a link no source dates the
start of counts from its earliest attestation, and an undated one from any day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from app.dates import DAY_MIN
from app.model import Relationship


def advance(t: dt.date, rel: Relationship) -> dt.date | None:
    """The earliest day ≥ t on which `rel` is in force, or None if it ended before t.

    Examples
    --------
    >>> from app.dates import PartialDate as D
    >>> r = Relationship("a", "PARTNER_OF", "b", start=D.parse("2010"), end=D.parse("2012"))
    >>> advance(dt.date(2005, 1, 1), r)
    datetime.date(2010, 1, 1)
    >>> advance(dt.date(2013, 1, 1), r) is None
    True
    """
    t = max(t, rel.period.first)
    return t if t <= rel.period.last else None


def earliest_days(rels: Iterable[Relationship]) -> list[dt.date] | None:
    """The earliest days t1 ≤ … ≤ tk for the chain, or None if it is not time-respecting."""
    t, days = DAY_MIN, []
    for rel in rels:
        nxt = advance(t, rel)
        if nxt is None:
            return None
        t = nxt
        days.append(t)
    return days
