"""A ranking of entities by score, compact enough to keep several of a million entities.

The service keeps each whole-dataset centrality ranking in its analytics cache (hundreds of
thousands of rows on a large graph). As a list of `(id, score, rank)` tuples a row costs
about 190 bytes in CPython (the tuple, a float, an int, the id string and the list slot), so
three rankings of 183k entities held about 100 MB. `Ranking` keeps the ids in one string
(newline-separated, one byte per character for ASCII ids) with their offsets, the scores
and ranks in numpy arrays, and each entity's kind as one byte: about 26 bytes a row plus the
id's characters. It answers what the service asks of a ranking: its length, the rows of a
page in rank order, the first rows of some kinds (`?kinds=`: a mask over the kinds, not an
entity lookup per row, which at a million relationships ran past the request's budget), and
one id's score and rank.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterator, Mapping

import numpy as np
import numpy.typing as npt

from app.vocabulary import Kind

Row = tuple[str, float, int]
SEP = "\n"  # between ids; entity ids are slugs, and a lookup checks the offsets anyway
ARRAY_OVERHEAD = 112  # one numpy array object (`sys.getsizeof` of an empty one, rounded up)
KIND_CODES = {kind.value: code for code, kind in enumerate(Kind)}  # a kind as one byte
UNKNOWN_KIND = 255  # an id whose kind was not given


class Ranking:
    """Entities by score descending; ties share the rank of the first of them and are
    ordered by id (competition ranking: 1, 2, 2, 4).

    Examples
    --------
    >>> r = Ranking.of({"b": 0.5, "a": 0.5, "c": 0.9, "d": 0.123456789}, precision=8)
    >>> len(r), r.rows(0, 3)
    (4, [('c', 0.9, 1), ('a', 0.5, 2), ('b', 0.5, 2)])
    >>> r.find("d"), r.find("e")
    ((0.12345679, 4), None)
    >>> kinds = {"a": "Company", "b": "Municipality", "c": "Company", "d": "Person"}
    >>> Ranking.of({"b": 0.5, "a": 0.5, "c": 0.9, "d": 0.1}, kinds=kinds).of_kinds({"Company", "Person"}, 2)
    ([('c', 0.9, 1), ('a', 0.5, 2)], 3)
    """

    __slots__ = ("_ids", "_kinds", "_ranks", "_scores", "_starts")

    def __init__(self, ids: list[str], scores: npt.NDArray[np.float64], kinds: npt.NDArray[np.uint8] | None = None):
        """`ids` in rank order with their `scores` (descending, ties by id) and, where known,
        their kinds (`KIND_CODES`, in the same order)."""
        self._ids = SEP.join(ids) + SEP  # each id is followed by SEP
        lengths = np.fromiter((len(i) + 1 for i in ids), dtype=np.int64, count=len(ids))
        self._starts = np.zeros(len(ids) + 1, dtype=np.int64)  # id k is _ids[_starts[k]:_starts[k+1] - 1]
        np.cumsum(lengths, out=self._starts[1:])
        self._scores = scores
        self._kinds = kinds
        # A row's rank is its position (from 1) unless it ties the row before: then that row's rank.
        positions = np.arange(1, len(ids) + 1, dtype=np.int64)
        first_of_tie = np.ones(len(ids), dtype=bool)
        first_of_tie[1:] = scores[1:] != scores[:-1]
        self._ranks = np.maximum.accumulate(np.where(first_of_tie, positions, 0)) if len(ids) else positions

    @classmethod
    def of(
        cls, values: Mapping[str, float], precision: int | None = None, kinds: Mapping[str, str] | None = None
    ) -> Ranking:
        """The ranking of `values` (entity id → score), each score first rounded to
        `precision` decimals (Python's `round`, and -0.0 made 0.0) when given; with `kinds`
        (entity id → kind), the ranking can be filtered by kind (`of_kinds`)."""
        ids = sorted(values)
        scores = np.fromiter(
            (values[i] if precision is None else round(float(values[i]), precision) + 0.0 for i in ids),
            dtype=np.float64,
            count=len(ids),
        )
        # A stable sort by descending score keeps the id order among ties.
        order = np.argsort(-scores, kind="stable")
        codes = None
        if kinds is not None:
            codes = np.fromiter(
                (KIND_CODES.get(kinds.get(ids[k], ""), UNKNOWN_KIND) for k in order), dtype=np.uint8, count=len(ids)
            )
        return cls([ids[k] for k in order], scores[order], codes)

    def __len__(self) -> int:
        return len(self._scores)

    def _id(self, k: int) -> str:
        return self._ids[int(self._starts[k]) : int(self._starts[k + 1]) - 1]

    def rows(self, start: int, stop: int) -> list[Row]:
        """The rows from position `start` up to `stop` (clipped to the ranking), in rank order."""
        start, stop = max(start, 0), min(stop, len(self))
        if start >= stop:
            return []
        scores: list[float] = self._scores[start:stop].tolist()
        ranks: list[int] = self._ranks[start:stop].tolist()
        return [(self._id(k), scores[k - start], ranks[k - start]) for k in range(start, stop)]

    def of_kinds(self, kinds: Collection[str], limit: int) -> tuple[list[Row], int]:
        """The first `limit` rows (in rank order, their ranks in the whole ranking) of the
        entities of `kinds`, and how many entities of those kinds are ranked."""
        if self._kinds is None:
            raise ValueError("this ranking was built without the entities' kinds")
        codes = [KIND_CODES[kind] for kind in kinds if kind in KIND_CODES]
        positions = np.flatnonzero(np.isin(self._kinds, codes))
        picked: list[int] = positions[: max(limit, 0)].tolist()
        return [(self._id(k), float(self._scores[k]), int(self._ranks[k])) for k in picked], len(positions)

    def __iter__(self) -> Iterator[Row]:
        for start in range(0, len(self), 1000):
            yield from self.rows(start, start + 1000)

    def find(self, node: str) -> tuple[float, int] | None:
        """`node`'s score and rank, or None when it is not ranked."""
        text, needle, at = self._ids, node + SEP, 0
        while (at := text.find(needle, at)) != -1:
            k = int(np.searchsorted(self._starts, at))  # an id starting at `at`, if one does
            if k < len(self) and self._starts[k] == at:
                return float(self._scores[k]), int(self._ranks[k])
            at += 1  # a match inside a longer id
        return None

    @property
    def nbytes(self) -> int:
        """Bytes this ranking holds: its string and its arrays, as CPython and numpy count them."""
        arrays = (self._starts, self._scores, self._ranks, *([] if self._kinds is None else [self._kinds]))
        return sys.getsizeof(self._ids) + sum(a.nbytes + ARRAY_OVERHEAD for a in arrays) + ARRAY_OVERHEAD
