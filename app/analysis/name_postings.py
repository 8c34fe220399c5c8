"""Posting lists for the embedded name index: which keys hold a trigram, which words lie
within a few edits of a word.

`Postings` maps strings to integer ids in two flat numpy arrays (the strings' hashes,
sorted, and the ids beside them) instead of a dict of lists: ~12 bytes an entry rather than
~100, so the index of 100k relationships' names costs tens of MB, not hundreds. A hash can
collide, so what it finds is a superset: callers check each candidate against the string
itself.

Two kinds of entries are posted. A key's trigrams find the keys that may contain a query
of three letters or more (every key containing it holds all its trigrams; the rarest one's
list is read). A word's deletion variants find the words within `k` edits of a query word
(the symmetric-deletion method: two strings within `k` substitutions, insertions,
deletions or swaps of neighbours become equal after at most `k` deletions from each), so a
typo search reads a few lists instead of comparing every word.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

GRAM = 3
IntT = TypeVar("IntT", bound=np.integer[Any])


def trigrams(text: str) -> set[str]:
    """The distinct substrings of three characters of `text`.

    Examples
    --------
    >>> sorted(trigrams("arhus"))
    ['arh', 'hus', 'rhu']
    """
    return {text[i : i + GRAM] for i in range(len(text) - GRAM + 1)}


def deletions(word: str, k: int) -> set[str]:
    """`word` and every string made from it by deleting at most `k` of its characters.

    Examples
    --------
    >>> sorted(deletions("abc", 1))
    ['ab', 'abc', 'ac', 'bc']
    """
    found, layer = {word}, {word}
    for _ in range(k):
        layer = {w[:i] + w[i + 1 :] for w in layer for i in range(len(w))}
        found |= layer
    return found


def distinct(values: npt.NDArray[IntT]) -> npt.NDArray[IntT]:
    """The values once each, sorted: `numpy.unique` by sorting (numpy 2's hashing unique
    took ~2 ms for a few thousand ids, ten times the sort).

    Examples
    --------
    >>> distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


class Postings:
    """Ids by string, as sorted hashes beside their ids (read with `numpy.searchsorted`)."""

    def __init__(self, texts: list[str], ids: list[int]):
        hashes = np.fromiter(map(hash, texts), dtype=np.int64, count=len(texts))
        order = np.argsort(hashes, kind="stable")
        self._hashes: npt.NDArray[np.int64] = hashes[order]
        self._ids: npt.NDArray[np.int32] = np.array(ids, dtype=np.int32)[order]

    @classmethod
    def of(cls, posted: Iterable[tuple[int, Iterable[str]]]) -> Postings:
        """Each id posted under each of its strings."""
        texts: list[str] = []
        ids: list[int] = []
        for i, strings in posted:
            before = len(texts)
            texts.extend(strings)
            ids.extend([i] * (len(texts) - before))
        return cls(texts, ids)

    @property
    def nbytes(self) -> int:
        return int(self._hashes.nbytes + self._ids.nbytes)

    def _span(self, text: str) -> tuple[int, int]:
        h = np.int64(hash(text))
        return int(np.searchsorted(self._hashes, h, "left")), int(np.searchsorted(self._hashes, h, "right"))

    def count(self, text: str) -> int:
        """How many ids `text` (or a string of the same hash) is posted with."""
        lo, hi = self._span(text)
        return hi - lo

    def ids(self, texts: Iterable[str]) -> npt.NDArray[np.int32]:
        """The ids posted with any of `texts`, once each (a superset: hashes may collide)."""
        spans = [self._span(text) for text in texts]
        return distinct(np.concatenate([self._ids[lo:hi] for lo, hi in spans] or [self._ids[:0]]))
