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
from collections.abc import Iterable, Iterator

from app.model import Relationship


def with_gephi_kinds(rels: Iterable[Relationship]) -> Iterator[tuple[Relationship, str]]:
    """Each relationship with its edge kind, unique among the relationships joining the same pair.

    Relationships are numbered in the order given, which must be the export order (source id,
    then id): there, parallel relationships of a directed type follow each other, so one
    remembered key finds them; symmetric ones may come from either end, so their pairs are
    counted (memory grows with the symmetric relationships only).

    Examples
    --------
    >>> from app.dates import PartialDate as P
    >>> rels = [Relationship("a", "FUNDED", "b", start=P(1998)), Relationship("a", "FUNDED", "b", start=P(2005)),
    ...         Relationship("a", "PARTNER_OF", "b", start=P(2010)), Relationship("b", "FUNDED", "a"),
    ...         Relationship("b", "PARTNER_OF", "a", start=P(2001))]
    >>> [kind for _, kind in with_gephi_kinds(rels)]
    ['FUNDED', 'FUNDED (2)', 'PARTNER_OF', 'FUNDED', 'PARTNER_OF (2)']
    """
    last: tuple[str, str, str] | None = None
    run = 0
    symmetric: Counter[tuple[str, str, str]] = Counter()
    for r in rels:
        if r.symmetric:
            low, high = sorted((r.source, r.target))
            symmetric[(low, high, r.type)] += 1
            n = symmetric[(low, high, r.type)]
        else:
            key = (r.source, r.target, r.type)
            run = run + 1 if key == last else 1
            last, n = key, run
        yield r, r.type if n == 1 else f"{r.type} ({n})"
