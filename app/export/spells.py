"""When each element is there on a timeline: the spells of the dynamic GEXF and the Timeset of the CSV.

A relationship is there for its effective period (a year date stands for the whole year);
an entity for the union of its relationships' periods, or always when one of them is
undated (or it has none).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from app.dates import DAY_MAX, DAY_MIN
from app.model import Relationship

Interval = tuple[dt.date, dt.date]
MERGE_AT = 8  # an entity's intervals are merged once this many pile up, so they stay few


def edge_interval(rel: Relationship) -> Interval | None:
    """The days a relationship is in force (from its start or earliest attestation), or None
    when it is neither dated nor attested (always in force)."""
    if not (rel.dated or rel.attested):
        return None
    return rel.period.first, rel.period.last


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Intervals merged where they overlap or touch.

    Examples
    --------
    >>> d = dt.date
    >>> merge([(d(2003, 1, 1), d(2003, 12, 31)), (d(1998, 1, 1), d(2001, 12, 31)), (d(2002, 1, 1), d(2002, 6, 1))])
    [(datetime.date(1998, 1, 1), datetime.date(2002, 6, 1)), (datetime.date(2003, 1, 1), datetime.date(2003, 12, 31))]
    """
    out: list[Interval] = []
    for first, last in sorted(intervals):
        if out and (first <= out[-1][1] or (out[-1][1] < DAY_MAX and first == out[-1][1] + dt.timedelta(days=1))):
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out


def node_intervals(rels: Iterable[Relationship]) -> dict[str, list[Interval] | None]:
    """Each entity's spells: the merged intervals of its relationships (None: always there).

    Read in one pass; an entity's intervals are merged every `MERGE_AT`, so memory follows
    the number of entities and their separate spells, not the number of relationships.
    """
    spans: dict[str, list[Interval] | None] = {}
    for rel in rels:
        interval = edge_interval(rel)
        for node in (rel.source, rel.target):
            if interval is None:
                spans[node] = None
                continue
            held = spans.setdefault(node, [])
            if held is not None:
                held.append(interval)
                if len(held) >= MERGE_AT:
                    spans[node] = merge(held)
    return {node: merge(iv) if iv is not None else None for node, iv in spans.items()}


def gephi_interval_set(intervals: list[Interval] | None) -> str:
    """Intervals in the form Gephi's spreadsheet import reads as a Timeset ("" when always there).

    Examples
    --------
    >>> d = dt.date
    >>> gephi_interval_set([(d(1998, 1, 1), d(2001, 12, 31)), (d(2004, 1, 1), DAY_MAX)])
    '<[1998-01-01, 2001-12-31]; [2004-01-01, Infinity]>'
    >>> gephi_interval_set(None)
    ''
    """
    if not intervals:
        return ""
    bounds = (
        f"[{'-Infinity' if first == DAY_MIN else first.isoformat()}, {'Infinity' if last == DAY_MAX else last.isoformat()}]"
        for first, last in intervals
    )
    return "<" + "; ".join(bounds) + ">"
