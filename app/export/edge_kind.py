"""The edge kind Gephi keeps parallel edges apart by.

Gephi merges two edges between the same pair of nodes unless they differ in *kind* (GEXF
edge `kind`, GraphML edge `label`, the `Kind` column of a spreadsheet import): merged, they
keep one label, sum their weights and lose one of their periods. The relationship type is the
kind, so Gephi's edge-type filter shows our types. Two relationships of the same type between
the same pair (Viborg facilitated Grundfos twice, in different periods) would still merge, so
the second one's kind is `FACILITATED (2)`. The pair is ordered for directed types and
unordered for symmetric ones, which Gephi imports as undirected edges.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from app.model import Relationship


def gephi_kinds(rels: Iterable[Relationship]) -> dict[str, str]:
    """Relationship id → its edge kind, unique among the relationships joining the same pair.

    Relationships are numbered in the order given (the snapshot's id order, so the same data
    gives the same kinds).

    Examples
    --------
    >>> from app.dates import PartialDate as P
    >>> rels = [Relationship("a", "FUNDED", "b", start=P(1998)), Relationship("a", "FUNDED", "b", start=P(2005)),
    ...         Relationship("b", "FUNDED", "a"), Relationship("b", "PARTNER_OF", "a", start=P(2001)),
    ...         Relationship("a", "PARTNER_OF", "b", start=P(2010))]
    >>> list(gephi_kinds(rels).values())
    ['FUNDED', 'FUNDED (2)', 'FUNDED', 'PARTNER_OF', 'PARTNER_OF (2)']
    """
    seen: Counter[tuple[str, str, str]] = Counter()
    kinds: dict[str, str] = {}
    for r in rels:
        ends = sorted((r.source, r.target)) if r.symmetric else (r.source, r.target)
        key = (ends[0], ends[1], r.type)
        seen[key] += 1
        kinds[r.id] = r.type if seen[key] == 1 else f"{r.type} ({seen[key]})"
    return kinds
