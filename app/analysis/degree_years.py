"""Degree centrality year by year from one count of the whole graph, not a graph per year.

A centrality history asks, for each year, an entity's score and rank among the entities
linked that year (`as_of=year`). For degree that needs only how many entities had each
degree that year: the rank is one more than the number with a higher degree (degree
centrality is the degree over n - 1, so the order of degrees is the order of scores, also
after rounding), and n is the number with any. The store counts this once per dataset
version (`history_degree_counts`: intervals of years over which so many entities had a
degree); `DegreeYears` keeps it as a small table (distinct degrees × years where a count
changes), so each history point is a lookup: at a million relationships a year's window
graph cost seconds, and a history of thirty years ran out of the request's budget.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from app.analysis.centrality import PRECISION

Point = tuple[float, int | None, int]  # score, rank (None: no link that year), entities ranked


class DegreeYears:
    """How many entities had each degree in each year, from `(from, to, degree, entities)` rows.

    Examples
    --------
    >>> years = DegreeYears([(2000, 2009, 1, 3), (2005, 9999, 2, 1)])
    >>> years.point(2003, 1), years.point(2006, 2), years.point(2006, 1), years.point(1999, 0)
    ((0.5, 1, 3), (0.66666667, 1, 4), (0.33333333, 2, 4), (0.0, None, 0))
    """

    __slots__ = ("_degrees", "_from_degree", "_starts")

    def __init__(self, rows: Iterable[Sequence[int]]):
        rows = [(int(a), int(b), int(d), int(c)) for a, b, d, c in rows]
        # Columns: the years where some count changes; a year counts as the last such year at or before it.
        self._starts = np.array(sorted({a for a, _, _, _ in rows} | {b + 1 for _, b, _, _ in rows}), dtype=np.int64)
        self._degrees = np.array(sorted({d for _, _, d, _ in rows}), dtype=np.int64)
        counts = np.zeros((len(self._degrees), len(self._starts) + 1), dtype=np.int64)
        for first, last, degree, entities in rows:
            row = int(np.searchsorted(self._degrees, degree))
            counts[row, np.searchsorted(self._starts, first)] += entities
            counts[row, np.searchsorted(self._starts, last + 1)] -= entities
        counts = np.cumsum(counts, axis=1)[:, :-1]  # entities of each degree in each column
        # from_degree[k, j]: entities with a degree of degrees[k] or more in column j; a last row of 0.
        self._from_degree: npt.NDArray[np.int64] = np.zeros((len(self._degrees) + 1, len(self._starts)), np.int64)
        self._from_degree[:-1] = np.cumsum(counts[::-1], axis=0)[::-1]

    def point(self, year: int, degree: int) -> Point:
        """The score, rank and number ranked in `year` of an entity with `degree` neighbours
        that year, as the year's ranking (`app.analysis.ranking`) gives them."""
        column = int(np.searchsorted(self._starts, year, side="right")) - 1
        if column < 0:
            return 0.0, None, 0
        ranked = int(self._from_degree[0, column])
        if degree <= 0 or ranked == 0:
            return 0.0, None, ranked
        higher = int(self._from_degree[int(np.searchsorted(self._degrees, degree, side="right")), column])
        score = degree * (1 / (ranked - 1)) if ranked > 1 else 0.0  # as `app.stores.neo4j_analytics` scales it
        return round(score, PRECISION) + 0.0, higher + 1, ranked

    @property
    def nbytes(self) -> int:
        """Bytes the table holds (its arrays)."""
        arrays = (self._starts, self._degrees, self._from_degree)
        return sum(a.nbytes for a in arrays) + 3 * 112
